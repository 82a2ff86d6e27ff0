"""双向考核, the two-way assessment: how departments answered whistles, and how towns used them.

Definitions (over the whistles raised in the period, as far as the user may see them):

Departments, per assignment received:
  * response time: sent -> checked in; handling time: sent -> reported handled (after an overruled return, the
    clock restarts at the re-send; the return itself is counted against the department).
  * on time: handled with every step (check in, on site, handled) by its deadline. Late: a step done after its
    deadline, or still owed past it. Assignments not yet late and not yet handled are pending and left out of
    the rate, as are those withdrawn by the town or whose return was upheld.
  * return rate: assignments returned at least once / received. Returns are split into overruled (the district
    found the return unjustified), upheld, and awaiting review; "territorial responsibility" returns, the
    Nanjing complaint, are counted on their own.
  * rating: the town's satisfaction, 1-5, on confirmed assignments.

Towns, per whistle raised:
  * justified: a department handled it, or the district overruled a return of it.
  * unjustified: nothing left open, nobody handled it, and a return of it was upheld.
  * undecided otherwise (still open, or withdrawn before anyone decided). Share justified = justified /
    decided.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from enforcement.access import scope_for
from enforcement.models import Unit, User

from . import clock
from .models import WhistleAssignment, WhistleRequest, WhistleReturn
from .selectors import missed_steps
from .workflow import OPEN_STATUSES, ReturnReason, Status, WhistleStatus

ON_TIME_COUNTED = frozenset({Status.SENT, Status.ACKNOWLEDGED, Status.ON_SITE, Status.HANDLED, Status.CLOSED})


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


@dataclass
class DepartmentFigures:
    department: Unit
    received: int = 0
    checked_in: int = 0
    handled: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0
    open_overdue: int = 0
    returned: int = 0
    returns_total: int = 0
    returns_overruled: int = 0
    returns_upheld: int = 0
    returns_pending: int = 0
    returns_territorial: int = 0
    rated: int = 0
    check_in_minutes: list[float] = field(default_factory=list, repr=False)
    handle_hours: list[float] = field(default_factory=list, repr=False)
    ratings: list[int] = field(default_factory=list, repr=False)

    @property
    def median_check_in_minutes(self) -> float | None:
        return _median(self.check_in_minutes)

    @property
    def median_handle_hours(self) -> float | None:
        return _median(self.handle_hours)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.on_time + self.late)

    @property
    def return_rate(self) -> float | None:
        return _rate(self.returned, self.received)

    @property
    def average_rating(self) -> float | None:
        return _mean([float(r) for r in self.ratings])

    def as_dict(self) -> dict[str, Any]:
        return {
            "department_id": self.department.pk,
            "department": self.department.name,
            "received": self.received,
            "checked_in": self.checked_in,
            "handled": self.handled,
            "median_check_in_minutes": self.median_check_in_minutes,
            "median_handle_hours": self.median_handle_hours,
            "on_time": self.on_time,
            "late": self.late,
            "pending": self.pending,
            "on_time_rate": self.on_time_rate,
            "open_overdue": self.open_overdue,
            "returned": self.returned,
            "return_rate": self.return_rate,
            "returns_total": self.returns_total,
            "returns_overruled": self.returns_overruled,
            "returns_upheld": self.returns_upheld,
            "returns_pending": self.returns_pending,
            "returns_territorial": self.returns_territorial,
            "rated": self.rated,
            "average_rating": self.average_rating,
        }


@dataclass
class TownFigures:
    town: Unit
    raised: int = 0
    open: int = 0
    closed: int = 0
    withdrawn: int = 0
    justified: int = 0
    unjustified: int = 0
    undecided: int = 0
    returns_received: int = 0
    ratings: list[int] = field(default_factory=list, repr=False)

    @property
    def justified_share(self) -> float | None:
        return _rate(self.justified, self.justified + self.unjustified)

    @property
    def average_rating_given(self) -> float | None:
        return _mean([float(r) for r in self.ratings])

    def as_dict(self) -> dict[str, Any]:
        return {
            "town_id": self.town.pk,
            "town": self.town.name,
            "raised": self.raised,
            "open": self.open,
            "closed": self.closed,
            "withdrawn": self.withdrawn,
            "justified": self.justified,
            "unjustified": self.unjustified,
            "undecided": self.undecided,
            "justified_share": self.justified_share,
            "returns_received": self.returns_received,
            "average_rating_given": self.average_rating_given,
        }


@dataclass
class Assessment:
    start: dt.date
    end: dt.date
    departments: list[DepartmentFigures]
    towns: list[TownFigures]
    months: list[dict[str, Any]]
    return_reasons: list[dict[str, Any]]
    show_towns: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "departments": [d.as_dict() for d in self.departments],
            "towns": [t.as_dict() for t in self.towns] if self.show_towns else [],
            "months": self.months,
            "return_reasons": self.return_reasons,
        }


def justification(whistle: WhistleRequest, assignments: list[WhistleAssignment]) -> str:
    """'justified', 'unjustified' or 'undecided' (see the module's docstring)."""
    returns = [r for a in assignments for r in a.returns.all()]
    if any(a.handled_at is not None for a in assignments) or any(
        r.decision == WhistleReturn.Decision.OVERRULED for r in returns
    ):
        return "justified"
    if not any(a.status in OPEN_STATUSES for a in assignments) and any(
        r.decision == WhistleReturn.Decision.UPHELD for r in returns
    ):
        return "unjustified"
    return "undecided"


def _period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def assess(*, user: User, start: dt.date, end: dt.date, now: dt.datetime | None = None) -> Assessment:
    """The figures the user may see: the district administrator the whole district; a department its own row;
    a town its own row and how departments answered its whistles."""
    moment = now or clock.now()
    scope = scope_for(user)
    lo, hi = _period_bounds(start, end)
    whistles = (
        WhistleRequest.objects.visible_to(user)
        .filter(raised_at__gte=lo, raised_at__lt=hi)
        .select_related("town")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=WhistleAssignment.objects.select_related("department").prefetch_related("returns"),
            )
        )
    )
    department_only = bool(scope.department_ids) and not scope.district_admin and not scope.town_ids
    departments: dict[int, DepartmentFigures] = {}
    towns: dict[int, TownFigures] = {}
    months: dict[str, dict[str, Any]] = {}
    reasons: dict[str, int] = defaultdict(int)

    for whistle in whistles:
        assignments = list(whistle.assignments.all())
        month = timezone.localtime(whistle.raised_at).strftime("%Y-%m")
        bucket = months.setdefault(
            month, {"month": month, "raised": 0, "returns": 0, "on_time": 0, "late": 0}
        )
        bucket["raised"] += 1

        if scope.district_admin or whistle.town_id in scope.town_ids:
            town = towns.setdefault(whistle.town_id, TownFigures(whistle.town))
            town.raised += 1
            if whistle.status == WhistleStatus.OPEN:
                town.open += 1
            elif whistle.status == WhistleStatus.CLOSED:
                town.closed += 1
            else:
                town.withdrawn += 1
            verdict = justification(whistle, assignments)
            setattr(town, verdict, getattr(town, verdict) + 1)
            town.returns_received += sum(a.return_count for a in assignments)
            town.ratings.extend(a.rating for a in assignments if a.rating is not None)

        for assignment in assignments:
            if department_only and assignment.department_id not in scope.department_ids:
                continue
            figures = departments.setdefault(
                assignment.department_id, DepartmentFigures(assignment.department)
            )
            _count_assignment(figures, assignment, moment, bucket, reasons)

    department_rows = sorted(departments.values(), key=lambda d: (-d.received, d.department.code))
    town_rows = sorted(towns.values(), key=lambda t: t.town.code)
    return Assessment(
        start=start,
        end=end,
        departments=department_rows,
        towns=town_rows,
        months=[months[k] for k in sorted(months)],
        return_reasons=[
            {"reason": value, "label": str(label), "count": reasons.get(value, 0)}
            for value, label in ReturnReason.choices
        ],
        show_towns=not department_only,
    )


