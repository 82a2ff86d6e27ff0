"""Reads for inspections, already scoped to the user, and the read-only rule checks the services enforce:
the published list on a date, the frequency caps, and the plan merge's proposals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from enforcement.access import access_or_404
from enforcement.models import District, Subject, Unit
from enforcement.rules import AnyUser

from .models import (
    CheckPoint,
    FrequencyPolicy,
    InspectionItem,
    InspectionTask,
    TaskInvitation,
    Visit,
    WhiteListEntry,
    lists_in_force_on,
)
from .workflow import KIND_EXEMPTION, LIVE_STATUSES, Exemption, TaskKind, TaskStatus

# Tasks not yet entered: what a plan calendar shows and the merge may combine.
PLANNED_STATUSES = frozenset({TaskStatus.DRAFT, TaskStatus.PUBLISHED, TaskStatus.APPROVED})


# --- tasks ------------------------------------------------------------------------------------------------------


def task_queryset_for(user: AnyUser) -> QuerySet[InspectionTask]:
    return InspectionTask.objects.visible_to(user).select_related("lead_unit", "town", "subject")


def task_list_for(*, user: AnyUser, status: str = "", kind: str = "") -> QuerySet[InspectionTask]:
    qs = task_queryset_for(user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-planned_on", "-pk")


def task_get_for(*, user: AnyUser, pk: Any) -> InspectionTask:
    """Missing and not visible are the same 404."""
    return access_or_404(task_queryset_for(user), pk=pk)


def invitation_inbox_for(*, user: AnyUser, open_only: bool = True) -> QuerySet[TaskInvitation]:
    """A department's invitations (邀约): those addressed to the user's own unit."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None or not getattr(user, "is_active", False):
        return TaskInvitation.objects.none()
    qs = TaskInvitation.objects.filter(department_id=unit_id).select_related(
        "task", "task__subject", "task__lead_unit"
    )
    if open_only:
        qs = qs.filter(
            status=TaskInvitation.Status.INVITED, task__status__in=[TaskStatus.PUBLISHED, TaskStatus.APPROVED]
        )
    return qs.order_by("task__planned_on", "pk")


def participants(task: InspectionTask) -> list[int]:
    """The inspecting bodies of a task: the lead unit and every unit that accepted."""
    accepted = task.invitations.filter(status=TaskInvitation.Status.ACCEPTED).values_list(
        "department_id", flat=True
    )
    return [task.lead_unit_id, *[pk for pk in accepted if pk != task.lead_unit_id]]


# --- the published list ------------------------------------------------------------------------------------------


def items_on_list(district: District | int, on: dt.date) -> QuerySet[InspectionItem]:
    district_id = district if isinstance(district, int) else district.pk
    return InspectionItem.objects.filter(inspection_list__in=_lists_in_force(district_id, on))


def _lists_in_force(district_id: int, on: dt.date) -> Any:
    from .models import InspectionList

    return InspectionList.objects.filter(lists_in_force_on(on), district_id=district_id).values("pk")


def points_off_list(points: Iterable[CheckPoint], district_id: int, on: dt.date) -> list[CheckPoint]:
    """The check points whose item is not on the district's list published and in force on `on` (art 14)."""
    points = list(points)
    if not points:
        return []
    ok = set(
        CheckPoint.objects.filter(
            pk__in=[p.pk for p in points], item__inspection_list__in=_lists_in_force(district_id, on)
        ).values_list("pk", flat=True)
    )
    return [p for p in points if p.pk not in ok]


# --- frequency (arts 29-30) --------------------------------------------------------------------------------------


def frequency_policy_for(district: District | int) -> FrequencyPolicy:
    """The district's caps, or the defaults (an unsaved row) when it has not set its own."""
    district_id = district if isinstance(district, int) else district.pk
    return FrequencyPolicy.objects.filter(district_id=district_id).first() or FrequencyPolicy(
        district_id=district_id
    )


@dataclass(frozen=True)
class FrequencyVerdict:
    ok: bool
    reason: str = ""
    exemption: str = ""
    join: InspectionTask | None = None  # the visit already planned that this one could join instead

    def message(self) -> str:
        if self.join is None:
            return self.reason
        return (
            self.reason
            + " "
            + _("Join the visit already planned instead: “%(title)s” by %(unit)s on %(date)s (task %(id)s).")
            % {
                "title": self.join.title,
                "unit": self.join.lead_unit,
                "date": self.join.planned_on,
                "id": self.join.pk,
            }
        )


