"""Eleventh round, Chinese (mzh11): where the conduct is outranked by the things around it.

A Chinese lexicon row names what its everyday word means first and broader or nearby legal words after
(林场 → 林木|森林): an item holding the first word outranks one holding only a later one (engine.ROW_ORDER).
A derived n-gram of three or four characters that begins or ends with a character of grammar or a locative
(往河沟, 河沟里) weighs as one a character shorter (engine.EDGE_SHORTER). In the ranking, an item found by two
words of the text comes before items found by one word alone among the first five, not three
(engine.SINGLE_RANK_WINDOW).
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


LONE = [(1.0, (1.0, 0, 2, 0, -1, "lexicon", ""))]
TWO = [(0.5, (0.5, 0, 2, 0, -1, "lexicon", "")), (0.5, (0.5, 3, 5, 1, -1, "derived", ""))]
RANKED = [(1.0, 0, LONE), (0.98, 1, LONE), (0.96, 2, LONE), (0.9, 3, TWO), (0.5, 4, LONE)]


def _five():
    return compile_matcher([ItemSpec(k, f"C{k}", f"对第{k}种行为的行政处罚") for k in range(5)], [], [])


def test_an_item_two_words_found_fourth_comes_first():
    order = _five()._lone_word_order(RANKED)
    assert [item for _, item, _ in order] == [3, 0, 1, 2, 4]
    assert [raw for raw, _, _ in order] == [1.0, 0.98, 0.96, 0.9, 0.5]  # the scores stay in their places


def test_with_a_window_of_three_it_stayed_fourth(monkeypatch):
    monkeypatch.setattr(engine, "SINGLE_RANK_WINDOW", 3)
    assert [item for _, item, _ in _five()._lone_word_order(RANKED)] == [0, 1, 2, 3, 4]
