"""Planning an inspection from the page: the units the user may plan for, the form, and the new task."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enforcement import clock
from enforcement.access import scope_for
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import Subject, Unit, User
from enforcement.services import subject_get_or_create

from .. import forms, services
from ..models import (
    InspectionTask,
)
from ..rules import (
    can_plan_task,
)
from ..selectors import (
    items_published,
    subjects_for,
)
from ..workflow import (
    TaskKind,
)
from ._common import _district_id

# --- planning -----------------------------------------------------------------------------------------------


def _lead_units(user: User) -> QuerySet[Unit]:
    """The units the user may plan for: their own, and towns they are seconded to."""
    scope = scope_for(user)
    ids = set(scope.town_ids)
    if user.unit_id is not None:
        ids.add(user.unit_id)
    units = Unit.objects.filter(pk__in=ids, kind__in=[Unit.Kind.TOWN, Unit.Kind.DEPARTMENT]).order_by("code")
    return units.filter(pk__in=[u.pk for u in units if can_plan_task(user, u)])


def _create_form(user: User, data: Any = None, initial: dict[str, Any] | None = None) -> forms.TaskCreateForm:
    district_id = _district_id(user)
    leads = _lead_units(user)
    from ..models import ChecklistTemplate

    return forms.TaskCreateForm(
        data,
        initial=initial,
        lead_units=leads,
        towns=Unit.objects.filter(district_id=district_id, kind=Unit.Kind.TOWN, is_active=True).order_by(
            "code"
        ),
        templates=ChecklistTemplate.objects.filter(
            unit__in=leads, status=ChecklistTemplate.Status.ACTIVE
        ).select_related("unit"),
        items=items_published(district_id, clock.today()),
        departments=Unit.objects.filter(
            district_id=district_id, kind=Unit.Kind.DEPARTMENT, is_active=True
        ).order_by("code"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: AuthedHttpRequest) -> HttpResponse:
    """检查方案: plan an inspection with checklists or items of the published list and the departments to
    invite."""
    user = request.user
    if not _lead_units(user).exists():
        raise PermissionDenied
    if request.method == "POST":
        form = _create_form(user, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = _plan(user, data)
            except ValidationError as exc:
                add_service_errors(form, _renamed(exc))
            else:
                messages.success(request, _("Inspection planned: %(title)s.") % {"title": task.title})
                return redirect("inspection-detail", pk=task.pk)
        return render(request, "inspections/task_form.html", {"form": form}, status=400)
    initial: dict[str, Any] = {"planned_on": clock.today() + dt.timedelta(days=7), "headcount": 2}
    leads = list(_lead_units(user))
    if leads:
        initial["lead_unit"] = leads[0].pk
        if leads[0].is_town:
            initial["town"] = leads[0].pk
    subject_id = request.GET.get("subject", "")
    if subject_id.isdigit():
        subject = subjects_for(user=user).filter(pk=int(subject_id)).first()
        if subject is not None:
            initial.update(
                subject_identifier=subject.identifier,
                subject_name=subject.name,
                subject_address=subject.address,
                title=_("Inspection of %(subject)s") % {"subject": subject.name},
            )
    if request.GET.get("kind") in TaskKind.values:
        initial["kind"] = request.GET["kind"]
    return render(request, "inspections/task_form.html", {"form": _create_form(user, initial=initial)})


def _renamed(exc: ValidationError) -> ValidationError:
    """The services name the subject `subject` and the checklist `points`; the form's fields are others."""
    if not hasattr(exc, "error_dict"):
        return exc
    names = {"subject": "subject_name", "points": "items", "template": "templates"}
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


@transaction.atomic
def _plan(user: User, data: dict[str, Any]) -> InspectionTask:
    """The business (found by its code, or added to the registry), the task, and its invitations: all or
    nothing."""
    lead: Unit = data["lead_unit"]
    identifier = data.get("subject_identifier", "")
    subject = subject_get_or_create(
        actor=user,
        district=lead.district,
        kind=Subject.Kind.ORGANISATION,
        name=data["subject_name"],
        identifier=identifier,
        address=data.get("subject_address", ""),
    )
    task = services.task_create(
        actor=user,
        lead_unit=lead,
        town=data["town"],
        subject=subject,
        kind=data["kind"],
        title=data["title"],
        planned_on=data["planned_on"],
        headcount=data["headcount"],
        scenario=data.get("scenario") or "",
        exemption=data.get("exemption") or "",
        exemption_ref=data.get("exemption_ref") or "",
        templates=list(data.get("templates") or []),
        items=list(data.get("items") or []),
    )
    for department in data.get("departments") or []:
        services.task_invite(actor=user, task=task, department=department)
    return task
