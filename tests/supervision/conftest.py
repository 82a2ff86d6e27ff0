"""Fixtures for the desk: warnings raised as the rules raise them (`fence_warning_raise`), a second district
under the same city, and a city supervisor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from enforcement.models import City, FenceWarning, Role, Unit, User
from enforcement.services import city_create, district_set_city, fence_warning_raise, user_create
from tests.cases.conftest import _media_in_tmp, make_case, stall_item  # noqa: F401  (fixtures)
from tests.factories import PASSWORD, make_district, make_unit, make_user

RULE = "discretion.outside_tier"


@pytest.fixture
def raise_warning(cast) -> Callable[..., FenceWarning]:
    """A warning as the officer path leaves it: severity warning, the officer's reason kept on the row."""
    counter = iter(range(1, 10_000))

    def make(
        *,
        town: Unit | None = None,
        officer: User | None = None,
        rule: str = RULE,
        severity: str = FenceWarning.Severity.WARNING,
        reason: str = "当事人系初次违法且积极配合，按下一阶次处罚。",
        details: dict[str, Any] | None = None,
        obj: Any = None,
        raised_at: dt.datetime | None = None,
        message: str = "拟罚款超出裁量基准阶次",
    ) -> FenceWarning:
        person = officer or cast.officer_a
        warning, created = fence_warning_raise(
            rule=rule,
            key=f"test:{next(counter)}",
            town=town or cast.town_a,
            message=message,
            severity=severity,
            obj=obj,
            officer=person,
            details=details if details is not None else {"fine": 800, "tier_min": 50, "tier_max": 200},
        )
        assert created
        changes: dict[str, Any] = {}
        if reason:
            changes.update(reason=reason, reason_by=person, reason_at=timezone.now())
        if raised_at is not None:
            changes["raised_at"] = raised_at
        if changes:
            FenceWarning.objects.filter(pk=warning.pk).update(**changes)
            warning.refresh_from_db()
        return warning

    return make


@pytest.fixture
def city(cast) -> City:
    city = city_create(actor=None, code="T500000", name_zh="测试市")
    district_set_city(actor=None, district=cast.district, city=city)
    return city


@pytest.fixture
def other_district(city):
    """A second district of the same city, with a town, its supervisor and its administrator."""
    district = make_district(code="T600", name_zh="另一区")
    district_set_city(actor=None, district=district, city=city)
    town = make_unit(district, Unit.Kind.TOWN, code="T600-A", name_zh="丙街道")
    office = make_unit(district, Unit.Kind.DISTRICT_OFFICE, code="T600-SFJ", name_zh="另一区司法局")
    return {
        "district": district,
        "town": town,
        "officer": make_user(town, [Role.OFFICER], username="officer_c", full_name="丙执法员"),
        "supervisor": make_user(town, [Role.SUPERVISOR, Role.OFFICER], username="supervisor_c"),
        "admin": make_user(office, [Role.DISTRICT_ADMIN], username="admin_c", full_name="另一区管理员"),
    }


@pytest.fixture
def city_supervisor(city) -> User:
    return user_create(
        actor=None,
        username="city_supervisor",
        password=PASSWORD,
        unit=None,
        city=city,
        roles=[Role.CITY_SUPERVISOR],
        full_name="市监督员",
    )


@pytest.fixture
def supervisor_b(cast) -> User:
    return make_user(
        cast.town_b, [Role.SUPERVISOR, Role.OFFICER], username="supervisor_b", full_name="乙队长"
    )


# The rules these tests raise, with their names as a rule's app registers them (taken out again afterwards, so
# no other test sees them in the registry).
TEST_RULES = [
    ("discretion.outside_tier", "罚款超出裁量基准阶次", "Fine outside the benchmark tier"),
    ("procedure.same_investigator_reviewer", "调查与法制审核为同一人", "Investigator is the legal reviewer"),
    ("inspections.repeat", "同一经营者短期内重复检查", "Repeat inspection of one business"),
]


@pytest.fixture(autouse=True)
def _test_rules():
    from django.utils.translation import get_language

    from enforcement import fences

    class Label:
        def __init__(self, zh: str, en: str) -> None:
            self.zh, self.en = zh, en

        def __str__(self) -> str:
            return self.en if (get_language() or "").startswith("en") else self.zh

    added = []
    for code, zh, en in TEST_RULES:
        if fences.fence_rule(code) is None:
            fences._RULES[code] = fences.FenceRule(code, Label(zh, en))  # type: ignore[arg-type]
            added.append(code)
    yield
    for code in added:
        fences._RULES.pop(code, None)
