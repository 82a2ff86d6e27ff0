"""deviation(): inside, lighter, heavier, or outside the statutory range; a written reason when departing (art
34)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from discretion.recommend import Decision, DeviationKind, ProposedPenalty, Snapshot, compute, deviation
from discretion.specs import BenchmarkSpec, Facts, ItemSpec

from .conftest import first_violation_entry, stall_tiers

ITEM = ItemSpec("T-STALL", "占道经营", fine_min=D(50), fine_max=D(500), penalty_kinds=("warning", "fine"))
SNAP = Snapshot(
    ITEM,
    BenchmarkSpec(
        "four",
        tuple(stall_tiers()),
        (first_violation_entry(),),
        id=1,
        version=1,
        status="published",
        confirmed=True,
    ),
)
ON = dt.date(2026, 5, 1)


def rec(*factors, **values):
    return compute(
        SNAP, Facts(on=ON, values={k: D(v) for k, v in values.items()}, factors=frozenset(factors))
    )


def dev(recommendation, punish=True, kinds=("fine",), fine=None, reason=""):
    return deviation(
        Decision(
            recommendation, ProposedPenalty(punish, tuple(kinds), None if fine is None else D(fine), reason)
        )
    )


@pytest.mark.parametrize(
    ("fine", "kind", "delta"),
    [
        (150, DeviationKind.INSIDE, None),
        (100, DeviationKind.INSIDE, None),
        (200, DeviationKind.INSIDE, None),
        (80, DeviationKind.LIGHTER, D(-20)),
        (300, DeviationKind.HEAVIER, D(100)),
        (600, DeviationKind.OUTSIDE, D(100)),
        (30, DeviationKind.OUTSIDE, D(-20)),
    ],
)
def test_fine_against_the_normal_tier(fine, kind, delta):
    result = dev(rec(), fine=fine)
    assert result.kind == kind and result.delta == delta
    assert result.needs_reason == (kind != DeviationKind.INSIDE)


def test_below_the_minimum_is_allowed_when_reduction_applies():
    reduced = rec("coerced")
    assert dev(reduced, fine=20).kind == DeviationKind.INSIDE
    assert dev(rec(), fine=20).kind == DeviationKind.OUTSIDE


def test_no_penalty_and_penalty_against_each_recommendation():
    assert dev(rec(), punish=False).kind == DeviationKind.LIGHTER
    shall_not = rec("minor_violation", "corrected_promptly", "no_harm")
    assert dev(shall_not, punish=False).kind == DeviationKind.INSIDE
    assert dev(shall_not, fine=100).kind == DeviationKind.OUTSIDE
    may_not = rec("first_violation", "corrected_promptly", area_m2=1)
    assert dev(may_not, fine=60).kind == DeviationKind.HEAVIER


def test_kinds_the_clause_does_not_provide_or_heavier_than_recommended():
    assert dev(rec(), kinds=("fine", "revoke_permit"), fine=150).kind == DeviationKind.OUTSIDE
    generous = ItemSpec(
        "T-2", "x", fine_min=D(50), fine_max=D(500), penalty_kinds=("warning", "fine", "confiscate_property")
    )
    snap = Snapshot(generous, BenchmarkSpec("four", tuple(stall_tiers())))
    recommendation = compute(snap, Facts(on=ON))
    assert dev(recommendation, kinds=("fine", "confiscate_property"), fine=150).kind == DeviationKind.HEAVIER
    assert dev(recommendation, kinds=("warning",)).kind == DeviationKind.LIGHTER


def test_reason_is_recorded_and_explained_in_both_languages():
    result = dev(rec(), fine=300, reason="当事人多次被劝导仍占道")
    assert result.needs_reason and result.reason_given
    assert result.explain("en") == [
        "The fine of 300 yuan is above the recommended 100–200 yuan.",
        "Reason given: 当事人多次被劝导仍占道",
    ]
    assert result.label("en") == "Heavier than the benchmark"
    assert result.label("zh-hans") == "重于裁量基准"
    assert "高于建议的" in result.explain("zh-hans")[0]
    assert (
        dev(rec(), fine=300).explain("en")[-1]
        == "A written reason is required for departing from the benchmark (art 34)."
    )
