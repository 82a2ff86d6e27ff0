"""The report's figures per district, town and department: visits, joint visits, visits saved, failures,
cases, whistles, re-checks, codes opened; the pairs at the routine cap; the units that took part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from enforcement.models import District, Unit

from ..models import (
    InspectionTask,
    TaskInvitation,
    Visit,
)
from ..workflow import Exemption
from .frequency import capped_pairs, frequency_policy_for

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
    district_id = district if isinstance(district, int) else district.pk
    policy = frequency_policy_for(district_id)
    return sum(1 for n in capped_pairs(district_id, year).values() if n >= policy.routine_per_year)


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
