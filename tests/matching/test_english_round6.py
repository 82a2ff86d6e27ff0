"""Issue 15, sixth round (men6): English descriptions. Items written here, the built-in lexicon, no rules.

The conduct gate in English: an item found in an English text only by the setting around a conduct (a
stairwell, a lift, all night, a neighbour) does not carry it, as in Chinese."""

from __future__ import annotations

import pytest

from authority.matching import engine
from authority.matching.engine import ItemSpec, compile_matcher, is_setting_en, load_settings_en
from authority.matching.loader import builtin_lexicon

ITEMS = [
    ItemSpec(
        1,
        "R6-EBIKE",
        "对在住宅楼道、楼梯间停放电动自行车或者为其充电的行政处罚",
        name_en="Penalty for parking or charging e-bikes in stairwells and common corridors",
    ),
    ItemSpec(
        2,
        "R6-FLYPOST",
        "对在建筑物、构筑物上乱涂乱画、擅自张贴小广告的行政处罚",
        name_en="Penalty for graffiti, flyposting and hanging things on buildings",
    ),
    ItemSpec(
        3,
        "R6-NIGHTWORK",
        "对建筑施工单位在噪声敏感建筑物集中区域夜间进行产生噪声的施工作业的行政处罚",
        name_en="Penalty for night-time noisy construction near homes without permission",
    ),
    ItemSpec(
        4,
        "R6-LIFT",
        "对使用未经定期检验或者检验不合格的电梯的行政处罚",
        name_en="Penalty for operating lifts without periodic inspection",
    ),
    ItemSpec(
        5,
        "R6-SMOKE",
        "对个人在禁止吸烟场所吸烟的行政处罚",
        name_en="Penalty for individuals smoking where smoking is banned",
    ),
]


def matcher():
    return compile_matcher(ITEMS, [], builtin_lexicon()[0])


def test_setting_words_in_english():
    settings = load_settings_en()
    assert is_setting_en("stairwell", settings)
    assert is_setting_en("in our stairwell", settings)
    assert is_setting_en("all night", settings)
    assert is_setting_en("my neighbours", settings)
    assert not is_setting_en("charging", settings)
    assert not is_setting_en("stairwell charging", settings)
    assert not is_setting_en("", settings)
    assert not is_setting_en("楼梯间", settings)  # Chinese text goes through settings_zh.txt


@pytest.mark.parametrize(
    "text, first",
    [
        ("Stickers advertising locksmiths all over our stairwell.", "R6-FLYPOST"),
        ("Ads for fake certificates stuck all over the stairwell", "R6-FLYPOST"),
        ("A man was smoking in the lift and swore at me.", "R6-SMOKE"),
    ],
)
def test_the_conduct_outranks_the_place(text, first):
    result = matcher().match(text)
    assert result.lang == "en"
    assert not result.no_match
    assert result.candidates[0].code == first


def test_without_the_gate_the_place_won(monkeypatch):
    """The same texts without English setting words: the item of the place comes first (the test can fail)."""
    monkeypatch.setattr(engine, "load_settings_en", lambda *a, **k: frozenset())
    result = matcher().match("Ads for fake certificates stuck all over the stairwell")
    assert result.candidates and result.candidates[0].code == "R6-EBIKE"
    result = matcher().match("My neighbour's dog barks all night, every night.")
    assert not result.no_match


def test_a_setting_alone_is_no_match():
    result = matcher().match("My neighbour's dog barks all night, every night.")
    assert result.no_match
    assert result.no_match_reason == "no_conduct"


def test_a_setting_still_supports_the_conduct():
    """The stairwell item is still found when the text names its conduct as well."""
    result = matcher().match("Someone charges his e-bike in the stairwell every night.")
    assert not result.no_match
    assert result.candidates[0].code == "R6-EBIKE"
    # men9: the name's pair "bike stairwell" is now found across "in the": the stairwell counts inside it
    assert any("stairwell" in e.text.lower() for e in result.candidates[0].evidence)


