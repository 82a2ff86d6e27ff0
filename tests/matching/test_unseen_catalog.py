"""The engine on catalogs it has never seen (issue 15): pure engine, items written here, the built-in lexicon,
no rules."""

from __future__ import annotations

from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon

ITEMS = [
    ItemSpec(
        1, "U-TRASH-P", "对个人随意倾倒、抛撒、堆放生活垃圾的行政处罚", description="个人随意倾倒生活垃圾。"
    ),
    ItemSpec(
        2, "U-TRASH-U", "对单位随意倾倒、抛撒、堆放生活垃圾的行政处罚", description="单位随意倾倒生活垃圾。"
    ),
    ItemSpec(
        3,
        "U-STALL",
        "对擅自在城市道路、人行道等公共场地摆摊设点、兜售物品的行政处罚",
        name_en="Penalty for setting up stalls or peddling goods on city roads",
    ),
    ItemSpec(
        4,
        "U-EXIT",
        "对占用、堵塞、封闭疏散通道、安全出口的行政处罚",
        name_en="Penalty for blocking evacuation routes or emergency exits",
    ),
    ItemSpec(5, "U-NOISE", "对夜间施工作业产生噪音扰民的行政处罚", description="夜间施工，噪音扰民。"),
    ItemSpec(
        6,
        "U-BBQ",
        "对在城市人口集中区露天烧烤食品的行政处罚",
        name_en="Penalty for open-air barbecuing of food",
    ),
]


def matcher():
    return compile_matcher(ITEMS, [], builtin_lexicon()[0])


def first(text: str) -> str | None:
    result = matcher().match(text)
    return result.candidates[0].code if result.candidates else None


def test_a_complaint_that_ends_with_thanks_is_still_a_complaint():
    result = matcher().match("小区后门有人支个炉子烤串串，烟子大得很，麻烦你们处理一下，谢谢")
    assert not result.no_match
    assert result.candidates[0].code == "U-BBQ"


def test_thanks_alone_is_no_complaint_and_says_so():
    result = matcher().match("谢谢你们上次帮忙")
    assert result.no_match and result.no_match_reason == "off_topic"


def test_the_longest_everyday_phrase_wins():
    # "metro exit" is where the vendors stand, not a fire exit being blocked
    assert first("Hawkers block the metro exit every evening") == "U-STALL"


def test_twins_for_a_unit_and_a_person_part_on_who_did_it():
    assert first("路口那个超市每天把垃圾倒在路边") == "U-TRASH-U"
    assert first("三单元那家人每天把垃圾袋丢在路边") == "U-TRASH-P"


def test_a_catalog_worded_differently_from_the_lexicon_still_matches():
    # the lexicon reads "loud" as 噪声; this catalog writes 噪音
    assert first("Construction at night, so loud") == "U-NOISE"


def test_confidence_is_in_words_with_a_reason():
    result = matcher().match("隔壁工地半夜施工，吵得睡不着")
    top = result.candidates[0]
    assert top.confidence in ("high", "medium", "low") and top.confidence_reason
    vague = matcher().match("路边")
    assert vague.no_match and vague.no_match_reason in ("no_conduct", "too_weak")
