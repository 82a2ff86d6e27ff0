"""The audit trail (全过程记录): write a hash-chained row in the caller's transaction; verify the chain.

Each row's hash covers its own content and the previous row's hash, so an edited, deleted, reordered or inserted row
breaks the chain at that point. The single `AuditHead` row holds the last link: writers lock it (which serialises
them, so the chain never forks) and the verifier compares it with the last row (which reveals a cut-off tail).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .models import AuditCheck, AuditEvent, AuditHead, Unit, User

GENESIS = "0" * 64
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


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
    """Append one audit row. Must run inside the transaction that makes the change."""
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction("audit rows are written in the same transaction as the change")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    event = AuditEvent(
        seq=head.seq + 1,
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
        prev_hash=head.hash,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    AuditHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event


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

    @property
    def ok(self) -> bool:
        return self.first_break is None


def audit_verify(batch_size: int = 2000) -> AuditReport:
    """Walk the chain in physical id order and report the first broken row."""
    prev_hash = GENESIS
    expected_seq = 1
    rows = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        rows += 1
        if event.seq != expected_seq:
            return AuditReport(
                rows,
                AuditBreak(
                    event.seq,
                    event.pk,
                    f"sequence jumps from {expected_seq - 1} to {event.seq} (row deleted, inserted or reordered)",
                ),
            )
        if event.prev_hash != prev_hash:
            return AuditReport(
                rows,
                AuditBreak(
                    event.seq,
                    event.pk,
                    "does not link to the previous row (row deleted, inserted or reordered)",
                ),
            )
        if event_hash(event) != event.hash:
            return AuditReport(
                rows, AuditBreak(event.seq, event.pk, "content does not match its hash (row edited)")
            )
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
                    f"does not match the checkpoint recorded at {check.checked_at:%Y-%m-%d %H:%M} (history rewritten)",
                ),
            )
    head = AuditHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        return AuditReport(
            rows,
            AuditBreak(
                None,
                None,
                f"head says {head_seq} rows ending {head_hash[:12]}, log has {expected_seq - 1} ending {prev_hash[:12]} (rows cut off the end)",
            ),
        )
    return AuditReport(rows, None)


def object_events(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The timeline of one object, oldest first."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )
