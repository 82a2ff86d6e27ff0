"""Background work for whistles: the deadline sweep (beat, every minute) and external notification delivery
(one task per new notification, and beat's sweep of those due again after a failed send)."""

from __future__ import annotations

from celery import shared_task

from enforcement.outbox import enqueue

from . import clock
from .models import Notification
from .notifications import SWEEP_BATCH as DELIVERY_BATCH
from .notifications import deliver, deliver_due
from .selectors import assignments_due_for_alert
from .services import assignment_alert

SWEEP_BATCH = 200


@shared_task(acks_late=True)
def whistle_deadlines_sweep_task(limit: int = SWEEP_BATCH) -> int:
    """Send the reminders and escalations that have come due, at most `limit` assignments per run; a full
    batch queues the next one. Safe to run twice: each alert is recorded once (see `assignment_alert`)."""
    ids = assignments_due_for_alert(now=clock.now(), limit=limit)
    sent = 0
    for assignment_id in ids:
        sent += len(assignment_alert(assignment_id=assignment_id))
    if len(ids) == limit:
        enqueue(whistle_deadlines_sweep_task, limit)
    return sent


@shared_task(acks_late=True)
def notification_deliver_task(notification_id: int) -> list[str]:
    """Hand one notification to the registered SMS / e-mail senders that have not had it yet."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None:
        return []
    return deliver(notification)


@shared_task(acks_late=True)
def notification_delivery_sweep_task(limit: int = DELIVERY_BATCH) -> int:
    """Deliver the notifications that have come due (new ones whose task was lost, failed sends after their
    wait), at most `limit` per run; a full batch queues the next run. Each row is claimed before it is
    sent."""
    delivered = deliver_due(limit=limit)
    if delivered == limit:
        enqueue(notification_delivery_sweep_task, limit)
    return delivered
