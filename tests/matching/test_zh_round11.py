"""Eleventh round, Chinese (mzh11): where the conduct is outranked by the things around it.

A Chinese lexicon row names what its everyday word means first and broader or nearby legal words after
(林场 → 林木|森林): an item holding the first word outranks one holding only a later one (engine.ROW_ORDER).
A derived n-gram of three or four characters that begins or ends with a character of grammar or a locative
(往河沟, 河沟里) weighs as one a character shorter (engine.EDGE_SHORTER).
"""

from __future__ import annotations

from authority.matching import engine
from authority.matching.engine import ItemSpec, LexSpec, compile_matcher

ITEMS = [
    ItemSpec(1, "A-FIRE", "对在森林防火区用火的行政处罚"),
    ItemSpec(2, "B-TREE", "对毁坏林木、擅自移植林木的行政处罚"),
]
ROW = LexSpec("树林子", ("森林", "林木"))  # a row written for this test: the forest first, the trees after
TEXT = "有人在树林子里头"


def found(result):
    return [(c.code, c.evidence[0].via, c.evidence[0].weight) for c in result.candidates + result.weak]


def test_the_first_legal_word_of_a_row_outranks_the_later_ones():
    result = compile_matcher(ITEMS, [], [ROW]).match(TEXT)
    assert found(result) == [("A-FIRE", "森林", 1.2), ("B-TREE", "林木", 1.08)]


def test_without_the_order_the_item_whose_name_the_word_covers_more_won(monkeypatch):
    monkeypatch.setattr(engine, "ROW_ORDER", 1.0)
    result = compile_matcher(ITEMS, [], [ROW]).match(TEXT)
    assert found(result) == [("B-TREE", "林木", 1.2), ("A-FIRE", "森林", 1.2)]


def test_the_order_is_for_chinese_rows_only():
    row = LexSpec("woods", ("森林", "林木"), lang="en")
    result = compile_matcher(ITEMS, [], [row]).match("someone in the woods")
    assert {weight for _, _, weight in found(result)} == {1.2}


def test_an_ngram_at_a_little_word_weighs_as_one_shorter():
    terms = engine.zh_terms("把垃圾往河沟里倒")
    assert terms["往河沟"] == 2 and terms["河沟里"] == 2 and terms["往河沟里"] == 3
    assert terms["河沟"] == 2 and terms["垃圾往河"] == 4


def test_without_it_the_ngram_weighed_its_length(monkeypatch):
    monkeypatch.setattr(engine, "EDGE_SHORTER", False)
    terms = engine.zh_terms("把垃圾往河沟里倒")
    assert terms["往河沟"] == 3 and terms["河沟里"] == 3 and terms["往河沟里"] == 4
