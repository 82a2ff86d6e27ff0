"""REST endpoints for the authority list.

Public (no authentication; 公示): items, grants, a town's list as of a date and its history, who_enforces.
Authenticated: adjustments (drafts only for the district's administrators; writes only by them), the usage
evaluation (scoped to the user's towns), imports (administrators).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.access import access_or_404
from enforcement.api.exceptions import ErrorSerializer, flat_messages
from enforcement.http import AuthedRequest
from enforcement.models import District, Unit, User

from ..importing import CatalogFileError, read_catalog
from ..models import Adjustment, AdjustmentLine, AuthorityGrant, EnforcementItem, GrantKind
from ..recovery import adjustment_propose_recovery
from ..rules import can_import_authority, can_manage_authority, can_view_usage, usage_town_ids
from ..selectors import (
    adjustments_visible_to,
    catalog_items,
    district_for,
    grants_active_on,
    town_history,
    town_items_on,
    who_enforces,
)
from ..services import (
    adjustment_approve,
    adjustment_create,
    adjustment_line_add,
    adjustment_line_remove,
    adjustment_reject,
    catalog_import,
)
from ..usage import usage_report
from .serializers import (
    AdjustmentDecisionInputSerializer,
    AdjustmentInputSerializer,
    AdjustmentLineInputSerializer,
    AdjustmentSerializer,
    AuthorityChangeSerializer,
    AuthorityGrantSerializer,
    CatalogImportInputSerializer,
    CatalogImportResultSerializer,
    ItemDetailSerializer,
    ItemSerializer,
    ProposeRecoveryInputSerializer,
    RecoveryProposalSerializer,
    TownListSerializer,
    UsageReportSerializer,
    WhoEnforcesSerializer,
)

ON = OpenApiParameter("on", OpenApiTypes.DATE, description="as of this date (default: today)")
DISTRICT = OpenApiParameter("district", str, description="district code, e.g. 500103")


def _date(request: Request, name: str = "on") -> dt.date:
    text = request.query_params.get(name, "").strip()
    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise BadRequest({name: [f"{text!r} is not a date (YYYY-MM-DD)."]}) from exc


def _district_param(request: Request) -> District | None:
    code = request.query_params.get("district", "")
    if not code:
        return None
    district = District.objects.filter(code=code).first()
    if district is None:
        raise NotFound(f"no district {code!r}")
    return district


def _user(request: Request) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


# --- public -------------------------------------------------------------------------------------------------


@extend_schema(
    summary="Catalog items (public)",
    parameters=[
        DISTRICT,
        OpenApiParameter(
            "q", str, description="search code, names (Chinese/English), conduct and legal basis"
        ),
        OpenApiParameter("domain", str),
        OpenApiParameter("kind", str, enum=GrantKind.values),
        OpenApiParameter("holder", str, enum=["town", "district"]),
        OpenApiParameter("on", OpenApiTypes.DATE, description="only items in the catalog on this date"),
    ],
)
class ItemListView(generics.ListAPIView[EnforcementItem]):
    permission_classes = [AllowAny]
    serializer_class = ItemSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[EnforcementItem]:
        if getattr(self, "swagger_fake_view", False):
            return EnforcementItem.objects.none()
        params = self.request.query_params
        district = _district_param(self.request)
        on = _date(self.request) if params.get("on") else None
        items = catalog_items(
            district=district,
            q=params.get("q", ""),
            domain=params.get("domain", ""),
            kind=params.get("kind", ""),
            held_by=params.get("holder", ""),
            on=on,
        )
        return items.select_related("district", "default_holder").order_by("district__code", "domain", "code")


@extend_schema(summary="One item with its versions (public)")
class ItemDetailView(generics.RetrieveAPIView[EnforcementItem]):
    permission_classes = [AllowAny]
    serializer_class = ItemDetailSerializer
    queryset = EnforcementItem.objects.select_related("district", "default_holder").prefetch_related(
        "versions"
    )


@extend_schema(
    summary="Grants (public): who held what, when",
    parameters=[
        DISTRICT,
        OpenApiParameter("town", str, description="town code"),
        OpenApiParameter("item", str, description="item code"),
        OpenApiParameter("kind", str, enum=GrantKind.values),
        OpenApiParameter(
            "on",
            OpenApiTypes.DATE,
            description="only grants in force on this date (default: all, history included)",
        ),
    ],
)
class GrantListView(generics.ListAPIView[AuthorityGrant]):
    permission_classes = [AllowAny]
    serializer_class = AuthorityGrantSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AuthorityGrant]:
        if getattr(self, "swagger_fake_view", False):
            return AuthorityGrant.objects.none()
        params = self.request.query_params
        grants = AuthorityGrant.objects.select_related("town", "item", "delegating_department")
        district = _district_param(self.request)
        if district is not None:
            grants = grants.filter(item__district=district)
        if params.get("town"):
            grants = grants.filter(town__code=params["town"])
        if params.get("item"):
            grants = grants.filter(item__code=params["item"])
        if params.get("kind"):
            grants = grants.filter(kind=params["kind"])
        if params.get("on"):
            grants = grants.filter(grants_active_on(_date(self.request)))
        return grants.order_by("town__code", "item__code", "valid_from")


def _town(code: str) -> Unit:
    return access_or_404(Unit.objects.select_related("district").filter(kind=Unit.Kind.TOWN), code=code)


class TownListView(APIView):
    """A town's list as of a date (公示), the API twin of the public page."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="A town's list as of a date (public)", parameters=[ON], responses=TownListSerializer
    )
    def get(self, request: Request, code: str) -> Response:
        town = _town(code)
        on = _date(request)
        grants = list(town_items_on(town, on).select_related("town"))
        counts = {k: sum(1 for g in grants if g.kind == k) for k in GrantKind.values}
        return Response(TownListSerializer({"town": town, "on": on, "counts": counts, "items": grants}).data)


