"""The text form of structured conditions: parsing, clear refusals, round trips and evaluation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from discretion.conditions import (
    Condition,
    ConditionError,
    conditions_from_json,
    evaluate,
    format_conditions,
    holds,
    parse_conditions,
)
from discretion.vocabulary import STANDARD_FACTOR_MAP as F


def test_parses_facts_circumstances_and_full_width_punctuation():
    conditions = parse_conditions(
        "area_m2 ≥ 10；refused_correct; corrected_after_order = no; harm >= serious", F
    )
    assert conditions == [
        Condition("area_m2", "ge", Decimal("10")),
        Condition("refused_correct", "has"),
        Condition("corrected_after_order", "eq", False),
        Condition("harm", "ge", "serious"),
    ]


def test_a_bare_yes_no_fact_means_yes():
    assert parse_conditions("sensitive_area", F) == [Condition("sensitive_area", "eq", True)]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("aera_m2 > 10", "unknown fact 'aera_m2'"),
        ("area_m2 > ten", "is a number"),
        ("area_m2 >", "give a value"),
        ("harm = terrible", "is one of none, minor, general, serious, grave"),
        ("corrected_after_order > yes", "compare it with = or !="),
        ("corrected_after_order = maybe", "is yes or no"),
        ("flying_pigs", "neither a known fact nor a known circumstance"),
        ("refused_correct > 1", "it is a circumstance: write it alone"),
        ("area_m2 10", "missing comparison"),
    ],
)
def test_refusals_say_what_is_wrong(text, words):
    with pytest.raises(ConditionError) as exc:
        parse_conditions(text, F)
    assert words in str(exc.value)
    assert "Condition 1" in str(exc.value)


def test_format_and_json_round_trip():
    text = "area_m2 > 10; refused_correct; corrected_after_order = no; harm >= serious"
    conditions = parse_conditions(text, F)
    assert format_conditions(conditions) == text
    assert conditions_from_json([c.as_dict() for c in conditions]) == conditions


def test_stored_json_that_is_not_conditions_is_refused():
    with pytest.raises(ConditionError):
        conditions_from_json({"fact": "area_m2"})
    with pytest.raises(ConditionError):
        conditions_from_json([{"fact": "nope", "op": "gt", "value": 1}])


def test_evaluation_with_missing_facts_is_unknown_not_false():
    area = Condition("area_m2", "gt", Decimal(10))
    assert evaluate(area, {"area_m2": Decimal(12)}, frozenset()) is True
    assert evaluate(area, {"area_m2": Decimal(10)}, frozenset()) is False
    assert evaluate(area, {}, frozenset()) is None
    assert evaluate(Condition("harm", "ge", "serious"), {"harm": "grave"}, frozenset()) is True
    assert evaluate(Condition("harm", "ge", "serious"), {"harm": "minor"}, frozenset()) is False
    assert evaluate(Condition("repeat_12m", "has"), {}, frozenset({"repeat_12m"})) is True


def test_all_and_any():
    conditions = parse_conditions("area_m2 > 10; refused_correct", F)
    assert holds(conditions, "any", {"area_m2": Decimal(3)}, frozenset({"refused_correct"})) == (True, [])
    assert holds(conditions, "all", {"area_m2": Decimal(3)}, frozenset({"refused_correct"})) == (False, [])
    assert holds(conditions, "all", {}, frozenset({"refused_correct"})) == (False, ["area_m2"])
    assert holds([], "all", {}, frozenset()) == (False, [])
