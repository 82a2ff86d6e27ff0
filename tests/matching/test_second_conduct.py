"""A description naming two conducts, one of them in few words, shows both (issue 15, top-3): a second
candidate that reaches a quarter of the first's score is listed, with its confidence "low", even when it is
weak on its own; the first suggestion and "no match" do not change."""

from __future__ import annotations

from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon

ITEMS = [
    ItemSpec(21, "T-STRAW", "对露天焚烧秸秆的行政处罚", description="收完稻谷、油菜后在田里烧秸秆、烧杂草。"),
    ItemSpec(22, "T-ROAD", "对擅自占用道路堆放物料的行政处罚", description="在路上堆放砂石、柴火、秸秆。"),
]


def test_the_second_conduct_named_in_few_words_is_shown_with_low_confidence():
    result = compile_matcher(ITEMS, [], builtin_lexicon()[0]).match("有人烧杂草，堆了砂石")
    codes = [c.code for c in result.candidates]
    assert codes[:2] == ["T-STRAW", "T-ROAD"]
    assert result.candidates[1].confidence == "low"
    assert "砂石" in result.candidates[1].terms
