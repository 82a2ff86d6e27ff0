"""Fixtures for the penalty-case tests: items held by town A, and cases built directly at any stage.

`make_case` writes rows straight to the database so that tests of evidence, documents, pages and the API can
start from any stage; tests of the workflow itself move cases only through `lifecycle.case_act`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from authority.models import AuthorityGrant, EnforcementItem, GrantKind
from cases.models import Case, CaseOfficer
from enforcement.models import Subject

HELD_FROM = dt.date(2020, 1, 1)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_held_item(
    cast,
    *,
    code: str,
    fine_min: Any = 50,
    fine_max: Any = 500,
    name_zh: str = "对擅自占道经营的行政处罚",
    kinds: list[str] | None = None,
    town=None,
    domain: str = "city_management",
) -> EnforcementItem:
    item = EnforcementItem.objects.create(
        district=cast.district,
        code=code,
        name_zh=name_zh,
        name_en="Street stalls",
        domain=domain,
        fine_min=None if fine_min is None else Decimal(fine_min),
        fine_max=None if fine_max is None else Decimal(fine_max),
        penalty_kinds=kinds if kinds is not None else ["warning", "fine"],
        legal_basis="《城市市容和环境卫生管理条例》第三十六条",
        penalty_clause="处以50元以上500元以下罚款",
    )
    AuthorityGrant.objects.create(
        town=town or cast.town_a, item=item, kind=GrantKind.EMPOWERED, valid_from=HELD_FROM
    )
    return item


@pytest.fixture
def stall_item(cast) -> EnforcementItem:
    """Held by town A since 2020: fines 50-500 yuan."""
    return make_held_item(cast, code="T-CASE-001")


@pytest.fixture
def big_item(cast) -> EnforcementItem:
    """Held by town A since 2020: fines 10,000-100,000 yuan (hearing thresholds, legal review)."""
    return make_held_item(
        cast,
        code="T-CASE-002",
        fine_min=10000,
        fine_max=100000,
        name_zh="对违法建设的行政处罚",
        domain="housing_construction",
    )


@pytest.fixture
def make_case(cast, stall_item) -> Callable[..., Case]:
    """A case of town A at `stage` with officer_a (lead) and officer_a2, both declared without conflict."""
    counter = iter(range(1, 10_000))

    def make(
        stage: str = "investigating",
        *,
        town=None,
        item=None,
        officers=None,
        number: str | None = None,
        party_kind: str = "person",
        **fields: Any,
    ) -> Case:
        town = town or cast.town_a
        n = next(counter)
        today = timezone.localdate()
        subject = Subject.objects.create(
            district=cast.district,
            kind=party_kind,
            name=fields.pop("party_name", "张三"),
            identifier=fields.pop("party_identifier", f"50010319800101{n:04d}"),
        )
        filed = stage not in {"lead", "checking", "filing_review"}
        values: dict[str, Any] = {
            "district": cast.district,
            "town": town,
            "title": f"占道经营 {n}",
            "source": "patrol",
            "party_kind": party_kind,
            "party_name": subject.name,
            "party_identifier": subject.identifier,
            "subject": subject,
            "party_address": "测试路1号",
            "place": "测试路1号门前",
            "act_on": today - dt.timedelta(days=10),
            "discovered_on": today - dt.timedelta(days=10),
            "description": "在店外占道摆放货架经营，面积约3平方米。",
            "item": item or stall_item,
            "acting_name": town.name_zh,
            "grant_kind": GrantKind.EMPOWERED,
            "stage": stage,
            "created_by": cast.officer_a,
        }
        if filed:
            values.update(
                number=number or f"{town.name_zh}执〔{today.year}〕{n}号",
                year=today.year,
                sequence=n,
                filed_on=today - dt.timedelta(days=5),
                decision_due=today + dt.timedelta(days=85),
            )
        values.update(fields)
        case = Case.objects.create(**values)
        for index, officer in enumerate(officers or [cast.officer_a, cast.officer_a2]):
            CaseOfficer.objects.create(
                case=case, officer=officer, lead=index == 0, declared_at=timezone.now()
            )
        return case

    return make
