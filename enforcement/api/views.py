import datetime as dt
from dataclasses import asdict
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .. import clock
from ..access import access_or_404, scope_for
from ..audit_catalog import action_filter
from ..fences import fence_rule
from ..http import AuthedRequest
from ..maps import map_query_from, markers_for
from ..models import AuditEvent, Unit
from ..net import CertificateVerifyThrottle
from ..rules import can_view_audit, can_view_fence_settings, require
from ..selectors import audit_events_for, fence_rule_rows, team_roster, units_visible_to
from ..services import fence_setting_change
from ..verification import certificate_check_by_number
from ..work_cache import work_answer
from .exceptions import ErrorSerializer
from .serializers import (
    AuditEventSerializer,
    CertificateCheckSerializer,
    CertificateVerifyInput,
    FenceRuleSerializer,
    FenceSettingInput,
    FenceSettingSerializer,
    MapMarkersSerializer,
    MeSerializer,
    TeamSerializer,
    UnitSerializer,
)


class MeView(APIView):
    def get(self, request: AuthedRequest) -> Response:
        return Response(MeSerializer(request.user).data)

    serializer_class = MeSerializer


class UnitListView(generics.ListAPIView[Unit]):
    request: AuthedRequest
    serializer_class = UnitSerializer
    filterset_fields = ["kind", "domain"]

    def get_queryset(self) -> QuerySet[Unit]:
        return units_visible_to(self.request.user)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "action", str, description="A catalog name; rows stored under a former name of it are included."
        )
    ]
)
class AuditEventListView(generics.ListAPIView[AuditEvent]):
    request: AuthedRequest
    serializer_class = AuditEventSerializer
    filterset_fields = ["object_type", "object_id"]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        require(
            can_view_audit(self.request.user),
            "only supervisors and district administrators read the audit trail",
        )
        # The rows without their unit and town joined (the page shows those; no field of the API's rows
        # reads them): two model objects a row fewer (issue 18).
        events = audit_events_for(user=self.request.user).select_related(None)
        action = self.request.query_params.get("action", "").strip()
        return events.filter(action_filter(action)) if action else events

    # Held while no row it may show was written or chained: the district's (or the towns' and the own
    # unit's) tokens, which every audit row replaces when written and again when linked (work_cache).
    @work_answer(level="district")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class TokenView(ObtainAuthToken):
    """Exchange username and password for an API token (for scripts). Throttled."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"


class CertificateVerifyView(APIView):
    """Is an officer's certificate valid today? The number and the holder's name must both match (the portal's
    look-up, for apps). Open to everyone, throttled per client address together with the portal's page."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []  # public: no session, so no CSRF and no 401 for a stale token
    throttle_classes = [CertificateVerifyThrottle]

    @extend_schema(
        parameters=[CertificateVerifyInput],
        responses={200: CertificateCheckSerializer, 404: ErrorSerializer, 429: ErrorSerializer},
        summary="Verify an officer's enforcement certificate (执法证) by number and holder's name",
        operation_id="certificates_verify",
    )
    def get(self, request: Request) -> Response:
        given = CertificateVerifyInput(data=request.query_params)
        given.is_valid(raise_exception=True)
        check = certificate_check_by_number(
            given.validated_data["number"], given.validated_data["name"], clock.today()
        )
        if check is None:
            raise NotFound(_("No certificate matches this number and name."))
        return Response(
            CertificateCheckSerializer(
                {**asdict(check), "valid": check.valid, "state_label": check.state_label}
            ).data
        )


