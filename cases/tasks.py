from __future__ import annotations

from celery import shared_task

from .complaints import complaints_match, complaints_match_sweep


@shared_task(acks_late=True)
def complaint_match_task(ids: list[int]) -> int:
    """Match a batch of complaints (ids); complaints already matched are left alone."""
    return complaints_match(ids=ids)


@shared_task(acks_late=True)
def complaint_match_sweep_task() -> int:
    """Periodic: queue complaints still waiting to be matched (bounded)."""
    return complaints_match_sweep()


@shared_task(acks_late=True)
def evidence_verify_sweep_task() -> list[int]:
    """Periodic: re-verify the SHA-256 of the evidence checked longest ago (bounded)."""
    from .evidence import evidence_verify_sweep

    return list(evidence_verify_sweep())


@shared_task(acks_late=True)
def case_deadline_reminders_task() -> int:
    """Periodic: tell the handling officers of deadlines within 2 working days (once per deadline)."""
    from . import clock
    from .notices import notify_due_soon, notify_publication_due

    today = clock.today()
    return notify_due_soon(today=today) + notify_publication_due(today=today)


@shared_task(acks_late=True)
def case_reply_periods_end_task() -> list[int]:
    """Periodic: cases whose notice's reply period ran out work against their decision deadline (bounded;
    a second run changes nothing)."""
    from .lifecycle import case_reply_periods_end

    return case_reply_periods_end()


@shared_task(acks_late=True)
def publications_withdraw_revoked_task() -> list[int]:
    """Periodic: take down any published decision whose revocation left it up (bounded, once each)."""
    from .publication import publications_withdraw_revoked

    return publications_withdraw_revoked()


@shared_task(acks_late=True)
def document_render_task(request_id: int) -> bool:
    """Render a document asked for from the case page; a repeat finds it done and changes nothing."""
    from .documents import document_render

    return document_render(request_id=request_id) is not None
