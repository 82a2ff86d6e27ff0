"""The discretion API: list and maintain benchmarks, ask for a recommendation, compare a proposed penalty.

GET    /api/discretion/benchmarks/                  versions of the user's district (?item= ?status= ?domain=
?in_force=1)
POST   /api/discretion/benchmarks/                  new draft for an item {item, source?}
GET    /api/discretion/benchmarks/{id}/             one version with tiers and list rows
PUT    /api/discretion/benchmarks/{id}/             replace a draft's table {scale, tiers, entries, ...}; 400
lists problems
DELETE /api/discretion/benchmarks/{id}/             discard a draft
POST   /api/discretion/benchmarks/{id}/publish/     publish (or confirm a generated default) with its document
POST   /api/discretion/benchmarks/{id}/withdraw/    withdraw a published version
POST   /api/discretion/benchmarks/check/            validate a table without saving
GET    /api/discretion/items/{code}/benchmark/      the version in force (?on=YYYY-MM-DD)
GET    /api/discretion/vocabulary/                  facts, circumstances, levels, lists, penalty kinds
POST   /api/discretion/recommend/                   the recommendation for an item and facts
POST   /api/discretion/deviation/                   the recommendation and how a proposed penalty compares
GET    /api/discretion/export/?file=csv|xlsx      benchmark tables, one row per tier
POST   /api/discretion/import/                      load tables from CSV/XLSX (multipart: file, publish,
dry_run)
POST   /api/discretion/generate-missing/            generated defaults for items without a benchmark
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from authority.models import EnforcementItem
from authority.penalties import PenaltyKind
from enforcement.access import scope_for
from enforcement.api.exceptions import Conflict
from enforcement.http import AuthedRequest
from enforcement.models import District, Subject, User
from enforcement.rules import require
from enforcement.spreadsheets import check_upload_size

from ..inputs import InputError, entry_from_input, fact_values, factor_codes, tier_from_input
from ..models import Benchmark
from ..recommend import Decision, ProposedPenalty, Recommendation, deviation, recommend
from ..rules import can_maintain_district, can_view_benchmarks
from ..selectors import (
    _with_rows,
    benchmark_get_for,
    benchmark_in_force,
    benchmarks_for,
    benchmarks_for_export,
    factor_catalog,
    item_overview,
    items_for,
)
from ..services import (
    BenchmarkInvalid,
    StaleBenchmark,
    benchmark_discard,
    benchmark_draft_create,
    benchmark_publish,
    benchmark_save,
    benchmark_table_import,
    benchmark_withdraw,
    benchmarks_generate_missing,
    check_table,
)
from ..specs import EntrySpec, Facts, PriorViolation, TierSpec
from ..tables import export_response
from ..vocabulary import FACTS, LEVELS_OF_SCALE, Level, ListKind
from .serializers import (
    BenchmarkCheckSerializer,
    BenchmarkErrorSerializer,
    BenchmarkOutSerializer,
    BenchmarkSaveSerializer,
    DeviationInSerializer,
    DeviationOutSerializer,
    DraftCreateSerializer,
    ImportInSerializer,
    ProblemsSerializer,
    PublishSerializer,
    RecommendInSerializer,
    RecommendOutSerializer,
    WithdrawSerializer,
)


def problems_response(exc: BenchmarkInvalid) -> Response:
    """400 in the API's one error shape (`detail`, `errors` per field), with the problems as the table shows
    them."""
    errors: dict[str, list[str]] = {}
    for p in exc.problems:
        where = (
            ".".join(
                str(part)
                for part in (f"{p.section}s" if p.index is not None else "", p.index, p.field)
                if part not in ("", None)
            )
            or "non_field_errors"
        )
        errors.setdefault(where, []).append(p.message)
    return Response(
        {
            "detail": " ".join(p.message for p in exc.problems),
            "errors": errors,
            "problems": [p.as_dict() for p in exc.problems],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def item_for(user: User, ref: str, *, field: str = "") -> EnforcementItem:
    ref = str(ref).strip()
    q = Q(code=ref)
    if ref.isdigit():
        q |= Q(pk=int(ref))
    item = items_for(user=user).filter(q).first()
    if item is None:
        if field:  # named in the body: bad input, as the case and whistle APIs answer it
            raise ValidationError(
                {field: [_("There is no enforcement item “%(value)s”.") % {"value": ref[:64]}]}
            )
        raise NotFound(_("There is no enforcement item “%(value)s”.") % {"value": ref[:64]})
    return item


def user_district(user: User) -> District:
    if user.unit is None:
        raise NotFound("you belong to no district")
    return user.unit.district


def _specs(data: dict[str, Any], item: EnforcementItem) -> tuple[list[TierSpec], list[EntrySpec]]:
    catalog = factor_catalog(item.district_id, item.pk)
    tiers: list[TierSpec] = []
    entries: list[EntrySpec] = []
    errors: dict[str, Any] = {}
    for n, raw in enumerate(data.get("tiers") or []):
        tier, problems = tier_from_input(raw, catalog)
        if problems:
            errors[f"tiers[{n}]"] = problems
        elif tier is not None:  # always, without problems
            tiers.append(tier)
    for n, raw in enumerate(data.get("entries") or []):
        entry, problems = entry_from_input(raw, catalog)
        if problems:
            errors[f"entries[{n}]"] = problems
        elif entry is not None:
            entries.append(entry)
    if errors:
        raise ValidationError(errors)
    return tiers, entries


class BenchmarkListView(generics.ListAPIView[Benchmark]):
    serializer_class = BenchmarkOutSerializer
    filterset_fields: list[str] = []

    @extend_schema(
        parameters=[
            OpenApiParameter("item", str, description="item code"),
            OpenApiParameter("status", str, enum=list(Benchmark.Status.values)),
            OpenApiParameter("domain", str),
            OpenApiParameter("in_force", bool, description="only the version in force today per item"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Benchmark]:
        if getattr(self, "swagger_fake_view", False):
            return Benchmark.objects.none()
        qs = _with_rows(benchmarks_for(user=self.request.user)).order_by("item__code", "-version")
        params = self.request.query_params
        if params.get("item"):
            qs = qs.filter(item__code=params["item"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("domain"):
            qs = qs.filter(item__domain=params["domain"])
        if params.get("in_force") in ("1", "true", "yes"):
            items = items_for(user=self.request.user)
            if params.get("domain"):
                items = items.filter(domain=params["domain"])
            ids = [o["current"]["pk"] for o in item_overview(items) if o["current"]]
            qs = qs.filter(pk__in=ids)
        return qs

    @extend_schema(request=DraftCreateSerializer, responses={201: BenchmarkOutSerializer})
    def post(self, request: AuthedRequest) -> Response:
        data = DraftCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_for(request.user, data.validated_data["item"], field="item")
        source = None
        if data.validated_data.get("source"):
            source = benchmark_get_for(user=request.user, pk=data.validated_data["source"])
        try:
            draft = benchmark_draft_create(actor=request.user, item=item, source=source)
        except BenchmarkInvalid as exc:
            return problems_response(exc)
        except StaleBenchmark as exc:
            raise Conflict() from exc
        return Response(
            BenchmarkOutSerializer(benchmark_get_for(user=request.user, pk=draft.pk)).data, status=201
        )


class BenchmarkDetailView(APIView):
    serializer_class = BenchmarkOutSerializer

    def get(self, request: AuthedRequest, pk: int) -> Response:
        return Response(BenchmarkOutSerializer(benchmark_get_for(user=request.user, pk=pk)).data)

    @extend_schema(
        request=BenchmarkSaveSerializer,
        responses={200: BenchmarkOutSerializer, 400: BenchmarkErrorSerializer},
    )
    def put(self, request: AuthedRequest, pk: int) -> Response:
        benchmark = benchmark_get_for(user=request.user, pk=pk)
        data = BenchmarkSaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tiers, entries = _specs(data.validated_data, benchmark.item)
        try:
            benchmark_save(
                actor=request.user,
                benchmark=benchmark,
                scale=data.validated_data["scale"],
                tiers=tiers,
                entries=entries,
                basis=data.validated_data.get("basis"),
                note=data.validated_data.get("note"),
                expected_updated_at=data.validated_data.get("expected_updated_at"),
            )
        except BenchmarkInvalid as exc:
            return problems_response(exc)
        except StaleBenchmark as exc:
            raise Conflict() from exc
        return Response(BenchmarkOutSerializer(benchmark_get_for(user=request.user, pk=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: AuthedRequest, pk: int) -> Response:
        benchmark = benchmark_get_for(user=request.user, pk=pk)
        try:
            benchmark_discard(actor=request.user, benchmark=benchmark)
        except StaleBenchmark as exc:
            raise Conflict() from exc
        return Response(status=204)


class BenchmarkPublishView(APIView):
    serializer_class = PublishSerializer

    @extend_schema(
        request=PublishSerializer, responses={200: BenchmarkOutSerializer, 400: BenchmarkErrorSerializer}
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        benchmark = benchmark_get_for(user=request.user, pk=pk)
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            benchmark_publish(actor=request.user, benchmark=benchmark, **data.validated_data)
        except BenchmarkInvalid as exc:
            return problems_response(exc)
        except StaleBenchmark as exc:
            raise Conflict() from exc
        return Response(BenchmarkOutSerializer(benchmark_get_for(user=request.user, pk=pk)).data)


class BenchmarkWithdrawView(APIView):
    serializer_class = WithdrawSerializer

    @extend_schema(
        request=WithdrawSerializer, responses={200: BenchmarkOutSerializer, 400: BenchmarkErrorSerializer}
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        benchmark = benchmark_get_for(user=request.user, pk=pk)
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            benchmark_withdraw(actor=request.user, benchmark=benchmark, reason=data.validated_data["reason"])
        except BenchmarkInvalid as exc:
            return problems_response(exc)
        except StaleBenchmark as exc:
            raise Conflict() from exc
        return Response(BenchmarkOutSerializer(benchmark_get_for(user=request.user, pk=pk)).data)


class BenchmarkCheckView(APIView):
    """Validate a table for an item without saving it: 200 with the list of problems (empty when sound)."""

    serializer_class = BenchmarkCheckSerializer

    @extend_schema(request=BenchmarkCheckSerializer, responses={200: ProblemsSerializer})
    def post(self, request: AuthedRequest) -> Response:
        data = BenchmarkCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_for(request.user, data.validated_data["item"], field="item")
        tiers, entries = _specs(data.validated_data, item)
        problems = check_table(item, data.validated_data["scale"], tiers, entries)
        return Response({"problems": [p.as_dict() for p in problems]})


class ItemBenchmarkView(APIView):
    serializer_class = BenchmarkOutSerializer

    @extend_schema(parameters=[OpenApiParameter("on", OpenApiTypes.DATE)])
    def get(self, request: AuthedRequest, code: str) -> Response:
        item = item_for(request.user, code)
        on = (
            serializers.DateField().to_internal_value(request.query_params["on"])
            if request.query_params.get("on")
            else None
        )
        benchmark = benchmark_in_force(item, on)
        if benchmark is None:
            raise NotFound("this item has no benchmark yet; generate a default or write one")
        return Response(BenchmarkOutSerializer(benchmark).data)


class VocabularyView(APIView):
    """The words of a benchmark: facts a condition may test, circumstances with their effect, levels and
    lists."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: AuthedRequest) -> Response:
        district_id = getattr(getattr(request.user, "unit", None), "district_id", None)
        lang = translation.get_language() or "zh-hans"
        return Response(
            {
                "facts": [
                    {
                        "key": f.key,
                        "label": str(f.label),
                        "kind": f.kind,
                        "unit": str(f.unit),
                        "auto": f.auto,
                        "choices": [c for c, _label in f.choices],
                    }
                    for f in FACTS
                ],
                "factors": [
                    {
                        "code": f.code,
                        "name": f.name_for(lang),
                        "name_zh": f.name_zh,
                        "effect": f.effect,
                        "legal_basis": f.legal_basis,
                        "conditions": f.conditions,
                        "auto": f.auto,
                        "local": f.local,
                    }
                    for f in factor_catalog(district_id).values()
                ],
                "scales": {scale: list(levels) for scale, levels in LEVELS_OF_SCALE.items()},
                "levels": {level.value: str(level.label) for level in Level},
                "lists": {kind.value: str(kind.label) for kind in ListKind},
                "penalty_kinds": {kind.value: str(kind.label) for kind in PenaltyKind},
            }
        )


