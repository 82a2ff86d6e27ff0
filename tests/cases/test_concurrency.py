"""Concurrent clicks on the same transition move the case once (real PostgreSQL transactions in two
threads)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from cases.lifecycle import case_act
from cases.models import Case, CaseEvent
from cases.workflow import Stage
from enforcement.models import AuditEvent
from enforcement.workflow import InvalidTransition, StaleObject
from tests.cases.test_workflow import declared_lead
from whistles.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


def race(case_id: int, actor, action: str, data: dict, n: int = 4) -> list[object]:
    """n threads take the action at the same moment; returns what each got (the event, or the exception)."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def click(i: int) -> None:
        try:
            case = Case.objects.get(pk=case_id)
            barrier.wait(timeout=10)
            results[i] = case_act(actor=actor, case=case, action=action, data=dict(data))
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert on
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.parametrize("with_version", [True, False])
def test_concurrent_approvals_file_the_case_once(cast, stall_item, with_version):
    case = declared_lead(cast, stall_item)
    case_act(actor=cast.officer_a, case=case, action="start_check", data={})
    case_act(actor=cast.officer_a, case=case, action="propose_filing", data={})
    case.refresh_from_db()
    audits = AuditEvent.objects.count()
    results = race(
        case.pk,
        cast.supervisor_a,
        "approve_filing",
        {"version": case.version if with_version else None, "note": ""},
    )
    events = [r for r in results if isinstance(r, CaseEvent)]
    refusals = [r for r in results if isinstance(r, StaleObject | InvalidTransition)]
    assert len(events) == 1, results
    assert len(refusals) == len(results) - 1, results
    case.refresh_from_db()
    assert case.stage == Stage.INVESTIGATING and case.number.endswith("1号")
    assert CaseEvent.objects.filter(case=case, action="approve_filing").count() == 1
    assert AuditEvent.objects.count() == audits + 1
    assert Case.objects.exclude(number="").count() == 1  # no number was taken by a losing click
    # The handling officers are told once each, by the click that won.
    told = Notification.objects.filter(kind="case.approved", params__id=case.pk)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["officer_a", "officer_a2"]


def test_concurrent_payments_record_once(cast, stall_item):
    case = declared_lead(cast, stall_item)
    case_act(
        actor=cast.officer_a,
        case=case,
        action="on_spot",
        data={"penalty_kinds": ["fine"], "fine": Decimal("150"), "deviation_reason": "当场改正，从轻"},
    )
    case.refresh_from_db()
    assert case.stage == Stage.SERVED
    results = race(
        case.pk,
        cast.officer_a,
        "record_payment",
        {"version": None, "paid_on": None, "amount": Decimal("150"), "channel": "bank"},
    )
    assert sum(isinstance(r, CaseEvent) for r in results) == 1, results
    assert CaseEvent.objects.filter(case=case, action="record_payment").count() == 1
