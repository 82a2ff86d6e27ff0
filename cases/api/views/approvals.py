"""The approvals queue through the API: the same grouping, order and urgency as the page
(`approval.approval_queue`), and archiving several closed cases at once (`approval.cases_archive`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.api.exceptions import invalid_form
from enforcement.deadline_text import deadline_words
from enforcement.http import AuthedRequest

from ... import approval, clock, rules
from ...forms import ArchiveBatchForm
from ..errors import ERRORS
from ..serializers.cases import ApprovalGroupSerializer, ArchiveBatchResultSerializer


class ApprovalQueueView(APIView):
    @extend_schema(
        responses={200: ApprovalGroupSerializer(many=True), 403: ERRORS[403]},
        summary="What waits for your approval, grouped by what is asked, the nearest deadline first",
        operation_id="cases_approvals",
    )
    def get(self, request: AuthedRequest) -> Response:
        if not rules.can_view_approvals(request.user):
            raise PermissionDenied
        today = clock.today()
        groups = approval.approval_queue(user=request.user, today=today)
        data: list[dict[str, Any]] = [
            {
                "stage": g.stage,
                "asked": str(g.asked),
                "batch_archive": g.batch_archive,
                "more": g.more,
                "rows": [
                    {
                        "case": r.case,
                        "label": r.label,
                        "deadline_text": deadline_words(r.case.next_due, r.label, today=today),
                        "urgency": r.urgency,
                    }
                    for r in g.rows
                ],
            }
            for g in groups
        ]
        return Response(ApprovalGroupSerializer(data, many=True).data)


class ApprovalArchiveView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=inline_serializer(
            "ArchiveBatchInput",
            {
                "cases": serializers.ListField(child=serializers.IntegerField(), max_length=100),
                "archive_ref": serializers.CharField(max_length=64),
            },
        ),
        responses={200: ArchiveBatchResultSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        summary="Archive several closed cases; each is archived or refused on its own",
        operation_id="cases_approvals_archive",
    )
    def post(self, request: AuthedRequest) -> Response:
        if not rules.can_view_approvals(request.user):
            raise PermissionDenied
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [_("Send an object with “cases” and “archive_ref”.")]})
        cases = data.getlist("cases") if isinstance(data, QueryDict) else data.get("cases")
        form = ArchiveBatchForm({"cases": cases, "archive_ref": data.get("archive_ref", "")})
        if not form.is_valid():
            raise invalid_form(form)
        result = approval.cases_archive(
            actor=request.user,
            case_ids=form.cleaned_data["cases"],
            archive_ref=form.cleaned_data["archive_ref"],
        )
        return Response(
            ArchiveBatchResultSerializer(
                {"archived": [c.pk for c in result.archived], "refused": result.refused}
            ).data
        )
