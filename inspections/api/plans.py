"""The planning, figures and registry parts of the inspections API: annual plans and their lines, the plan
calendar, the report's figures, and a business's inspection record (profile, ledger). Same services and
selectors as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement import clock
from enforcement.http import AuthedRequest
from enforcement.models import Subject, Unit

from ..models import AnnualPlan, InspectionItem, SubjectProfile
from ..rules import can_view_inspection_report
from ..selectors import (
    inspection_figures,
    ledger_for,
    report_units,
    subject_get_for,
)
from ..selectors.ledger import visits_per_business
from ..selectors.plans import annual_plan_get_for, annual_plans_for, plan_calendar, plan_entries
from ..services import plans as plan_services
from . import plan_serializers as s
from .views import _district_id, _named


def _plan_detail(plan: AnnualPlan, code: int = status.HTTP_200_OK) -> Response:
    data = dict(s.AnnualPlanSerializer(plan).data)
    data["entries"] = s.PlanEntrySerializer(plan_entries(plan), many=True).data
    return Response(data, status=code)


class AnnualPlanListView(generics.ListAPIView[AnnualPlan]):
    """Every unit's annual plan in the user's district (?year=)."""

    request: AuthedRequest
    serializer_class = s.AnnualPlanSerializer

    def get_queryset(self) -> QuerySet[AnnualPlan]:
        if getattr(self, "swagger_fake_view", False):
            return AnnualPlan.objects.none()
        year = self.request.query_params.get("year", "")
        return annual_plans_for(user=self.request.user, year=int(year) if year.isdigit() else None)

    @extend_schema(parameters=[OpenApiParameter("year", int)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.AnnualPlanInput, responses={201: s.AnnualPlanSerializer}, summary="Draw up a plan"
    )
    def post(self, request: AuthedRequest) -> Response:
        data = s.AnnualPlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = _named(Unit.objects.filter(district_id=_district_id(request)), v["unit"], "unit")
        plan = plan_services.annual_plan_create(
            actor=request.user, unit=unit, year=v["year"], title=v["title"]
        )
        return _plan_detail(plan, status.HTTP_201_CREATED)


class AnnualPlanDetailView(APIView):
    @extend_schema(responses=s.AnnualPlanDetailSerializer, summary="One annual plan with its lines")
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return _plan_detail(annual_plan_get_for(user=request.user, pk=pk))


class AnnualPlanEntryView(APIView):
    @extend_schema(
        request=s.PlanEntryInput,
        responses={201: s.AnnualPlanDetailSerializer},
        summary="Add a line: one business or a type of business in a town",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        plan = annual_plan_get_for(user=request.user, pk=pk)
        data = s.PlanEntryInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        district = plan.district_id
        items = list(InspectionItem.objects.filter(pk__in=v["items"], inspection_list__district_id=district))
        if len(items) != len(set(v["items"])):
            raise serializers.ValidationError({"items": ["No such record in your district."]})
        plan_services.annual_plan_entry_add(
            actor=request.user,
            plan=plan,
            items=items,
            visits_per_year=v["visits_per_year"],
            months=v["months"],
            subject=_named(Subject.objects.filter(district_id=district), v["subject"], "subject")
            if v["subject"]
            else None,
            subject_type=v["subject_type"],
            town=_named(Unit.objects.filter(district_id=district), v["town"], "town") if v["town"] else None,
        )
        return _plan_detail(plan, status.HTTP_201_CREATED)


class AnnualPlanApproveView(APIView):
    @extend_schema(
        request=None, responses=s.AnnualPlanDetailSerializer, summary="The unit head approves the plan"
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        plan = annual_plan_get_for(user=request.user, pk=pk)
        return _plan_detail(plan_services.annual_plan_approve(actor=request.user, plan=plan))


def _month(value: str) -> tuple[int, int]:
    today = clock.today()
    if not value:
        return today.year, today.month
    try:
        year, month = (int(part) for part in value.split("-", 1))
        dt.date(year, month, 1)
    except ValueError:
        raise serializers.ValidationError({"month": ["A month as YYYY-MM."]}) from None
    return year, month


class CalendarView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM"), OpenApiParameter("unit", int)],
        responses=s.CalendarSerializer,
        summary="The plan calendar: planned visits per business, plan lines, merges proposed",
    )
    def get(self, request: AuthedRequest) -> Response:
        _district_id(request)
        year, month = _month(request.query_params.get("month", ""))
        unit = request.query_params.get("unit", "")
        cal = plan_calendar(
            user=request.user, year=year, month=month, unit_id=int(unit) if unit.isdigit() else None
        )
        rows = [
            {
                "subject": row.subject.pk,
                "subject_name": row.subject.name,
                "units": row.units,
                "visits": [
                    {
                        "task": v.task.pk if v.visible else None,
                        "title": v.task.title if v.visible else "",
                        "planned_on": v.task.planned_on,
                        "lead_unit": v.task.lead_unit.code,
                        "joined": [u.code for u in v.joined],
                        "kind": v.task.kind,
                        "status": v.task.status,
                    }
                    for v in row.visits
                ],
                "plan_lines": [
                    {"unit": line.unit.code, "entry": line.entry.pk, "scheduled": line.scheduled}
                    for line in row.lines
                ],
            }
            for row in cal.rows
        ]
        proposals = [
            {
                "subject": p.keep.subject_id,
                "keep_lead_unit": p.keep.lead_unit.code,
                "keep_planned_on": p.keep.planned_on,
                "joining_lead_unit": p.joining.lead_unit.code,
                "joining_planned_on": p.joining.planned_on,
            }
            for p in cal.proposals
        ]
        type_lines = [
            {
                "unit": line.unit.code,
                "entry": line.entry.pk,
                "subject_type": line.entry.subject_type,
                "town": line.entry.town.code if line.entry.town else None,
            }
            for line in cal.type_lines
        ]
        return Response(
            s.CalendarSerializer(
                {
                    "month": f"{year:04d}-{month:02d}",
                    "rows": rows,
                    "proposals": proposals,
                    "type_lines": type_lines,
                }
            ).data
        )


class FiguresView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("start", dt.date), OpenApiParameter("end", dt.date)],
        responses=s.FiguresReportSerializer,
        summary="The report's figures: district, towns, departments, visits per business vs the caps",
    )
    def get(self, request: AuthedRequest) -> Response:
        if not can_view_inspection_report(request.user):
            raise PermissionDenied
        district = _district_id(request)
        params = s.PeriodInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        today = clock.today()
        start = params.validated_data.get("start") or today.replace(month=1, day=1)
        end = params.validated_data.get("end") or today
        total = inspection_figures(district=district, start=start, end=end)
        units = [
            {
                "unit": unit.code,
                "name": unit.name,
                **vars(inspection_figures(district=district, start=start, end=end, unit=unit)),
            }
            for unit in report_units(district=district, start=start, end=end)
        ]
        per_business = visits_per_business(district=district, year=end.year)
        return Response(
            s.FiguresReportSerializer(
                {
                    "start": start,
                    "end": end,
                    "total": vars(total),
                    "units": units,
                    "per_business": {**vars(per_business), "buckets": dict(per_business.buckets)},
                }
            ).data
        )


class SubjectRecordView(APIView):
    @extend_schema(
        responses=s.SubjectRecordSerializer, summary="A business's profile and every visit on its ledger"
    )
    def get(self, request: AuthedRequest, pk: int) -> Response:
        subject = subject_get_for(user=request.user, pk=pk)
        profile = SubjectProfile.objects.filter(subject=subject).first()
        visits = ledger_for(user=request.user, subject=subject)[:200]
        return Response(
            s.SubjectRecordSerializer(
                {
                    "id": subject.pk,
                    "name": subject.name,
                    "identifier": subject.identifier,
                    "address": subject.address,
                    "profile": profile,
                    "visits": list(visits),
                }
            ).data
        )


class SubjectProfileView(APIView):
    @extend_schema(
        request=s.SubjectProfileSerializer,
        responses=s.SubjectProfileSerializer,
        summary="Set a business's type, risk level and coordinates",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        subject = subject_get_for(user=request.user, pk=pk)
        data = s.SubjectProfileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = plan_services.subject_profile_set(
            actor=request.user, subject=subject, **data.validated_data
        )
        return Response(s.SubjectProfileSerializer(profile).data)
