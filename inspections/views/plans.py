"""Planning pages: the units' annual plans, one plan with its lines, and the district's plan calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from enforcement import clock
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import Subject, Unit
from enforcement.services import normalise_identifier

from .. import forms
from ..rules import can_approve_annual_plan, can_edit_annual_plan
from ..selectors import items_published
from ..selectors.plans import annual_plan_get_for, annual_plans_for, plan_calendar, plan_entries
from ..services import plans as plan_services
from .planning import _lead_units


def _district_units(user_district_id: int) -> tuple[list[Unit], list[Unit]]:
    units = list(
        Unit.objects.filter(
            district_id=user_district_id, kind__in=[Unit.Kind.TOWN, Unit.Kind.DEPARTMENT], is_active=True
        ).order_by("kind", "code")
    )
    return [u for u in units if u.is_town], units


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    """年度检查计划: every unit's annual plan of the district, and a new one for a unit the user works for."""
    user = request.user
    if user.unit is None:
        raise PermissionDenied
    year = clock.today().year
    try:
        shown_year = int(request.GET.get("year", year))
    except ValueError:
        shown_year = year
    units = _lead_units(user)
    form = None
    status = 200
    if request.method == "POST":
        if not units.exists():
            raise PermissionDenied
        form = forms.AnnualPlanForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = plan_services.annual_plan_create(
                    actor=user, unit=data["unit"], year=data["year"], title=data["title"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Annual plan drawn up; add its lines."))
                return redirect("inspection-plan", pk=plan.pk)
        status = 400
    if form is None and units.exists():
        form = forms.AnnualPlanForm(units=units, initial={"unit": units.first(), "year": year})
    plans = annual_plans_for(user=user, year=shown_year)
    return render(
        request,
        "inspections/plan_list.html",
        {"plans": plans, "form": form, "year": shown_year, "years": [year - 1, year, year + 1]},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One annual plan: its lines, a new line while it is a draft, and the head's approval."""
    user = request.user
    plan = annual_plan_get_for(user=user, pk=pk)
    may_edit = can_edit_annual_plan(user, plan.unit_id) and plan.status == plan.Status.DRAFT
    may_approve = can_approve_annual_plan(user, plan.unit_id) and plan.status == plan.Status.DRAFT
    towns, _units = _district_units(plan.district_id)
    items = items_published(plan.district_id, dt.date(plan.year, 1, 1))
    town_qs = Unit.objects.filter(pk__in=[t.pk for t in towns]).order_by("code")
    form = (
        forms.PlanEntryForm(towns=town_qs, items=items, initial={"visits_per_year": 1}) if may_edit else None
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "approve":
                if not may_approve:
                    raise PermissionDenied
                plan_services.annual_plan_approve(actor=user, plan=plan)
                messages.success(request, _("Annual plan approved: its lines are on the plan calendar."))
                return redirect("inspection-plan", pk=plan.pk)
            if not may_edit:
                raise PermissionDenied
            form = forms.PlanEntryForm(request.POST, towns=town_qs, items=items)
            if form.is_valid():
                data = form.cleaned_data
                subject = None
                if data["subject_identifier"]:
                    subject = Subject.objects.filter(
                        district_id=plan.district_id,
                        identifier=normalise_identifier(data["subject_identifier"]),
                    ).first()
                    if subject is None:
                        raise ValidationError(
                            {
                                "subject_identifier": _(
                                    "No business with this code in the district's registry."
                                )
                            }
                        )
                plan_services.annual_plan_entry_add(
                    actor=user,
                    plan=plan,
                    items=list(data["items"]),
                    visits_per_year=data["visits_per_year"],
                    months=data["months"],
                    subject=subject,
                    subject_type=data["subject_type"],
                    town=data["town"],
                )
                messages.success(request, _("Line added to the plan."))
                return redirect("inspection-plan", pk=plan.pk)
        except ValidationError as exc:
            if action == "approve" or form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect("inspection-plan", pk=plan.pk)
            add_service_errors(form, exc)
        status = 400
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "entries": plan_entries(plan),
            "form": form,
            "may_approve": may_approve,
        },
        status=status,
    )


def _month(value: str, today: dt.date) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in value.split("-", 1))
        dt.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    if not 2000 <= year <= 2100:
        return today.year, today.month
    return year, month


@login_required
@require_GET
def calendar(request: AuthedHttpRequest) -> HttpResponse:
    """检查计划日历: the month's planned visits per business across every unit of the district, the annual
    plans' lines due, and the joint visits the system proposes (the kept visit's lead accepts on its page)."""
    user = request.user
    if user.unit is None:
        raise PermissionDenied
    today = clock.today()
    year, month = _month(request.GET.get("month", ""), today)
    _towns, units = _district_units(user.unit.district_id)
    try:
        unit_id: int | None = int(request.GET.get("unit", "")) or None
    except ValueError:
        unit_id = None
    if unit_id is not None and unit_id not in {u.pk for u in units}:
        unit_id = None
    cal = plan_calendar(user=user, year=year, month=month, unit_id=unit_id)
    first = dt.date(year, month, 1)
    previous = first - dt.timedelta(days=1)
    following = cal.end + dt.timedelta(days=1)
    return render(
        request,
        "inspections/calendar.html",
        {
            "cal": cal,
            "units": units,
            "unit_id": unit_id,
            "month_value": f"{year:04d}-{month:02d}",
            "previous": f"{previous.year:04d}-{previous.month:02d}",
            "next": f"{following.year:04d}-{following.month:02d}",
        },
    )
