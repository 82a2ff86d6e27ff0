"""The plan merge: two units planning one business in the same window are proposed one joint visit (the
low-frequency check joins the high-frequency one)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from enforcement.models import District
from enforcement.rules import AnyUser

from ..models import (
    InspectionTask,
)
from ..workflow import LIVE_STATUSES, TaskKind
from .tasks import PLANNED_STATUSES

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
