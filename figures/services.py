"""Keeping the monthly aggregates up to date: one (town, month) row after a change (on commit, through the
outbox and a Celery task), every row in the nightly recount. Both write what `compute` finds, so running
either twice changes nothing."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from enforcement.models import AuditEvent, Unit
from enforcement.outbox import enqueue

from .compute import COUNT_FIELDS, WATCHED, Pair, RowFigures, compute, months_touched
from .models import Reconciliation, TownMonth

UPDATE_FIELDS = [*COUNT_FIELDS, "handling_days", "district", "refreshed_at"]


def _write(found: dict[Pair, RowFigures]) -> int:
    if not found:
        return 0
    districts = dict(
        Unit.objects.filter(pk__in={town for town, _m in found}).values_list("pk", "district_id")
    )
    now = timezone.now()
    rows = [
        TownMonth(
            town_id=town,
            district_id=districts[town],
            month=month,
            handling_days={str(days): n for days, n in sorted(figures.handling_days.items())},
            refreshed_at=now,
            **{name: figures.counts.get(name, 0) for name in COUNT_FIELDS},
        )
        for (town, month), figures in found.items()
        if town in districts
    ]
    TownMonth.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["town", "month"],
        update_fields=UPDATE_FIELDS,
    )
    return len(rows)


LOCK_SPACE = 14_0001  # pg_advisory_xact_lock's first key: the figures' refresh of one town


@transaction.atomic
def figures_refresh(*, pairs: list[Pair]) -> int:
    """Recompute the named (town, month) rows from the raw tables; an empty row is kept, with zeros. Two
    refreshes of one town take turns (a lock held to the commit), so an older count never lands after a
    newer one: the second counts after the first has committed."""
    wanted = sorted(set(pairs))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for town in sorted({town for town, _m in wanted}):
                cursor.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)", [LOCK_SPACE, town])
    return _write(compute(wanted))


def figures_refresh_for_change(
    *, object_type: str, object_id: str, seen: list[list[Any]] | None = None
) -> int:
    """The rows a change of one object can move: its town's months of the dates that count now, and those
    they fell in when the change was made (`seen`, as ISO dates)."""
    pairs = months_touched(object_type, object_id)
    pairs |= {(town, dt.date.fromisoformat(month)) for town, month in seen or []}
    return figures_refresh(pairs=sorted(pairs)) if pairs else 0


@transaction.atomic
def figures_reconcile() -> Reconciliation:
    """The nightly recount: every row from the raw tables in one pass per family; rows with nothing left in
    them are deleted. Holds every town's refresh lock while it counts (seconds at a million cases): a change
    committed meanwhile is counted by its own refresh afterwards, never overwritten by this older count."""
    started, clock = timezone.now(), time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(%s::int, id::int) FROM enforcement_unit "
                "WHERE kind = 'town' ORDER BY id) towns",
                [LOCK_SPACE],
            )
    found = compute(None)
    written = _write(found)
    keep = set(found)
    stale = [
        pk
        for pk, town, month in TownMonth.objects.values_list("pk", "town_id", "month")
        if (town, month) not in keep
    ]
    TownMonth.objects.filter(pk__in=stale).delete()
    return Reconciliation.objects.create(
        started_at=started, finished_at=timezone.now(), rows=written, seconds=time.perf_counter() - clock
    )


DATED = ("closed_on", "decided_on", "visited_on", "entered_at", "handle_due", "raised_at", "resolved_at")


def _months_before(event: AuditEvent) -> set[Pair]:
    """The months the object's dates fell in before the change, as its audit row keeps them: a corrected date
    refreshes the month it left as well as the one it reached."""
    if not event.town_id or not isinstance(event.before, dict):
        return set()
    pairs: set[Pair] = set()
    for name in DATED:
        value = event.before.get(name)
        if not isinstance(value, str) or not value:
            continue
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            continue
        day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
        pairs.add((event.town_id, day.replace(day=1)))
    return pairs


def figures_warnings_raised(event: str, warnings: Any) -> None:
    """Fence warning listener (inside the raising transaction): a sweep raises many warnings in one statement
    with one audit row per run, so their (town, month) rows are queued from here, one task per batch."""
    if event != "raised" or not warnings:
        return
    from .compute import local_month
    from .tasks import figures_refresh_rows_task

    pairs = sorted({(w.town_id, local_month(w.raised_at)) for w in warnings})
    enqueue(figures_refresh_rows_task, [[town, month.isoformat()] for town, month in pairs])


class _Queued:
    """A marker among the transaction's on-commit callbacks: this object's refresh is already queued."""

    def __init__(self, key: tuple[str, str]) -> None:
        self.figures_key = key

    def __call__(self) -> None:
        return None


def figures_change_seen(event: AuditEvent) -> None:
    """Audit listener (inside the change's transaction, after the change): queue the refresh of the rows the
    audited object now counts in, once per object and transaction, through the outbox (it survives a broker
    outage). An object that counts nowhere yet (a new lead, a whistle not yet due) queues nothing."""
    if event.object_type not in WATCHED or not event.object_id:
        return
    key = (event.object_type, event.object_id)
    pending: Any = transaction.get_connection().run_on_commit
    if any(getattr(entry[1], "figures_key", None) == key for entry in pending):
        return
    pairs = months_touched(event.object_type, event.object_id) | _months_before(event)
    if not pairs:
        return
    from .tasks import figures_refresh_task

    transaction.on_commit(_Queued(key))
    seen = [[town, month.isoformat()] for town, month in sorted(pairs)]
    enqueue(figures_refresh_task, event.object_type, event.object_id, seen)
