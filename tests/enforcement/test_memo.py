"""Remembered reads: outside `stable_reference_data()` every call reads the database (a change is seen at
once); inside it each question is answered once, and the answers are the ones the database gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authority.models import AuthorityGrant, EnforcementItem, GrantKind
from authority.selectors import who_enforces
from cases.deadlines import policy_for
from cases.models import CasePolicy
from enforcement.memo import stable_reference_data
from enforcement.officers import officer_may_act, officer_towns
from enforcement.services import secondment_create
from tests.factories import make_certificate

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def _queries(read) -> int:
    with CaptureQueriesContext(connection) as queries:
        read()
    return len(queries)


def test_outside_the_scope_every_call_reads_and_sees_a_change(cast):
    assert policy_for(cast.district.pk).decision_days == CasePolicy().decision_days
    assert _queries(lambda: policy_for(cast.district.pk)) == 1
    CasePolicy.objects.create(district=cast.district, decision_days=60)
    assert policy_for(cast.district.pk).decision_days == 60


def test_inside_the_scope_each_question_is_read_once(cast):
    with stable_reference_data():
        assert _queries(lambda: policy_for(cast.district.pk)) == 1
        assert _queries(lambda: policy_for(cast.district.pk)) == 0
        assert _queries(lambda: officer_may_act(cast.officer_a, TODAY)) >= 1
        assert (
            _queries(
                lambda: [officer_may_act(cast.officer_a, TODAY + dt.timedelta(days=n)) for n in range(30)]
            )
            == 0
        )
    # the scope closed: read again
    assert _queries(lambda: policy_for(cast.district.pk)) == 1


def test_inside_and_outside_the_scope_give_the_same_answers(cast):
    officer = cast.officer_a
    make_certificate(
        officer, valid_from=TODAY + dt.timedelta(days=400), valid_to=TODAY + dt.timedelta(days=900)
    )
    secondment_create(
        actor=None,
        officer=cast.responder,
        town=cast.town_b,
        start=TODAY - dt.timedelta(days=10),
        end=TODAY + dt.timedelta(days=10),
        document="test",
    )
    item = EnforcementItem.objects.create(
        district=cast.district, code="T-MEMO", name_zh="事项", domain="market", default_holder=cast.department
    )
    for start, end in [
        (TODAY - dt.timedelta(days=100), TODAY - dt.timedelta(days=1)),
        (TODAY + dt.timedelta(days=5), None),
    ]:
        AuthorityGrant.objects.create(
            item=item, town=cast.town_a, kind=GrantKind.STATUTORY, valid_from=start, valid_to=end
        )
    days = [TODAY + dt.timedelta(days=n) for n in range(-120, 1000, 7)]

    def answers() -> list[tuple[Any, ...]]:
        return [
            (
                officer_may_act(person, day).ok,
                officer_may_act(person, day).reason,
                getattr(officer_may_act(person, day, town=cast.town_b).certificate, "number", None),
                sorted(officer_towns(person, day)),
                who_enforces(item, town, day).town_holds,
                getattr(who_enforces(item, town, day).grant, "pk", None),
                getattr(who_enforces(item, town, day).department, "pk", None),
            )
            for day in days
            for person in (officer, cast.responder, cast.officer_b)
            for town in (cast.town_a, cast.town_b)
        ]

    outside = answers()
    with stable_reference_data():
        assert answers() == outside
    assert (
        len({row[0] for row in outside}) == 2 and len({row[4] for row in outside}) == 2
    )  # both answers occur
