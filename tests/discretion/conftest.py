"""Items and benchmarks for the discretion tests, built in the cast's district."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest

from authority.models import EnforcementItem
from discretion.conditions import parse_conditions
from discretion.models import Benchmark
from discretion.services import benchmark_draft_create, benchmark_publish, benchmark_save
from discretion.specs import EntrySpec, TierSpec
from discretion.vocabulary import STANDARD_FACTOR_MAP
from enforcement.models import District

_codes = itertools.count(1)


def make_item(
    district: District,
    *,
    code: str | None = None,
    name_zh: str = "对擅自占道经营的行政处罚",
    fine_min: Any = 50,
    fine_max: Any = 500,
    kinds: list[str] | None = None,
    domain: str = "city_management",
) -> EnforcementItem:
    return EnforcementItem.objects.create(
        district=district,
        code=code or f"T-{next(_codes):03d}",
        name_zh=name_zh,
        name_en="Street stalls",
        domain=domain,
        fine_min=None if fine_min is None else Decimal(fine_min),
        fine_max=None if fine_max is None else Decimal(fine_max),
        penalty_kinds=kinds if kinds is not None else ["warning", "fine"],
    )


def tier(
    level: str,
    low: Any,
    high: Any,
    dsl: str = "",
    match: str = "all",
    kinds: str = "fine",
    text: str = "情形",
) -> TierSpec:
    return TierSpec(
        level=level,
        conditions_text=text,
        conditions=tuple(parse_conditions(dsl, STANDARD_FACTOR_MAP)),
        match=match,
        penalty_kinds=tuple(kinds.split("|")),
        fine_min=None if low is None else Decimal(low),
        fine_max=None if high is None else Decimal(high),
    )


def stall_tiers() -> list[TierSpec]:
    """A four-tier table for a 50-500 yuan item, like the demo's street-stall table."""
    return [
        tier("minor", 50, 100, "area_m2 <= 2; corrected_after_order = yes", text="2平方米以下，及时改正"),
        tier("normal", 100, 200, text="2至5平方米"),
        tier("serious", 200, 350, "area_m2 > 5; sensitive_area = yes", "any", text="5至10平方米或敏感区域"),
        tier(
            "grave",
            350,
            500,
            "area_m2 > 10; refused_correct; repeat_12m",
            "any",
            text="10平方米以上、拒不改正或一年内再犯",
        ),
    ]


def first_violation_entry() -> EntrySpec:
    return EntrySpec(
        kind="first_violation",
        conditions_text="首次被发现，2平方米以下，立即改正",
        conditions=tuple(parse_conditions("area_m2 <= 2", STANDARD_FACTOR_MAP)),
        required_factors=("first_violation", "corrected_promptly"),
        measures="批评教育，责令改正",
    )


def publish_table(
    actor: Any,
    item: EnforcementItem,
    tiers: list[TierSpec],
    entries: list[EntrySpec] | None = None,
    *,
    valid_from: Any = None,
    number: str = "测司发〔2024〕1号",
    scale: str = "four",
) -> Benchmark:
    import datetime as dt

    draft = benchmark_draft_create(actor=actor, item=item)
    draft = benchmark_save(actor=actor, benchmark=draft, scale=scale, tiers=tiers, entries=entries or [])
    return benchmark_publish(
        actor=actor,
        benchmark=draft,
        document_number=number,
        document_title="测试区裁量基准",
        valid_from=valid_from or dt.date(2024, 3, 1),
        document_date=None,
    )


@pytest.fixture
def item(cast) -> EnforcementItem:
    return make_item(cast.district, code="T-STALL")


@pytest.fixture
def published(cast, item) -> Benchmark:
    return publish_table(cast.admin, item, stall_tiers(), [first_violation_entry()])