def _facts_from(request: Request, data: dict[str, Any], item: EnforcementItem) -> Facts:
    try:
        values = fact_values(data.get("facts"))
        factors = factor_codes(data.get("factors"), factor_catalog(item.district_id, item.pk))
    except InputError as exc:
        raise ValidationError(exc.errors) from exc
    subject_id = data.get("subject_id")
    if (
        subject_id is not None
        and not Subject.objects.filter(
            pk=subject_id, district_id__in=scope_for(request.user).district_ids
        ).exists()
    ):
        raise ValidationError({"subject_id": ["no such party in your district"]})
    history = data.get("history")
    return Facts(
        on=data.get("on") or timezone.localdate(),
        values=values,
        factors=factors,
        act_date=data.get("act_date"),
        discovered_on=data.get("discovered_on"),
        history=None if history is None else tuple(PriorViolation(**h) for h in history),
        subject_id=subject_id,
        identifier=data.get("identifier") or "",
    )


def recommendation_payload(rec: Recommendation) -> dict[str, Any]:
    """The recommendation as JSON; money as strings of yuan ("350.00"), never floats."""
    data = rec.as_dict()
    data["explanation_zh"] = rec.explain("zh-hans")
    data["explanation_en"] = rec.explain("en")
    data["summary_zh"] = rec.summary("zh-hans")
    data["summary_en"] = rec.summary("en")
    return RecommendOutSerializer(data).data


