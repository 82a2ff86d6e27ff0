"""Reads for planning: a unit's annual plans and the district's plan calendar (planned visits per subject
across every unit, the annual plans' lines due in the month, and the merges the system proposes)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet

from enforcement.access import access_or_404
from enforcement.models import Subject, Unit
from enforcement.rules import AnyUser

from ..models import AnnualPlan, AnnualPlanEntry, InspectionItem, InspectionTask, TaskInvitation
from ..workflow import TaskKind, TaskStatus
from .merge import MergeProposal, merge_proposals
from .tasks import task_queryset_for

# Kinds that come from a plan: on the calendar for every unit of the district. Complaint checks and
# on-the-spot visits are shown only to those who may open them (a complaint is not every unit's business).
PLANNED_KINDS = frozenset({TaskKind.ROUTINE, TaskKind.SPECIAL})
OFF_CALENDAR = frozenset({TaskStatus.CANCELLED, TaskStatus.MERGED})


def _district_id(user: AnyUser) -> int | None:
    unit = getattr(user, "unit", None)
    if unit is None or not getattr(user, "is_active", False):
        return None
    return int(unit.district_id)


def annual_plans_for(*, user: AnyUser, year: int | None = None) -> QuerySet[AnnualPlan]:
    """Annual plans of the user's district: every unit's plan is district data the calendar is built from."""
    district_id = _district_id(user)
    if district_id is None:
        return AnnualPlan.objects.none()
    qs = AnnualPlan.objects.filter(district_id=district_id).select_related("unit", "approved_by")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "unit__kind", "unit__code")


def annual_plan_get_for(*, user: AnyUser, pk: Any) -> AnnualPlan:
    return access_or_404(annual_plans_for(user=user), pk=pk)


def plan_entries(plan: AnnualPlan) -> QuerySet[AnnualPlanEntry]:
    return (
        plan.entries.select_related("subject", "town")
        .prefetch_related(Prefetch("items", queryset=InspectionItem.objects.order_by("code")))
        .order_by("pk")
    )


@dataclass
class CalendarVisit:
    task: InspectionTask
    visible: bool  # the user may open it (title and link); otherwise only the unit, date, type and status
    joined: list[Unit]


@dataclass
class CalendarLine:
    """An approved annual plan's line due in the month (one subject, or a type of subject in a town)."""

    unit: Unit
    entry: AnnualPlanEntry
    scheduled: bool  # the unit has a visit to this subject in the month already


@dataclass
class CalendarRow:
    subject: Subject
    visits: list[CalendarVisit] = field(default_factory=list)
    lines: list[CalendarLine] = field(default_factory=list)

    @property
    def units(self) -> int:
        return len({v.task.lead_unit_id for v in self.visits} | {line.unit.pk for line in self.lines})


@dataclass
class PlanCalendar:
    year: int
    month: int
    start: dt.date
    end: dt.date
    rows: list[CalendarRow]
    type_lines: list[CalendarLine]  # lines naming a type of subject, not one subject
    proposals: list[MergeProposal]


def plan_calendar(*, user: AnyUser, year: int, month: int, unit_id: int | None = None) -> PlanCalendar:
    """The month's planned visits per subject across every unit of the user's district."""
    start = dt.date(year, month, 1)
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    district_id = _district_id(user)
    if district_id is None:
        return PlanCalendar(year, month, start, end, [], [], [])
    visible = set(
        task_queryset_for(user)
        .filter(planned_on__gte=start, planned_on__lte=end)
        .values_list("pk", flat=True)
    )
    tasks = (
        InspectionTask.objects.filter(district_id=district_id, planned_on__gte=start, planned_on__lte=end)
        .exclude(status__in=OFF_CALENDAR)
        .select_related("lead_unit", "subject")
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=TaskInvitation.objects.filter(status=TaskInvitation.Status.ACCEPTED).select_related(
                    "department"
                ),
            )
        )
        .order_by("subject__name", "planned_on", "pk")
    )
    if unit_id is not None:
        tasks = tasks.filter(lead_unit_id=unit_id)
    rows: dict[int, CalendarRow] = {}
    scheduled: dict[int, set[int]] = defaultdict(
        set
    )  # every visit counts here, shown or not: no details leak
    for task in tasks:
        scheduled[task.subject_id].add(task.lead_unit_id)
        scheduled[task.subject_id].update(i.department_id for i in task.invitations.all())
        if task.kind not in PLANNED_KINDS and task.pk not in visible:
            continue
        row = rows.setdefault(task.subject_id, CalendarRow(task.subject))
        row.visits.append(
            CalendarVisit(task, task.pk in visible, [i.department for i in task.invitations.all()])
        )
    entries = (
        AnnualPlanEntry.objects.filter(
            plan__district_id=district_id, plan__year=year, plan__status=AnnualPlan.Status.APPROVED
        )
        .select_related("plan__unit", "subject", "town")
        .prefetch_related(Prefetch("items", queryset=InspectionItem.objects.order_by("code")))
        .order_by("plan__unit__code", "pk")
    )
    if connection.features.supports_json_field_contains:
        entries = entries.filter(months__contains=[month])
    if unit_id is not None:
        entries = entries.filter(plan__unit_id=unit_id)
    type_lines: list[CalendarLine] = []
    for entry in entries:
        if month not in entry.months:
            continue  # the demo's SQLite has no JSON containment: its (few) lines are filtered here
        unit = entry.plan.unit
        if entry.subject is None:
            type_lines.append(CalendarLine(unit, entry, scheduled=False))
            continue
        row = rows.setdefault(entry.subject.pk, CalendarRow(entry.subject))
        row.lines.append(CalendarLine(unit, entry, scheduled=unit.pk in scheduled[entry.subject.pk]))
    ordered = sorted(rows.values(), key=lambda r: (-r.units, r.subject.name, r.subject.pk))
    proposals = merge_proposals(district=district_id, start=start, end=end)
    return PlanCalendar(year, month, start, end, ordered, type_lines, proposals)


def subject_plan_lines(subject: Subject, year: int) -> list[AnnualPlanEntry]:
    """The annual plans' lines naming the subject, or its type in its town, in the year (drafts too)."""
    from django.db.models import Q

    from ..models import SubjectProfile, Visit

    profile = SubjectProfile.objects.filter(subject=subject).first()
    q = Q(subject=subject)
    if profile is not None:
        towns = Visit.objects.filter(subject=subject).values("town_id")  # its town, as the ledger knows it
        q |= Q(subject_type=profile.subject_type, town_id__in=towns)
    return list(
        AnnualPlanEntry.objects.filter(q, plan__year=year, plan__district_id=subject.district_id)
        .select_related("plan__unit")
        .prefetch_related(Prefetch("items", queryset=InspectionItem.objects.order_by("code")))
        .order_by("plan__unit__code", "pk")
    )
