"""Whistles feed the authority usage evaluation as a demand signal (items towns asked departments for)."""

from __future__ import annotations

import datetime as dt

import pytest

from authority.models import EnforcementItem
from authority.usage import usage_sources
from whistles import clock

pytestmark = pytest.mark.django_db


def test_whistles_are_a_registered_demand_source(cast, raise_whistle):
    source = next(s for s in usage_sources() if s.key == "whistles")
    assert source.counts_as_use is False
    item = EnforcementItem.objects.create(
        district=cast.district, code="T-1", name_zh="某事项", domain="market"
    )
    with clock.at(dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC)):
        raise_whistle(item=item)
    with clock.at(dt.datetime(2026, 3, 5, 2, 0, tzinfo=dt.UTC)):
        raise_whistle(item=item)
        raise_whistle(item=item, actor=cast.officer_b, town=cast.town_b)
        raise_whistle()  # no item: not counted
    counts = source.fn(cast.district, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert counts[(item.pk, cast.town_a.pk)].count == 2
    assert counts[(item.pk, cast.town_a.pk)].last_used == dt.date(2026, 3, 5)
    assert counts[(item.pk, cast.town_b.pk)].count == 1
    assert (
        source.fn(cast.district, dt.date(2026, 3, 1), dt.date(2026, 3, 31))[(item.pk, cast.town_a.pk)].count
        == 1
    )