class TownHistoryView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="A town's change history, newest first (public)",
        responses=AuthorityChangeSerializer(many=True),
    )
    def get(self, request: Request, code: str) -> Response:
        town = _town(code)
        changes = [
            {
                "on": c.on,
                "change": "granted" if c.started else "ended",
                "kind": c.grant.kind,
                "item": c.grant.item,
                "document": c.document,
                "adjustment": c.adjustment.pk if c.adjustment else None,
            }
            for c in town_history(town)
        ]
        return Response(AuthorityChangeSerializer(changes, many=True).data)


class WhoEnforcesView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Who enforces an item in a town on a date (public)",
        parameters=[
            OpenApiParameter("item", str, required=True, description="item code (or id)"),
            OpenApiParameter("town", str, description="town code; without it, the responsible department"),
            DISTRICT,
            ON,
        ],
        responses=WhoEnforcesSerializer,
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        if not params.get("item"):
            raise BadRequest({"item": ["Give the item code."]})
        town = _town(params["town"]) if params.get("town") else None
        district = town.district if town else _district_param(request)
        items = EnforcementItem.objects.select_related("default_holder")
        if district is not None:
            items = items.filter(district=district)
        key = params["item"]
        matches = list(items.filter(code=key)[:2]) or (
            list(items.filter(pk=int(key))[:1]) if key.isdigit() else []
        )
        if not matches:
            raise NotFound(f"no item {key!r}")
        if len(matches) > 1:
            raise BadRequest(
                {"district": ["Several districts use this code; give the district or the town."]}
            )
        holder = who_enforces(matches[0], town, _date(request))
        data = {
            "item": holder.item,
            "town": holder.town,
            "on": holder.on,
            "town_holds": holder.town_holds,
            "kind": holder.kind,
            "acting_name": holder.acting_name,
            "acting_unit": holder.acting_unit,
            "department": holder.department if holder.department else None,
            "grant": holder.grant,
            "explanation": holder.explain(),
        }
        return Response(WhoEnforcesSerializer(data).data)


# --- adjustments --------------------------------------------------------------------------------------------


def _my_district(request: AuthedRequest) -> District:
    district = district_for(request.user)
    if district is None or request.user.unit is None:
        raise NotFound
    return district


def _adjustment(request: AuthedRequest, pk: int) -> Adjustment:
    return access_or_404(adjustments_visible_to(request.user, _my_district(request)), pk=pk)


