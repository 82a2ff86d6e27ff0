"""The case page and the API's case read an item's benchmarks, circumstances and policy from the cache
(discretion.selectors.item_reference, issue 18): the same snapshot as read afresh, no query while nothing
changed, and a new benchmark, circumstance or policy seen at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discretion.models import DiscretionPolicy, LocalFactor
from discretion.selectors import snapshot_for

from .conftest import publish_table, stall_tiers, tier

pytestmark = pytest.mark.django_db


def _both(item, day):
    return snapshot_for(item, day), snapshot_for(item, day, cached=True)


def test_the_cached_snapshot_is_the_one_read_afresh(cast, item, published):
    for day in (dt.date(2024, 2, 1), dt.date(2024, 3, 1), dt.date(2026, 1, 1)):
        fresh, cached = _both(item, day)
        assert cached == fresh
    assert snapshot_for(item, dt.date(2026, 1, 1), cached=True).benchmark.id == published.pk


def test_a_second_read_costs_no_query(cast, item, published):
    snapshot_for(item, dt.date(2026, 1, 1), cached=True)
    with CaptureQueriesContext(connection) as queries:
        snapshot_for(item, dt.date(2026, 1, 1), cached=True)
    assert len(queries.captured_queries) == 0


def test_a_change_of_benchmark_circumstance_or_policy_is_seen_at_once(cast, item, published):
    day = dt.date(2026, 1, 1)
    before = snapshot_for(item, day, cached=True)
    newer = publish_table(
        cast.admin,
        item,
        [*stall_tiers()[:-1], tier("grave", 400, 500, "refused_correct", "any")],
        valid_from=dt.date(2025, 1, 1),
        number="测司发〔2025〕2号",
    )
    after = snapshot_for(item, day, cached=True)
    assert after.benchmark.id == newer.pk != before.benchmark.id
    assert after == snapshot_for(item, day)
    # An earlier day still finds the version in force then.
    assert snapshot_for(item, dt.date(2024, 6, 1), cached=True).benchmark.id == published.pk

    LocalFactor.objects.create(
        district=cast.district, code="local_test", name_zh="本地情形", name_en="Local", effect="lighter"
    )
    assert "local_test" in snapshot_for(item, day, cached=True).factors

    DiscretionPolicy.objects.update_or_create(district=cast.district, defaults={"span_lighter_pct": 25})
    assert snapshot_for(item, day, cached=True).policy.span_lighter_pct == 25
    assert snapshot_for(item, day, cached=True) == snapshot_for(item, day)


FACTS = {"on": dt.date(2026, 1, 1), "factors": ["refused_correct"], "values": {"area_m2": 12}}


def _shown(rec, lang):
    return rec.as_dict(lang), rec.explain(lang), rec.summary(lang)


def test_a_held_recommendation_is_the_one_worked_out_afresh_in_each_language(cast, item, published):
    """discretion.selectors.recommendation_held: the same recommendation, explanation and summary as
    `recommend` without the cache, worked out once for the same reference data, item, day and facts."""
    from discretion.recommend import recommend

    first = recommend(item, FACTS, cached=True)
    again = recommend(item, FACTS, cached=True)
    assert again is first
    fresh = recommend(item, FACTS)
    assert first == fresh
    for lang in ("zh-hans", "en"):
        assert _shown(first, lang) == _shown(fresh, lang)
        assert _shown(again, lang) == _shown(fresh, lang)  # the rendering held, equal too
    assert first.explain("en") is not first.explain("en")  # a list of its own each time


def test_other_facts_a_new_benchmark_or_another_day_work_it_out_again(cast, item, published):
    from discretion.recommend import recommend

    first = recommend(item, FACTS, cached=True)
    for other in (
        {**FACTS, "factors": []},
        {**FACTS, "values": {"area_m2": 13}},
        {**FACTS, "on": dt.date(2026, 1, 2)},
        {**FACTS, "history": [{"decided_on": dt.date(2025, 12, 1), "item_code": item.code}]},
    ):
        held = recommend(item, other, cached=True)
        assert held is not first
        assert held == recommend(item, other)
        assert _shown(held, "en") == _shown(recommend(item, other), "en")
    publish_table(
        cast.admin,
        item,
        [*stall_tiers()[:-1], tier("grave", 400, 500, "refused_correct", "any")],
        valid_from=dt.date(2025, 1, 1),
        number="测司发〔2025〕2号",
    )
    after = recommend(item, FACTS, cached=True)
    assert after is not first
    assert after == recommend(item, FACTS)
    assert _shown(after, "zh-hans") == _shown(recommend(item, FACTS), "zh-hans")


def test_values_equal_as_numbers_but_printed_differently_are_not_one_key(cast, item, published):
    from decimal import Decimal

    from discretion.recommend import recommend

    whole = recommend(item, {**FACTS, "values": {"area_m2": Decimal("12")}}, cached=True)
    places = recommend(item, {**FACTS, "values": {"area_m2": Decimal("12.00")}}, cached=True)
    assert places is not whole
