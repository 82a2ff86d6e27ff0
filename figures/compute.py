"""The figures of (town, month) rows computed from the raw tables: one set-based query per family, for every
row (the nightly recount) or for a few named (town, month) rows (after a change). No ORM loops over rows.

What each count means (README, "District and city dashboards"):
- handling time: a case closed in the month (closed_on) that had been filed (filed_on): closed_on - filed_on
  in calendar days; kept as a histogram {days: cases};
- procedure steps: the case's recorded workflow actions (CaseEvent rows whose action is a workflow action:
  creation, declarations and notes are not steps);
- fully online: of the closed cases whose decision was served, those served electronically (电子送达) whose
  fine, if any, was paid online (网上缴纳); a case without a fine needs only the electronic service;
- discretion: decisions made in the month (decided_on) that had a benchmark recommendation
  (deviation_kind set); "inside" is inside the recommended tier, anything else (lighter, heavier, outside the
  statutory range) is a deviation;
- inspections: tasks entered in the month (entered_at); joint: at least one department accepted and came
  along; visits saved: the departments that came along (each would otherwise have made its own visit);
- repeat visits: inspection visits on the ledger (visited_on) to a business that any unit had visited for an
  inspection within the REPEAT_WINDOW_DAYS before (the bodies of one joint visit are not repeats of each
  other);
- whistle on time: a department's assignment whose handling deadline (handle_due) fell in the month, counted
  once handled or once the deadline has passed; on time if handled by the deadline (withdrawn and upheld
  returns are left out);
- warnings: raised in the month (raised_at), of those confirmed (status confirmed, or resolved after being
  confirmed); resolved in the month (resolved_at).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.workflow import Action
from enforcement import clock
from enforcement.models import FenceWarning
from inspections.models import InspectionTask, TaskInvitation, Visit
from whistles.models import WhistleAssignment, WhistleRequest

REPEAT_WINDOW_DAYS = 30
STEP_ACTIONS = [a.value for a in Action]
ONLINE_SERVICE = "electronic"
ONLINE_PAYMENT = "online"

Pair = tuple[int, dt.date]  # (town id, first day of the month)

COUNT_FIELDS = [
    "cases_closed",
    "steps_total",
    "served_closed",
    "online",
    "decisions_benchmarked",
    "decisions_inside",
    "inspections",
    "joint_inspections",
    "visits_saved",
    "visits",
    "repeat_visits",
    "whistle_due",
    "whistle_on_time",
    "warnings_raised",
    "warnings_confirmed",
    "warnings_resolved",
]


@dataclass
class RowFigures:
    counts: Counter[str] = field(default_factory=Counter)
    handling_days: Counter[int] = field(default_factory=Counter)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def local_month(moment: dt.datetime) -> dt.date:
    return month_start(timezone.localtime(moment).date())


def _bounds(pair: Pair, *, aware: bool) -> tuple[Any, Any]:
    start, end = pair[1], next_month(pair[1])
    if not aware:
        return start, end
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time()), tz),
        timezone.make_aware(dt.datetime.combine(end, dt.time()), tz),
    )


def _where(pairs: list[Pair] | None, town: str, column: str, *, aware: bool) -> tuple[str, list[Any]]:
    """`AND (...)` limiting a query to the named rows; empty for every row."""
    if pairs is None:
        return "", []
    parts, params = [], []
    for pair in pairs:
        low, high = _bounds(pair, aware=aware)
        parts.append(f"({town} = %s AND {column} >= %s AND {column} < %s)")
        params += [pair[0], low, high]
    return " AND (" + " OR ".join(parts) + ")", params


def _month(column: str, *, aware: bool) -> str:
    if aware:
        return f"date_trunc('month', {column} AT TIME ZONE %s)::date"
    return f"date_trunc('month', {column})::date"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def compute(pairs: list[Pair] | None) -> dict[Pair, RowFigures]:
    """The figures of the given (town, month) rows (every row with anything in it when `pairs` is None).
    Rows asked for but empty come back empty, so that a row whose last case moved away is zeroed."""
    if connection.vendor != "postgresql":
        return compute_portable(pairs)
    tz = str(timezone.get_current_timezone())
    out: dict[Pair, RowFigures] = {pair: RowFigures() for pair in pairs or []}

    def add(town: int, month: dt.date, **counts: int) -> RowFigures:
        row = out.setdefault((town, month), RowFigures())
        row.counts.update({k: int(v or 0) for k, v in counts.items()})
        return row

    case, event = Case._meta.db_table, CaseEvent._meta.db_table
    where, params = _where(pairs, "c.town_id", "c.closed_on", aware=False)
    for town, month, days, n, steps, served, online in _rows(
        f"""
        SELECT c.town_id, {_month("c.closed_on", aware=False)}, c.closed_on - c.filed_on, count(*),
               sum((SELECT count(*) FROM {event} e WHERE e.case_id = c.id AND e.action = ANY(%s))),
               count(*) FILTER (WHERE c.served_on IS NOT NULL),
               count(*) FILTER (WHERE c.served_on IS NOT NULL AND c.service_method = %s
                                AND (coalesce(c.fine, 0) = 0 OR c.payment_channel = %s))
        FROM {case} c
        WHERE c.closed_on IS NOT NULL AND c.filed_on IS NOT NULL {where}
        GROUP BY 1, 2, 3
        """,
        [STEP_ACTIONS, ONLINE_SERVICE, ONLINE_PAYMENT, *params],
    ):
        row = add(town, month, cases_closed=n, steps_total=steps, served_closed=served, online=online)
        row.handling_days[max(int(days), 0)] += int(n)

    where, params = _where(pairs, "c.town_id", "c.decided_on", aware=False)
    for town, month, benchmarked, inside in _rows(
        f"""
        SELECT c.town_id, {_month("c.decided_on", aware=False)},
               count(*) FILTER (WHERE c.deviation_kind <> ''),
               count(*) FILTER (WHERE c.deviation_kind = 'inside')
        FROM {case} c WHERE c.decided_on IS NOT NULL {where} GROUP BY 1, 2
        """,
        params,
    ):
        add(town, month, decisions_benchmarked=benchmarked, decisions_inside=inside)

    task, invitation = InspectionTask._meta.db_table, TaskInvitation._meta.db_table
    where, params = _where(pairs, "t.town_id", "t.entered_at", aware=True)
    for town, month, n, joint, saved in _rows(
        f"""
        SELECT t.town_id, {_month("t.entered_at", aware=True)}, count(*),
               count(*) FILTER (WHERE j.n > 0), coalesce(sum(j.n), 0)
        FROM {task} t
        CROSS JOIN LATERAL (SELECT count(*) AS n FROM {invitation} i
                            WHERE i.task_id = t.id AND i.status = %s) j
        WHERE t.entered_at IS NOT NULL {where} GROUP BY 1, 2
        """,
        [tz, TaskInvitation.Status.ACCEPTED.value, *params],
    ):
        add(town, month, inspections=n, joint_inspections=joint, visits_saved=saved)

    visit = Visit._meta.db_table
    where, params = _where(pairs, "v.town_id", "v.visited_on", aware=False)
    inspection = Visit.Purpose.INSPECTION.value
    for town, month, n, repeats in _rows(
        f"""
        SELECT v.town_id, {_month("v.visited_on", aware=False)}, count(*),
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM {visit} p
                   WHERE p.subject_id = v.subject_id AND p.purpose = %s AND p.id <> v.id
                     AND p.visited_on BETWEEN v.visited_on - %s AND v.visited_on
                     AND (p.visited_on < v.visited_on OR p.id < v.id)
                     AND (v.task_id IS NULL OR p.task_id IS NULL OR p.task_id <> v.task_id)))
        FROM {visit} v WHERE v.purpose = %s {where} GROUP BY 1, 2
        """,
        [inspection, REPEAT_WINDOW_DAYS, inspection, *params],
    ):
        add(town, month, visits=n, repeat_visits=repeats)

    assignment, whistle = WhistleAssignment._meta.db_table, WhistleRequest._meta.db_table
    where, params = _where(pairs, "w.town_id", "a.handle_due", aware=True)
    for town, month, due, on_time in _rows(
        f"""
        SELECT w.town_id, {_month("a.handle_due", aware=True)}, count(*),
               count(*) FILTER (WHERE a.handled_at IS NOT NULL AND a.handled_at <= a.handle_due)
        FROM {assignment} a JOIN {whistle} w ON w.id = a.whistle_id
        WHERE a.status NOT IN ('cancelled', 'return_upheld')
          AND (a.handled_at IS NOT NULL OR a.handle_due < %s) {where}
        GROUP BY 1, 2
        """,
        [tz, clock.now(), *params],
    ):
        add(town, month, whistle_due=due, whistle_on_time=on_time)

    warning = FenceWarning._meta.db_table
    confirmed = [FenceWarning.Status.CONFIRMED.value, FenceWarning.Status.RESOLVED.value]
    where, params = _where(pairs, "f.town_id", "f.raised_at", aware=True)
    for town, month, raised, n_confirmed in _rows(
        f"""
        SELECT f.town_id, {_month("f.raised_at", aware=True)}, count(*),
               count(*) FILTER (WHERE f.status = ANY(%s))
        FROM {warning} f WHERE true {where} GROUP BY 1, 2
        """,
        [tz, confirmed, *params],
    ):
        add(town, month, warnings_raised=raised, warnings_confirmed=n_confirmed)
    where, params = _where(pairs, "f.town_id", "f.resolved_at", aware=True)
    for town, month, resolved in _rows(
        f"""
        SELECT f.town_id, {_month("f.resolved_at", aware=True)}, count(*)
        FROM {warning} f WHERE f.resolved_at IS NOT NULL {where} GROUP BY 1, 2
        """,
        [tz, *params],
    ):
        add(town, month, warnings_resolved=resolved)
    if pairs is not None:  # a query over a pair's bounds returns only that pair; keep nothing else
        wanted = set(pairs)
        out = {pair: row for pair, row in out.items() if pair in wanted}
    return out


def months_touched(object_type: str, object_id: str) -> set[Pair]:
    """The (town, month) rows a change of this object can move (its current dates; a date moved away from a
    month is put right by the nightly recount)."""
    pairs: set[Pair] = set()

    def dated(town: int | None, *days: dt.date | dt.datetime | None) -> None:
        for day in days:
            if town is None or day is None:
                continue
            month = local_month(day) if isinstance(day, dt.datetime) else month_start(day)
            pairs.add((town, month))

    def visits(rows: Iterable[tuple[int, dt.date]]) -> None:
        for town, day in rows:  # a visit can make the next month's visits repeats too
            dated(town, day, day + dt.timedelta(days=REPEAT_WINDOW_DAYS))

    if not object_id.isdigit():
        return pairs
    pk = int(object_id)
    if object_type == "cases.case":
        for town, closed, decided in Case.objects.filter(pk=pk).values_list(
            "town_id", "closed_on", "decided_on"
        ):
            dated(town, closed, decided)
    elif object_type in {"inspections.inspectiontask", "inspections.taskinvitation"}:
        if object_type == "inspections.taskinvitation":
            pk = TaskInvitation.objects.filter(pk=pk).values_list("task_id", flat=True).first() or 0
        for town, entered in InspectionTask.objects.filter(pk=pk).values_list("town_id", "entered_at"):
            dated(town, entered)
        visits(Visit.objects.filter(task_id=pk).values_list("town_id", "visited_on"))
    elif object_type == "inspections.visit":
        visits(Visit.objects.filter(pk=pk).values_list("town_id", "visited_on"))
    elif object_type in {"whistles.whistlerequest", "whistles.whistleassignment"}:
        rows = WhistleAssignment.objects.filter(
            Q(handled_at__isnull=False) | Q(handle_due__lt=clock.now()),
            **({"whistle_id": pk} if object_type == "whistles.whistlerequest" else {"pk": pk}),
        )
        for town, due in rows.values_list("whistle__town_id", "handle_due"):
            dated(town, due)
    elif object_type == "enforcement.fencewarning":
        for town, raised, resolved in FenceWarning.objects.filter(pk=pk).values_list(
            "town_id", "raised_at", "resolved_at"
        ):
            dated(town, raised, resolved)
    return pairs


WATCHED = frozenset(
    {
        "cases.case",
        "inspections.inspectiontask",
        "inspections.taskinvitation",
        "inspections.visit",
        "whistles.whistlerequest",
        "whistles.whistleassignment",
        "enforcement.fencewarning",
    }
)


# --- the same counts without PostgreSQL (demo mode runs on SQLite) ------------------------------------------


def compute_portable(pairs: list[Pair] | None) -> dict[Pair, RowFigures]:
    """`compute` through the ORM and Python, for databases without FILTER, LATERAL and time zones in SQL (the
    demo's SQLite). Same definitions; reads every row of the towns asked for, so only for small data."""
    from django.db.models import Count

    out: dict[Pair, RowFigures] = {pair: RowFigures() for pair in pairs or []}
    wanted = set(pairs) if pairs is not None else None
    towns = {town for town, _m in pairs} if pairs is not None else None

    def row(town: int, day: dt.date | dt.datetime) -> RowFigures | None:
        month = local_month(day) if isinstance(day, dt.datetime) else month_start(day)
        if wanted is not None and (town, month) not in wanted:
            return None
        return out.setdefault((town, month), RowFigures())

    def scoped(qs: Any, field: str = "town_id") -> Any:
        return qs if towns is None else qs.filter(**{f"{field}__in": towns})

    closed = scoped(Case.objects.filter(closed_on__isnull=False, filed_on__isnull=False))
    steps = dict(
        CaseEvent.objects.filter(case__in=closed.values("pk"), action__in=STEP_ACTIONS)
        .values("case")
        .annotate(n=Count("pk"))
        .values_list("case", "n")
    )
    for pk, town, filed, closed_on, served, method, fine, channel in closed.values_list(
        "pk", "town_id", "filed_on", "closed_on", "served_on", "service_method", "fine", "payment_channel"
    ):
        target = row(town, closed_on)
        if target is None:
            continue
        target.handling_days[max((closed_on - filed).days, 0)] += 1
        online = served is not None and method == ONLINE_SERVICE and (not fine or channel == ONLINE_PAYMENT)
        target.counts.update(
            cases_closed=1,
            steps_total=steps.get(pk, 0),
            served_closed=int(served is not None),
            online=int(online),
        )
    for town, decided, kind in scoped(Case.objects.filter(decided_on__isnull=False)).values_list(
        "town_id", "decided_on", "deviation_kind"
    ):
        target = row(town, decided)
        if target is not None:
            target.counts.update(
                decisions_benchmarked=int(kind != ""), decisions_inside=int(kind == "inside")
            )
    tasks = scoped(InspectionTask.objects.filter(entered_at__isnull=False))
    accepted = dict(
        TaskInvitation.objects.filter(task__in=tasks.values("pk"), status=TaskInvitation.Status.ACCEPTED)
        .values("task")
        .annotate(n=Count("pk"))
        .values_list("task", "n")
    )
    for pk, town, entered in tasks.values_list("pk", "town_id", "entered_at"):
        target = row(town, entered)
        if target is not None:
            n = accepted.get(pk, 0)
            target.counts.update(inspections=1, joint_inspections=int(n > 0), visits_saved=n)
    inspection = Visit.Purpose.INSPECTION
    visits = list(
        scoped(Visit.objects.filter(purpose=inspection)).values_list(
            "pk", "town_id", "subject_id", "task_id", "visited_on"
        )
    )
    earlier: dict[int, list[tuple[int, int | None, dt.date]]] = {}
    for pk, _town, subject, task, day in Visit.objects.filter(
        purpose=inspection, subject_id__in={v[2] for v in visits}
    ).values_list("pk", "town_id", "subject_id", "task_id", "visited_on"):
        earlier.setdefault(subject, []).append((pk, task, day))
    window = dt.timedelta(days=REPEAT_WINDOW_DAYS)
    for pk, town, subject, task, day in visits:
        target = row(town, day)
        if target is None:
            continue
        repeat = any(
            other != pk
            and day - window <= other_day <= day
            and (other_day < day or other < pk)
            and (task is None or other_task is None or other_task != task)
            for other, other_task, other_day in earlier.get(subject, [])
        )
        target.counts.update(visits=1, repeat_visits=int(repeat))
    now = clock.now()
    assignments = WhistleAssignment.objects.exclude(status__in=["cancelled", "return_upheld"]).filter(
        Q(handled_at__isnull=False) | Q(handle_due__lt=now)
    )
    for town, due, handled in scoped(assignments, "whistle__town_id").values_list(
        "whistle__town_id", "handle_due", "handled_at"
    ):
        target = row(town, due)
        if target is not None:
            target.counts.update(whistle_due=1, whistle_on_time=int(handled is not None and handled <= due))
    confirmed = {FenceWarning.Status.CONFIRMED, FenceWarning.Status.RESOLVED}
    for town, raised, status, resolved in scoped(FenceWarning.objects.all()).values_list(
        "town_id", "raised_at", "status", "resolved_at"
    ):
        target = row(town, raised)
        if target is not None:
            target.counts.update(warnings_raised=1, warnings_confirmed=int(status in confirmed))
        if resolved is not None and (target := row(town, resolved)) is not None:
            target.counts.update(warnings_resolved=1)
    return out
