"""The conduct gate (issue 15, the right "no match"): a description whose only words of an item are the place,
time or people around a conduct (小区门口, 赶场天, 村里有人) names no conduct of it and answers "no match"
with the reason no_conduct; the same setting next to the item's conduct still matches.

The items are written here in the plain-language style of a town list's descriptions, which name the places
where the conduct happens; nothing in the lexicon names them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from authority.matching import engine
from authority.matching.engine import ItemSpec, compile_matcher, is_setting, load_settings
from authority.matching.loader import builtin_lexicon
from tests.matching.conftest import import_catalog, match_json, town_row

ITEMS = [
    ItemSpec(
        1,
        "T-PEST",
        "对未取得农药经营许可证经营农药的行政处罚",
        description="赶场天有人在场镇上摆摊卖农药、老鼠药，小卖部无证卖除草剂。",
        domain="agriculture",
    ),
    ItemSpec(
        2,
        "T-GRAVE",
        "对擅自兴建殡葬设施的行政处罚",
        description="村里有人把山坡推平建墓园，对外卖墓地。",
        domain="civil_affairs",
    ),
    ItemSpec(
        3,
        "T-BBQ",
        "对在城市人口集中区露天烧烤食品的行政处罚",
        description="夜宵摊在人行道、小区门口支炭火烤串。",
        domain="environment",
    ),
]

NO_CONDUCT = [
    "赶场天场镇上人挤人，走都走不动，能不能管一下",
    "村里有人聚在一起搞选举，有猫腻",
    "小区门口那几个老头天天下象棋",
]


def matcher():
    return compile_matcher(ITEMS, [], builtin_lexicon()[0])


@pytest.mark.parametrize("text", NO_CONDUCT)
def test_a_description_of_the_setting_alone_is_no_match(text):
    result = matcher().match(text)
    assert result.no_match, [(c.code, c.terms) for c in result.candidates]
    assert result.no_match_reason == "no_conduct"


@pytest.mark.parametrize("text", NO_CONDUCT)
def test_without_the_gate_the_setting_alone_was_a_match(monkeypatch, text):
    monkeypatch.setattr(engine, "SETTING_ONLY", 1.0)
    assert not matcher().match(text).no_match


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("赶场天有人在街上卖老鼠药", "T-PEST"),
        ("村里有人把后山推平了在建墓园", "T-GRAVE"),
        ("小区门口天天晚上有人支起炭火烤串", "T-BBQ"),
    ],
)
def test_the_setting_beside_the_conduct_still_matches_and_is_shown(text, code):
    result = matcher().match(text)
    assert not result.no_match
    assert result.candidates[0].code == code


def test_what_counts_as_a_setting():
    settings = load_settings()
    for text in ("村里有人", "小区门口", "场镇上", "赶场天有", "晚上", "楼上邻居"):
        assert is_setting(text, settings), text
    for text in ("老鼠药", "烤串", "墓园", "营业执照", "river", ""):
        assert not is_setting(text, settings), text


STRAW = [
    ItemSpec(21, "T-STRAW", "对露天焚烧秸秆的行政处罚", description="收完稻谷、油菜后在田里烧秸秆、烧杂草。"),
    ItemSpec(22, "T-ROAD", "对擅自占用道路堆放物料的行政处罚", description="在路上堆放砂石、柴火、秸秆。"),
]


@pytest.mark.parametrize(
    "text",
    [
        "今年秸秆综合利用的补贴什么时候发？",  # a subsidy asked for
        "为了几捆秸秆跟隔壁打架了，派出所也不管",  # a matter of the police
        "隔壁烧秸秆的事镇里处理得很好，现在干净多了",  # praise
        "收秸秆的老板欠我两个月房租",  # a private debt
    ],
)
def test_subsidies_police_matters_praise_and_debts_are_no_match(text):
    result = compile_matcher(STRAW, [], builtin_lexicon()[0]).match(text)
    assert result.no_match, [(c.code, c.terms) for c in result.candidates]
    assert result.no_match_reason in ("off_topic", "service_question")


def test_a_word_of_the_police_is_the_conduct_of_an_item_that_names_it():
    items = STRAW + [
        ItemSpec(23, "T-GAMBLE", "对为赌博提供条件的行政处罚", description="茶馆、棋牌室为赌博提供场所。")
    ]
    result = compile_matcher(items, [], builtin_lexicon()[0]).match("楼下棋牌室天天有人赌博，输赢好几千")
    assert not result.no_match and result.candidates[0].code == "T-GAMBLE"


DISTRICT = "990012"


@pytest.mark.django_db
def test_a_freshly_imported_catalog_says_no_conduct_for_a_setting_alone(tmp_path: Path):
    rows = [town_row(i.code, i.name_zh, i.domain, i.description) for i in ITEMS]
    import_catalog(tmp_path / "gate.csv", rows, DISTRICT, "门槛区")
    body = match_json(NO_CONDUCT[0], DISTRICT)
    assert body["no_match"] and body["no_match_reason"] == "no_conduct"
    assert match_json("赶场天有人在街上卖老鼠药", DISTRICT)["candidates"][0]["code"] == "T-PEST"
