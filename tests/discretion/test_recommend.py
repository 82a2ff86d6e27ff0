"""recommend() and its pure core: whether to punish, the tier, circumstances, history, citation and
explanation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from discretion.recommend import Snapshot, compute, recommend
from discretion.specs import BenchmarkSpec, EntrySpec, Facts, ItemSpec, Policy, PriorViolation

from .conftest import first_violation_entry, stall_tiers, tier

ON = dt.date(2026, 5, 20)
ITEM = ItemSpec(
    "T-STALL", "对擅自占道经营的行政处罚", "Street stalls", D(50), D(500), ("warning", "fine"), id=7
)
TABLE = BenchmarkSpec(
    scale="four",
    tiers=tuple(stall_tiers()),
    entries=(first_violation_entry(),),
    id=3,
    version=2,
    status="published",
    confirmed=True,
    valid_from=dt.date(2025, 7, 1),
    document_number="渝中司发〔2025〕21号",
    document_title="渝中区裁量基准",
)
SNAP = Snapshot(ITEM, TABLE)


def facts(*factors: str, history=None, **values):
    return Facts(
        on=ON,
        values={
            k: (D(v) if isinstance(v, int | float) and not isinstance(v, bool) else v)
            for k, v in values.items()
        },
        factors=frozenset(factors),
        history=history,
    )


def test_no_facts_gives_the_normal_tier_whole():
    rec = compute(SNAP, facts())
    assert rec.punish and rec.tier.level == "normal"
    assert (rec.fine_min, rec.fine_max, rec.fine_suggested) == (D(100), D(200), D(150))
    assert rec.penalty_kinds == ("fine",)
    assert set(rec.missing_facts) >= {"area_m2", "sensitive_area", "corrected_after_order"}


def test_facts_place_the_case_in_the_gravest_tier_whose_conditions_hold():
    assert compute(SNAP, facts(area_m2=12)).tier.level == "grave"
    assert compute(SNAP, facts(area_m2=7)).tier.level == "serious"
    assert compute(SNAP, facts(area_m2=1, sensitive_area=True)).tier.level == "serious"
    assert compute(SNAP, facts(area_m2=1, corrected_after_order=True)).tier.level == "minor"
    assert compute(SNAP, facts(area_m2=1, corrected_after_order=False)).tier.level == "normal"
    assert compute(SNAP, facts("refused_correct", area_m2=1)).tier.level == "grave"


def test_circumstances_move_within_the_tier():
    assert (
        compute(SNAP, facts("cooperated", area_m2=7)).fine_min,
        compute(SNAP, facts("cooperated", area_m2=7)).fine_max,
    ) == (D(200), D(275))
    heavier = compute(SNAP, facts("obstructed", area_m2=7))
    assert (heavier.fine_min, heavier.fine_max) == (D(275), D(350))
    both = compute(SNAP, facts("obstructed", "cooperated", area_m2=7))
    assert (both.fine_min, both.fine_max) == (D(200), D(350))
    assert [f.code for f in heavier.factors] == ["obstructed"]


def test_art33_minor_corrected_harmless_is_not_punished():
    rec = compute(SNAP, facts("minor_violation", "corrected_promptly", "no_harm", area_m2=7))
    assert not rec.punish and rec.no_penalty_mandatory and rec.no_penalty_basis == "art33"
    assert rec.fine_min is None and rec.tier is None
    blocked = compute(
        SNAP, facts("minor_violation", "corrected_promptly", "no_harm", "obstructed", area_m2=7)
    )
    assert blocked.punish
    assert any(s.code == "lists_blocked" for s in blocked.steps)


def test_first_violation_list_recommends_education_and_may_not_punish():
    rec = compute(SNAP, facts("first_violation", "corrected_promptly", area_m2=1))
    assert not rec.punish and not rec.no_penalty_mandatory and rec.no_penalty_basis == "first_violation_list"
    assert rec.education == "批评教育，责令改正"
    # Too large an area, or not corrected: the list does not apply.
    assert compute(SNAP, facts("first_violation", "corrected_promptly", area_m2=3)).punish
    assert compute(SNAP, facts("first_violation", area_m2=1)).punish


def test_no_penalty_circumstances_and_limitation():
    assert compute(SNAP, facts("under_14", "obstructed")).no_penalty_basis == "circumstance"
    old = Facts(on=ON, act_date=dt.date(2024, 5, 1), discovered_on=dt.date(2026, 5, 2))
    rec = compute(SNAP, old)
    assert not rec.punish and rec.no_penalty_basis == "limitation"
    within = Facts(on=ON, act_date=dt.date(2024, 5, 3), discovered_on=dt.date(2026, 5, 2))
    assert compute(SNAP, within).punish
    grave = Facts(
        on=ON,
        act_date=dt.date(2023, 5, 1),
        discovered_on=dt.date(2026, 5, 2),
        values={"endangers_life_or_finance": True},
    )
    assert compute(SNAP, grave).punish  # five years where life, health or finance was harmed (art 36)


def test_reduction_below_the_minimum():
    rec = compute(SNAP, facts("coerced", area_m2=12))
    assert rec.reduced and rec.punish
    assert (rec.fine_min, rec.fine_max) == (D(0), D(50))
    assert rec.tier_rank == -1
    floor = compute(Snapshot(ITEM, TABLE, policy=Policy(reduced_floor_pct=20)), facts("coerced"))
    assert (floor.fine_min, floor.fine_max) == (D(10), D(50))
    blocked = compute(SNAP, facts("coerced", "obstructed", area_m2=7))
    assert not blocked.reduced and (blocked.fine_min, blocked.fine_max) == (D(200), D(350))


def test_reduction_when_the_law_sets_no_minimum_is_the_lower_half_of_the_lightest_tier():
    item = ItemSpec("T-MAX", "只有上限", fine_max=D(1000), penalty_kinds=("warning", "fine"))
    rec = compute(Snapshot(item, None), facts("confessed"))
    assert not rec.reduced and rec.tier.level == "lighter"
    assert (rec.fine_min, rec.fine_max) == (D(0), D(100))


def test_reduction_to_the_lightest_kind_where_the_lightest_tier_has_no_fine():
    tiers = (tier("minor", None, None, "corrected_after_order = yes", kinds="warning"), *stall_tiers()[1:])
    rec = compute(Snapshot(ITEM, BenchmarkSpec("four", tiers)), facts("coerced", area_m2=12))
    assert rec.reduced and rec.penalty_kinds == ("warning",) and rec.fine_min is None


def test_history_decides_first_violation_and_repeat():
    same = PriorViolation(decided_on=dt.date(2026, 1, 10), item_code="T-STALL")
    other = PriorViolation(decided_on=dt.date(2026, 1, 10), item_code="T-OTHER")
    old = PriorViolation(decided_on=dt.date(2024, 1, 10), item_code="T-STALL")
    first = compute(SNAP, facts("corrected_promptly", area_m2=1, history=(other,)))
    assert not first.punish and first.history_known  # first violation of this item: the list applies
    repeat = compute(SNAP, facts("first_violation", "corrected_promptly", area_m2=1, history=(same,)))
    assert repeat.punish and repeat.tier.level == "grave"
    assert {f.code: f.source for f in repeat.factors}["repeat_12m"] == "history"
    assert any(s.code == "history_overrode" for s in repeat.steps)
    neither = compute(SNAP, facts("corrected_promptly", area_m2=1, history=(old,)))
    assert neither.punish and "first_violation" not in {f.code for f in neither.factors}
    educated = PriorViolation(decided_on=dt.date(2026, 1, 10), item_code="T-STALL", penalised=False)
    assert "repeat_12m" not in {f.code for f in compute(SNAP, facts(history=(educated,))).factors}
    unknown = compute(SNAP, facts("first_violation", "corrected_promptly", area_m2=1))
    assert not unknown.punish and not unknown.history_known


def test_lighter_and_reduced_list_rows_act_as_circumstances():
    table = BenchmarkSpec(
        "four", tuple(stall_tiers()), (EntrySpec("lighter", "老年摊贩", required_factors=("hardship",)),)
    )
    rec = compute(Snapshot(ITEM, table), facts("hardship", area_m2=7))
    assert (rec.fine_min, rec.fine_max) == (D(200), D(275))
    assert [f.source for f in rec.factors] == ["given", "list"]


def test_unknown_circumstance_codes_are_ignored_and_reported():
    rec = compute(SNAP, facts("not_a_code"))
    assert rec.unknown_factors == ("not_a_code",) and rec.tier.level == "normal"


def test_generated_default_is_used_and_said():
    rec = compute(Snapshot(ITEM, None), facts())
    assert rec.tier.level == "normal" and (rec.fine_min, rec.fine_max) == (D(185), D(365))
    assert rec.citation.benchmark_id is None and rec.citation.is_generated
    assert "generated from the statutory range" in rec.citation.text("en")


def test_a_tier_outside_a_changed_statutory_range_is_limited_to_it():
    narrower = ItemSpec("T-STALL", "占道", fine_min=D(50), fine_max=D(300))
    rec = compute(Snapshot(narrower, TABLE), facts(area_m2=12))
    assert (rec.fine_min, rec.fine_max) == (D(300), D(300))
    assert any(s.code == "clamped" for s in rec.steps)


def test_explained_in_english_and_chinese_with_the_citation():
    rec = compute(SNAP, facts("obstructed", area_m2=12))
    en = rec.explain("en")
    zh = rec.explain("zh-hans")
    assert "Tier Grave (严重), because Area occupied or affected > 10 m²" in en[1]
    assert any(line.startswith("Aggravating (从重): Obstructed or resisted officers") for line in en)
    assert en[-1].startswith(
        "Basis: Benchmark for T-STALL, version 2: 渝中区裁量基准 (渝中司发〔2025〕21号), in force "
        "from 2025-07-01"
    )
    assert any("阻碍、抗拒执法人员依法执行职务" in line for line in zh)
    assert zh[-1].startswith("依据：")
    assert "渝中司发〔2025〕21号" in zh[-1] and "第2版" in zh[-1]
    assert rec.summary("en") == "Grave (严重) tier: Fine (罚款), 425–500 yuan, suggested 463 yuan"
    assert rec.summary("zh-hans").startswith("严重档")


def test_the_core_touches_no_database(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        compute(
            SNAP,
            facts(
                "obstructed", "coerced", area_m2=12, history=(PriorViolation(dt.date(2026, 1, 1), "T-STALL"),)
            ),
        )


def test_recommend_loads_the_version_in_force_on_the_date(cast, item):
    from .conftest import publish_table

    old = [
        tier("minor", 50, 80, "area_m2 <= 2"),
        tier("normal", 80, 150),
        tier("serious", 150, 300, "area_m2 > 5"),
        tier("grave", 300, 500, "area_m2 > 10"),
    ]
    v1 = publish_table(cast.admin, item, old, valid_from=dt.date(2024, 3, 1), number="测〔2024〕1号")
    v2 = publish_table(
        cast.admin, item, stall_tiers(), valid_from=dt.date(2025, 7, 1), number="测〔2025〕2号"
    )
    early = recommend(item, {"on": dt.date(2025, 1, 1)})
    late = recommend(item, {"on": dt.date(2025, 8, 1)})
    assert early.citation.benchmark_id == v1.pk and (early.fine_min, early.fine_max) == (D(80), D(150))
    assert late.citation.benchmark_id == v2.pk and (late.fine_min, late.fine_max) == (D(100), D(200))
    before_any = recommend(item, {"on": dt.date(2023, 1, 1)})
    assert before_any.citation.benchmark_id is None and before_any.citation.is_generated


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_every_step_renders_in_both_languages(lang):
    cases = [
        facts(),
        facts("under_14"),
        facts("minor_violation", "corrected_promptly", "no_harm"),
        facts("first_violation", "corrected_promptly", area_m2=1),
        facts("coerced"),
        facts("coerced", "obstructed", area_m2=7),
        facts(history=(PriorViolation(dt.date(2026, 1, 1), "T-STALL"),)),
        facts(history=(PriorViolation(dt.date(2020, 1, 1), "T-STALL"),)),
        Facts(on=ON, act_date=dt.date(2020, 1, 1)),
        facts("not_a_code"),
    ]
    for case in cases:
        for line in compute(SNAP, case).explain(lang):
            assert line and "%(" not in line and not line.isidentifier()