class AdjustmentListView(APIView):
    @extend_schema(
        summary="Adjustments of my district (drafts only for its administrators)",
        responses=AdjustmentSerializer(many=True),
    )
    def get(self, request: AuthedRequest) -> Response:
        adjustments = adjustments_visible_to(request.user, _my_district(request)).prefetch_related(
            "lines__item", "lines__town", "lines__delegating_department"
        )
        return Response(AdjustmentSerializer(adjustments, many=True).data)

    @extend_schema(
        summary="Draft an adjustment (district administrators)",
        request=AdjustmentInputSerializer,
        responses={201: AdjustmentSerializer},
    )
    def post(self, request: AuthedRequest) -> Response:
        district = _my_district(request)
        if not can_manage_authority(request.user, district):
            raise PermissionDenied("only a district administrator drafts adjustments")
        data = AdjustmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adjustment = adjustment_create(actor=request.user, district=district, **data.validated_data)
        return Response(AdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)


class AdjustmentDetailView(APIView):
    @extend_schema(summary="One adjustment with its lines", responses=AdjustmentSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return Response(AdjustmentSerializer(_adjustment(request, pk)).data)


class AdjustmentLineListView(APIView):
    @extend_schema(
        summary="Add lines to a draft (one per town)",
        request=AdjustmentLineInputSerializer,
        responses={201: AdjustmentSerializer},
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        adjustment = _adjustment(request, pk)
        data = AdjustmentLineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not can_manage_authority(request.user, adjustment.district_id):
            raise PermissionDenied("only a district administrator edits adjustments")
        item = EnforcementItem.objects.filter(district_id=adjustment.district_id, code=values["item"]).first()
        if item is None:
            raise BadRequest({"item": [f"no item {values['item']!r} in this district"]})
        towns = list(
            Unit.objects.filter(
                district_id=adjustment.district_id, kind=Unit.Kind.TOWN, code__in=values["towns"]
            )
        )
        unknown = sorted(set(values["towns"]) - {t.code for t in towns})
        if unknown:
            raise BadRequest({"towns": [f"no town {', '.join(unknown)} in this district"]})
        department = None
        if values["delegating_department"]:
            department = Unit.objects.filter(
                district_id=adjustment.district_id,
                kind=Unit.Kind.DEPARTMENT,
                code=values["delegating_department"],
            ).first()
            if department is None:
                raise BadRequest(
                    {
                        "delegating_department": [
                            f"no department {values['delegating_department']!r} in this district"
                        ]
                    }
                )
        adjustment_line_add(
            actor=request.user,
            adjustment=adjustment,
            action=values["action"],
            item=item,
            towns=towns,
            kind=values["kind"],
            delegating_department=department,
            scope=values["scope"],
            valid_to=values["valid_to"],
        )
        adjustment.refresh_from_db()
        return Response(AdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)


class AdjustmentLineDetailView(APIView):
    @extend_schema(summary="Remove a line from a draft", responses={204: None})
    def delete(self, request: AuthedRequest, pk: int, line_pk: int) -> Response:
        adjustment = _adjustment(request, pk)
        line = get_object_or_404(
            AdjustmentLine.objects.select_related("item", "town"), pk=line_pk, adjustment=adjustment
        )
        adjustment_line_remove(actor=request.user, line=line)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _decide(request: AuthedRequest, pk: int, decide: Callable[..., Adjustment]) -> Response:
    """Approve or reject a draft with the administrator's note; both answer with the adjustment."""
    adjustment = _adjustment(request, pk)
    data = AdjustmentDecisionInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    adjustment = decide(actor=request.user, adjustment=adjustment, note=data.validated_data["note"])
    return Response(AdjustmentSerializer(adjustment).data)


class AdjustmentApproveView(APIView):
    @extend_schema(
        summary="Approve a draft (district administrators): it applies from its effective date",
        request=AdjustmentDecisionInputSerializer,
        responses=AdjustmentSerializer,
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        return _decide(request, pk, adjustment_approve)


class AdjustmentRejectView(APIView):
    @extend_schema(
        summary="Reject a draft with a reason (district administrators)",
        request=AdjustmentDecisionInputSerializer,
        responses=AdjustmentSerializer,
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        return _decide(request, pk, adjustment_reject)


# --- usage and import ---------------------------------------------------------------------------------------


class ProposeRecoveryView(APIView):
    @extend_schema(
        summary="Propose recovering zombie items (建议收回, district administrators): a draft adjustment",
        request=ProposeRecoveryInputSerializer,
        responses={201: RecoveryProposalSerializer, 200: RecoveryProposalSerializer},
    )
    def post(self, request: AuthedRequest) -> Response:
        district = _my_district(request)
        data = ProposeRecoveryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = adjustment_propose_recovery(
            actor=request.user,
            district=district,
            item_ids=data.validated_data["items"],
            end=data.validated_data.get("on") or timezone.localdate(),
            months=data.validated_data["months"],
        )
        body = RecoveryProposalSerializer(
            {"created": proposal.created, "adjustment": proposal.adjustment}
        ).data
        return Response(body, status=201 if proposal.created else 200)


class UsageView(APIView):
    @extend_schema(
        summary="Usage evaluation: uses per item and town, status (zombie never/idle), whistle demand",
        parameters=[
            ON,
            OpenApiParameter("months", int, description="window in months (default 12)"),
            OpenApiParameter("town", str, description="town code"),
            OpenApiParameter("kind", str, enum=GrantKind.values),
            OpenApiParameter("domain", str),
        ],
        responses=UsageReportSerializer,
    )
    def get(self, request: AuthedRequest) -> Response:
        district = _my_district(request)
        if not can_view_usage(request.user, district):
            raise PermissionDenied("the usage evaluation is for town teams and district administrators")
        allowed = usage_town_ids(request.user, district)
        town_ids = allowed
        if request.query_params.get("town"):
            town = access_or_404(
                Unit.objects.filter(district=district, kind=Unit.Kind.TOWN), code=request.query_params["town"]
            )
            if allowed is not None and town.pk not in allowed:
                raise NotFound
            town_ids = {town.pk}
        try:
            months = int(request.query_params.get("months", "12"))
        except ValueError as exc:
            raise BadRequest({"months": ["a whole number of months"]}) from exc
        if not 1 <= months <= 60:
            raise BadRequest({"months": ["between 1 and 60"]})
        report = usage_report(
            district=district,
            end=_date(request),
            months=months,
            town_ids=town_ids,
            kind=request.query_params.get("kind", ""),
            domain=request.query_params.get("domain", ""),
        )
        return Response(UsageReportSerializer(report).data)


class ImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Import a catalog file into my district (district administrators); all or nothing",
        request={"multipart/form-data": CatalogImportInputSerializer},
        responses={200: CatalogImportResultSerializer, 400: ErrorSerializer},
    )
    def post(self, request: AuthedRequest) -> Response:
        district = _my_district(request)
        if not can_import_authority(request.user, district):
            raise PermissionDenied("only the district administrator imports its catalog")
        data = CatalogImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        towns = request.data.getlist("towns") if hasattr(request.data, "getlist") else values["towns"]
        upload = values["file"]
        try:
            report = catalog_import(
                actor=request.user,
                district_code=district.code,
                rows=read_catalog(upload, upload.name),
                town_codes=towns,
                effective=values["effective"],
                document=values["document"],
                source=upload.name,
            )
        except CatalogFileError as exc:
            errors: dict[str, list[str]] = {}
            for e in exc.errors:
                errors.setdefault(
                    ".".join(str(p) for p in ("rows", e.row, e.column) if p not in ("", None)), []
                ).append(str(e.message))
            return Response(
                {
                    "detail": _("Nothing was imported: %(problems)s")
                    % {"problems": " ".join(flat_messages(errors))},
                    "errors": errors,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            CatalogImportResultSerializer(
                {
                    "district": district.code,
                    "effective": report.effective,
                    "created": report.created,
                    "changed": report.changed,
                    "unchanged": report.unchanged,
                    "grants_created": report.grants_created,
                    "grants_ended": report.grants_ended,
                }
            ).data
        )
