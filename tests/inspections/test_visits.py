"""The subject's ledger: every visit by any unit, with or without a code; without one, a reason and filing
within the working days the district sets (3 by default, counted on the holiday calendar)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enforcement import calendar, clock
from inspections.models import Visit
from inspections.selectors import ledger_for
from inspections.services import visit_record
from tests.inspections.conftest import moment

pytestmark = pytest.mark.django_db


def _record(cast, setup, **extra):
    values = {"actor": cast.officer_a, "unit": cast.town_a, "subject": setup.subject, "purpose": "guidance"}
    values.update(extra)
    return visit_record(**values)


def test_a_visit_without_a_code_needs_a_reason_and_is_filed_within_three_working_days(
    cast, setup, day, audit_count
):
    visited = day
    last = calendar.add_working_days(visited, 3)
    with clock.at(moment(last)):
        with pytest.raises(ValidationError):
            _record(cast, setup, visited_on=visited, with_code=False, no_code_reason="")
        visit = _record(
            cast, setup, visited_on=visited, with_code=False, no_code_reason="手机无信号，未能生成执法码"
        )
        assert visit.file_due == last
    before = audit_count()
    with clock.at(moment(last + dt.timedelta(days=1))):
        with pytest.raises(ValidationError, match="within 3 working days"):
            _record(cast, setup, visited_on=visited, with_code=False, no_code_reason="补录")
        assert _record(
            cast, setup, visited_on=visited, purpose="research"
        ).with_code  # with a code: no deadline
    assert Visit.objects.count() == 2 and audit_count() == before + 1


def test_only_members_record_a_units_visits_and_inspections_go_through_tasks(cast, setup, on_day):
    with pytest.raises(PermissionDenied):
        _record(cast, setup, actor=cast.officer_b, visited_on=on_day)
    with pytest.raises(ValidationError):
        _record(cast, setup, purpose="inspection", visited_on=on_day)
    with pytest.raises(ValidationError):
        _record(cast, setup, visited_on=on_day + dt.timedelta(days=1))
    assert not Visit.objects.exists()


def test_the_ledger_holds_every_units_visits_for_the_district_only(cast, setup, on_day):
    _record(cast, setup, visited_on=on_day)
    _record(
        cast,
        setup,
        actor=cast.responder,
        unit=cast.department,
        town=cast.town_a,
        visited_on=on_day,
        purpose="publicity",
    )
    assert (
        len(ledger_for(user=cast.officer_b, subject=setup.subject)) == 2
    )  # same district: the business's history
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import make_district, make_unit, make_user

    elsewhere = make_user(make_unit(make_district(code="T900"), code="T900-A"), ["officer"], username="far")
    assert list(ledger_for(user=elsewhere, subject=setup.subject)) == []
    assert list(ledger_for(user=AnonymousUser(), subject=setup.subject)) == []


def test_a_visit_of_a_task_and_one_outside_a_task_share_the_no_code_filing_deadline(
    cast, setup, make_task, day
):
    """One deadline for both ways a visit without a code is filed afterwards: the district's own working days,
    the same day accepted and the same day refused with the same words."""
    from inspections.models import FrequencyPolicy
    from inspections.services import task_enter, task_officers_set
    from inspections.workflow import TaskKind

    FrequencyPolicy.objects.create(district=cast.district, no_code_filing_working_days=5)
    due = calendar.add_working_days(day, 5)
    tasks = [make_task(kind=TaskKind.IMMEDIATE, title=f"补录{n}") for n in range(2)]
    for task in tasks:
        task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])

    def by_task(task):
        return task_enter(
            actor=cast.officer_a, task=task, with_code=False, no_code_reason="无网络", visited_on=day
        )

    def outside():
        return _record(cast, setup, visited_on=day, with_code=False, no_code_reason="无网络")

    with clock.at(moment(due + dt.timedelta(days=1))):
        refusals = []
        for record in (lambda: by_task(tasks[0]), outside):
            with pytest.raises(ValidationError) as refused:
                record()
            refusals.append(refused.value.message_dict)
        assert refusals[0] == refusals[1] and "within 5 working days" in str(refusals[0])
    with clock.at(moment(due)):
        assert by_task(tasks[1]).file_due == outside().file_due == due
