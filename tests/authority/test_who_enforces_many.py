"""`who_enforces_many` (a match's candidates in two queries) answers what `who_enforces` answers item by
item."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from authority.models import AuthorityGrant, EnforcementItem, GrantKind
from authority.selectors import who_enforces, who_enforces_many

pytestmark = pytest.mark.django_db


def test_the_batch_answers_as_each_single_question(cast, django_assert_max_num_queries):
    today = timezone.localdate()
    held = EnforcementItem.objects.create(
        district=cast.district, code="B-1", name_zh="甲", domain="city_management"
    )
    ended = EnforcementItem.objects.create(district=cast.district, code="B-2", name_zh="乙", domain="market")
    kept = EnforcementItem.objects.create(
        district=cast.district, code="B-3", name_zh="丙", domain="market", default_holder=cast.department
    )
    nobody = EnforcementItem.objects.create(district=cast.district, code="B-4", name_zh="丁", domain="water")
    AuthorityGrant.objects.create(item=held, town=cast.town_a, kind=GrantKind.EMPOWERED, valid_from=today)
    AuthorityGrant.objects.create(
        item=ended,
        town=cast.town_a,
        kind=GrantKind.DELEGATED,
        delegating_department=cast.department,
        valid_from=today - dt.timedelta(days=30),
        valid_to=today - dt.timedelta(days=1),
    )
    items = list(EnforcementItem.objects.select_related("default_holder").filter(code__startswith="B-"))
    with django_assert_max_num_queries(2):
        batch = who_enforces_many(items, cast.town_a, today)
    for item in items:
        single = who_enforces(item, cast.town_a, today)
        got = batch[item.pk]
        assert (got.town_holds, got.kind, got.acting_unit, got.department) == (
            single.town_holds,
            single.kind,
            single.acting_unit,
            single.department,
        ), item.code
    assert batch[held.pk].town_holds and not batch[ended.pk].town_holds
    assert batch[ended.pk].department == cast.department  # the market department of the district
    assert batch[kept.pk].department == cast.department and batch[nobody.pk].department is None