def test_plurals_in_ves_meet_their_singular():
    """An English name's "wharves" is the description's "wharf" (the stemmer alone left "wharv")."""
    from authority.matching.normalize import en_stem

    assert en_stem("wharves") == en_stem("wharf")
    assert en_stem("shelves") == en_stem("shelf")
    assert en_stem("knives") == en_stem("knife")
    assert en_stem("leaves") != en_stem("leaf")  # leaves stays (to leave), as before
    items = [
        ItemSpec(
            1,
            "R6-WHARF",
            "对未经批准擅自使用港口岸线建设码头的行政处罚",
            name_en="Penalty for using port shoreline to build wharves without approval",
        ),
        ItemSpec(
            2, "R6-SAND", "对未经批准在河道采砂的行政处罚", name_en="Penalty for digging sand in rivers"
        ),
    ]
    result = compile_matcher(items, [], builtin_lexicon()[0]).match(
        "A boatyard is building its own wharf on the port shoreline."
    )
    assert result.candidates and result.candidates[0].code == "R6-WHARF"
    evidence = result.candidates[0].evidence
    assert any(e.term == "wharf" and e.source == "english" and not e.via for e in evidence)


FISHING = [
    ItemSpec(
        1,
        "R6-FISH-CLOSED",
        "对在禁渔区、禁渔期内进行捕捞的行政处罚",
        name_en="Penalty for fishing in a closed area or during the closed season",
    ),
    ItemSpec(
        2,
        "R6-FISH-LICENCE",
        "对未依法取得捕捞许可证擅自进行捕捞的行政处罚",
        name_en="Penalty for fishing commercially without a fishing licence",
    ),
    ItemSpec(
        3,
        "R6-FISH-GEAR",
        "对使用禁用的渔具进行捕捞的行政处罚",
        name_en="Penalty for fishing with banned gear",
    ),
]


def _raw_scores(text: str) -> dict[str, float]:
    result = compile_matcher(FISHING, [], builtin_lexicon()[0]).match(text)
    return {c.code: c.raw for c in result.candidates + result.weak}


def test_an_english_name_the_text_repeats_gains_most(monkeypatch):
    """The share of an item's English name that an English text holds adds up to EN_COVER_BONUS: most of the
    closed-season name's words are in the text, a third of the banned-gear name's ("fishing")."""
    text = "Men are fishing in the closed season at the reservoir."
    with_cover, bonus = _raw_scores(text), engine.EN_COVER_BONUS
    monkeypatch.setattr(engine, "EN_COVER_BONUS", 0.0)
    without = _raw_scores(text)
    gain = {code: with_cover[code] / without[code] for code in without}
    assert gain["R6-FISH-CLOSED"] <= 1.0 + bonus + 1e-9
    assert 1.0 < gain["R6-FISH-GEAR"] < gain["R6-FISH-CLOSED"]
    assert max(with_cover, key=with_cover.__getitem__) == "R6-FISH-CLOSED"


def test_english_names_do_not_cover_chinese_text(monkeypatch):
    """A Chinese description is measured against the Chinese name only, as before."""
    text = "有人在禁渔期到水库打鱼"
    with_cover = _raw_scores(text)
    monkeypatch.setattr(engine, "EN_COVER_BONUS", 0.0)
    assert _raw_scores(text) == with_cover


BOATS = [
    ItemSpec(
        1,
        "R6-VESSEL-CERT",
        "对船舶未持有合格的检验证书、登记证书擅自航行的行政处罚",
        name_en="Penalty for vessels sailing without valid inspection or registration certificates",
    ),
    ItemSpec(
        2,
        "R6-CREW-CERT",
        "对船员未持有合格的适任证书驾驶船舶的行政处罚",
        name_en="Penalty for crew operating vessels without a valid certificate of competency",
    ),
    ItemSpec(
        3,
        "R6-AQUATIC",
        "对猎捕、杀害、出售国家重点保护水生野生动物的行政处罚",
        name_en="Penalty for catching, killing or trading protected aquatic wildlife",
    ),
    ItemSpec(4, "R6-SAND", "对未经批准在河道采砂的行政处罚", name_en="Penalty for digging sand in rivers"),
]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("An unregistered boat with no papers is running cargo on the river.", "R6-VESSEL-CERT"),
        ("The skipper of that ferry has no certificate at all.", "R6-CREW-CERT"),
        ("Someone caught a sturgeon and took it home instead of letting it go.", "R6-AQUATIC"),
    ],
)
def test_boats_papers_and_protected_fish_in_everyday_english(text, expected):
    result = compile_matcher(BOATS, [], builtin_lexicon()[0]).match(text)
    assert not result.no_match, result.no_match_reason
    assert result.candidates[0].code == expected


