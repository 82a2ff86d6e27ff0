"""who_enforces(item, town, on): as-of answers across an adjustment, and delegation in the delegator's
name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from authority.models import AdjustmentLine, AuthorityGrant, GrantKind
from authority.selectors import town_items_on, who_enforces
from authority.services import adjustment_approve, adjustment_create, adjustment_line_add
from enforcement.models import Unit
from tests.factories import make_district, make_unit

from .conftest import approve_adjustment

pytestmark = pytest.mark.django_db

BEFORE, ON = dt.date(2025, 6, 30), dt.date(2025, 7, 1)


def test_answers_as_of_a_date_across_an_adjustment(cast, catalog):
    fire, water = catalog["T-XF-001"], catalog["T-SL-001"]
    list_before = {(g.item.code, g.kind) for g in town_items_on(cast.town_a, BEFORE)}
    grants_before = set(AuthorityGrant.objects.values_list("pk", flat=True))

    adjustment = approve_adjustment(cast, catalog)

    # The day before the effective date nothing changed.
    held = who_enforces(fire, cast.town_a, BEFORE)
    assert held.town_holds and held.kind == GrantKind.EMPOWERED and held.acting_name == cast.town_a.name_zh
    assert not who_enforces(water, cast.town_a, BEFORE).town_holds
    assert {(g.item.code, g.kind) for g in town_items_on(cast.town_a, BEFORE)} == list_before

    # From the effective date: fire goes back to its department, water is the town's own.
    recovered = who_enforces(fire, cast.town_a, ON)
    assert not recovered.town_holds
    assert recovered.department is not None and recovered.department.domain == "fire_safety"
    assert recovered.acting_unit == recovered.department
    assert "Whistle" in recovered.explain()
    granted = who_enforces(water, cast.town_a, ON)
    assert (
        granted.town_holds and granted.kind == GrantKind.EMPOWERED and granted.grant.granted_by == adjustment
    )

    # Town B is untouched, and no history was deleted: the old grant is ended, not removed.
    assert who_enforces(fire, cast.town_b, ON).town_holds
    assert grants_before <= set(AuthorityGrant.objects.values_list("pk", flat=True))
    ended = AuthorityGrant.objects.get(item=fire, town=cast.town_a)
    assert ended.valid_to == BEFORE and ended.ended_by == adjustment


def test_delegated_item_acts_in_the_delegating_departments_name(cast, catalog):
    holder = who_enforces(catalog["T-SC-001"], cast.town_a, dt.date(2024, 6, 1))
    assert holder.town_holds and holder.kind == GrantKind.DELEGATED
    assert holder.acting_unit == cast.department
    assert holder.acting_name == cast.department.name_zh == "测试区市场监督管理局"
    assert holder.grant.scope == "辖区内小餐饮店"
    assert str(cast.department) in holder.explain()
    # Statutory and empowered items are decided in the town's own name.
    assert (
        who_enforces(catalog["T-CG-001"], cast.town_a, dt.date(2024, 6, 1)).acting_name == cast.town_a.name_zh
    )


def test_delegation_by_adjustment_has_a_term_and_scope(cast, catalog):
    water_dept = Unit.objects.get(district=cast.district, kind=Unit.Kind.DEPARTMENT, domain="water")
    adjustment = adjustment_create(
        actor=cast.admin,
        district=cast.district,
        title="委托",
        document_number="测府发〔2025〕2号",
        document_date=dt.date(2025, 3, 1),
        effective_from=dt.date(2025, 4, 1),
    )
    adjustment_line_add(
        actor=cast.admin,
        adjustment=adjustment,
        action=AdjustmentLine.Action.GRANT,
        item=catalog["T-SL-001"],
        towns=[cast.town_b],
        kind=GrantKind.DELEGATED,
        delegating_department=water_dept,
        scope="嘉陵江岸线",
        valid_to=dt.date(2026, 3, 31),
    )
    adjustment_approve(actor=cast.admin, adjustment=adjustment)
    during = who_enforces(catalog["T-SL-001"], cast.town_b, dt.date(2025, 10, 1))
    assert during.town_holds and during.acting_unit == water_dept and during.grant.scope == "嘉陵江岸线"
    after = who_enforces(catalog["T-SL-001"], cast.town_b, dt.date(2026, 4, 1))
    assert not after.town_holds and after.department == water_dept


def test_a_town_of_another_district_never_holds_the_item(cast, catalog):
    elsewhere = make_unit(make_district(), Unit.Kind.TOWN)
    holder = who_enforces(catalog["T-CG-001"], elsewhere, dt.date(2024, 6, 1))
    assert not holder.town_holds


def test_who_enforces_api_is_public_and_answers_in_the_delegators_name(cast, catalog, client_for):
    response = client_for(None).get(
        reverse("api-authority-who-enforces"),
        {"item": "T-SC-001", "town": cast.town_a.code, "on": "2024-06-01"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["town_holds"] is True and body["kind"] == "delegated"
    assert (
        body["acting_name"] == "测试区市场监督管理局" and body["acting_unit"]["code"] == cast.department.code
    )
    missing = client_for(None).get(
        reverse("api-authority-who-enforces"), {"item": "NOPE", "town": cast.town_a.code}
    )
    assert missing.status_code == 404
    bad_date = client_for(None).get(
        reverse("api-authority-who-enforces"), {"item": "T-SC-001", "on": "yesterday"}
    )
    assert bad_date.status_code == 400


def test_who_enforces_page_suggests_whistling_when_the_town_does_not_hold_it(cast, catalog, client_for):
    response = client_for(None).get(
        reverse("authority-who"),
        {
            "district": cast.district.code,
            "item": catalog["T-SL-001"].pk,
            "town": cast.town_a.pk,
            "on": "2024-06-01",
            "lang": "en",
        },
    )
    assert response.status_code == 200
    assert "Whistle to that department" in response.content.decode()


def test_require_town_holds_refuses_with_the_department_to_whistle_to(cast, catalog):
    from authority.selectors import ItemNotHeld, require_town_holds

    assert require_town_holds(catalog["T-CG-001"], cast.town_a, dt.date(2024, 6, 1)).town_holds
    with pytest.raises(ItemNotHeld) as refused:
        require_town_holds(catalog["T-SL-001"], cast.town_a, dt.date(2024, 6, 1))
    assert refused.value.holder.department.domain == "water"
    assert "Whistle" in refused.value.messages[0]
