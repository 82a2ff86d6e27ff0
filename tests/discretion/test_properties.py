"""Property tests over random *valid* benchmark tables and random facts (hypothesis):

- every recommendation lies inside the statutory range (below the minimum only when 减轻 applies, and then not
  below zero nor above the minimum);
- adding an aggravating circumstance never lowers it;
- removing a mitigating circumstance never lowers it;
- an earlier penalty within 12 months (repeat) never gives less than a clean record (first violation);
- generated defaults are always valid tables.

"Lower" compares: whether to punish, the tier rank (no penalty < reduced < lighter < ... < grave), and the
lowest, highest and suggested fine.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from discretion.conditions import Condition
from discretion.defaults import generate_default
from discretion.recommend import Recommendation, Snapshot, compute
from discretion.specs import BenchmarkSpec, EntrySpec, Facts, ItemSpec, Policy, PriorViolation, TierSpec
from discretion.validation import validate_benchmark
from discretion.vocabulary import LEVELS_OF_SCALE, STANDARD_FACTOR_MAP, STANDARD_FACTORS, Effect

ON = dt.date(2026, 6, 1)
CATALOG = STANDARD_FACTOR_MAP
AGGRAVATING = sorted(f.code for f in STANDARD_FACTORS if f.aggravating)
MITIGATING = sorted(f.code for f in STANDARD_FACTORS if f.effect in (Effect.LIGHTER, Effect.REDUCED))
EVERY = sorted(CATALOG)
SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow]
)

money = st.integers(min_value=0, max_value=200_000).map(D)


@st.composite
def items(draw) -> ItemSpec:
    shape = draw(st.sampled_from(["both", "max", "min", "none"]))
    low = draw(st.integers(1, 50_000))
    high = low + draw(st.integers(0, 100_000))
    kinds = ["fine"] + draw(
        st.lists(
            st.sampled_from(["warning", "confiscate_gains", "order_closure", "revoke_permit"]), unique=True
        )
    )
    return ItemSpec(
        "P-1",
        "性质测试事项",
        fine_min=D(low) if shape in ("both", "min") else None,
        fine_max=D(high) if shape in ("both", "max") else None,
        penalty_kinds=tuple(kinds),
    )


def fact_condition(draw) -> Condition:
    return draw(
        st.sampled_from(
            [
                Condition("area_m2", "gt", D(draw(st.integers(0, 50)))),
                Condition("area_m2", "le", D(draw(st.integers(0, 50)))),
                Condition("sensitive_area", "eq", True),
                Condition("corrected_after_order", "eq", draw(st.booleans())),
                Condition("harm", "ge", draw(st.sampled_from(["minor", "serious"]))),
                Condition("party_kind", "eq", draw(st.sampled_from(["person", "organisation"]))),
            ]
        )
    )


@st.composite
def tables(draw, item: ItemSpec) -> BenchmarkSpec:
    scale = draw(st.sampled_from(["four", "three"]))
    levels = list(LEVELS_OF_SCALE[scale])
    if scale == "four" and draw(st.booleans()):
        levels.remove(draw(st.sampled_from(["minor", "grave"])))
    low = item.fine_min or D(0)
    high = item.fine_max or (low * 10 + 1000)
    has_range = item.fine_min is not None or item.fine_max is not None or draw(st.booleans())
    cuts = sorted(
        draw(st.lists(st.integers(int(low), int(high)), min_size=2 * len(levels), max_size=2 * len(levels)))
    )
    warning_first = "warning" in item.penalty_kinds and draw(st.booleans())
    extra = [k for k in item.penalty_kinds if k not in ("warning", "fine")]
    tiers = []
    for n, level in enumerate(levels):
        rank = {"minor": 0, "lighter": 0, "normal": 1, "serious": 2, "heavier": 2, "grave": 3}[level]
        conditions: list[Condition] = []
        if rank != 1:
            for _ in range(draw(st.integers(0, 2))):
                if draw(st.booleans()):
                    pool = AGGRAVATING if rank > 1 else MITIGATING
                    conditions.append(Condition(draw(st.sampled_from(pool)), "has"))
                else:
                    conditions.append(fact_condition(draw))
        if n == 0 and warning_first:
            kinds: tuple[str, ...] = ("warning",)
            fine_min, fine_max = None, None
        else:
            kinds = ("fine", *extra[: n if n < len(extra) else len(extra)])
            fine_min, fine_max = (D(cuts[2 * n]), D(cuts[2 * n + 1])) if has_range else (None, None)
        tiers.append(
            TierSpec(
                level,
                "情形",
                tuple(dict.fromkeys(conditions)),
                draw(st.sampled_from(["all", "any"])),
                kinds,
                fine_min,
                fine_max,
            )
        )
    entries = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["no_penalty", "first_violation", "lighter", "reduced"]))
        required = tuple(draw(st.lists(st.sampled_from(MITIGATING), min_size=1, max_size=3, unique=True)))
        entry_conditions = (fact_condition(draw),) if draw(st.booleans()) else ()
        entries.append(
            EntrySpec(kind, "清单情形", entry_conditions, draw(st.sampled_from(["all", "any"])), required)
        )
    return BenchmarkSpec(
        scale, tuple(tiers), tuple(entries), id=1, version=1, status="published", confirmed=True
    )


@st.composite
def cases(draw):
    item = draw(items())
    table = draw(tables(item))
    assume(not validate_benchmark(item, table, CATALOG))
    policy = Policy(reduced_floor_pct=draw(st.sampled_from([0, 10, 50])))
    values = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "area_m2": st.integers(0, 60).map(D),
                "sensitive_area": st.booleans(),
                "corrected_after_order": st.booleans(),
                "harm": st.sampled_from(["none", "minor", "general", "serious", "grave"]),
                "party_kind": st.sampled_from(["person", "organisation"]),
            },
        )
    )
    factors = frozenset(draw(st.lists(st.sampled_from(EVERY), max_size=5, unique=True)))
    return Snapshot(item, table, CATALOG, policy), Facts(on=ON, values=values, factors=factors)


def key(rec: Recommendation) -> tuple:
    zero = D(0)
    if not rec.punish:
        return (0, -2, zero, zero, zero)
    return (1, rec.tier_rank, rec.fine_min or zero, rec.fine_max or zero, rec.fine_suggested or zero)


def not_lower(after: Recommendation, before: Recommendation) -> bool:
    return all(a >= b for a, b in zip(key(after), key(before), strict=True))


@SETTINGS
@given(cases())
def test_every_recommendation_lies_inside_the_statutory_range(case):
    snapshot, facts = case
    rec = compute(snapshot, facts)
    item = snapshot.item
    if not rec.punish:
        assert rec.fine_min is None and rec.fine_max is None
        return
    if rec.fine_min is None:
        assert rec.fine_max is None
        return
    assert D(0) <= rec.fine_min <= rec.fine_suggested <= rec.fine_max
    if item.fine_max is not None:
        assert rec.fine_max <= item.fine_max
    if rec.reduced:
        assert item.fine_min is not None and rec.fine_max <= item.fine_min
    elif item.fine_min is not None:
        assert rec.fine_min >= item.fine_min


@SETTINGS
@given(cases(), st.sampled_from(AGGRAVATING))
def test_adding_an_aggravating_circumstance_never_lowers_it(case, code):
    snapshot, facts = case
    assume(code not in facts.factors)
    before = compute(snapshot, facts)
    after = compute(snapshot, Facts(on=ON, values=facts.values, factors=facts.factors | {code}))
    assert not_lower(after, before), (key(before), key(after))


@SETTINGS
@given(cases(), st.data())
def test_removing_a_mitigating_circumstance_never_lowers_it(case, data):
    snapshot, facts = case
    mitigating = sorted(c for c in facts.factors if CATALOG[c].mitigating)
    assume(mitigating)
    code = data.draw(st.sampled_from(mitigating))
    before = compute(snapshot, facts)
    after = compute(snapshot, Facts(on=ON, values=facts.values, factors=facts.factors - {code}))
    assert not_lower(after, before), (code, key(before), key(after))


@SETTINGS
@given(cases())
def test_a_repeat_never_gets_less_than_a_first_violation(case):
    snapshot, facts = case
    first = compute(snapshot, Facts(on=ON, values=facts.values, factors=facts.factors, history=()))
    recent = (PriorViolation(decided_on=ON - dt.timedelta(days=90), item_code=snapshot.item.code),)
    repeat = compute(snapshot, Facts(on=ON, values=facts.values, factors=facts.factors, history=recent))
    assert not_lower(repeat, first), (key(first), key(repeat))


@settings(max_examples=300, deadline=None)
@given(
    items(),
    st.integers(0, 40),
    st.integers(40, 60),
    st.integers(60, 100),
    st.integers(0, 50),
    st.integers(50, 100),
)
def test_generated_defaults_are_valid_tables(
    item, lighter, normal_low, normal_high, span_lighter, span_heavier
):
    policy = Policy(
        max_only_lighter_pct=lighter,
        max_only_normal_low_pct=normal_low,
        max_only_normal_high_pct=normal_high,
        span_lighter_pct=span_lighter,
        span_heavier_pct=span_heavier,
    )
    table = generate_default(item, policy)
    assert validate_benchmark(item, table, CATALOG) == []
    assert table.is_generated and [t.level for t in table.tiers] == ["lighter", "normal", "heavier"]
