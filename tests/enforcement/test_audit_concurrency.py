"""Audited writers in two transactions do not wait for each other (real PostgreSQL transactions in two
threads).

Before the chain was linked after commit, every writer locked the one head row until its commit: the second
writer here waited for the first and hit its lock timeout.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from enforcement.audit import audit_record, audit_verify
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

ACTION = "enforcement.unit.create"


def lock_timeout(seconds: int) -> None:
    """A lock the transaction would wait for becomes an error after `seconds` instead of a hang."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{seconds}s'")


def test_two_writers_in_open_transactions_do_not_block_each_other(cast):
    first_wrote = threading.Event()
    second_committed = threading.Event()
    outcome: dict[str, Any] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                lock_timeout(5)
                outcome["first_row"] = audit_record(
                    actor=cast.officer_a, action=ACTION, obj=cast.town_a, town=cast.town_a
                ).pk
                first_wrote.set()
                # Keep this transaction (and anything it holds) open until the other writer has committed.
                outcome["first_saw_second_commit"] = second_committed.wait(timeout=15)
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert on
            outcome["first"] = exc
        finally:
            first_wrote.set()
            connection.close()

    def second() -> None:
        try:
            assert first_wrote.wait(timeout=15)
            with transaction.atomic():
                lock_timeout(3)
                outcome["second_row"] = audit_record(
                    actor=cast.officer_b, action=ACTION, obj=cast.town_b, town=cast.town_b
                ).pk
            second_committed.set()
        except Exception as exc:  # noqa: BLE001
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert "first" not in outcome and "second" not in outcome, outcome
    assert outcome["first_saw_second_commit"] is True
    # Each commit's link run chained its row: the second writer's row, committed first, comes first in the
    # chain.
    first_row = AuditEvent.objects.get(pk=outcome["first_row"])
    second_row = AuditEvent.objects.get(pk=outcome["second_row"])
    assert first_row.pk < second_row.pk
    assert second_row.seq is not None and first_row.seq is not None
    assert second_row.seq < first_row.seq
    assert audit_verify().ok


def test_a_rolled_back_change_leaves_no_row_and_no_gap(cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=cast.officer_a, action=ACTION, obj=cast.town_a)
        raise RuntimeError("the change fails")
    with transaction.atomic():
        audit_record(actor=cast.officer_a, action=ACTION, obj=cast.town_a)
    report = audit_verify()
    assert report.ok, report.first_break
    assert report.rows == AuditEvent.objects.count()
    assert not AuditEvent.objects.filter(hash__isnull=True).exists()
