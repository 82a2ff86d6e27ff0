"""Near-twins that the same words find (mzh, fifth round of issue 15): the twin whose name the text says
more of wins, not the one that comes first by code; and the people around a conduct (村民, 游客 ...) never
carry an item alone. Pure engine, a small catalog written here, the built-in lexicon, no rules."""

from __future__ import annotations

import pytest

from authority.matching import engine, overlap, twins
from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon

ITEMS = [
    # two items whose names share "安排未取得健康证明的从业人员"; the first by code says much more besides
    ItemSpec(1, "T-1-PUBLIC", "对公共场所经营者安排未取得健康证明的从业人员从事直接为顾客服务工作的行政处罚"),
    ItemSpec(2, "T-2-FOOD", "对食品经营者安排未取得健康证明的从业人员上岗的行政处罚"),
    ItemSpec(3, "T-3-HOUSE", "对农村村民未经批准非法占用土地建住宅的行政处罚"),
    ItemSpec(4, "T-4-BURN", "对露天焚烧秸秆的行政处罚"),
]


def matcher():
    return compile_matcher(ITEMS, [], builtin_lexicon()[0])


def test_the_twin_whose_name_the_text_covers_more_wins_a_tie():
    result = matcher().match("检查发现三名从业人员未取得健康证明")
    codes = [c.code for c in result.candidates]
    assert codes[:2] == ["T-2-FOOD", "T-1-PUBLIC"]
    assert result.candidates[0].score > result.candidates[1].score


def test_without_the_coverage_the_tie_went_by_code(monkeypatch):
    monkeypatch.setattr(engine, "COVER_BONUS", 0.0)
    monkeypatch.setattr(overlap, "SHARED_WEIGHT", 0.0)  # the shared wording (overlap.py) parts them too
    result = matcher().match("检查发现三名从业人员未取得健康证明")
    assert result.candidates[0].code == "T-1-PUBLIC"
    assert result.candidates[0].score == result.candidates[1].score


def test_coverage_never_outweighs_words_only_one_twin_has():
    # 顾客服务 is the public-place item's own wording: it wins although its name is long
    result = matcher().match("理发店给顾客服务的从业人员未取得健康证明")
    assert result.candidates[0].code == "T-1-PUBLIC"


@pytest.mark.parametrize(
    "text", ["【村民群】今天赶场的人好多，街上堵死了，车子过不到", "村民们都在问自来水好久修好"]
)
def test_the_villagers_alone_name_no_conduct(text):
    result = matcher().match(text)
    assert result.no_match and result.no_match_reason == "no_conduct"


def test_the_villagers_beside_their_conduct_still_match():
    result = matcher().match("有个村民没批就占了耕地修房子")
    assert result.candidates[0].code == "T-3-HOUSE"


# Two drainage items found by the same words; 许可 is common across this catalog (so no term and no rare
# character of it counts), but between the two twins it is the word that differs.
DRAINAGE = [
    ItemSpec(1, "P-1-OIL", "对排水户未设置隔油池向排水管网排放污水的行政处罚"),
    ItemSpec(2, "P-2-PERMIT", "对排水户未取得排水许可向排水管网排放污水的行政处罚"),
    ItemSpec(3, "P-3-FIRE", "对未取得许可经营烟花爆竹的行政处罚"),
    ItemSpec(4, "P-4-KTV", "对未取得许可从事娱乐场所经营的行政处罚"),
    ItemSpec(5, "P-5-BUS", "对未取得许可从事道路运输经营的行政处罚"),
]


def drainage_first(text: str) -> str:
    return compile_matcher(DRAINAGE, [], builtin_lexicon()[0]).match(text).candidates[0].code


def test_twins_part_by_the_word_in_which_their_names_differ():
    assert drainage_first("没有许可就往排水管网排放污水") == "P-2-PERMIT"
    assert drainage_first("饭馆没有隔油池就往排水管网排放污水") == "P-1-OIL"


def test_without_the_contrast_the_twins_tied_on_their_shared_words(monkeypatch):
    monkeypatch.setattr(engine, "TWIN_BONUS", 0.0)
    monkeypatch.setattr(twins, "TWIN_RATIO", 2.0)  # mzh7: the twins' elements (twins.py) part them too
    monkeypatch.setattr(overlap, "SHARED_WEIGHT", 0.0)  # ... and the shared wording (overlap.py)
    assert drainage_first("没有许可就往排水管网排放污水") == "P-1-OIL"
