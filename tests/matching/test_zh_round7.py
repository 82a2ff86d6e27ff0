"""Issue 15, seventh round (mzh7): Chinese twins part on the element one name holds and the other lacks.
Items written here, the built-in lexicon, no rules."""

from __future__ import annotations

from typing import Any

from authority.matching import twins
from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon


def _matcher(items: list[ItemSpec]):
    return compile_matcher(items, [], builtin_lexicon()[0])


WHO_ITEMS = [
    ItemSpec(
        1,
        "W-PERSON",
        "对个人未按规定分类投放生活垃圾的行政处罚",
        description="居民把厨余和其他垃圾混在一起丢。",
    ),
    ItemSpec(2, "W-UNIT", "对单位未按规定分类投放生活垃圾的行政处罚"),
    ItemSpec(3, "W-DOG", "对携犬出户未束犬链的行政处罚", description="遛狗不牵绳。"),
]


def test_the_unit_twin_wins_when_the_text_names_a_company():
    m = _matcher(WHO_ITEMS)
    # the person's description holds 厨余 (it weighs more); the company says who acted
    result = m.match("那家公司从来不分类，厨余跟废纸全装一个袋子")
    assert [c.code for c in result.candidates[:2]] == ["W-UNIT", "W-PERSON"]
    assert result.candidates[0].score >= result.candidates[1].score
    assert "公司" in result.candidates[0].terms  # the word that parted them is shown


def test_without_who_acted_the_twins_keep_the_order_of_their_words():
    m = _matcher(WHO_ITEMS)
    result = m.match("从来不分类，厨余跟废纸全装一个袋子")
    assert result.candidates[0].code == "W-PERSON"


def test_the_contrast_never_changes_no_match():
    m = _matcher(WHO_ITEMS)
    assert m.match("那家公司的老板人很好").no_match


def test_the_contrast_is_what_puts_the_unit_first(monkeypatch):
    monkeypatch.setattr(twins, "TWIN_RATIO", 2.0)  # no twin close enough: the contrast is off
    m = _matcher(WHO_ITEMS)
    assert m.match("那家公司从来不分类，厨余跟废纸全装一个袋子").candidates[0].code == "W-PERSON"


def test_the_twin_whose_method_the_text_names_goes_first():
    items = [
        ItemSpec(1, "F-ELEC", "对使用电鱼方法进行捕捞的行政处罚"),
        ItemSpec(2, "F-BOMB", "对使用炸鱼、毒鱼方法进行捕捞的行政处罚"),
    ]
    m = _matcher(items)
    ranked: list[tuple[float, int, Any]] = [(2.0, 0, []), (1.6, 1, [])]
    out = twins.contrast_order(ranked, m.name_grams, m.name_words, m.name_cores, ("怕是在炸鱼哦",))
    assert [item for _, item, _ in out] == [1, 0]
    assert out[0][0] == 2.0  # it takes the score of the twin it passes
    # ... not when the text says both twins' elements, nor when the second is too far behind
    both = twins.contrast_order(ranked, m.name_grams, m.name_words, m.name_cores, ("电鱼还是炸鱼",))
    assert [item for _, item, _ in both] == [0, 1]
    far: list[tuple[float, int, Any]] = [(2.0, 0, []), (1.0, 1, [])]
    assert twins.contrast_order(far, m.name_grams, m.name_words, m.name_cores, ("炸鱼",)) == far


def test_elements_are_whole_words_of_the_names():
    legal = {"分类投放", "生活垃圾"}
    words = twins.name_words(
        "生活垃圾分类管理责任人。履行分类管理责任", legal, {"管理", "责任人", "履行", "责任"}
    )
    assert "圾分" not in words  # a pair across two words is no element
    assert {"生活垃圾", "管理", "责任人", "履行"} <= words
    person = twins.name_words("个人。分类投放生活垃圾", legal, {"个人"})
    unit = twins.name_words("单位。分类投放生活垃圾", legal, {"单位"})
    assert twins._elements(person, unit, "单位。分类投放生活垃圾") == [("个人",)]


def test_a_twin_that_differs_in_many_words_is_not_moved():
    items = [
        ItemSpec(1, "R-ROAD", "对擅自占用或者挖掘城市道路的行政处罚"),
        ItemSpec(
            2,
            "R-TERMS",
            "对未按照批准的位置、面积、期限占用或者挖掘城市道路，或者施工后未及时恢复路面的行政处罚",
        ),
    ]
    m = _matcher(items)
    ranked: list[tuple[float, int, Any]] = [(2.0, 0, []), (1.8, 1, [])]
    evidence = ("有个施工队没打招呼就把人行道挖开了", "施工")
    out = twins.contrast_order(ranked, m.name_grams, m.name_words, m.name_cores, evidence)
    assert [item for _, item, _ in out] == [0, 1]