class RecommendView(APIView):
    """Whether to punish, the tier, penalty kinds, fine range, the circumstances that moved it, and the
    citation."""

    serializer_class = RecommendInSerializer

    @extend_schema(request=RecommendInSerializer, responses={200: RecommendOutSerializer})
    def post(self, request: AuthedRequest) -> Response:
        data = RecommendInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_for(request.user, data.validated_data["item"], field="item")
        rec = recommend(item, _facts_from(request, data.validated_data, item))
        return Response(recommendation_payload(rec))


class DeviationView(APIView):
    """The recommendation and how a proposed penalty compares: inside, lighter, heavier or outside the
    statutory range."""

    serializer_class = DeviationInSerializer

    @extend_schema(request=DeviationInSerializer, responses={200: DeviationOutSerializer})
    def post(self, request: AuthedRequest) -> Response:
        data = DeviationInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_for(request.user, data.validated_data["item"], field="item")
        rec = recommend(item, _facts_from(request, data.validated_data, item))
        proposed = data.validated_data["proposed"]
        unknown = [k for k in proposed["kinds"] if k not in PenaltyKind.values]
        if unknown:
            raise ValidationError({"proposed": [f"unknown penalty kind(s): {', '.join(unknown)}"]})
        result = deviation(
            Decision(
                rec,
                ProposedPenalty(
                    proposed["punish"], tuple(proposed["kinds"]), proposed["fine"], proposed["reason"]
                ),
            )
        )
        payload = result.as_dict()
        payload["delta"] = None if result.delta is None else f"{result.delta:.2f}"
        return Response({"recommendation": recommendation_payload(rec), "deviation": payload})


