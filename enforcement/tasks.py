from celery import shared_task
from django.utils import timezone

from . import fences, outbox
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


@shared_task(acks_late=True)
def fence_sweeps_task() -> int:
    """Periodic (beat): queue one run of every registered fence sweep. Returns how many were queued."""
    from django.db import transaction

    from .sweeps import sweeps

    codes = [s.code for s in sweeps()]
    with transaction.atomic():
        outbox.enqueue_many(fence_sweep_task, [[code] for code in codes])
    return len(codes)


@shared_task(acks_late=True)
def fence_sweep_task(code: str, day: str | None = None) -> int:
    """One sweep, every batch in its own transaction, one audit row for the run. Idempotent: a redelivered
    task (the worker died) re-runs the batches and the unique (rule, key) keeps what was raised once."""
    import datetime as dt

    from .sweeps import run_sweep, sweep_for

    sweep = sweep_for(code)
    if sweep is None:
        return 0
    return run_sweep(sweep, day=dt.date.fromisoformat(day) if day else None).raised


@shared_task(acks_late=True)
def fence_sweep_batch_task(code: str, lo: int, hi: int, day: str | None = None) -> int:
    """One batch of one sweep (a bounded piece of work: a range of the sweep's batch column), for fanning a
    large sweep out over workers. Idempotent like the whole sweep; audited when it raised anything."""
    import datetime as dt

    from django.db import transaction

    from .sweeps import SweepResult, run_batch, sweep_audit, sweep_for

    sweep = sweep_for(code)
    if sweep is None:
        return 0
    on = dt.date.fromisoformat(day) if day else None
    with transaction.atomic():
        raised = run_batch(sweep, lo, hi, day=on)
        if raised:
            from . import clock

            sweep_audit(SweepResult(rule=code, raised=raised, batches=1), on or clock.today())
    return raised


@shared_task(acks_late=True)
def fence_evaluate_after_change_task(action: str, object_type: str, object_id: str) -> None:
    """After a change commits (queued through the outbox): the fence rules that judge the committed object,
    in the worker. Idempotent: each warning is raised once per rule and key."""
    fences.evaluate_after_change(action, object_type, object_id)
