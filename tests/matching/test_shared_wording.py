"""The wording a Chinese description shares with an item's own text reorders the items the terms found
(authority/matching/overlap.py, issue 15's ninth round): never brings in an item the terms did not find,
never changes "no match", and leaves other languages alone. Pure
engine, no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from authority.matching import engine, overlap
from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.evaluate import catalog_specs, read_examples
from authority.matching.loader import builtin_lexicon

CATALOG = Path(__file__).resolve().parents[2] / "authority/matching/eval/catalogs/H9"

TWINS = [
    ItemSpec(1, "T-1-PUBLIC", "对公共场所经营者安排未取得健康证明的从业人员从事直接为顾客服务工作的行政处罚"),
    ItemSpec(2, "T-2-FOOD", "对食品经营者安排未取得健康证明的从业人员上岗的行政处罚"),
    ItemSpec(3, "T-3-BURN", "对露天焚烧秸秆的行政处罚"),
]


def test_pairs_are_of_chinese_characters_only_and_folded():
    assert overlap.char_pairs("占道經營 ok 烧烤") == frozenset({"占道", "道经", "经营", "烧烤"})
    pairs, root = overlap.item_pairs("露天烧烤", "")
    assert pairs == frozenset({"露天", "天烧", "烧烤"}) and root == pytest.approx(3**0.5)


def test_the_twin_whose_wording_the_text_repeats_comes_first(monkeypatch):
    monkeypatch.setattr(engine, "COVER_BONUS", 0.0)  # the coverage would part these twins on its own
    m = compile_matcher(TWINS, [], builtin_lexicon()[0])
    text = "检查发现三名从业人员未取得健康证明"
    monkeypatch.setattr(overlap, "SHARED_WEIGHT", 0.0)
    without = m.match(text)
    monkeypatch.setattr(overlap, "SHARED_WEIGHT", 0.4)
    with_shared = m.match(text)
    assert [c.code for c in without.candidates[:2]] == ["T-1-PUBLIC", "T-2-FOOD"]  # a tie, by code
    assert [c.code for c in with_shared.candidates[:2]] == ["T-2-FOOD", "T-1-PUBLIC"]
    assert with_shared.candidates[0].score == without.candidates[0].score  # the engine's best score kept
    assert with_shared.candidates[0].score > with_shared.candidates[1].score
    assert with_shared.candidates[0].terms  # still shown with the words that found it


GOODS = [
    ItemSpec(1, "G-FAKE", "对销售不合格产品或者以假充真的行政处罚", description="卖假货、次品。"),
    ItemSpec(2, "G-AD", "对发布虚假广告的行政处罚", description="广告吹得天花乱坠。"),
    ItemSpec(3, "G-MED", "对销售假药、劣药的行政处罚", description="药店卖假药。"),
]


@pytest.fixture(scope="module")
def h9():
    items = catalog_specs(CATALOG / "catalog.csv")
    return compile_matcher(items, [], builtin_lexicon()[0]), read_examples(CATALOG / "descriptions.csv")


def test_only_the_order_of_chinese_candidates_changes(h9, monkeypatch):
    m, examples = h9
    moved = 0
    for example in examples:
        monkeypatch.setattr(overlap, "SHARED_WEIGHT", 0.0)
        before = m.match(example.text)
        monkeypatch.setattr(overlap, "SHARED_WEIGHT", 0.4)
        after = m.match(example.text)
        assert after.no_match == before.no_match and after.no_match_reason == before.no_match_reason
        found_before = {c.code for c in before.candidates} | {c.code for c in before.weak}
        assert {c.code for c in after.candidates} <= found_before
        scores = [c.score for c in after.candidates]
        assert scores == sorted(scores, reverse=True)
        if after.candidates:
            assert all(c.terms for c in after.candidates)  # each still shown with the words that found it
        if example.lang != "zh":
            assert [c.code for c in after.candidates] == [c.code for c in before.candidates]
            assert scores == [c.score for c in before.candidates]
        moved += [c.code for c in after.candidates] != [c.code for c in before.candidates]
    assert moved  # it does reorder some of a real catalog's Chinese descriptions


def test_one_pair_in_common_by_chance_does_not_reorder(monkeypatch):
    """店卖 of 药店卖假药 in 五金店卖的插座: below SHARE_FLOOR, the fake-goods item keeps its lead."""
    m = compile_matcher(GOODS, [], builtin_lexicon()[0])
    assert m.match("五金店卖的插座一插就冒烟，牌子是假的").candidates[0].code == "G-FAKE"
    monkeypatch.setattr(overlap, "SHARE_FLOOR", 0.0)
    assert m.match("五金店卖的插座一插就冒烟，牌子是假的").candidates[0].code == "G-MED"
