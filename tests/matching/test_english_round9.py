"""Issue 15, ninth round (men9): the English bridge weighs the glosses of an item's description like those of
its name, and English questions about a service or a theft of one's own things say "no match". Items written
here, the built-in lexicon, no rules."""

from __future__ import annotations

from authority.matching.engine import BRIDGE_DESCRIPTION, FIELD_WEIGHTS, ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon

ITEMS = [
    ItemSpec(
        1,
        "R9-NAME",
        "对沿街吊挂腊肉的行政处罚",
        name_en="Penalty for unsightly hanging outside windows",
    ),
    ItemSpec(
        2,
        "R9-DESC",
        "对阳台外堆放物品的行政处罚",
        name_en="Penalty for objects piled outside balconies",
        description="阳台外吊挂腊肉、香肠。",
    ),
    ItemSpec(3, "R9-STALL", "对占道经营的行政处罚", name_en="Penalty for street trading"),
    ItemSpec(
        4,
        "R9-TIMBER",
        "对盗伐林木的行政处罚",
        name_en="Penalty for stealing timber from forests",
    ),
]


def matcher():
    return compile_matcher(ITEMS, [], builtin_lexicon()[0])


def test_a_description_gloss_lends_as_much_as_a_name_gloss():
    assert BRIDGE_DESCRIPTION * FIELD_WEIGHTS["description"] == FIELD_WEIGHTS["name"]
    result = matcher().match("Our neighbour dries sausages and bacon on the balcony")
    by_code = {c.code: c for c in result.candidates + result.weak}
    bacon = {
        code: [e for e in by_code[code].evidence if e.text == "bacon"][0] for code in ("R9-NAME", "R9-DESC")
    }
    assert bacon["R9-DESC"].via == bacon["R9-NAME"].via == "腊肉"
    assert bacon["R9-DESC"].source == "english"
    assert bacon["R9-DESC"].weight == bacon["R9-NAME"].weight
    assert result.candidates[0].code == "R9-DESC"  # sausages (香肠) and bacon: both in its description


def test_a_question_about_a_service_is_no_match():
    result = matcher().match("Is there an ATM near the street market?")
    assert result.no_match
    assert result.no_match_reason == "service_question"
    assert matcher().match("What time does the street office open?").no_match


def test_a_theft_of_ones_own_things_is_no_match():
    result = matcher().match("Someone stole my bike from the street outside my windows")
    assert result.no_match
    assert result.no_match_reason == "off_topic"
    assert matcher().match("My motorbike was stolen from my shop last night").no_match


def test_timber_stolen_from_a_forest_is_still_the_forest_item():
    result = matcher().match("Timber was stolen from the forest overnight")
    assert not result.no_match
    assert result.candidates[0].code == "R9-TIMBER"


def test_a_name_pair_is_found_across_little_words():
    items = [
        ItemSpec(
            1,
            "R9-BASEMENT",
            "对擅自开挖地下室的行政处罚",
            name_en="Penalty for digging basements without approval",
        ),
        ItemSpec(
            2, "R9-SOIL", "对运输渣土未密闭的行政处罚", name_en="Penalty for trucks carrying soil uncovered"
        ),
    ]
    result = compile_matcher(items, [], builtin_lexicon()[0]).match("My neighbour is digging a basement")
    first = result.candidates[0]
    assert first.code == "R9-BASEMENT"
    pair = [e for e in first.evidence if e.term == "dig basement"]
    assert pair and pair[0].text == "digging a basement"  # shown as typed


def test_and_or_with_still_part_two_words():
    items = [ItemSpec(1, "R9-DUMP", "对倾倒垃圾的行政处罚", name_en="Penalty for dumping rubbish in rivers")]
    result = compile_matcher(items, [], builtin_lexicon()[0]).match("dumping and rubbish")
    assert not any(e.term == "dump rubbish" for c in result.candidates + result.weak for e in c.evidence)