class OfficersView(APIView):
    """A town's enforcement team on a date with each officer's certificate (filing a case needs two who may
    act)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "town", str, description="Town code; may be left out when you work for one town only."
            ),
            OpenApiParameter("on", OpenApiTypes.DATE, description="The date (default: today)."),
        ],
        responses={200: TeamSerializer},
        summary="A town's officers and their enforcement certificates (执法证)",
        operation_id="officers_list",
    )
    def get(self, request: AuthedRequest) -> Response:
        user = request.user
        on = request.query_params.get("on", "")
        try:
            day = dt.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise ValidationError({"on": [_("Give a date as YYYY-MM-DD.")]}) from None
        scope = scope_for(user)
        # The towns whose work the user sees: their own (and secondments), or the district's for its
        # administrator.
        visible = Q(district_id__in=scope.district_ids) if scope.district_admin else Q(pk__in=scope.town_ids)
        towns = Unit.objects.filter(visible, kind=Unit.Kind.TOWN)
        code = request.query_params.get("town", "")
        if not code:
            if len(scope.town_ids) != 1 or scope.district_admin:
                raise ValidationError({"town": [_("Choose the town (its code).")]})
            town = Unit.objects.get(pk=next(iter(scope.town_ids)))
        else:
            town = access_or_404(towns, code=code[:40])
        rows = team_roster(unit=town, on=day)
        for row in rows:
            row["may_act"] = row["valid"] and row["user"].is_active
        return Response(TeamSerializer({"town": town, "on": day, "officers": rows}).data)


class FenceRulesView(APIView):
    """The electronic fence rules (电子围栏) of the user's district as they apply today, with each rule's
    defaults and the district's history of settings. District administrators and supervisors."""

    @extend_schema(
        responses={200: FenceRuleSerializer(many=True), 403: ErrorSerializer},
        summary="Fence rules and their settings in the user's district",
        operation_id="fence_rules_list",
    )
    def get(self, request: AuthedRequest) -> Response:
        user = request.user
        require(can_view_fence_settings(user) and user.unit is not None)
        assert user.unit is not None
        rows = fence_rule_rows(district_id=user.unit.district_id, on=timezone.localdate())
        return Response(FenceRuleSerializer(rows, many=True).data)


class FenceSettingView(APIView):
    """Change a rule's setting in the district from a date (district administrators). Audited; the earlier
    settings stay as the rule's history."""

    @extend_schema(
        request=FenceSettingInput,
        responses={
            201: FenceSettingSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Set a fence rule's parameters from a date",
        operation_id="fence_setting_change",
    )
    def post(self, request: AuthedRequest, code: str) -> Response:
        user = request.user
        if fence_rule(code) is None:
            raise NotFound(_("No such rule."))
        data = FenceSettingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if user.unit is None:
            require(False)
        assert user.unit is not None
        setting = fence_setting_change(
            actor=user,
            district=user.unit.district,
            rule=code,
            effective_from=values["effective_from"],
            params=dict(values["params"]),
            enabled=values["enabled"],
            severity=values["severity"],
            note=values["note"],
        )
        return Response(FenceSettingSerializer(setting).data, status=201)


@extend_schema(exclude=True)
class UnknownAddressView(APIView):
    """No API operation has this address (or its id is not a number): 404 in the error shape."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    def handle(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound(_("There is no API address %(path)s.") % {"path": request.path[:200]})

    get = post = put = patch = delete = head = handle


class MapMarkersView(APIView):
    """The town map's markers: cases, whistles and joint inspections with a place, each read through its app's
    scoped selectors (an officer their towns, a department what was sent to it, a district administrator the
    district); at most `limit` newest of each kind."""

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, many=True, description="case, whistle, inspection (default: all)"),
            OpenApiParameter("state", str, enum=["open", "closed"], description="open or closed work only"),
            OpenApiParameter("stage", str, description="one stage as <kind>:<code>, e.g. case:investigating"),
        ],
        responses={200: MapMarkersSerializer},
        summary="Markers of the town map",
        operation_id="map_markers",
    )
    def get(self, request: AuthedRequest) -> Response:
        kinds, query = map_query_from(request.query_params)
        return Response(MapMarkersSerializer(markers_for(user=request.user, kinds=kinds, query=query)).data)
