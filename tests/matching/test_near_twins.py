"""Near-twins of a catalog the engine has never seen, no curated rules (issue 15): the item whose description
names the things the text speaks of wins, a character only one twin holds breaks a tie that the shared words
leave, and a twin found by two stretches of the text outranks one found by a lone word.

The items are written here, in the style of a district's city-management list; nothing in the lexicon names
them. The last test imports them with import_authority and asks `manage.py match`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from authority.matching import engine, overlap
from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon
from tests.matching.conftest import import_catalog, match_json, town_row

ITEMS = [
    ItemSpec(
        1,
        "T-SIGN-SIZE",
        "对未按规定设置门店招牌的行政处罚",
        description="门店招牌超出规定的尺寸、数量或者位置设置。",
        domain="city",
    ),
    ItemSpec(
        2,
        "T-SIGN-WORN",
        "对招牌设施破损、缺字未及时维修的行政处罚",
        description="招牌字体脱落、灯光不亮、画面污损。",
        domain="city",
    ),
    ItemSpec(
        3,
        "T-SIGN-UNSAFE",
        "对招牌设施存在安全隐患未及时加固的行政处罚",
        description="招牌架体锈蚀、松动，有坠落危险。",
        domain="city",
    ),
    ItemSpec(
        4,
        "T-WASTE-PERSON",
        "对个人随意倾倒、抛撒生活垃圾的行政处罚",
        description="个人将生活垃圾乱扔、乱倒。",
        domain="city",
    ),
    ItemSpec(
        5,
        "T-WASTE-BULKY",
        "对未按规定投放大件垃圾的行政处罚",
        description="将旧家具、床垫、沙发、冰箱等大件垃圾随意丢放在楼道、路边。",
        domain="city",
    ),
]


def matcher():
    return compile_matcher(ITEMS, [], builtin_lexicon()[0])


def test_a_character_only_one_twin_holds_breaks_the_tie_of_the_shared_word():
    # 招牌 points to all three sign items alike; 锈 is written only in the unsafe one's description (锈蚀)
    result = matcher().match("步行街那块招牌的铁架子已经锈穿了，风一吹就晃")
    assert result.candidates[0].code == "T-SIGN-UNSAFE"
    # the tie-breaker adds to a score, it names no word of its own: the evidence is still the shared word
    assert "招牌" in result.candidates[0].terms


def test_without_the_tie_breaker_the_shared_word_leaves_a_tie(monkeypatch):
    monkeypatch.setattr(engine, "CHAR_FACTOR", 0.0)
    # ... nor the later ones (mzh5): how much of each name the text covers, the words the names differ in
    monkeypatch.setattr(engine, "COVER_BONUS", 0.0)
    monkeypatch.setattr(engine, "TWIN_BONUS", 0.0)
    monkeypatch.setattr(overlap, "SHARED_WEIGHT", 0.0)  # ... and the wording shared (ninth round)
    result = matcher().match("步行街那块招牌的铁架子已经锈穿了，风一吹就晃")
    scores = [c.score for c in result.candidates + result.weak if c.code.startswith("T-SIGN")]
    assert len(scores) == 3 and len(set(scores)) == 1


def test_the_tie_breaker_never_makes_a_match_of_a_character_alone():
    # 锈 and 架 alone (no word of any item): still "no match"
    assert matcher().match("自行车架子锈了").no_match


def test_the_things_the_description_names_lead_to_their_item():
    # 床垫 and 沙发 are written in the bulky-waste item's description only
    result = matcher().match("有人把旧床垫和沙发扔在楼道里半个月了")
    assert not result.no_match
    assert result.candidates[0].code == "T-WASTE-BULKY"


def test_the_twin_of_ordinary_waste_still_wins_its_own_description():
    assert matcher().match("楼上有人把生活垃圾直接从窗口扔下来").candidates[0].code == "T-WASTE-PERSON"


GAS = [
    ItemSpec(
        11,
        "T-GAS-SELL",
        "对未取得燃气经营许可证从事燃气经营活动的行政处罚",
        description="无证销售、配送液化气钢瓶。",
    ),
    ItemSpec(
        12,
        "T-GAS-USE",
        "对燃气用户在不具备安全条件的场所使用、储存燃气的行政处罚",
        description="在地下室、密闭房间使用、存放液化石油气钢瓶。",
    ),
]


def test_a_twin_found_by_two_stretches_outranks_one_found_by_a_lone_word(monkeypatch):
    text = "地下室开的小饭馆用了好几罐液化气，通风都没有"

    def scores() -> dict[str, float]:
        result = compile_matcher(GAS, [], builtin_lexicon()[0]).match(text)
        return {c.code: c.score for c in result.candidates + result.weak}

    damped = scores()
    monkeypatch.setattr(engine, "SINGLE_WORD", 1.0)
    undamped = scores()
    assert damped["T-GAS-USE"] == undamped["T-GAS-USE"]  # two words: as before
    assert damped["T-GAS-SELL"] < undamped["T-GAS-SELL"]  # 液化气 alone counts less
    assert damped["T-GAS-USE"] > damped["T-GAS-SELL"]
    # the lone word still matches on its own when nothing competes
    alone = compile_matcher(GAS, [], builtin_lexicon()[0]).match("有人开个面包车到处卖液化气")
    assert not alone.no_match and alone.candidates[0].code == "T-GAS-SELL"


DISTRICT = "990011"


@pytest.mark.django_db
def test_a_freshly_imported_catalog_answers_the_right_twin_with_no_rules(tmp_path: Path):
    rows = [town_row(i.code, i.name_zh, "city_management", i.description) for i in ITEMS]
    import_catalog(tmp_path / "twins.csv", rows, DISTRICT, "双子区")
    for text, code in [
        ("步行街那块招牌的铁架子已经锈穿了，风一吹就晃", "T-SIGN-UNSAFE"),
        ("有人把旧床垫和沙发扔在楼道里半个月了", "T-WASTE-BULKY"),
        ("楼上有人把生活垃圾直接从窗口扔下来", "T-WASTE-PERSON"),
    ]:
        body = match_json(text, DISTRICT)
        assert body["candidates"][0]["code"] == code, (text, body["candidates"][:2])