def counted_tasks(
    *, subject: Subject, body_id: int, year: int, exclude: int | None = None
) -> QuerySet[InspectionTask]:
    """The body's routine, non-exempt, live tasks on the subject in a calendar year: what the cap counts. A joint
    visit counts once for each body that takes part (the lead and every unit that accepted)."""
    qs = InspectionTask.objects.filter(
        Q(lead_unit_id=body_id)
        | Q(invitations__department_id=body_id, invitations__status=TaskInvitation.Status.ACCEPTED),
        subject=subject,
        kind=TaskKind.ROUTINE,
        exemption="",
        status__in=LIVE_STATUSES,
        planned_on__year=year,
    ).distinct()
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs


def _joinable(subject: Subject, on: dt.date, exclude: int | None) -> InspectionTask | None:
    qs = InspectionTask.objects.filter(
        subject=subject,
        status__in=PLANNED_STATUSES,
        planned_on__year=on.year,
    ).select_related("lead_unit")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    candidates = sorted(qs, key=lambda t: (abs((t.planned_on - on).days), t.pk))
    return candidates[0] if candidates else None


def frequency_check(
    *,
    subject: Subject,
    body_ids: Iterable[int],
    kind: str,
    exemption: str,
    on: dt.date,
    high_risk: bool,
    exclude: int | None = None,
) -> FrequencyVerdict:
    """May these bodies visit this subject on `on`? Only routine visits are capped; complaint checks, re-checks,
    requested checks and permit checks are exempt (the exemption is returned to be recorded); on-the-spot visits
    are not capped (art 30 asks for a warning on unreasonable frequency, not a refusal); special campaigns have
    their own approval and quota."""
    exemption = exemption or KIND_EXEMPTION.get(kind, "")
    if exemption:
        return FrequencyVerdict(True, exemption=exemption)
    if kind != TaskKind.ROUTINE:
        return FrequencyVerdict(True)
    policy = frequency_policy_for(subject.district_id)
    join = _joinable(subject, on, exclude)
    if WhiteListEntry.objects.filter(subject=subject, valid_from__lte=on, valid_to__gte=on).exists():
        return FrequencyVerdict(
            False,
            _("%(subject)s is on the white list on %(date)s: no routine visits.")
            % {"subject": subject, "date": on},
            join=join,
        )
    if policy.quiet_last_day and policy.quiet_first_day <= on.day <= policy.quiet_last_day:
        return FrequencyVerdict(
            False,
            _("Days %(first)s to %(last)s of each month are quiet days: no routine visits on %(date)s.")
            % {"first": policy.quiet_first_day, "last": policy.quiet_last_day, "date": on},
            join=join,
        )
    for body_id in body_ids:
        done = counted_tasks(subject=subject, body_id=body_id, year=on.year, exclude=exclude)
        body = Unit.objects.get(pk=body_id)
        if high_risk:
            if done.count() >= policy.high_risk_per_year:
                return FrequencyVerdict(
                    False,
                    _(
                        "%(body)s already has %(n)s routine visits to %(subject)s in %(year)s; the cap in high-risk fields is %(cap)s."
                    )
                    % {
                        "body": body,
                        "n": done.count(),
                        "subject": subject,
                        "year": on.year,
                        "cap": policy.high_risk_per_year,
                    },
                    join=join,
                )
            gap = dt.timedelta(days=policy.high_risk_min_days)
            near = (
                done.filter(planned_on__gt=on - gap, planned_on__lt=on + gap).order_by("planned_on").first()
            )
            if near is not None:
                return FrequencyVerdict(
                    False,
                    _(
                        "%(body)s visits %(subject)s on %(other)s; visits in high-risk fields must be at least %(days)s days apart."
                    )
                    % {
                        "body": body,
                        "subject": subject,
                        "other": near.planned_on,
                        "days": policy.high_risk_min_days,
                    },
                    join=join,
                )
        elif done.count() >= policy.routine_per_year:
            return FrequencyVerdict(
                False,
                _(
                    "%(body)s already has %(n)s routine visits to %(subject)s in %(year)s; the cap is %(cap)s a year."
                )
                % {
                    "body": body,
                    "n": done.count(),
                    "subject": subject,
                    "year": on.year,
                    "cap": policy.routine_per_year,
                },
                join=join,
            )
    return FrequencyVerdict(True)


# --- the plan merge ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeProposal:
    """Two units plan the same subject in the same window: `joining` joins `keep` (the low-frequency check joins
    the high-frequency one); the lead of `keep` accepts."""

    keep: InspectionTask
    joining: InspectionTask


