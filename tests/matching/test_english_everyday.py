"""English descriptions on a catalog the engine has never seen (issue 15): real English words are read as
written, and the English bridge lends no word that names no conduct. Pure engine: items written here, no
rules."""

from __future__ import annotations

import pytest

from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon
from authority.matching.normalize import en_stem

ITEMS = [
    ItemSpec(
        1,
        "E-DUMP",
        "对随意倾倒、抛撒生活垃圾的行政处罚",
        name_en="Penalty for dumping household rubbish",
        description="随意倾倒、抛撒生活垃圾。",
    ),
    ItemSpec(
        2,
        "E-AD-SET",
        "对未经批准擅自设置大型户外广告设施的行政处罚",
        description="擅自设置大型户外广告牌、LED显示屏。",
    ),
    ItemSpec(
        3,
        "E-AD-RENEW",
        "对户外广告设施到期未更新、维护的行政处罚",
        description="户外广告设施陈旧破损，未及时更新、维护。",
    ),
]


def matcher():
    return compile_matcher(ITEMS, [], builtin_lexicon()[0])


def test_a_real_english_word_is_not_corrected_into_a_word_of_the_catalog():
    # "jumping" is one letter from "dumping", but it is a word, not a typo: children jumping are no dumping
    result = matcher().match("Kids upstairs running and jumping every night until 11")
    assert result.no_match
    assert not any(e.via == "随意倾倒" for c in result.weak for e in c.evidence)


def test_a_typo_of_a_word_the_catalog_uses_is_still_corrected():
    result = matcher().match("Someone keeps dumpping rubbish behind our building")
    assert [c.code for c in result.candidates[:1]] == ["E-DUMP"]


def test_a_word_that_names_no_conduct_lends_no_item_its_chinese_word():
    # 更新 glosses "new": "a new billboard" is about putting one up, not about renewing an old one
    result = matcher().match("A huge new billboard was installed on the roof, nobody approved it")
    assert result.candidates[0].code == "E-AD-SET"
    assert not any(e.via == "更新" for c in result.candidates for e in c.evidence)


def test_the_bridge_lends_no_word_of_legal_boilerplate():
    # 采取 ("to carry out", in every "未采取措施") and 符合 ("to keep to") are the law's wording
    items = [
        ItemSpec(
            1, "E-DUST", "对施工工地未采取覆盖、洒水等防尘措施的行政处罚", description="工地未采取防尘措施。"
        ),
        ItemSpec(2, "E-SIGN", "对设置不符合标准的招牌的行政处罚", description="招牌不符合设置标准。"),
    ]
    result = compile_matcher(items).match("The neighbours carry on and keep arguing about it")
    assert not any(e.via in ("采取", "符合") for c in result.candidates + result.weak for e in c.evidence)


EVERYDAY = [
    ItemSpec(1, "W-SLURRY", "对向城镇排水设施排放施工泥浆的行政处罚", description="向雨水井倾倒泥浆。"),
    ItemSpec(2, "W-SHED", "对擅自搭建建筑物、构筑物的行政处罚", description="在屋顶、院坝违法搭建。"),
    ItemSpec(3, "W-WIRE", "对私拉电线为电动自行车充电的行政处罚", description="从楼上私拉电线充电。"),
    ItemSpec(4, "W-BURN", "对露天焚烧垃圾的行政处罚", description="在空地露天焚烧垃圾。"),
]


@pytest.mark.parametrize(
    ("text", "code", "word"),
    [
        ("They pour slurry into the storm drain after every job", "W-SLURRY", "slurry"),
        ("The ground-floor tenant put up a lean-to in the shared yard", "W-SHED", "lean-to"),
        ("An extension cord hangs from the third floor to charge a scooter", "W-WIRE", "extension cord"),
        ("Somebody lights a bonfire of rubbish on the waste ground every weekend", "W-BURN", "bonfire"),
    ],
)
def test_an_everyday_english_word_for_the_conduct_reaches_its_item(text, code, word):
    result = compile_matcher(EVERYDAY, [], builtin_lexicon()[0]).match(text)
    assert result.candidates[0].code == code
    assert any(shown == word and legal for shown, legal in result.candidates[0].readings)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Is there a collection point where I can hand in old wiring and scrap?", "service_question"),
        ("When will the subsidy for not burning rubbish be paid?", "service_question"),
        ("I want to say thanks to the team who cleared the illegal structure from our yard", "off_topic"),
    ],
)
def test_an_english_question_or_thanks_is_no_match_and_says_why(text, reason):
    result = compile_matcher(EVERYDAY, [], builtin_lexicon()[0]).match(text)
    assert result.no_match
    assert result.no_match_reason == reason


def test_a_word_of_four_letters_keeps_its_final_e():
    assert [en_stem(w) for w in ("fire", "fires", "fired", "firing", "fir")] == ["fire"] * 4 + ["fir"]
    assert en_stem("pine") != en_stem("pin") and en_stem("rates") != en_stem("rats")
    assert en_stem("piling") == en_stem("piles") == "pile"
    items = [
        ItemSpec(
            1, "E-FIRE", "对森林防火期内野外用火的行政处罚", name_en="Penalty for lighting fires in forests"
        ),
        ItemSpec(
            2, "E-FELL", "对擅自砍伐林木的行政处罚", name_en="Penalty for felling trees without a permit"
        ),
    ]
    result = compile_matcher(items).match("Someone cut down twenty fir trees on the hill")
    assert result.candidates[0].code == "E-FELL"
    assert not any(e.text == "fir" for c in result.candidates + result.weak for e in c.evidence)
