"""The party's history comes from registered providers (the cases app, later) or from the facts themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from discretion.history import (
    HistoryQuery,
    party_history,
    register_history_provider,
    unregister_history_provider,
)
from discretion.recommend import recommend
from discretion.specs import PriorViolation
from enforcement.models import Subject

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def provider(cast, item):
    """A provider like the cases app will register: earlier decisions against a party anywhere in the
    district."""
    records = {
        "91500103MA5U000001": [
            PriorViolation(
                decided_on=dt.date(2026, 2, 1), item_code=item.code, item_id=item.pk, town_id=cast.town_b.pk
            )
        ],
        "91500103MA5U000002": [
            PriorViolation(decided_on=dt.date(2023, 2, 1), item_code=item.code, item_id=item.pk)
        ],
    }
    calls: list[HistoryQuery] = []

    def earlier(query: HistoryQuery):
        calls.append(query)
        assert query.district_id == cast.district.pk
        return [p for p in records.get(query.identifier, []) if p.decided_on < query.before]

    register_history_provider(earlier)
    yield calls
    unregister_history_provider(earlier)


def test_without_a_provider_history_is_unknown(published):
    from cases.integrations import earlier_violations

    unregister_history_provider("cases")  # the cases app registers one at start-up
    try:
        assert party_history(HistoryQuery(district_id=1, before=TODAY, identifier="x")) is None
        rec = recommend(
            published.item,
            {
                "on": TODAY,
                "identifier": "91500103MA5U000001",
                "factors": ["first_violation", "corrected_promptly"],
                "values": {"area_m2": 1},
            },
        )
        assert not rec.history_known and not rec.punish  # the officer's own "first violation" is used
    finally:
        register_history_provider(earlier_violations, key="cases")


def test_a_repeat_in_another_town_is_found_by_identifier(published, provider, cast):
    rec = recommend(
        published.item,
        {
            "on": TODAY,
            "identifier": "91500103MA5U000001",
            "factors": ["first_violation", "corrected_promptly"],
            "values": {"area_m2": D(1)},
        },
    )
    assert rec.history_known and rec.punish and rec.tier.level == "grave"
    assert "repeat_12m" in {f.code for f in rec.factors}
    assert provider[0].identifier == "91500103MA5U000001" and provider[0].before == TODAY


def test_a_subject_without_identifier_is_passed_on_by_id(published, provider, cast):
    subject = Subject.objects.create(
        district=cast.district, kind=Subject.Kind.ORGANISATION, name="某餐馆", identifier="91500103MA5U000002"
    )
    rec = recommend(
        published.item,
        {
            "on": TODAY,
            "subject_id": subject.pk,
            "factors": ["corrected_promptly"],
            "values": {"area_m2": D(1)},
        },
    )
    assert provider[0].subject_id == subject.pk and provider[0].identifier == "91500103MA5U000002"
    assert rec.history_known and "first_violation" not in {f.code for f in rec.factors} and rec.punish


def test_a_clean_record_is_a_first_violation(published, provider):
    rec = recommend(
        published.item,
        {
            "on": TODAY,
            "identifier": "11010519900101123X",
            "factors": ["corrected_promptly"],
            "values": {"area_m2": D(1)},
        },
    )
    assert rec.history_known and not rec.punish and rec.no_penalty_basis == "first_violation_list"


def test_explicit_history_in_the_facts_wins_over_providers(published, provider):
    rec = recommend(
        published.item,
        {
            "on": TODAY,
            "identifier": "91500103MA5U000001",
            "history": [],
            "factors": ["corrected_promptly"],
            "values": {"area_m2": D(1)},
        },
    )
    assert provider == [] and not rec.punish


def test_the_history_is_taken_before_the_act_date(published, provider):
    recommend(
        published.item, {"on": TODAY, "act_date": dt.date(2026, 1, 1), "identifier": "91500103MA5U000001"}
    )
    assert provider[0].before == dt.date(2026, 1, 1)


def test_providers_are_joined_and_deduplicated():
    a = PriorViolation(decided_on=dt.date(2026, 1, 1), item_code="X")
    b = PriorViolation(decided_on=dt.date(2026, 2, 1), item_code="X")

    def one(query):
        return [a, b]

    def two(query):
        return [b, PriorViolation(decided_on=dt.date(2027, 1, 1), item_code="X")]

    register_history_provider(one)
    register_history_provider(two, key="legacy")
    try:
        assert party_history(HistoryQuery(district_id=1, before=dt.date(2026, 12, 31), identifier="id")) == (
            a,
            b,
        )
        assert (
            party_history(HistoryQuery(district_id=1, before=dt.date(2026, 12, 31))) is None
        )  # no party named
    finally:
        unregister_history_provider(one)
        unregister_history_provider("legacy")