def test_un_words_read_as_the_missing_licence():
    """ "unregistered", "unlicensed" are rows of the lexicon: the evidence names the legal word."""
    result = compile_matcher(BOATS, [], builtin_lexicon()[0]).match("An unregistered boat on the river.")
    found = [e for c in result.candidates + result.weak for e in c.evidence if e.text == "unregistered"]
    assert found and all(e.source == "lexicon" for e in found)


NOISE = [
    ItemSpec(
        1,
        "R6-INDUSTRIAL",
        "对工业企业超过噪声排放标准排放工业噪声的行政处罚",
        name_en="Penalty for factories emitting industrial noise above the standard",
    ),
    ItemSpec(
        2,
        "R6-VENUE",
        "对文化娱乐、棋牌室等经营场所边界噪声超过排放标准的行政处罚",
        name_en="Penalty for entertainment businesses whose noise at the boundary exceeds the standard",
    ),
    ItemSpec(
        3,
        "R6-FOREST",
        "对毁林采石、采砂、采土的行政处罚",
        name_en="Penalty for destroying forest by quarrying or digging sand",
    ),
]


def test_noise_that_keeps_people_awake():
    m = compile_matcher(NOISE, [], builtin_lexicon()[0])
    result = m.match("The stone crusher runs all night, we can't sleep")
    assert not result.no_match and result.candidates[0].code == "R6-INDUSTRIAL"
    result = m.match("The mahjong parlour downstairs keeps us awake until 3 am")
    assert not result.no_match and result.candidates[0].code == "R6-VENUE"


def test_a_crusher_alone_is_no_complaint():
    """The crusher is what makes the noise (a context word): alone it names no conduct."""
    result = compile_matcher(NOISE, [], builtin_lexicon()[0]).match("Where can I buy a stone crusher?")
    assert result.no_match


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("Alguien pescó un esturión y se lo llevó a casa.", "es", "R6-AQUATIC"),
        ("Jemand hat einen Stör gefangen und mitgenommen.", "de", "R6-AQUATIC"),
        ("誰かがチョウザメを釣って持ち帰りました。", "ja", "R6-AQUATIC"),
        ("El conductor del ferry no tiene certificado de tripulante.", "es", "R6-CREW-CERT"),
        ("渡し船の船頭が免許を持っていません。", "ja", "R6-CREW-CERT"),
    ],
)
def test_the_same_concepts_in_other_languages(text, lang, expected):
    result = compile_matcher(BOATS, [], builtin_lexicon()[0]).match(text)
    assert result.lang == lang
    assert not result.no_match, result.no_match_reason
    assert result.candidates[0].code == expected


RIVER_AND_HILLS = [
    ItemSpec(
        1,
        "R6-RELEASE",
        "对随意放生外来物种或者不适宜野生环境的水生生物的行政处罚",
        name_en="Penalty for releasing alien or unsuitable aquatic species into the wild",
    ),
    ItemSpec(
        2,
        "R6-LANDSLIDE",
        "对在地质灾害危险区内爆破、削坡、进行工程建设的行政处罚",
        name_en="Penalty for blasting, cutting slopes or building in landslide hazard zones",
    ),
    ItemSpec(
        3,
        "R6-GRAIN",
        "对在公路上打场晒粮、堆放物品的行政处罚",
        name_en="Penalty for drying grain or piling goods on highways",
    ),
]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Eine Gruppe hat Schildkröten und Zierfische im Fluss ausgesetzt.", "R6-RELEASE"),
        ("Über dem Dorf ist ein Erdrutsch, und trotzdem wird dort gesprengt.", "R6-LANDSLIDE"),
        ("Zur Erntezeit liegt auf der Straße überall Getreide zum Trocknen.", "R6-GRAIN"),
    ],
)
def test_german_words_for_rural_and_river_conducts(text, expected):
    result = compile_matcher(RIVER_AND_HILLS, [], builtin_lexicon()[0]).match(text)
    assert result.lang == "de"
    assert not result.no_match, result.no_match_reason
    assert result.candidates[0].code == expected
