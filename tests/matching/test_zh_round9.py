"""Ninth round, Chinese (mzh9): where people sleep and work is a setting of the conduct gate.

宿舍, 寝室, 厂里, 园区 … say where something happens, like 小区 and 院子: a description whose
only word of an item is the dormitory (a broken air conditioner in the dormitory, a noisy room) names no
conduct of the "three-in-one" item whose wording holds 居住场所 and answers "no match" (no_conduct); the
same dormitory next to the conduct (paint drums stored under it) still matches and is shown as evidence.

And in the ranking only (SINGLE_RANK): among the first three, an item found by one word of the text counts 0.8
of its score against items found by two words or more; the scores shown, the first three items and "no match"
stay as they were.
"""

from __future__ import annotations

import pytest

from authority.matching import engine
from authority.matching.engine import ItemSpec, compile_matcher, is_setting, load_settings
from authority.matching.loader import builtin_lexicon

ITEMS = [
    ItemSpec(
        1,
        "T-3IN1",
        "对生产、储存、经营易燃易爆危险品的场所与居住场所设置在同一建筑物内的行政处罚",
        description="厂房、仓库、门市与员工宿舍设在同一栋楼内。",
        domain="fire_safety",
    ),
    ItemSpec(
        2,
        "T-EXIT",
        "对占用、堵塞、封闭疏散通道、安全出口的行政处罚",
        description="在楼道、楼梯间堆放杂物，锁闭安全出口。",
        domain="fire_safety",
    ),
    ItemSpec(
        3,
        "T-FOOD",
        "对销售超过保质期的食品的行政处罚",
        description="小卖部、超市销售过期食品。",
        domain="market",
    ),
]


def matcher():
    return compile_matcher(ITEMS, [], builtin_lexicon()[0])


@pytest.mark.parametrize("word", ["宿舍", "寝室", "宿舍楼", "员工宿舍", "厂里", "园区", "工业园区"])
def test_where_people_sleep_and_work_is_a_setting(word):
    assert is_setting(f"{word}里", load_settings())


@pytest.mark.parametrize(
    "text",
    [
        "宿舍的空调坏了一个星期了，热得睡不着",
        "我们寝室楼下那个宿舍好吵，天天有人打牌",
    ],
)
def test_the_dormitory_alone_is_no_match(text):
    result = matcher().match(text)
    assert result.no_match, [(c.code, [e.text for e in c.evidence]) for c in result.candidates]
    assert result.no_match_reason == "no_conduct"


def test_the_dormitory_beside_the_conduct_still_matches_and_is_shown():
    result = matcher().match("厂里一楼堆满了油漆桶，二楼就是员工宿舍，工人都住在上面")
    assert not result.no_match
    first = result.candidates[0]
    assert first.code == "T-3IN1"
    assert any("宿舍" in e.text for e in first.evidence), [(e.text, e.via) for e in first.evidence]


# --- a lone word comes after two words of the conduct (SINGLE_RANK), in the ranking only -------------------


def _hit(source: str = "derived") -> tuple[float, tuple[float, int, int, int, int, str, str]]:
    return (1.0, (1.0, 0, 2, 0, -1, source, ""))


def test_an_item_found_by_one_word_comes_after_one_found_by_two_close_behind():
    m = matcher()  # items 0, 1, 2: T-3IN1, T-EXIT, T-FOOD
    exact = [(1.0, 0, [_hit()]), (0.9, 1, [_hit(), _hit()]), (0.5, 2, [_hit(), _hit()])]
    ordered = m._lone_word_order(exact)
    assert [item for _, item, _ in ordered] == [1, 0, 2]
    assert [raw for raw, _, _ in ordered] == [1.0, 0.9, 0.5]  # the scores shown stay in order


def test_a_lone_word_far_ahead_stays_first_and_a_curated_rule_is_no_lone_word():
    m = matcher()
    far_ahead = [(1.0, 0, [_hit()]), (0.7, 1, [_hit(), _hit()])]
    assert [item for _, item, _ in m._lone_word_order(far_ahead)] == [0, 1]
    rule = [(1.0, 0, [_hit("rule")]), (0.9, 1, [_hit(), _hit()])]
    assert [item for _, item, _ in m._lone_word_order(rule)] == [0, 1]


def test_only_the_first_five_are_reordered():  # three until mzh11 (SINGLE_RANK_WINDOW)
    items = [ItemSpec(k, f"T-{k}", f"对第{k}种行为的行政处罚") for k in range(1, 8)]
    m = compile_matcher(items, [], builtin_lexicon()[0])
    exact = [
        (1.0, 0, [_hit(), _hit()]),
        (0.9, 1, [_hit(), _hit()]),
        (0.85, 2, [_hit(), _hit()]),
        (0.82, 3, [_hit(), _hit()]),
        (0.8, 4, [_hit()]),
        (0.79, 5, [_hit(), _hit()]),
    ]
    assert [item for _, item, _ in m._lone_word_order(exact)] == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "text", ["宿舍的空调坏了一个星期了，热得睡不着", "厂里一楼堆满了油漆桶，二楼就是员工宿舍"]
)
def test_the_lone_word_order_never_changes_no_match(monkeypatch, text):
    before = matcher().match(text)
    monkeypatch.setattr(engine, "SINGLE_RANK", 1.0)
    after = matcher().match(text)
    assert before.no_match == after.no_match
    assert {c.code for c in before.candidates[:3]} == {c.code for c in after.candidates[:3]}
