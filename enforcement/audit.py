"""The audit trail (全过程记录): write a row in the caller's transaction; chain the rows after commit; verify
the chain.

Each linked row's hash covers its own content, its place (`seq`) and the previous row's hash, so an edited,
deleted, reordered or inserted row breaks the chain at that point.

Why rows are linked after commit, by one linker, and not by each writer: when every writer locked the single
head row to take the next link, the lock was held until the writer's commit, so a catalog import writing 1,000
rows in one transaction held every officer's action in the district (and in every other district) for the
whole import: 14 to 21 s on the bench (bench/audit_wait_bench.py). Now a writer only inserts its row (content,
no link): writers never wait for each other. After the commit the linker (`audit_link`) takes the head row's
lock with SKIP LOCKED, chains every committed unlinked row in id order after the head, and moves the head: the
chain's order is the order rows were linked, the head lock is held only for the few milliseconds of linking,
and a writer that finds it taken leaves its row to the linker holding it (which loops until nothing is
pending), to the minute's sweep (`audit_link_task`) or to the next check (`audit_verify` links first). Tamper
evidence is unchanged once a row is linked; before that (normally milliseconds after its commit) the row's
content is already immutable, because the append-only trigger allows one
UPDATE only: setting the three link columns of an unlinked row, with every other column unchanged.

Rejected alternatives: a chain per district does not help, because a district's catalog import and its
officers share the district's chain; one summary row per bulk operation would still hold the head for the rest
of the import's transaction, and loses the per-item rows the usage pages and timelines read.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .audit_catalog import require_audit_action
from .models import AuditCheck, AuditEvent, AuditHead, Unit, User

log = logging.getLogger(__name__)

GENESIS = "0" * 64
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# Set while a bulk writer (the demo build) links once at its end instead of after each of its commits.
_linking_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "audit_linking_deferred", default=False
)


class AuditOutsideTransaction(RuntimeError):
    pass


def json_safe(value: Any) -> Any:
    """JSON-safe copy (dates, Decimals, UUIDs as strings) so what is hashed is exactly what is stored."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(event: AuditEvent) -> str:
    fields = {
        "seq": event.seq,
        "at": _at_text(event.at),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "unit": event.unit_id,
        "town": event.town_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "summary": event.summary,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "prev": event.prev_hash,
    }
    return hashlib.sha256(_canonical(fields)).hexdigest()


# Apps that keep figures derived from audited changes register a listener (figures.apps): it runs inside the
# change's transaction with the new row, so whatever it queues commits or rolls back with the change.
AUDIT_LISTENERS: list[Callable[[AuditEvent], None]] = []


def register_audit_listener(listener: Callable[[AuditEvent], None]) -> None:
    if listener not in AUDIT_LISTENERS:
        AUDIT_LISTENERS.append(listener)


# Told of each batch of rows the linker chained (their seq and hashes set by one UPDATE, which sends no
# signal), inside the linker's transaction: the held audit list (enforcement.work_cache) shows those columns.
LINK_LISTENERS: list[Callable[[list[AuditEvent]], None]] = []


def register_link_listener(listener: Callable[[list[AuditEvent]], None]) -> None:
    if listener not in LINK_LISTENERS:
        LINK_LISTENERS.append(listener)


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    town: Unit | None = None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one audit row. Must run inside the transaction that makes the change. Takes no lock: the row is
    chained by the linker once the transaction commits (a rolled-back change leaves no row and no gap).
    `action` is a name from the catalog (enforcement.audit_catalog); any other raises UnknownAuditAction."""
    require_audit_action(action)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction("audit rows are written in the same transaction as the change")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.get_username() if actor is not None and actor.pk else "system"),
        unit=getattr(actor, "unit", None) if actor is not None and actor.pk else None,
        town=town,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        summary=summary[:500],
        before=json_safe(before),
        after=json_safe(after),
        request_id=request_id_var.get(),
    )
    event.save(force_insert=True)
    for listener in AUDIT_LISTENERS:
        listener(event)
    # One link run per transaction, however many rows it writes (a catalog import writes one per item).
    if not _linking_deferred.get() and not any(
        entry[1] is _link_after_commit for entry in connection.run_on_commit
    ):
        transaction.on_commit(_link_after_commit, robust=True)
    return event


LINK_BATCH = 500


def _link_after_commit() -> None:
    audit_link()


@contextlib.contextmanager
def linking_deferred() -> Iterator[None]:
    """Write audit rows without linking them after each commit; link them all once at the end (also when the
    block fails: what committed is chained). For a long run of small transactions by one writer, such as
    building the demo district, where a link run per commit doubles the commits. The rows are the same."""
    token = _linking_deferred.set(True)
    try:
        yield
    finally:
        _linking_deferred.reset(token)
        audit_link()


def _head_locked(*, wait: bool) -> AuditHead | None:
    """The head row, locked until the end of the current transaction; None if another linker holds it
    (wait=False)."""
    if not AuditHead.objects.filter(id=1).exists():
        AuditHead.objects.bulk_create([AuditHead(id=1)], ignore_conflicts=True)
    heads = AuditHead.objects.filter(id=1)
    return (heads.select_for_update() if wait else heads.select_for_update(skip_locked=True)).first()


def _link_pending(head: AuditHead) -> int:
    """Chain the committed unlinked rows after the (locked) head, in id order, and move the head. Loops until
    none is left, so rows committed while it works are linked by it too."""
    linked = 0
    while True:
        unlinked = AuditEvent.objects.filter(
            seq=None, prev_hash=None, hash=None
        )  # a half link is the verifier's
        batch = list(unlinked.order_by("id")[:LINK_BATCH])
        if not batch:
            break
        for event in batch:
            event.seq, event.prev_hash = head.seq + 1, head.hash
            event.hash = event_hash(
                event
            )  # from the row as stored: what is hashed is what the verifier reads
            head.seq, head.hash = event.seq, event.hash
        _write_links(batch)
        for listener in LINK_LISTENERS:
            listener(batch)
        linked += len(batch)
    if linked:
        AuditHead.objects.filter(id=1).update(seq=head.seq, hash=head.hash)
    return linked


def _write_links(batch: list[AuditEvent]) -> None:
    """Set the link columns of a batch in one statement. On PostgreSQL an UPDATE ... FROM (VALUES ...) (about
    0.2 ms a row here, where bulk_update's CASE per column took 1.3 ms a row); elsewhere (the SQLite demo)
    bulk_update."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
        return
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    rows = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(batch))
    params = [value for e in batch for value in (e.pk, e.seq, e.prev_hash, e.hash)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash "  # noqa: S608 (names ours)
            f"FROM (VALUES {rows}) AS v(id, seq, prev_hash, hash) WHERE e.id = v.id",
            params,
        )