def _count_assignment(
    figures: DepartmentFigures,
    assignment: WhistleAssignment,
    now: dt.datetime,
    bucket: dict[str, Any],
    reasons: dict[str, int],
) -> None:
    figures.received += 1
    if assignment.acknowledged_at is not None:
        figures.checked_in += 1
        figures.check_in_minutes.append(
            (assignment.acknowledged_at - assignment.sent_at).total_seconds() / 60
        )
    if assignment.handled_at is not None:
        figures.handled += 1
        figures.handle_hours.append((assignment.handled_at - assignment.sent_at).total_seconds() / 3600)
    if assignment.status in ON_TIME_COUNTED:
        missed = missed_steps(assignment, now)
        if missed:
            figures.late += 1
            bucket["late"] += 1
            if assignment.status not in (Status.HANDLED, Status.CLOSED):
                figures.open_overdue += 1
        elif assignment.status in (Status.HANDLED, Status.CLOSED):
            figures.on_time += 1
            bucket["on_time"] += 1
        else:
            figures.pending += 1
    returns = list(assignment.returns.all())
    if returns:
        figures.returned += 1
    for ret in returns:
        figures.returns_total += 1
        bucket["returns"] += 1
        reasons[ret.reason] += 1
        if ret.reason == ReturnReason.TOWN_HOLDS_POWER:
            figures.returns_territorial += 1
        if ret.decision == WhistleReturn.Decision.OVERRULED:
            figures.returns_overruled += 1
        elif ret.decision == WhistleReturn.Decision.UPHELD:
            figures.returns_upheld += 1
        elif ret.decision == WhistleReturn.Decision.PENDING:
            figures.returns_pending += 1
    if assignment.rating is not None:
        figures.rated += 1
        figures.ratings.append(assignment.rating)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last six calendar months, this one included."""
    year, month = today.year, today.month - 5
    while month <= 0:
        month += 12
        year -= 1
    return dt.date(year, month, 1), today
