"""Issue 15, seventh round (men7): English and the other Latin-script languages. Items written here, the
built-in lexicon, no rules.

- British words the dictionary behind the English bridge does not know meet the American word it glosses
  with ("lift" -> "elevator", "lorry" -> "truck");
- "evening" is not stemmed to "even";
- in a German, French or Spanish text, that language's words of grammar never count as English terms ("Die
  Fähre" is no "die", "Am Regal stand" no "stand", "pour" in French no pouring)."""

from __future__ import annotations

import pytest

from authority.matching import normalize
from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon
from authority.matching.normalize import FUNCTION_WORDS, en_stem

ITEMS = [
    ItemSpec(1, "R7-LIFT", "对使用未经定期检验或者检验不合格的电梯的行政处罚"),  # no English name: the bridge
    ItemSpec(2, "R7-FOOD", "对经营超过保质期的食品的行政处罚"),
    ItemSpec(
        3,
        "R7-DEAD",
        "对随意丢弃病死畜禽的行政处罚",
        name_en="Penalty for dumping animals that die of disease",
    ),
    ItemSpec(4, "R7-STALL", "对占道摆摊设点的行政处罚", name_en="Penalty for street stalls on pavements"),
    ItemSpec(5, "R7-DUMP", "对向河道倾倒垃圾的行政处罚", name_en="Penalty for pouring rubbish into rivers"),
    ItemSpec(6, "R7-FERRY", "对渡船在大雾等恶劣天气冒险开航的行政处罚"),
]


@pytest.fixture(scope="module")
def matcher():
    return compile_matcher(ITEMS, [], builtin_lexicon()[0])


def test_british_words_meet_the_dictionary_glosses():
    assert en_stem("lift") == en_stem("elevator")
    assert en_stem("lifts") == en_stem("elevators")
    assert en_stem("lorry") == en_stem("truck")
    assert en_stem("petrol") == en_stem("gasoline")


def test_a_lift_reaches_the_item_worded_电梯(matcher):
    """CC-CEDICT glosses 电梯 "elevator"; the complaint says "lift"."""
    result = matcher.match("The lift in our block has not been inspected for two years and it still runs.")
    assert result.lang == "en"
    codes = [c.code for c in result.candidates] + [c.code for c in result.weak]
    assert "R7-LIFT" in codes
    lift = next(c for c in result.candidates + result.weak if c.code == "R7-LIFT")
    assert any(e.text == "lift" and e.via == "电梯" for e in lift.evidence)  # the explanation names 电梯


def test_evening_is_not_even():
    assert en_stem("evening") != en_stem("even")
    assert en_stem("evenings") == "evenings"


@pytest.mark.parametrize("lang, word", [("de", "die"), ("de", "stand"), ("fr", "pour"), ("es", "sin")])
def test_function_words_of_each_language(lang, word):
    assert word in FUNCTION_WORDS[lang]


@pytest.mark.parametrize(
    "text, lang, not_first",
    [
        ("Die Fähre fuhr gestern trotz dichtem Nebel weiter.", "de", "R7-DEAD"),
        ("Auf dem Schild stand ein anderer Preis als an der Kasse.", "de", "R7-STALL"),
        ("Je voudrais remercier le personnel du bourg pour son aide.", "fr", "R7-DUMP"),
    ],
)
def test_words_of_grammar_are_no_english_terms(matcher, text, lang, not_first):
    result = matcher.match(text)
    assert result.lang == lang
    assert not result.candidates or result.candidates[0].code != not_first
    assert all(not_first != c.code for c in result.candidates)


def test_without_the_function_words_the_grammar_matched(matcher, monkeypatch):
    """The same German text with no list of function words: "Die" is read as the English "die" (the test
    can fail)."""
    monkeypatch.setattr("authority.matching.engine.FUNCTION_WORDS", {})
    result = matcher.match("Die Fähre fuhr gestern trotz dichtem Nebel weiter.")
    found = result.candidates + result.weak
    assert any(c.code == "R7-DEAD" for c in found)


def test_the_words_still_count_in_english(matcher):
    """An English text keeps its own words: "pour" is pouring there."""
    assert "pour" not in normalize.EN_STOPWORDS
    result = matcher.match("The restaurant pours its rubbish into the river every night.")
    assert result.lang == "en"
    assert result.candidates and result.candidates[0].code == "R7-DUMP"