class ExportView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("file", str, enum=["csv", "xlsx"]),
            OpenApiParameter(
                "which",
                str,
                enum=["current", "published", "draft", "all"],
                description="default: the version in force per item",
            ),
            OpenApiParameter("domain", str),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    def get(self, request: AuthedRequest) -> HttpResponse:
        fmt = request.query_params.get("file", "csv")
        if fmt not in ("csv", "xlsx"):
            raise ValidationError({"file": ["csv or xlsx"]})
        benchmarks = benchmarks_for_export(
            request.user, request.query_params.get("which", "current"), request.query_params.get("domain", "")
        )
        return export_response(benchmarks, fmt)


class ImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportInSerializer

    @extend_schema(
        request={"multipart/form-data": ImportInSerializer},
        responses={
            200: inline_serializer(
                "ImportReport",
                {
                    "ok": serializers.BooleanField(),
                    "dry_run": serializers.BooleanField(),
                    "results": serializers.ListField(child=serializers.DictField()),
                    "errors": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def post(self, request: AuthedRequest) -> Response:
        data = ImportInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        district = user_district(request.user)
        upload = data.validated_data["file"]
        try:
            check_upload_size(upload.size)  # the limit shared by every spreadsheet import
        except DjangoValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        report = benchmark_table_import(
            actor=request.user,
            district=district,
            content=upload.read(),
            filename=upload.name or "upload.csv",
            publish=data.validated_data["publish"],
            dry_run=data.validated_data["dry_run"],
        )
        body = {
            "ok": report.ok,
            "dry_run": report.dry_run,
            "results": report.results,
            "errors": [{"row": e.row, "message": e.message} for e in report.errors],
        }
        return Response(body, status=200 if report.ok else 400)


class GenerateMissingView(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "Generated", {"created": serializers.ListField(child=serializers.CharField())}
            )
        },
    )
    def post(self, request: AuthedRequest) -> Response:
        district = user_district(request.user)
        require(
            can_view_benchmarks(request.user, district.pk)
            and can_maintain_district(request.user, district.pk)
        )
        created = benchmarks_generate_missing(actor=request.user, district=district)
        return Response({"created": [b.item.code for b in created]})