def _frequency_rank(task: InspectionTask) -> tuple[int, int, int]:
    high_risk = task.points.filter(point__item__high_risk=True).exists()
    planned = InspectionTask.objects.filter(
        lead_unit_id=task.lead_unit_id,
        subject_id=task.subject_id,
        status__in=LIVE_STATUSES,
        planned_on__year=task.planned_on.year,
    ).count()
    return (int(high_risk), planned, -task.pk)


def merge_proposals(
    *, district: District | int, start: dt.date, end: dt.date, window_days: int = 14
) -> list[MergeProposal]:
    """Planned tasks of different units on one subject within `window_days` of each other, paired."""
    district_id = district if isinstance(district, int) else district.pk
    tasks = list(
        InspectionTask.objects.filter(
            district_id=district_id,
            status__in=PLANNED_STATUSES,
            planned_on__gte=start,
            planned_on__lte=end,
        )
        .exclude(kind=TaskKind.IMMEDIATE)
        .select_related("lead_unit", "subject")
        .order_by("subject_id", "planned_on", "pk")
    )
    proposals: list[MergeProposal] = []
    used: set[int] = set()
    for i, a in enumerate(tasks):
        if a.pk in used:
            continue
        for b in tasks[i + 1 :]:
            if b.subject_id != a.subject_id or b.pk in used or b.lead_unit_id == a.lead_unit_id:
                continue
            if abs((b.planned_on - a.planned_on).days) > window_days:
                continue
            keep, joining = (a, b) if _frequency_rank(a) >= _frequency_rank(b) else (b, a)
            proposals.append(MergeProposal(keep=keep, joining=joining))
            used.update({a.pk, b.pk})
            break
    return proposals


# --- the subject's ledger ----------------------------------------------------------------------------------------


def ledger_for(*, user: AnyUser, subject: Subject) -> QuerySet[Visit]:
    """Every visit to the subject by any unit of the district, for users of that district."""
    unit = getattr(user, "unit", None)
    if unit is None or unit.district_id != subject.district_id or not getattr(user, "is_active", False):
        return Visit.objects.none()
    return Visit.objects.filter(subject=subject).select_related("unit", "task").order_by("-visited_on", "-pk")


__all__ = [
    "Exemption",
    "FrequencyVerdict",
    "MergeProposal",
    "frequency_check",
    "merge_proposals",
]


# --- the inspection code (执法码) ---------------------------------------------------------------------------------

CODE_VISIBLE = frozenset({TaskStatus.APPROVED, TaskStatus.ON_SITE, TaskStatus.CHECKED, TaskStatus.CLOSED})


@dataclass(frozen=True)
class CodeOfficer:
    name: str
    unit: str
    certificate_number: str
    valid_today: bool


@dataclass(frozen=True)
class CodeItem:
    code: str
    name: str
    legal_basis: str
    points: list[str]


@dataclass(frozen=True)
class CodeView:
    """What the business sees when it scans the code, and nothing more: who is coming, for which task, under which
    items and basis, and whether each officer's certificate is valid today. No subject data, no results."""

    title: str
    kind: str
    lead_unit: str
    units: list[str]
    planned_on: dt.date
    approved_on: dt.date | None
    approved_afterwards: bool
    officers: list[CodeOfficer]
    items: list[CodeItem]


def code_view(code: str, today: dt.date) -> CodeView:
    """The public view of a task's code; an unknown, unapproved, cancelled or merged task's code is a 404."""
    from django.http import Http404
    from django.utils import timezone

    from enforcement.officers import officer_may_act

    if not code or len(code) > 64:
        raise Http404
    task = access_or_404(
        InspectionTask.objects.select_related("lead_unit").filter(status__in=CODE_VISIBLE).exclude(code=""),
        code=code,
    )
    units = [str(Unit.objects.get(pk=pk)) for pk in participants(task)]
    officers = [
        CodeOfficer(str(o.officer), str(o.unit), o.certificate_number, officer_may_act(o.officer, today).ok)
        for o in task.officers.select_related("officer", "unit").order_by("pk")
    ]
    items: dict[int, CodeItem] = {}
    for row in task.points.select_related("point__item").order_by("point__item__code", "point__code"):
        item = row.point.item
        entry = items.setdefault(item.pk, CodeItem(item.code, item.name_zh, item.legal_basis, []))
        entry.points.append(row.point.text_zh)
    return CodeView(
        title=task.title,
        kind=task.get_kind_display(),
        lead_unit=str(task.lead_unit),
        units=units,
        planned_on=task.planned_on,
        approved_on=timezone.localdate(task.approved_at) if task.approved_at else None,
        approved_afterwards=task.approved_afterwards,
        officers=officers,
        items=list(items.values()),
    )
