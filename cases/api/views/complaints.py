from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.api.renderers import FastJSONRenderer
from enforcement.http import AuthedRequest

from ...complaints import complaint_create, complaint_rematch, complaints_import
from ...labels import complaint_label
from ...models import Complaint
from ...selectors import complaint_get_for, complaints_for, with_raw_match_result
from ..serializers.complaints import (
    BulkInSerializer,
    BulkOutSerializer,
    ComplaintInSerializer,
    ComplaintLabelInSerializer,
    ComplaintLabelSerializer,
    ComplaintSerializer,
)


class ComplaintListCreateView(generics.ListAPIView[Complaint]):
    """Complaints of the towns you work for (GET); record one (POST), matched in the background."""

    request: AuthedRequest
    serializer_class = ComplaintSerializer
    # The list passes stored match results on undecoded (StoredJSON), which these renderers write.
    renderer_classes = [FastJSONRenderer, BrowsableAPIRenderer]

    @extend_schema(parameters=[OpenApiParameter("match_status", str, enum=Complaint.MatchStatus.values)])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Complaint]:
        if getattr(self, "swagger_fake_view", False):
            return Complaint.objects.none()
        status_filter = self.request.query_params.get("match_status", "")
        if status_filter and status_filter not in Complaint.MatchStatus.values:
            status_filter = "-"  # an unknown status lists nothing
        return with_raw_match_result(complaints_for(user=self.request.user, status=status_filter))

    @extend_schema(request=ComplaintInSerializer, responses={201: ComplaintSerializer})
    def post(self, request: AuthedRequest) -> Response:
        data = ComplaintInSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        complaint = complaint_create(actor=request.user, **data.validated_data)
        complaint.refresh_from_db()
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


class ComplaintDetailView(generics.RetrieveAPIView[Complaint]):
    request: AuthedRequest
    serializer_class = ComplaintSerializer

    def get_object(self) -> Complaint:
        return complaint_get_for(user=self.request.user, pk=self.kwargs["pk"])


class ComplaintBulkView(APIView):
    """Record many complaints for one town (e.g. a day of 12345 tickets); a worker matches them in batches."""

    @extend_schema(request=BulkInSerializer, responses={201: BulkOutSerializer})
    def post(self, request: AuthedRequest) -> Response:
        data = BulkInSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        report = complaints_import(
            actor=request.user,
            town=data.validated_data["town"],
            rows=data.validated_data["complaints"],
            source="api",
        )
        return Response(
            {
                "created": len(report.created),
                "ids": report.created,
                "skipped": [{"row": n, "reason": why} for n, why in report.skipped],
            },
            status=status.HTTP_201_CREATED,
        )


class ComplaintRematchView(APIView):
    """Match the complaint again (supervisors), e.g. after the rules changed."""

    @extend_schema(request=None, responses={202: ComplaintSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        complaint = complaint_rematch(
            actor=request.user, complaint=complaint_get_for(user=request.user, pk=pk)
        )
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_202_ACCEPTED)


class ComplaintLabelView(APIView):
    """Say which items the complaint names: confirm or correct the engine (`codes`, one or two), or
    `none_reason` (not_violation, other_body, not_enough_info). Labelling again replaces the label; the audit
    trail keeps the earlier one."""

    @extend_schema(request=ComplaintLabelInSerializer, responses={200: ComplaintLabelSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        complaint = complaint_get_for(user=request.user, pk=pk)
        data = ComplaintLabelInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        label = complaint_label(actor=request.user, complaint=complaint, **data.validated_data)
        return Response(ComplaintLabelSerializer(label).data)
