"""The businesses: the district's registry and a business's page (every visit, rectifications, cases,
its type, risk level and place, the annual plans naming it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from enforcement import clock
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import Subject, Unit, User

from .. import forms, services
from ..models import (
    SubjectProfile,
    TaskInvitation,
    TaskPoint,
    WhiteListEntry,
)
from ..rules import (
    can_record_visit,
    can_set_subject_profile,
)
from ..selectors import (
    frequency_policy_for,
    ledger_for,
    routine_counts,
    subject_get_for,
    subject_tasks_for,
    subjects_for,
)
from ..selectors.plans import subject_plan_lines
from ..services import plans as plan_services
from ..workflow import (
    PointResult,
    TaskStatus,
)
from .planning import _lead_units

# --- businesses: the registry and each one's ledger ---------------------------------------------------------


@login_required
@require_GET
def subject_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.unit is None:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(subjects_for(user=user, query=query), 30).get_page(request.GET.get("page"))
    return render(request, "inspections/subject_list.html", {"page": page, "q": query})


@login_required
@require_http_methods(["GET", "POST"])
def subject_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The business's page: every visit by any unit (the ledger), the inspections the user may open, open
    rectifications, and the cases and whistles they led to."""
    user = request.user
    subject = subject_get_for(user=user, pk=pk)
    towns = Unit.objects.filter(district_id=subject.district_id, kind=Unit.Kind.TOWN, is_active=True)
    may_record = user.unit is not None and can_record_visit(user, user.unit)
    visit_form = None
    status = 200
    profile = SubjectProfile.objects.filter(subject=subject).first()
    may_profile = can_set_subject_profile(user, subject.district_id)
    profile_form = None
    if request.method == "POST" and request.POST.get("form") == "profile":
        if not may_profile:
            raise PermissionDenied
        profile_form = forms.SubjectProfileForm(request.POST)
        if profile_form.is_valid():
            data = profile_form.cleaned_data
            try:
                plan_services.subject_profile_set(actor=user, subject=subject, **data)
            except ValidationError as exc:
                add_service_errors(profile_form, exc)
            else:
                messages.success(request, _("Type, risk level and place saved."))
                return redirect("inspection-subject", pk=subject.pk)
        status = 400
    elif request.method == "POST":
        if not may_record or user.unit is None:
            raise PermissionDenied
        visit_form = forms.VisitForm(request.POST, towns=towns)
        if visit_form.is_valid():
            data = visit_form.cleaned_data
            try:
                services.visit_record(
                    actor=user,
                    unit=user.unit,
                    subject=subject,
                    visited_on=data["visited_on"],
                    purpose=data["purpose"],
                    with_code=data["with_code"],
                    no_code_reason=data["no_code_reason"],
                    town=data["town"],
                )
            except ValidationError as exc:
                add_service_errors(visit_form, exc)
            else:
                messages.success(request, _("Visit recorded on the ledger."))
                return redirect("inspection-subject", pk=subject.pk)
        status = 400
    today = clock.today()
    tasks = list(subject_tasks_for(user=user, subject=subject))
    visible_ids = {t.pk for t in tasks}
    findings = list(
        TaskPoint.objects.filter(task_id__in=visible_ids, result=PointResult.FAIL)
        .select_related("task", "point", "case", "whistle", "holder_town", "holder_department")
        .order_by("-task__planned_on", "point__code")
    )
    rechecked = set(
        TaskPoint.objects.filter(
            task__follow_up_of_id__in=visible_ids, task__subject=subject, result=PointResult.PASS
        ).values_list("task__follow_up_of_id", "point_id")
    )
    open_rectifications = [f for f in findings if (f.task_id, f.point_id) not in rechecked]
    policy = frequency_policy_for(subject.district_id)
    if visit_form is None and may_record:
        town = user.unit if user.unit is not None and user.unit.is_town else None
        visit_form = forms.VisitForm(
            towns=towns, initial={"visited_on": today, "with_code": True, "town": town}
        )
    return render(
        request,
        "inspections/subject_detail.html",
        {
            "subject": subject,
            "ledger": _ledger_rows(user, subject),
            "visible_ids": visible_ids,
            "tasks": tasks,
            "open_rectifications": open_rectifications,
            "cases": [f for f in findings if f.case_id],
            "whistles": {f.whistle_id: f for f in findings if f.whistle_id}.values(),
            "counts": routine_counts(subject, today.year),
            "policy": policy,
            "year": today.year,
            "visit_form": visit_form,
            "may_plan": _lead_units(user).exists(),
            "profile": profile,
            "profile_form": profile_form
            or (
                forms.SubjectProfileForm(
                    initial={
                        "subject_type": profile.subject_type,
                        "risk_level": profile.risk_level,
                        "latitude": profile.latitude,
                        "longitude": profile.longitude,
                    }
                    if profile
                    else None
                )
                if may_profile
                else None
            ),
            "plan_lines": subject_plan_lines(subject, today.year),
            "whitelisted": WhiteListEntry.objects.filter(
                subject=subject, valid_from__lte=today, valid_to__gte=today
            ).first(),
        },
        status=status,
    )


def _ledger_rows(user: User, subject: Subject) -> list[dict[str, Any]]:
    """The visits, each with the bodies that came along on a joint visit (the visit counts for each of
    them)."""
    visits = list(
        ledger_for(user=user, subject=subject)
        .filter(Q(task__isnull=True) | ~Q(task__status=TaskStatus.CANCELLED))
        .prefetch_related(
            Prefetch(
                "task__invitations",
                queryset=TaskInvitation.objects.filter(status=TaskInvitation.Status.ACCEPTED).select_related(
                    "department"
                ),
            )
        )[:200]
    )
    return [
        {"visit": v, "joined": [i.department for i in v.task.invitations.all()] if v.task is not None else []}
        for v in visits
    ]
