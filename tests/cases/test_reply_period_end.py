"""A notice's reply period running out moves the case's stored `next_due` on to its decision deadline
(`lifecycle.case_reply_periods_end`, beat's `case_reply_periods_end_task`), with the clock held by
time-machine: not on the last day of the period, the day after it (over a weekend and a holiday), once, with
an audit row; the case list, the case page and the API then show the decision deadline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.deadlines import next_due
from cases.lifecycle import case_reply_periods_end
from cases.models import Case
from cases.selectors import overdue_q
from cases.tasks import case_reply_periods_end_task
from cases.workflow import Stage
from enforcement.models import AuditEvent

from .test_workflow import act, filed

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Thursday 2 April 2026. The five working days of the reply (art 85) skip Qingming (Saturday 4 to Monday 6
# April, a holiday on the Monday) and end on Friday 10 April; Saturday 11 and Sunday 12 follow.
SERVED = dt.date(2026, 4, 2)
REPLY_DUE = dt.date(2026, 4, 10)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI), tick=False
    )


def notified(cast, item) -> Case:
    with at(SERVED):
        case = filed(cast, item)
        act(case, "serve_notice", cast.officer_a, penalty_kinds=["fine"], proposed_fine=Decimal("200"))
    case.refresh_from_db()
    assert case.stage == Stage.NOTIFIED
    assert case.reply_due == REPLY_DUE
    assert case.next_due == REPLY_DUE
    assert case.decision_due is not None and case.decision_due > REPLY_DUE
    return case


def moved_audits(case: Case) -> int:
    return AuditEvent.objects.filter(
        action="cases.case.end_reply_period", object_type="cases.case", object_id=str(case.pk)
    ).count()


def test_next_due_reads_the_reply_date_through_its_last_day_then_the_decision_deadline(cast, stall_item):
    case = notified(cast, stall_item)
    assert next_due(case, REPLY_DUE) == REPLY_DUE
    assert next_due(case, REPLY_DUE + dt.timedelta(days=1)) == case.decision_due
    case.rights_waived = True
    assert next_due(case, SERVED) == case.decision_due


def test_the_period_ends_the_day_after_its_last_day_not_before(cast, stall_item):
    case = notified(cast, stall_item)
    for day in (dt.date(2026, 4, 3), dt.date(2026, 4, 6), REPLY_DUE):  # Friday, the Qingming Monday, the last
        with at(day, 23, 59):
            assert case_reply_periods_end() == []
    case.refresh_from_db()
    assert case.next_due == REPLY_DUE
    assert moved_audits(case) == 0

    with at(dt.date(2026, 4, 11), 0, 5):  # Saturday, five minutes into the day after
        assert case_reply_periods_end() == [case.pk]
    case.refresh_from_db()
    assert case.next_due == case.decision_due
    assert case.stage == Stage.NOTIFIED  # only the date it works against moved
    assert moved_audits(case) == 1
    event = AuditEvent.objects.get(action="cases.case.end_reply_period", object_id=str(case.pk))
    assert event.before["next_due"] == REPLY_DUE.isoformat()
    assert event.after["next_due"] == case.decision_due.isoformat()
    assert event.actor is None

    # The task, twice, on the Monday: nothing more changes, no second audit row.
    with at(dt.date(2026, 4, 13)):
        assert case_reply_periods_end_task() == []
        assert case_reply_periods_end_task() == []
    assert moved_audits(case) == 1


def test_cases_whose_party_answered_or_whose_stage_moved_are_left_alone(cast, stall_item):
    waived = notified(cast, stall_item)
    with at(dt.date(2026, 4, 7)):
        act(waived, "waive_rights", cast.officer_a, note="当事人书面放弃陈述申辩")
    waived.refresh_from_db()
    assert waived.next_due == waived.decision_due  # the step already moved it
    with at(dt.date(2026, 4, 13)):
        assert case_reply_periods_end() == []
    assert moved_audits(waived) == 0


def test_a_notice_entered_after_its_reply_period_works_against_the_decision_at_once(cast, stall_item):
    with at(dt.date(2026, 4, 20)):
        case = filed(cast, stall_item, act_on=dt.date(2026, 3, 20), discovered_on=dt.date(2026, 3, 20))
        Case.objects.filter(pk=case.pk).update(filed_on=dt.date(2026, 3, 23))
        case.refresh_from_db()
        act(
            case,
            "serve_notice",
            cast.officer_a,
            penalty_kinds=["fine"],
            proposed_fine=Decimal("200"),
            served_on=SERVED,
        )
    case.refresh_from_db()
    assert case.reply_due == REPLY_DUE
    assert case.next_due == case.decision_due


def test_the_list_the_page_and_the_api_show_the_decision_deadline_once_it_moved(cast, stall_item, client_for):
    case = notified(cast, stall_item)
    day = dt.date(2026, 4, 11)
    client = client_for(cast.officer_a)
    with at(day):
        before = client.get(f"/api/cases/{case.pk}/").json()
        assert before["next_due"] == REPLY_DUE.isoformat()
        # not overdue through overdue_q before or after: the reply date was the party's
        assert not Case.objects.filter(overdue_q(day), pk=case.pk).exists()
        case_reply_periods_end()
        after = client.get(f"/api/cases/{case.pk}/").json()
        assert after["next_due"] == case.decision_due.isoformat()
        rows = client.get("/api/cases/").json()["results"]
        assert [r["next_due"] for r in rows if r["id"] == case.pk] == [case.decision_due.isoformat()]
        listed = client.get("/cases/").content.decode()
        assert f'data-due="{case.decision_due.isoformat()}"' in listed
        assert f'data-due="{REPLY_DUE.isoformat()}"' not in listed
        assert "data-overdue" not in listed
        assert not Case.objects.filter(overdue_q(day), pk=case.pk).exists()
