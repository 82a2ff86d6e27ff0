"""The desk's API: the same selectors and services as the pages. Not visible = 404; not yours to review =
403; a note or the follow-up missing = 400; reviewed by someone else first or not possible from its status =
409 with the sentence saying so."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement import services
from enforcement.access import scope_for
from enforcement.http import AuthedRequest
from enforcement.models import FenceWarning, Unit, User
from enforcement.rules import can_use_desk

from ..selectors import DeskFilters, desk_queue, team_view, warning_get_for
from . import serializers as s


def _require_desk(user: Any) -> None:
    if not can_use_desk(user):
        raise PermissionDenied(_("The desk is for supervisors, the district office and the city."))


def _filters(request: Request) -> DeskFilters:
    params = request.query_params
    errors: dict[str, list[str]] = {}
    status = params.get("status", "") or s.STATUS_FILTER[0]
    if status not in s.STATUS_FILTER:
        errors["status"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(s.STATUS_FILTER)}]
    severity = params.get("severity", "")
    if severity and severity not in FenceWarning.Severity.values:
        errors["severity"] = [
            _("Choose one of: %(values)s.") % {"values": ", ".join(FenceWarning.Severity.values)}
        ]
    dates = {}
    for key in ("since", "until"):
        raw = params.get(key, "")
        try:
            dates[key] = parse_date(raw) if raw else None
        except ValueError:
            dates[key] = None
        if raw and dates[key] is None:
            errors[key] = [_("Give a date as YYYY-MM-DD.")]
    if errors:
        raise ValidationError(errors)
    scope = scope_for(request.user)
    town_id = None
    if params.get("town"):
        town = params["town"][:64]
        units = Unit.objects.filter(district_id__in=scope.district_ids, kind=Unit.Kind.TOWN)
        town_id = units.filter(code=town).values_list("pk", flat=True).first()
        if town_id is None and town.isdigit() and len(town) < 19:
            town_id = units.filter(pk=int(town)).values_list("pk", flat=True).first()
        town_id = town_id if town_id is not None else -1  # matches nothing
    officer_id = None
    if params.get("officer"):
        who = params["officer"][:150]
        officer_id = User.objects.filter(username=who).values_list("pk", flat=True).first()
        if officer_id is None and who.isdigit() and len(who) < 19:
            officer_id = int(who)
        officer_id = officer_id if officer_id is not None else -1
    return DeskFilters(
        status=status,
        rule=params.get("rule", "")[:64],
        officer_id=officer_id,
        town_id=town_id,
        severity=severity,
        since=dates["since"],
        until=dates["until"],
    )


class DeskWarningListView(generics.ListAPIView[FenceWarning]):
    """The desk's queue: open warnings (by default) by severity, then oldest first."""

    serializer_class = s.DeskWarningSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[FenceWarning]:
        if getattr(self, "swagger_fake_view", False):
            return FenceWarning.objects.none()
        _require_desk(self.request.user)
        assert isinstance(self.request.user, User)
        return desk_queue(user=self.request.user, filters=_filters(self.request)).select_related(
            "reason_by", "reviewed_by", "resolved_by"
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=s.STATUS_FILTER, description="Default: open."),
            OpenApiParameter("rule", str, description="A rule's code."),
            OpenApiParameter("officer", str, description="The officer's username (or id)."),
            OpenApiParameter("town", str, description="Town code (or id)."),
            OpenApiParameter("severity", str, enum=FenceWarning.Severity.values),
            OpenApiParameter("since", str, description="Raised on or after this date (YYYY-MM-DD)."),
            OpenApiParameter("until", str, description="Raised on or before this date (YYYY-MM-DD)."),
        ],
        summary="The supervisor's desk: fence warnings to review",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class DeskWarningDetailView(APIView):
    @extend_schema(
        responses=s.DeskWarningSerializer, summary="One fence warning with the facts that raised it"
    )
    def get(self, request: AuthedRequest, pk: int) -> Response:
        _require_desk(request.user)
        return Response(s.DeskWarningSerializer(warning_get_for(user=request.user, pk=pk)).data)


class DeskWarningReviewView(APIView):
    @extend_schema(
        request=s.ReviewInput,
        responses=s.DeskWarningSerializer,
        summary="Review a warning: acknowledged, justified, confirmed (with follow-up), dismissed, resolved",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        _require_desk(request.user)
        warning = warning_get_for(user=request.user, pk=pk)
        data = s.ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        reviewed = services.fence_warning_review(
            actor=request.user,
            warning=warning,
            status=values["outcome"],
            note=values["note"],
            follow_up=values["follow_up"],
        )
        return Response(s.DeskWarningSerializer(warning_get_for(user=request.user, pk=reviewed.pk)).data)


class DeskAcknowledgeView(APIView):
    @extend_schema(
        request=s.AcknowledgeInput,
        responses=s.AcknowledgeResult,
        summary="Acknowledge many open warnings at once (those not open or not yours are skipped)",
    )
    def post(self, request: AuthedRequest) -> Response:
        _require_desk(request.user)
        data = s.AcknowledgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.fence_warnings_acknowledge(
            actor=request.user, warning_ids=data.validated_data["warnings"], note=data.validated_data["note"]
        )
        return Response({"acknowledged": result.acknowledged, "skipped": result.skipped})


class DeskTeamView(APIView):
    @extend_schema(
        responses=s.DeskTeamSerializer,
        summary="The team: every overdue deadline, approvals waiting, warnings by officer",
    )
    def get(self, request: AuthedRequest) -> Response:
        _require_desk(request.user)
        return Response(s.DeskTeamSerializer(team_view(user=request.user)).data)
