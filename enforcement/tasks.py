from celery import shared_task
from django.utils import timezone

from . import outbox
from .audit import audit_link
from .models import WorkerHeartbeat
from .services import audit_check_run


@shared_task(acks_late=True)
def audit_check_task() -> int:
    """Verify the audit chain and record the result (nightly, and on demand)."""
    return audit_check_run().pk


@shared_task(acks_late=True)
def audit_link_task() -> int:
    """Periodic: chain the audit rows a commit's own link run left (another linker held the head at that
    moment)."""
    return audit_link()


@shared_task(acks_late=True)
def outbox_relay_task(limit: int = outbox.RELAY_BATCH) -> int:
    """Periodic: send the outbox rows a commit could not relay (the broker was down), at most `limit` per run;
    a full batch queues the next run."""
    sent = outbox.sweep(limit)
    if sent == limit:
        outbox.enqueue(outbox_relay_task, limit)
    return sent


@shared_task(acks_late=True)
def worker_heartbeat_task() -> str:
    """Periodic: record that a worker is taking tasks (read by /readyz). One row, overwritten."""
    at = timezone.now()
    WorkerHeartbeat.objects.update_or_create(name="worker", defaults={"at": at})
    return at.isoformat()


@shared_task(acks_late=True)
def fence_escalation_sweep_task() -> dict[str, int]:
    """Periodic: warnings left open past their district's time go to the district office, and those the
    district leaves open reach the city. Idempotent: a warning is escalated by a conditional update, once."""
    from .services import fence_warnings_escalate

    done = fence_warnings_escalate()
    return {"district": done.district, "city": done.city}
