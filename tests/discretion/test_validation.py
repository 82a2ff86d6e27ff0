"""A benchmark table is refused when a tier leaves the statutory range, tiers overlap or contradict each
other, with messages that say which tier and why. Pure validation, the model's clean() and the service
agree."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from discretion.models import BenchmarkTier
from discretion.services import BenchmarkInvalid, benchmark_draft_create, benchmark_save
from discretion.specs import BenchmarkSpec, EntrySpec, ItemSpec
from discretion.validation import validate_benchmark
from discretion.vocabulary import STANDARD_FACTOR_MAP as F

from .conftest import stall_tiers, tier

ITEM = ItemSpec(
    "T-1", "占道经营", fine_min=Decimal(50), fine_max=Decimal(500), penalty_kinds=("warning", "fine")
)


def problems(tiers, entries=(), scale="four", item=ITEM):
    return [
        p.message
        for p in validate_benchmark(
            item, BenchmarkSpec(scale=scale, tiers=tuple(tiers), entries=tuple(entries)), F
        )
    ]


def test_the_stall_table_is_sound():
    assert problems(stall_tiers()) == []


def test_tier_below_the_statutory_minimum():
    tiers = stall_tiers()
    tiers[0] = tier("minor", 20, 100, "area_m2 <= 2")
    assert problems(tiers) == [
        "The Minor (轻微) tier starts at 20 yuan, below the statutory minimum of 50 yuan (50–500 yuan)."
    ]


def test_tier_above_the_statutory_maximum():
    tiers = stall_tiers()
    tiers[3] = tier("grave", 350, 800, "refused_correct")
    assert problems(tiers) == [
        "The Grave (严重) tier goes up to 800 yuan, above the statutory maximum of 500 yuan (50–500 yuan)."
    ]


def test_overlapping_tiers():
    tiers = stall_tiers()
    tiers[2] = tier("serious", 150, 350, "area_m2 > 5")
    assert problems(tiers) == [
        "The Serious (较重) tier (150–350 yuan) overlaps the Normal (一般) tier (100–200 yuan): "
        "a graver tier must start at or above the highest fine of the lighter one."
    ]


def test_touching_tiers_are_fine_but_a_reversed_range_is_not():
    tiers = stall_tiers()
    tiers[1] = tier("normal", 200, 100)
    messages = problems(tiers)
    assert "In the Normal (一般) tier the lowest fine (200) is above the highest (100)." in messages


def test_inconsistent_tiers():
    tiers = stall_tiers()
    tiers[3] = tier("grave", None, None, "refused_correct", kinds="warning")
    messages = problems(tiers)
    assert "The Grave (严重) tier has no fine although the lighter Serious (较重) tier has one." in messages
    assert (
        "The Grave (严重) tier's heaviest penalty is lighter than that of the Serious (较重) tier."
        in messages
    )


def test_same_conditions_in_two_tiers():
    tiers = stall_tiers()
    tiers[2] = tier("serious", 200, 350, "refused_correct")
    tiers[3] = tier("grave", 350, 500, "refused_correct")
    assert (
        "The Grave (严重) and Serious (较重) tiers have the same structured conditions, so a case "
        "would fit both." in problems(tiers)
    )


def test_scale_levels_duplicates_and_the_normal_tier():
    assert "Lighter (从轻) is not a level of a table with Four tiers (轻微/一般/较重/严重)." in problems(
        [tier("lighter", 50, 100), *stall_tiers()[1:]]
    )
    assert "The Normal (一般) tier appears twice." in problems([*stall_tiers(), tier("normal", 100, 200)])
    messages = problems([stall_tiers()[0], stall_tiers()[2]])
    assert "A benchmark needs at least three tiers (lighter, normal, heavier)." in messages
    assert (
        "A benchmark needs a Normal (一般) tier: it applies when no other tier's conditions hold." in messages
    )


def test_tier_needs_words_kinds_and_a_complete_range():
    messages = problems([tier("minor", 50, None, text=""), *stall_tiers()[1:]])
    assert "The Minor (轻微) tier needs the conditions that place a case in it (情形), in words." in messages
    assert (
        "The Minor (轻微) tier fines, so it needs both a lowest and a highest amount (statutory "
        "range: 50–500 yuan)." in messages
    )
    assert any(
        "does not provide revoke_permit" in m
        for m in problems([tier("minor", 50, 100, kinds="fine|revoke_permit"), *stall_tiers()[1:]])
    )
    assert "The Minor (轻微) tier gives a fine range but not the penalty kind 'fine'." in problems(
        [tier("minor", 50, 100, kinds="warning"), *stall_tiers()[1:]]
    )


def test_circumstances_must_point_the_right_way():
    tiers = stall_tiers()
    tiers[0] = tier("minor", 50, 100, "repeat_12m")
    tiers[3] = tier("grave", 350, 500, "first_violation")
    messages = problems(tiers)
    assert any(
        m.startswith("The Minor (轻微) tier cannot depend on the aggravating circumstance") for m in messages
    )
    assert any(
        m.startswith("The Grave (严重) tier cannot depend on the mitigating circumstance") for m in messages
    )


def test_list_rows_need_conditions_and_no_aggravating_requirement():
    messages = problems(stall_tiers(), [EntrySpec("no_penalty", "")])
    assert "The No-penalty list (不予处罚清单) row needs its conditions in words." in messages
    assert any("would excuse every case" in m for m in messages)
    assert any(
        "cannot require the aggravating circumstance" in m
        for m in problems(
            stall_tiers(), [EntrySpec("first_violation", "首违", required_factors=("repeat_12m",))]
        )
    )


def test_model_clean_refuses_a_tier_outside_the_statutory_range(cast, item):
    draft = benchmark_draft_create(actor=cast.admin, item=item)
    row = BenchmarkTier(
        benchmark=draft,
        level="grave",
        conditions_text="x",
        penalty_kinds=["fine"],
        fine_min=Decimal(400),
        fine_max=Decimal(900),
    )
    with pytest.raises(ValidationError) as exc:
        row.full_clean()
    assert "above the statutory maximum of 500 yuan" in str(exc.value.message_dict["fine_max"])
    bad_dsl = BenchmarkTier(
        benchmark=draft,
        level="grave",
        conditions_text="x",
        conditions=[{"fact": "nope", "op": "gt", "value": 1}],
        penalty_kinds=["fine"],
        fine_min=Decimal(400),
        fine_max=Decimal(500),
    )
    with pytest.raises(ValidationError):
        bad_dsl.full_clean()


def test_model_clean_of_a_published_benchmark_needs_its_document(cast, item):
    draft = benchmark_draft_create(actor=cast.admin, item=item)
    draft.status = "published"
    with pytest.raises(ValidationError) as exc:
        draft.clean()
    assert "publishing document number" in str(exc.value.message_dict["document_number"])


def test_the_service_refuses_and_changes_nothing(cast, item, audit_count):
    draft = benchmark_draft_create(actor=cast.admin, item=item)
    before_rows = list(draft.tiers.values_list("level", "fine_min", "fine_max"))
    before = audit_count()
    tiers = stall_tiers()
    tiers[3] = tier("grave", 350, 800, "refused_correct")
    with pytest.raises(BenchmarkInvalid) as exc:
        benchmark_save(actor=cast.admin, benchmark=draft, scale="four", tiers=tiers)
    assert (
        exc.value.problems[0].section == "tier"
        and exc.value.problems[0].index == 3
        and exc.value.problems[0].field == "fine_max"
    )
    assert list(draft.tiers.values_list("level", "fine_min", "fine_max")) == before_rows
    assert audit_count() == before
