"""Tenth round, Chinese (mzh10): the fields the lexicon never covered (weights and measures, labour, special
equipment, hazardous chemicals, cold chain, express parcels, warehousing, quarries, kilns).

A district whose list holds only the weights-and-measures items imports it with import_authority and, with no
curated rules, answers the everyday wording (遥控秤, 扣秤, 地磅没检定, 复秤) with the right twin. Wage words
(工钱, 欠薪, 讨薪) are off-topic in a catalog without wage items, and the conduct of the wage item in one that
holds it, whether the item says 工资 or 劳动报酬.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon
from authority.models import EnforcementItem, MatchRule
from tests.matching.conftest import import_catalog, match_json, town_row

DISTRICT = "990010"
ROWS = [
    town_row(
        "M-UNVERIFIED",
        "对使用未经检定或者超过检定周期的强制检定计量器具的行政处罚",
        "market",
        "经营者使用的计量器具未经检定、超过检定周期或者检定不合格。",
    ),
    town_row(
        "M-CHEAT",
        "对破坏计量器具准确度的行政处罚",
        "market",
        "改装计量器具、加装作弊装置，破坏其准确度，损害消费者利益。",
    ),
    town_row(
        "M-SHORT",
        "对零售商品称重计量结果短缺的行政处罚",
        "market",
        "零售商品称重结果少于实际重量，缺斤短两。",
    ),
    town_row(
        "M-FAIR",
        "对集贸市场主办者未设置公平秤的行政处罚",
        "market",
        "集贸市场未设置公平秤供消费者复核。",
    ),
    town_row(
        "S-STALL", "对擅自在城市道路摆摊设点的行政处罚", "city_management", "在城市道路、人行道摆摊设点。"
    ),
    town_row("N-NIGHT", "对夜间施工噪声扰民的行政处罚", "environment", "夜间施工，噪声扰民。"),
]


@pytest.fixture
def imported(tmp_path: Path) -> None:
    import_catalog(tmp_path / "catalog.csv", ROWS, DISTRICT, "秤区")
    assert EnforcementItem.objects.filter(district__code=DISTRICT).count() == len(ROWS)
    assert not MatchRule.objects.filter(item__district__code=DISTRICT).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("菜市场有个摊主用遥控秤坑人", "M-CHEAT"),
        ("买了两斤排骨回家一称，扣秤扣了三两", "M-SHORT"),
        ("物流园门口那个地磅好几年都没检定过了", "M-UNVERIFIED"),
        ("市场里连个复秤的地方都没有", "M-FAIR"),
    ],
)
def test_a_freshly_imported_weights_and_measures_list_answers_the_everyday_wording(imported, text, code):
    body = match_json(text, DISTRICT)
    assert not body["no_match"]
    assert body["candidates"][0]["code"] == code


WAGES = ItemSpec(1, "W-WAGE", "对用人单位克扣或者无故拖欠劳动者劳动报酬的行政处罚")
STALL = ItemSpec(2, "S-STALL", "对擅自在城市道路摆摊设点的行政处罚", description="在城市道路摆摊设点。")


@pytest.mark.parametrize("text", ["老板拖了三个月的工钱不给", "工地欠薪，农民工讨薪没人管", "厂里拖欠工资"])
def test_wage_words_are_the_conduct_of_a_wage_item_worded_otherwise(text):
    result = compile_matcher([WAGES, STALL], [], builtin_lexicon()[0]).match(text)
    assert not result.no_match
    assert result.candidates[0].code == "W-WAGE"


@pytest.mark.parametrize("text", ["老板拖了三个月的工钱不给", "工地欠薪，农民工讨薪没人管"])
def test_wage_words_are_off_topic_where_no_item_holds_wages(text):
    result = compile_matcher([STALL], [], builtin_lexicon()[0]).match(text)
    assert result.no_match and result.no_match_reason == "off_topic"
