from celery import shared_task

from .services import audit_check_run


@shared_task(acks_late=True)
def audit_check_task() -> int:
    """Verify the audit chain and record the result (nightly, and on demand)."""
    return audit_check_run().pk