def audit_link() -> int:
    """The one writer of links: chain every committed row not yet linked. Returns how many it linked; 0 at
    once if another linker is at work (that one links what is pending before it lets go)."""
    with transaction.atomic():
        head = _head_locked(wait=False)
        return _link_pending(head) if head is not None else 0


@dataclass(frozen=True)
class AuditBreak:
    seq: int | None
    row_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"row seq={self.seq} (id={self.row_id})" if self.seq is not None else "chain head"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class AuditReport:
    rows: int
    first_break: AuditBreak | None
    head_seq: int = 0
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return self.first_break is None


def audit_verify(batch_size: int = 2000) -> AuditReport:
    """Link what is pending, then walk the chain in link order and report the first broken row.

    The head stays locked for the walk, so no row is linked meanwhile: a linked row the head does not account
    for is a forgery, not a race. Writers do not wait for this (they never lock the head); their rows are
    linked after."""
    with transaction.atomic():
        head = _head_locked(wait=True)
        assert head is not None
        _link_pending(head)
        return _walk(head, batch_size)


def _walk(head: AuditHead, batch_size: int) -> AuditReport:
    prev_hash = GENESIS
    expected_seq = 1
    rows = 0

    def broken(event: AuditEvent | None, reason: str) -> AuditReport:
        at = AuditBreak(event.seq, event.pk, reason) if event is not None else AuditBreak(None, None, reason)
        return AuditReport(rows, at, head.seq, head.hash)

    linked = AuditEvent.objects.exclude(seq=None, prev_hash=None, hash=None)
    for event in linked.order_by(F("seq").asc(nulls_last=True), "id").iterator(chunk_size=batch_size):
        rows += 1
        if event.seq is None or event.prev_hash is None or event.hash is None:
            return broken(event, "is partly linked (its link was edited)")
        if event.seq != expected_seq:
            return broken(
                event,
                f"sequence jumps from {expected_seq - 1} to {event.seq} (row deleted, inserted or reordered)",
            )
        if event.prev_hash != prev_hash:
            return broken(event, "does not link to the previous row (row deleted, inserted or reordered)")
        if event_hash(event) != event.hash:
            return broken(event, "content does not match its hash (row edited)")
        prev_hash = event.hash
        expected_seq += 1
    for check in AuditCheck.objects.filter(ok=True, head_seq__gt=0).order_by("-head_seq")[:50]:
        anchored = AuditEvent.objects.filter(seq=check.head_seq).values_list("pk", "hash").first()
        if anchored is None or anchored[1] != check.head_hash:
            return AuditReport(
                rows,
                AuditBreak(
                    check.head_seq,
                    anchored[0] if anchored else None,
                    f"does not match the checkpoint recorded at {check.checked_at:%Y-%m-%d %H:%M} "
                    "(history rewritten)",
                ),
                head.seq,
                head.hash,
            )
    if head.seq != expected_seq - 1 or head.hash != prev_hash:
        return broken(
            None,
            f"head says {head.seq} rows ending {head.hash[:12]}, log has {expected_seq - 1} "
            f"ending {prev_hash[:12]} (rows cut off the end)",
        )
    return AuditReport(rows, None, head.seq, head.hash)


def object_events(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The timeline of one object, oldest first."""
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("id")
    )
