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
from enforcement.models import District, Subject, Unit, User
from enforcement.rules import AnyUser

from ..models import (
    CheckPoint,
    FrequencyPolicy,
    InspectionItem,
    InspectionTask,
    TaskInvitation,
    Visit,
    WhiteListEntry,
    lists_in_force_on,
)
from ..workflow import KIND_EXEMPTION, LIVE_STATUSES, Exemption, TaskKind, TaskStatus

# Tasks not yet entered: what a plan calendar shows and the merge may combine.
PLANNED_STATUSES = frozenset({TaskStatus.DRAFT, TaskStatus.PUBLISHED, TaskStatus.APPROVED})


# --- tasks --------------------------------------------------------------------------------------------------


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
        "department", "task", "task__subject", "task__lead_unit"
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


# --- the published list -------------------------------------------------------------------------------------


def items_on_list(district: District | int, on: dt.date) -> QuerySet[InspectionItem]:
    district_id = district if isinstance(district, int) else district.pk
    return InspectionItem.objects.filter(inspection_list__in=_lists_in_force(district_id, on))


def _lists_in_force(district_id: int, on: dt.date) -> Any:
    from ..models import InspectionList

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


# --- frequency (arts 29-30) ---------------------------------------------------------------------------------


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
    """The body's routine, non-exempt, live tasks on the subject in a calendar year: what the cap counts. A
    joint visit counts once for each body that takes part (the lead and every unit that accepted)."""
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
    """May these bodies visit this subject on `on`? Only routine visits are capped; complaint checks,
    re-checks, requested checks and permit checks are exempt (the exemption is returned to be recorded);
    on-the-spot visits are not capped (art 30 asks for a warning on unreasonable frequency, not a refusal);
    special campaigns have their own approval and quota."""
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
                        "%(body)s already has %(n)s routine visits to %(subject)s in %(year)s; the "
                        "cap in high-risk fields is %(cap)s."
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
                        "%(body)s visits %(subject)s on %(other)s; visits in high-risk fields must "
                        "be at least %(days)s days apart."
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
                    "%(body)s already has %(n)s routine visits to %(subject)s in %(year)s; the cap "
                    "is %(cap)s a year."
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


# --- the plan merge -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeProposal:
    """Two units plan the same subject in the same window: `joining` joins `keep` (the low-frequency check
    joins the high-frequency one); the lead of `keep` accepts."""

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


MERGE_WINDOW_DAYS = 14


def merge_keeps(keep: InspectionTask, joining: InspectionTask, window_days: int = MERGE_WINDOW_DAYS) -> bool:
    """Would the merge keep `keep` and let `joining` join it? Two planned, not on-the-spot tasks of different
    lead units on one subject within the window, `keep` the higher-frequency one (the rule `merge_proposals`
    pairs by)."""
    return (
        keep.pk != joining.pk
        and keep.subject_id == joining.subject_id
        and keep.lead_unit_id != joining.lead_unit_id
        and {keep.status, joining.status} <= PLANNED_STATUSES
        and TaskKind.IMMEDIATE not in {keep.kind, joining.kind}
        and abs((keep.planned_on - joining.planned_on).days) <= window_days
        and _frequency_rank(keep) >= _frequency_rank(joining)
    )


def merge_proposals(
    *, district: District | int, start: dt.date, end: dt.date, window_days: int = MERGE_WINDOW_DAYS
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


# --- the subject's ledger -----------------------------------------------------------------------------------


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


# --- the inspection code (执法码) ---------------------------------------------------------------------------

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
    """What the business sees when it scans the code, and nothing more: who is coming, for which task, under
    which items and basis, and whether each officer's certificate is valid today. No subject data, no
    results."""

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


# --- pages --------------------------------------------------------------------------------------------------

BOARD_STATUSES = (
    TaskStatus.DRAFT,
    TaskStatus.PUBLISHED,
    TaskStatus.APPROVED,
    TaskStatus.ON_SITE,
    TaskStatus.CHECKED,
    TaskStatus.CLOSED,
    TaskStatus.CANCELLED,
    TaskStatus.MERGED,
)


def board_for(
    *, user: AnyUser, status: str = "", kind: str = "", query: str = "", mine: bool = False
) -> tuple[QuerySet[InspectionTask], dict[str, int]]:
    """The task board: the tasks the user may see, filtered, and the count in each status (before the status
    filter, so the tabs show what each would hold)."""
    from django.db.models import Count

    qs = task_queryset_for(user)
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(subject__name__icontains=query)
            | Q(subject__identifier=query.upper())
        )
    if mine and isinstance(user, User):
        qs = qs.filter(officers__officer=user).distinct()
    counts = {row["status"]: row["n"] for row in qs.order_by().values("status").annotate(n=Count("pk"))}
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-planned_on", "-pk"), counts


