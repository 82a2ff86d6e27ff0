"""Eleventh round, English and the six other languages (men11).

"Without a permit" in German, French, Spanish, Arabic, Korean and Japanese says how a conduct was done, as
没证 does in Chinese: it supports whichever item the conduct points to and no longer sends every such
description to the trading-licence item. English wage words name the conduct of a wage item where the catalog
holds one, as 工钱 does in Chinese, and stay off-topic elsewhere.
"""

from __future__ import annotations

import pytest

from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon
from authority.matching.normalize import ar_stem, detect_lang

TRADE = ItemSpec(1, "T-TRADE", "对无照经营的行政处罚", description="未取得营业执照，擅自从事经营活动。")
BUILD = ItemSpec(
    2,
    "B-BUILD",
    "对未取得建设工程规划许可证进行建设的行政处罚",
    description="未取得建设工程规划许可证，擅自搭建、加建房屋。",
)
SAND = ItemSpec(
    3, "H-SAND", "对未经许可在河道采砂的行政处罚", description="未取得河道采砂许可证，擅自在河道内采砂。"
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Mi vecino construyó otra planta sin permiso.", "B-BUILD"),
        ("Ils extraient du sable dans la rivière sans autorisation.", "H-SAND"),
        ("이웃이 허가 없이 집을 증축했어요.", "B-BUILD"),
    ],
)
def test_without_a_permit_supports_the_conduct_not_the_trading_licence(text, code):
    result = compile_matcher([TRADE, BUILD, SAND], [], builtin_lexicon()[0]).match(text)
    assert not result.no_match
    assert result.candidates[0].code == code


WAGES = ItemSpec(4, "W-WAGE", "对用人单位克扣或者无故拖欠劳动者劳动报酬的行政处罚")
STALL = ItemSpec(5, "S-STALL", "对擅自在城市道路摆摊设点的行政处罚", description="在城市道路摆摊设点。")
WAGE_TEXTS = [
    "The brick kiln owner has kept back our wages since spring.",
    "Nobody at the depot got a salary in May.",
]


@pytest.mark.parametrize("text", WAGE_TEXTS)
def test_english_wage_words_are_the_conduct_of_a_wage_item(text):
    result = compile_matcher([WAGES, STALL], [], builtin_lexicon()[0]).match(text)
    assert not result.no_match
    assert result.candidates[0].code == "W-WAGE"
    assert any(e.source == "lexicon" for e in result.candidates[0].evidence)


@pytest.mark.parametrize("text", WAGE_TEXTS)
def test_english_wage_words_stay_off_topic_where_no_item_holds_wages(text):
    result = compile_matcher([STALL], [], builtin_lexicon()[0]).match(text)
    assert result.no_match and result.no_match_reason == "off_topic"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Un taller del barrio pinta coches en la acera.", "es"),
        ("La fábrica que está al lado echa humo negro.", "es"),
        ("Le garage de la rue répare les voitures sur le trottoir.", "fr"),
        ("Im Hof nebenan wird ohne Pause gehämmert.", "de"),
        ("In einem Laden raucht man ohne Pause.", "de"),  # a tie with English's "in" and "man"
        ("The garage on the corner paints cars on the pavement.", "en"),
    ],
)
def test_spanish_and_french_part_on_their_own_words(text, lang):
    # "la", "un" and "que" are Spanish as much as French: they counted for French alone, so a Spanish
    # sentence with few other markers was read as French. A tie of German and English markers is German.
    assert detect_lang(text) == lang


def test_arabic_li_before_a_verb_comes_off():
    # "ليشحن" is "to charge": li- written onto the verb's ya-, as "بسياره" is bi- on "car"
    assert ar_stem("ليشحن") == ar_stem("يشحن")
    assert ar_stem("لتبيع") == ar_stem("تبيع")
    assert ar_stem("ليل") == "ليل"  # night: a short word stays
