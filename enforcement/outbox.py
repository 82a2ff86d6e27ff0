"""Background work that survives a broker outage: the transactional outbox.

Services never call `task.delay()` themselves. They call `enqueue(task, *args)` inside their transaction: that
writes an `OutboxMessage` row with the change, so the change and the request for work commit or roll back
together. After the commit the row is relayed to Celery. If the broker (Redis) is down the request still
succeeds, the row waits, and the relay sweep (`outbox_relay_task`, every minute from beat; `manage.py
relay_outbox` by hand) or the next commit that reaches the broker sends it. Each row is published while its
lock is held and marked sent in the same transaction, so two relays never send it both; a crash between the
publish and the commit can repeat one message, which is why every task stays idempotent.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import OutboxMessage

log = logging.getLogger(__name__)

RELAY_BATCH = 200  # rows per sweep run; a full batch queues the next run
BACKLOG_ON_COMMIT = (
    20  # older rows a successful relay after a commit also sends (the rest wait for the sweep)
)
KEEP_SENT = dt.timedelta(days=7)  # sent rows are kept this long for inspection, then deleted by the sweep


def enqueue(task: Task[Any, Any], *args: Any, **kwargs: Any) -> int:
    """Ask for `task(*args, **kwargs)` once the current transaction commits. Returns the outbox row's id."""
    return enqueue_many(task, [args], kwargs)[0]


def enqueue_many(
    task: Task[Any, Any], calls: Iterable[Sequence[Any]], kwargs: dict[str, Any] | None = None
) -> list[int]:
    """One outbox row per positional-argument list in `calls`, relayed together after the commit."""
    rows = OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=task.name, args=list(args), kwargs=kwargs or {}) for args in calls]
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: relay_after_commit(ids))
    return ids


def relay_after_commit(ids: list[int]) -> None:
    """Send the rows just committed; when the broker takes them, also a bounded slice of any older backlog."""
    if relay(ids=ids) == len(ids) and OutboxMessage.objects.filter(sent_at__isnull=True).exists():
        relay(limit=BACKLOG_ON_COMMIT)


def pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()


def relay(*, ids: Sequence[int] | None = None, limit: int = RELAY_BATCH) -> int:
    """Publish unsent rows (the given ones, else the oldest `limit`), oldest first. Stops at the first broker
    error, as the broker is then down for the rest too; a row that fails for its own reason is skipped. Failed
    rows stay. Returns how many were sent. Never raises for a broker error: the caller's change is already
    committed."""
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk")
    if ids is not None:
        unsent = unsent.filter(pk__in=list(ids))
    pks = list(unsent.values_list("pk", flat=True)[:limit])
    if not pks:
        return 0
    eager = current_app.conf.task_always_eager
    sent = 0
    with current_app.connection_for_write() as connection:
        for pk in pks:
            try:
                if not eager:
                    # One attempt, no retry loop: a dead broker costs a refused connect, not seconds of
                    # retries.
                    connection.ensure_connection(max_retries=0)
                with transaction.atomic():
                    # skip_locked: another relay holding the row is sending it; it is not ours to send again
                    message = (
                        OutboxMessage.objects.select_for_update(skip_locked=True)
                        .filter(pk=pk, sent_at__isnull=True)
                        .first()
                    )
                    if message is None:
                        continue
                    _task(message.task).apply_async(
                        args=message.args,
                        kwargs=message.kwargs,
                        retry=False,
                        # `connection` is a publishing option Celery passes on; celery-types does not list it
                        connection=None if eager else connection,  # type: ignore[call-arg]
                    )
                    OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now())
            except (OperationalError, OSError) as exc:  # the broker is down: the rest would fail the same way
                log.warning("outbox: could not relay message %s (%s); it stays queued", pk, exc)
                _failed(pk, exc)
                break
            except (
                Exception
            ) as exc:  # this message only (say, a task renamed since): it must not hold up the others
                log.exception("outbox: message %s failed; it stays queued", pk)
                _failed(pk, exc)
                continue
            sent += 1
    return sent


def _failed(pk: int, exc: Exception) -> None:
    OutboxMessage.objects.filter(pk=pk).update(attempts=F("attempts") + 1, last_error=repr(exc)[:300])


def sweep(limit: int = RELAY_BATCH) -> int:
    """The periodic run: relay the oldest unsent rows and forget rows sent long ago. Returns how many were
    sent."""
    sent = relay(limit=limit)
    old = (
        OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=list(old[:limit])).delete()
    return sent


def _task(name: str) -> Task[Any, Any]:
    tasks = current_app.tasks
    if name not in tasks:  # a web process has imported only the task modules its requests touched
        importlib.import_module(name.rpartition(".")[0])
    return tasks[name]