def items_published(district: District | int, on: dt.date) -> QuerySet[InspectionItem]:
    """The items of the district's list in force on `on`, or published to come into force later (a plan may be
    made ahead of a new list; the services check the list in force on the planned day)."""
    from ..models import InspectionList

    district_id = district if isinstance(district, int) else district.pk
    lists = InspectionList.objects.filter(district_id=district_id, published_on__isnull=False).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
    )
    return (
        InspectionItem.objects.filter(inspection_list__in=lists)
        .select_related("inspection_list", "inspecting_unit")
        .order_by("code")
    )


def points_addable_on_site(task: InspectionTask, on: dt.date) -> QuerySet[CheckPoint]:
    """Check points of the list in force today that are not on the task yet (an ad hoc point on site)."""
    return (
        CheckPoint.objects.filter(item__in=items_on_list(task.district_id, on))
        .exclude(pk__in=task.points.values("point_id"))
        .select_related("item")
        .order_by("item__code", "code")
    )


def active_templates(unit: Unit | int) -> QuerySet[Any]:
    from ..models import ChecklistTemplate

    unit_id = unit if isinstance(unit, int) else unit.pk
    return ChecklistTemplate.objects.filter(unit_id=unit_id, status=ChecklistTemplate.Status.ACTIVE).order_by(
        "scenario", "name"
    )


def officer_candidates(task: InspectionTask) -> QuerySet[Any]:
    """Who may be put on the visit: active officers, supervisors and responders of the units taking part, and
    officers seconded to the leading town (the service checks each certificate on the day)."""
    from enforcement.models import Role, Secondment, User

    bodies = participants(task)
    q = Q(unit_id__in=bodies)
    if task.lead_unit.is_town:
        seconded = Secondment.objects.filter(town_id=task.lead_unit_id).values("officer_id")
        q |= Q(pk__in=seconded)
    roles = [f"role:{r}" for r in (Role.OFFICER, Role.SUPERVISOR, Role.RESPONDER)]
    return (
        User.objects.filter(q, is_active=True, groups__name__in=roles)
        .distinct()
        .select_related("unit")
        .order_by("unit__code", "username")
    )


def subjects_for(*, user: AnyUser, query: str = "") -> QuerySet[Subject]:
    """The district's registry of businesses and places, for users of the district."""
    unit = getattr(user, "unit", None)
    if unit is None or not getattr(user, "is_active", False):
        return Subject.objects.none()
    qs = Subject.objects.filter(district_id=unit.district_id)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(identifier=query.upper()) | Q(address__icontains=query))
    return qs.order_by("name", "pk")


def subject_get_for(*, user: AnyUser, pk: Any) -> Subject:
    return access_or_404(subjects_for(user=user), pk=pk)


def subject_tasks_for(*, user: AnyUser, subject: Subject) -> QuerySet[InspectionTask]:
    """The inspections of the subject that the user may open (the ledger lists every visit; details stay
    scoped)."""
    return task_queryset_for(user).filter(subject=subject).order_by("-planned_on", "-pk")


def routine_counts(subject: Subject, year: int) -> list[tuple[Unit, int]]:
    """Per inspecting body, its capped (routine, not exempt) live visits to the subject in the year."""
    from django.db.models import Count

    lead = (
        InspectionTask.objects.filter(
            subject=subject,
            kind=TaskKind.ROUTINE,
            exemption="",
            status__in=LIVE_STATUSES,
            planned_on__year=year,
        )
        .values("lead_unit_id")
        .annotate(n=Count("pk"))
    )
    joined = (
        TaskInvitation.objects.filter(
            task__subject=subject,
            task__kind=TaskKind.ROUTINE,
            task__exemption="",
            task__status__in=LIVE_STATUSES,
            task__planned_on__year=year,
            status=TaskInvitation.Status.ACCEPTED,
        )
        .values("department_id")
        .annotate(n=Count("task_id", distinct=True))
    )
    counts: dict[int, int] = {}
    for led in lead:
        counts[led["lead_unit_id"]] = counts.get(led["lead_unit_id"], 0) + led["n"]
    for join in joined:
        counts[join["department_id"]] = counts.get(join["department_id"], 0) + join["n"]
    units = Unit.objects.in_bulk(list(counts))
    return sorted(((units[pk], n) for pk, n in counts.items()), key=lambda pair: (-pair[1], pair[0].code))


def merge_proposals_for(*, user: AnyUser, task: InspectionTask) -> list[MergeProposal]:
    """Proposals involving the task, as the merge would make them (the district's, within the task's
    window)."""
    window = dt.timedelta(days=14)
    return [
        p
        for p in merge_proposals(
            district=task.district_id, start=task.planned_on - window, end=task.planned_on + window
        )
        if task.pk in (p.keep.pk, p.joining.pk)
    ]


