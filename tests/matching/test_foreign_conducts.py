"""Other languages on a catalog the engine has never seen (issue 15): conducts named in German, Arabic,
French, Spanish, Korean and Japanese words reach the item, and the suggestion shows the foreign word with the
legal word it was read as. Pure engine: items written here, the built-in lexicon, no rules."""

from __future__ import annotations

import pytest

from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon
from authority.matching.normalize import ar_stem

ITEMS = [
    ItemSpec(
        1,
        "F-WALL",
        "对装饰装修房屋擅自变动建筑主体和承重结构的行政处罚",
        description="装修时拆除承重墙、在承重墙上开洞。",
    ),
    ItemSpec(2, "F-STRAW", "对在禁烧区内露天焚烧秸秆的行政处罚", description="在田间露天焚烧秸秆、落叶。"),
    ItemSpec(
        3,
        "F-RUBBER",
        "对露天焚烧沥青、橡胶、塑料等产生有毒有害烟尘物质的行政处罚",
        description="露天焚烧废轮胎、塑料、电线皮。",
    ),
    ItemSpec(
        4,
        "F-PIPE",
        "对通过暗管、渗井等逃避监管的方式排放水污染物的行政处罚",
        description="企业通过暗管偷排污水。",
    ),
    ItemSpec(5, "F-PARK", "对机动车在人行道上违法停放的行政处罚", description="在人行道上停放机动车。"),
]


def matcher():
    return compile_matcher(ITEMS, [], builtin_lexicon()[0])


@pytest.mark.parametrize(
    ("text", "code", "word"),
    [
        ("In der Wohnung über uns wird eine tragende Wand herausgerissen.", "F-WALL", "tragende Wand"),
        ("El vecino quitó un muro de carga en la reforma.", "F-WALL", "muro de carga"),
        ("Auf dem Acker wird Weizenstroh verbrannt.", "F-STRAW", "Weizenstroh"),
        ("Están quemando neumáticos viejos detrás del taller.", "F-RUBBER", "neumáticos"),
        ("L'usine rejette ses eaux par un tuyau caché sous la route.", "F-PIPE", "tuyau caché"),
        ("마을 공터에서 폐타이어를 태우고 있어요.", "F-RUBBER", "폐타이어를"),
    ],
)
def test_a_conduct_named_in_another_language_reaches_its_item_and_shows_the_word(text, code, word):
    result = matcher().match(text)
    assert not result.no_match
    assert result.candidates[0].code == code
    assert any(shown == word and legal for shown, legal in result.candidates[0].readings)


def test_the_arabic_article_comes_off_a_word_of_two_letters():
    assert ar_stem("القش") == "قش"  # "the straw"
    assert ar_stem("الدخان") == "دخان"  # a longer word as before
    result = matcher().match("المزارعون يحرقون القش في الحقول")
    assert result.candidates[0].code == "F-STRAW"
    assert ("القش", "秸秆") in result.candidates[0].readings


def test_a_spanish_word_is_not_corrected_into_a_word_the_catalog_knows():
    # "barrio" (neighbourhood) is one letter from "barro" (mud, a word of spilled loads): not a typo
    items = [*ITEMS, ItemSpec(6, "F-SPILL", "对运输车辆遗撒泥土的行政处罚", description="车辆沿途遗撒泥土。")]
    result = compile_matcher(items, [], builtin_lexicon()[0]).match(
        "¿Dónde puedo pagar la factura del agua en este barrio?"
    )
    assert result.no_match
    assert not any(e.text == "barrio" for c in result.weak for e in c.evidence)


ASIAN = [
    ItemSpec(
        1, "K-FUME", "对餐饮服务业经营者未安装油烟净化设施排放油烟的行政处罚", description="饭店油烟直排。"
    ),
    ItemSpec(2, "K-BURN", "对露天焚烧垃圾产生烟尘的行政处罚", description="露天焚烧垃圾，烟尘扰民。"),
    ItemSpec(3, "K-BANNER", "对擅自悬挂横幅、标语的行政处罚", description="在护栏、树木上悬挂横幅。"),
    ItemSpec(4, "K-AD", "对擅自设置大型户外广告设施的行政处罚", description="擅自设置户外广告牌。"),
]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("식당에서 나오는 기름 연기가 창문으로 들어와요.", "K-FUME"),  # written apart: 기름 연기
        ("歩道橋に横断幕がたくさん掛けられています。", "K-BANNER"),  # a banner, not a billboard
    ],
)
def test_korean_and_japanese_words_reach_the_item_they_name(text, code):
    result = compile_matcher(ASIAN, [], builtin_lexicon()[0]).match(text)
    assert code in [c.code for c in result.candidates[:3]]