# --- figures ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectionFigures:
    inspections: int  # visits made (tasks entered)
    joint: int  # of which with at least one department that joined
    departments_per_joint: float  # bodies on a joint visit (the lead and every unit that joined), on average
    # what the bodies would have made separately, less the joint visits made (a unit: those it joined)
    visits_saved: int
    visits: int  # inspection visits on the ledgers
    with_code: int  # of which the inspection code was shown
    failures: int  # failed points
    cases: int  # draft cases opened from them
    whistles: int  # whistles to the departments holding the power
    rechecked: int  # failed points found rectified on a re-check
    codes_scanned: int  # inspections whose code page the business opened at least once


def inspection_figures(
    *,
    district: District | int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    unit: Unit | None = None,
) -> InspectionFigures:
    """The report's headline figures for a district (or one unit taking part), over visits between start and
    end."""
    from django.db.models import Count

    district_id = district if isinstance(district, int) else district.pk
    tasks = InspectionTask.objects.filter(district_id=district_id, entered_at__isnull=False)
    visits = Visit.objects.filter(district_id=district_id, purpose=Visit.Purpose.INSPECTION)
    if start is not None:
        tasks, visits = tasks.filter(entered_at__date__gte=start), visits.filter(visited_on__gte=start)
    if end is not None:
        tasks, visits = tasks.filter(entered_at__date__lte=end), visits.filter(visited_on__lte=end)
    if unit is not None:
        tasks = tasks.filter(
            Q(lead_unit=unit)
            | Q(invitations__department=unit, invitations__status=TaskInvitation.Status.ACCEPTED)
        ).distinct()
        tasks = InspectionTask.objects.filter(
            pk__in=tasks.values("pk")
        )  # no join left to multiply the counts
        visits = visits.filter(task__in=tasks)
    joined = (
        tasks.filter(invitations__status=TaskInvitation.Status.ACCEPTED)
        .values("pk")
        .annotate(n=Count("invitations", filter=Q(invitations__status=TaskInvitation.Status.ACCEPTED)))
    )
    per_joint = [row["n"] + 1 for row in joined]
    from ..models import TaskPoint
    from ..workflow import PointResult

    points = TaskPoint.objects.filter(task__in=tasks)
    failed = points.filter(result=PointResult.FAIL)
    rechecked = TaskPoint.objects.filter(
        task__follow_up_of__in=tasks, task__exemption=Exemption.RECHECK, result=PointResult.PASS
    )
    if unit is None:
        saved = sum(n - 1 for n in per_joint)  # every body that came along spared a visit of its own
    else:  # the unit's own: the visits it joined instead of making them itself (the rows add up to the total)
        saved = tasks.filter(
            invitations__department=unit, invitations__status=TaskInvitation.Status.ACCEPTED
        ).count()
    return InspectionFigures(
        inspections=tasks.count(),
        joint=len(per_joint),
        departments_per_joint=sum(per_joint) / len(per_joint) if per_joint else 0.0,
        visits_saved=saved,
        visits=visits.count(),
        with_code=visits.filter(with_code=True).count(),
        failures=failed.count(),
        cases=failed.exclude(case=None).count(),
        whistles=failed.exclude(whistle=None).values("whistle").distinct().count(),
        rechecked=rechecked.count(),
        codes_scanned=tasks.filter(code_scans__gt=0).count(),
    )


def bodies_at_cap(*, district: District | int, year: int) -> int:
    """(Body, business) pairs whose capped routine visits in the year reached the routine cap."""
    from django.db.models import Count

    district_id = district if isinstance(district, int) else district.pk
    policy = frequency_policy_for(district_id)
    capped = InspectionTask.objects.filter(
        district_id=district_id,
        kind=TaskKind.ROUTINE,
        exemption="",
        status__in=LIVE_STATUSES,
        planned_on__year=year,
    )
    pairs: dict[tuple[int, int], int] = {}
    for row in capped.values("lead_unit_id", "subject_id").annotate(n=Count("pk")):
        pairs[(row["lead_unit_id"], row["subject_id"])] = row["n"]
    joined = TaskInvitation.objects.filter(task__in=capped, status=TaskInvitation.Status.ACCEPTED)
    for join in joined.values("department_id", "task__subject_id").annotate(
        n=Count("task_id", distinct=True)
    ):
        key = (join["department_id"], join["task__subject_id"])
        pairs[key] = pairs.get(key, 0) + join["n"]
    return sum(1 for n in pairs.values() if n >= policy.routine_per_year)


def report_units(*, district: District | int, start: dt.date, end: dt.date) -> list[Unit]:
    """The towns and departments that led or joined a visit in the period."""
    district_id = district if isinstance(district, int) else district.pk
    tasks = InspectionTask.objects.filter(
        district_id=district_id, entered_at__date__gte=start, entered_at__date__lte=end
    )
    ids = set(tasks.values_list("lead_unit_id", flat=True)) | set(
        TaskInvitation.objects.filter(task__in=tasks, status=TaskInvitation.Status.ACCEPTED).values_list(
            "department_id", flat=True
        )
    )
    return list(Unit.objects.filter(pk__in=ids).order_by("kind", "code"))
