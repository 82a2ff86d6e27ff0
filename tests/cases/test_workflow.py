"""The penalty procedure through `lifecycle.case_act`: the whole path, each legal hard check refusing with its
message and changing nothing, deadlines, and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import clock
from cases.lifecycle import case_act, case_create, case_declare
from cases.models import Case, CaseEvent, CaseOfficer
from cases.review import all_passed
from cases.selectors import case_recommendation
from cases.workflow import Stage
from enforcement.calendar import add_days
from enforcement.models import AuditEvent, Certificate
from enforcement.workflow import InvalidTransition, StaleObject

# Run today and under each of the frozen dates in tests/conftest.py (FROZEN_DAYS).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


# The amounts these tests propose are chosen for the rule under test, not for the benchmark: the notice
# states why it departs (art 34). test_benchmark_deviation_needs_a_written_reason and
# tests/cases/test_notice_and_review.py test the reason itself.
NOTICE_REASON = "测试案件：拟处罚金额依本测试所验证的规则确定。"


# These cases go to legal review without evidence on file, which the fence `cases.review_without_evidence`
# warns about (tests/cases/test_fences.py tests it): the submission gives the reason.
REVIEW_REASON = "测试案件：证据另卷归档。"


def act(case: Case, action: str, actor, **data: Any):
    if action == "serve_notice":
        data.setdefault("deviation_reason", NOTICE_REASON)
    if action == "submit_for_decision":
        data.setdefault("fence_reason", REVIEW_REASON)
    return case_act(actor=actor, case=case, action=action, data={"version": None, "note": "", **data})


def lead_data(cast, item, **over: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {
        "town": cast.town_a,
        "source": "patrol",
        "title": "占道经营",
        "description": "店外占道摆放货架经营约3平方米",
        "item": item,
        "place": "甲街道测试路1号",
        "latitude": None,
        "longitude": None,
        "act_on": today - dt.timedelta(days=3),
        "act_continuing": False,
        "act_ended_on": None,
        "discovered_on": today - dt.timedelta(days=3),
        "harm_to_life_or_finance": False,
        "party_kind": "person",
        "party_name": "张三",
        "party_identifier": "500103198001011234",
        "party_age": 40,
        "party_representative": "",
        "party_contact": "13800000000",
        "party_address": "测试路1号",
        "officers": [cast.officer_a2],
    }
    data.update(over)
    return data


# A fine paid on the spot below the stall benchmark's tier, with the written reason it then needs (art 34).
PAID_BELOW_TIER: dict[str, Any] = {
    "penalty_kinds": ["fine"],
    "fine": Decimal("100"),
    "paid_on_spot": True,
    "deviation_reason": "当场改正，从轻",
}


def declared_lead(cast, item, **over: Any) -> Case:
    case = case_create(actor=cast.officer_a, data=lead_data(cast, item, **over))
    case_declare(actor=cast.officer_a, case=case, conflict=False)
    case_declare(actor=cast.officer_a2, case=case, conflict=False)
    case.refresh_from_db()
    return case


def filed(cast, item, **over: Any) -> Case:
    case = declared_lead(cast, item, **over)
    act(case, "start_check", cast.officer_a)
    act(case, "propose_filing", cast.officer_a)
    act(case, "approve_filing", cast.supervisor_a)
    case.refresh_from_db()
    return case


def test_the_whole_procedure_from_lead_to_archive(cast, big_item):
    case = filed(cast, big_item)
    assert case.stage == Stage.INVESTIGATING
    assert "codes" in case.match_result  # the engine's suggestions are kept beside the confirmed item
    assert case.number.endswith(f"〔{timezone.localdate().year}〕1号")
    assert case.decision_due == add_days(case.filed_on, 90, working=False)
    suggested = case_recommendation(case).fine_suggested  # the benchmark's middle of the normal tier
    act(case, "serve_notice", cast.officer_a, penalty_kinds=["fine"], proposed_fine=suggested, factors=[])
    case.refresh_from_db()
    assert case.hearing_offered  # far above 5,000 yuan for a person
    act(case, "record_statement", cast.officer_a, note="当事人称已整改", made_on=timezone.localdate())
    act(case, "submit_for_decision", cast.officer_a)
    case.refresh_from_db()
    assert case.stage == Stage.LEGAL_REVIEW and "major_penalty" in case.review_reasons
    act(case, "pass_review", cast.reviewer_a, **all_passed("事实清楚，证据确凿，同意"))
    with pytest.raises(ValidationError) as caught:  # a major case: the leaders decide it together (art 57)
        act(
            case,
            "decide",
            cast.supervisor_a,
            penalty_kinds=["fine"],
            fine=suggested,
            deviation_reason="",
            decided_on=timezone.localdate(),
        )
    assert "collective_discussion" in caught.value.message_dict
    act(
        case,
        "decide",
        cast.supervisor_a,
        penalty_kinds=["fine"],
        fine=suggested,
        deviation_reason="",
        decided_on=timezone.localdate(),
        collective_discussion="11月20日队务会集体讨论，同意",
    )
    case.refresh_from_db()
    assert case.stage == Stage.DECIDED and case.service_due is not None and case.deviation_kind == "inside"
    act(case, "serve_decision", cast.officer_a, served_on=timezone.localdate(), method="direct")
    case.refresh_from_db()
    assert case.stage == Stage.SERVED and case.payment_due >= timezone.localdate() + dt.timedelta(days=15)
    act(
        case, "record_payment", cast.officer_a, paid_on=timezone.localdate(), amount=suggested, channel="bank"
    )
    act(case, "close", cast.supervisor_a)
    act(case, "archive", cast.supervisor_a, archive_ref="2026-档-001")
    case.refresh_from_db()
    assert case.stage == Stage.ARCHIVED
    actions = list(case.events.values_list("action", flat=True))
    assert actions[:3] == ["create", "declare", "declare"]
    assert actions[-3:] == ["record_payment", "close", "archive"]
    audited = set(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "cases.case.create",
        "cases.case.approve_filing",
        "cases.case.decide",
        "cases.case.archive",
    } <= audited


def test_numbers_are_per_town_and_year_and_never_reused(cast, stall_item):
    first = filed(cast, stall_item)
    act(first, "withdraw", cast.supervisor_a, note="当事人死亡，终止调查")
    second = filed(cast, stall_item, party_identifier="500103198001019999")
    assert first.number != second.number
    assert second.number.endswith(f"〔{timezone.localdate().year}〕2号")


def refused(case: Case, action: str, actor, message: str, **data: Any) -> None:
    """Refused with `message` and nothing of the case changed; a refusal by a fence's block leaves only the
    attempt on record (its warning row and audit rows, tests/cases/test_fences.py)."""
    before = Case.objects.get(pk=case.pk)
    not_fence = AuditEvent.objects.exclude(action__startswith="enforcement.fence.")
    events, audits = CaseEvent.objects.count(), not_fence.count()
    with pytest.raises(ValidationError) as caught:
        act(case, action, actor, **data)
    assert message in " ".join(caught.value.messages), caught.value.messages
    after = Case.objects.get(pk=case.pk)
    assert (after.stage, after.version) == (before.stage, before.version)
    assert (CaseEvent.objects.count(), not_fence.count()) == (events, audits)


def test_filing_refused_when_the_town_does_not_hold_the_item_on_the_act_date(cast, stall_item):
    from authority.models import AuthorityGrant

    case = declared_lead(cast, stall_item)
    act(case, "start_check", cast.officer_a)
    AuthorityGrant.objects.filter(item=stall_item).update(
        valid_to=case.act_on - dt.timedelta(days=1)
    )  # recovered before the act
    refused(case, "propose_filing", cast.officer_a, "did not hold")


def test_filing_refused_with_one_certified_officer(cast, stall_item):
    case = declared_lead(cast, stall_item)
    act(case, "start_check", cast.officer_a)
    Certificate.objects.filter(holder=cast.officer_a2).update(revoked_at=timezone.now())
    refused(case, "propose_filing", cast.officer_a, "At least two enforcement officers")


def test_filing_refused_until_every_officer_declared_on_recusal(cast, stall_item):
    case = case_create(actor=cast.officer_a, data=lead_data(cast, stall_item))
    case_declare(actor=cast.officer_a, case=case, conflict=False)
    case.refresh_from_db()
    act(case, "start_check", cast.officer_a)
    refused(case, "propose_filing", cast.officer_a, "has not declared")


def test_an_officer_declaring_a_conflict_leaves_the_case(cast, stall_item):
    case = case_create(actor=cast.officer_a, data=lead_data(cast, stall_item))
    case_declare(actor=cast.officer_a, case=case, conflict=False)
    case_declare(actor=cast.officer_a2, case=case, conflict=True, note="当事人是我的亲属")
    row = CaseOfficer.objects.get(case=case, officer=cast.officer_a2)
    assert row.recused_at is not None
    case.refresh_from_db()
    act(case, "start_check", cast.officer_a)
    refused(case, "propose_filing", cast.officer_a, "At least two enforcement officers")


def test_time_barred_act_cannot_be_filed(cast, stall_item):
    today = timezone.localdate()
    case = declared_lead(cast, stall_item, act_on=today - dt.timedelta(days=3 * 365), discovered_on=today)
    act(case, "start_check", cast.officer_a)
    refused(case, "propose_filing", cast.officer_a, "Time-barred")


def test_harm_to_life_extends_limitation_to_five_years(cast, stall_item):
    today = timezone.localdate()
    case = declared_lead(
        cast,
        stall_item,
        act_on=today - dt.timedelta(days=3 * 365),
        discovered_on=today,
        harm_to_life_or_finance=True,
    )
    act(case, "start_check", cast.officer_a)
    act(case, "propose_filing", cast.officer_a)
    assert Case.objects.get(pk=case.pk).stage == Stage.FILING_REVIEW


def test_continuing_act_counts_from_its_end(cast, stall_item):
    today = timezone.localdate()
    case = declared_lead(
        cast,
        stall_item,
        act_on=today - dt.timedelta(days=4 * 365),
        act_continuing=True,
        act_ended_on=today - dt.timedelta(days=30),
        discovered_on=today,
    )
    act(case, "start_check", cast.officer_a)
    act(case, "propose_filing", cast.officer_a)
    assert Case.objects.get(pk=case.pk).stage == Stage.FILING_REVIEW


def test_no_decision_before_the_party_could_be_heard(cast, stall_item):
    case = filed(cast, stall_item)
    act(
        case, "serve_notice", cast.officer_a, penalty_kinds=["fine"], proposed_fine=Decimal("200"), factors=[]
    )
    # the party has 5 working days to reply: submitting now is refused, a statement or waiver opens the way
    refused(case, "submit_for_decision", cast.officer_a, "may still make a statement")
    act(case, "waive_rights", cast.officer_a, note="当事人书面放弃陈述申辩")
    act(case, "submit_for_decision", cast.officer_a)
    assert Case.objects.get(pk=case.pk).stage == Stage.DECIDING


def test_no_heavier_penalty_than_the_notice_after_a_defence(cast, stall_item):
    case = filed(cast, stall_item)
    act(
        case, "serve_notice", cast.officer_a, penalty_kinds=["fine"], proposed_fine=Decimal("200"), factors=[]
    )
    act(case, "record_statement", cast.officer_a, note="申辩：非本人所为", made_on=timezone.localdate())
    act(case, "submit_for_decision", cast.officer_a)
    refused(
        case,
        "decide",
        cast.supervisor_a,
        "heavier than the 200",
        penalty_kinds=["fine"],
        fine=Decimal("300"),
        deviation_reason="情节严重",
        decided_on=timezone.localdate(),
    )


def test_hearing_right_and_request_deadline(cast, big_item, stall_item):
    small = filed(cast, stall_item)
    act(
        small,
        "serve_notice",
        cast.officer_a,
        penalty_kinds=["fine"],
        proposed_fine=Decimal("300"),
        factors=[],
    )
    refused(
        small,
        "request_hearing",
        cast.officer_a,
        "does not give the right to a hearing",
        requested_on=timezone.localdate(),
    )

    big = filed(cast, big_item, party_identifier="500103198001015555")
    served = timezone.localdate() - dt.timedelta(days=20)
    Case.objects.filter(pk=big.pk).update(filed_on=served - dt.timedelta(days=1))
    act(
        big,
        "serve_notice",
        cast.officer_a,
        penalty_kinds=["fine"],
        proposed_fine=Decimal("20000"),
        factors=[],
        served_on=served,
    )
    refused(
        big, "request_hearing", cast.officer_a, "within 5 working days", requested_on=timezone.localdate()
    )


def test_hearing_notified_seven_working_days_ahead_then_review_required(cast, big_item):
    case = filed(cast, big_item)
    act(
        case,
        "serve_notice",
        cast.officer_a,
        penalty_kinds=["fine"],
        proposed_fine=Decimal("20000"),
        factors=[],
    )
    act(case, "request_hearing", cast.officer_a, requested_on=timezone.localdate())
    case.refresh_from_db()
    assert case.stage == Stage.HEARING and case.paused_since == timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        act(
            case,
            "schedule_hearing",
            cast.officer_a,
            hearing_on=timezone.localdate() + dt.timedelta(days=2),
            place_of_hearing="会议室",
        )
    assert "hearing_on" in caught.value.message_dict
    from enforcement.calendar import add_working_days

    hearing_on = add_working_days(timezone.localdate(), 7)
    act(case, "schedule_hearing", cast.officer_a, hearing_on=hearing_on, place_of_hearing="会议室")
    with clock.at(timezone.make_aware(dt.datetime.combine(hearing_on, dt.time(15)))):
        act(case, "finish_hearing", cast.officer_a, held_on=hearing_on, note="听证会已举行")
    case.refresh_from_db()
    assert case.stage == Stage.LEGAL_REVIEW and case.review_required and case.paused_since is None
    assert case.paused_days == (hearing_on - timezone.localdate()).days
    assert case.decision_due == add_days(case.filed_on, 90 + case.paused_days, working=False)


def test_legal_review_required_and_not_by_an_investigator(cast, big_item):
    case = filed(cast, big_item)
    act(
        case,
        "serve_notice",
        cast.officer_a,
        penalty_kinds=["fine"],
        proposed_fine=Decimal("20000"),
        factors=[],
    )
    act(case, "waive_rights", cast.officer_a, note="放弃")
    act(case, "submit_for_decision", cast.officer_a)
    with pytest.raises(PermissionDenied):  # an officer is not a legal reviewer at all
        act(case, "pass_review", cast.officer_a2, **all_passed("同意"))
    # a reviewer who handled the case may not review it
    CaseOfficer.objects.create(case=case, officer=cast.reviewer_a, declared_at=timezone.now())
    refused(
        case, "pass_review", cast.reviewer_a, "may not review a case they investigated", **all_passed("同意")
    )


def test_decision_without_the_required_review_is_refused(cast, big_item):
    case = filed(cast, big_item)
    act(
        case,
        "serve_notice",
        cast.officer_a,
        penalty_kinds=["fine"],
        proposed_fine=Decimal("20000"),
        factors=[],
    )
    act(case, "waive_rights", cast.officer_a, note="放弃")
    act(case, "submit_for_decision", cast.officer_a)
    Case.objects.filter(pk=case.pk).update(stage=Stage.DECIDING)  # as if someone skipped the review
    refused(
        case,
        "decide",
        cast.supervisor_a,
        "needs legal review first",
        penalty_kinds=["fine"],
        fine=Decimal("20000"),
        deviation_reason="",
        decided_on=timezone.localdate(),
    )


def test_fine_must_be_inside_the_statutory_range(cast, stall_item):
    case = filed(cast, stall_item)
    refused(
        case,
        "serve_notice",
        cast.officer_a,
        "above the statutory maximum",
        penalty_kinds=["fine"],
        proposed_fine=Decimal("800"),
        factors=[],
    )
    refused(
        case,
        "serve_notice",
        cast.officer_a,
        "below the statutory minimum",
        penalty_kinds=["fine"],
        proposed_fine=Decimal("10"),
        factors=[],
    )


def test_simple_procedure_only_within_its_limits(cast, stall_item):
    case = declared_lead(cast, stall_item)
    refused(case, "on_spot", cast.officer_a, "up to 200", penalty_kinds=["fine"], fine=Decimal("300"))
    act(case, "on_spot", cast.officer_a, **PAID_BELOW_TIER)
    case.refresh_from_db()
    assert case.stage == Stage.EXECUTED and case.procedure == "simple" and case.number and case.paid_on


def test_on_the_spot_the_benchmark_holds_too(cast, stall_item):
    """The simple procedure caps the fine (200 yuan for a person); it does not lift the benchmark: a fine on
    the spot outside the recommended tier needs the written reason (art 34), as a decision does."""
    from discretion.fences import OUTSIDE_TIER
    from enforcement.models import FenceWarning
    from tests.discretion.conftest import publish_table, stall_tiers

    publish_table(cast.admin, stall_item, stall_tiers())
    case = declared_lead(cast, stall_item)
    spot = {"penalty_kinds": ["fine"], "paid_on_spot": True}
    with pytest.raises(ValidationError) as caught:
        act(case, "on_spot", cast.officer_a, fine=Decimal("60"), deviation_reason="", **spot)
    assert "deviation_reason" in caught.value.message_dict
    case.refresh_from_db()
    assert case.stage == Stage.LEAD and not case.number  # nothing decided, no number taken
    act(
        case,
        "on_spot",
        cast.officer_a,
        fine=Decimal("60"),
        deviation_reason="当事人当场改正，经济困难",
        **spot,
    )
    case.refresh_from_db()
    assert case.stage == Stage.EXECUTED and case.fine == Decimal("60")
    assert case.deviation_kind == "lighter" and case.deviation_reason == "当事人当场改正，经济困难"
    assert case.tier and case.recommendation["fine_min"] is not None
    kept = FenceWarning.objects.get(object_id=str(case.pk), rule=OUTSIDE_TIER.code)
    assert kept.reason == "当事人当场改正，经济困难"  # the supervisor sees it with the reason
    inside = declared_lead(cast, stall_item, party_name="李四", party_identifier="500103199002023456")
    low = Decimal(str(case.recommendation["fine_min"]))
    act(inside, "on_spot", cast.officer_a, fine=low, **spot)  # inside the tier: no reason asked
    inside.refresh_from_db()
    assert inside.deviation_kind == "inside" and inside.deviation_reason == ""


def test_one_act_one_fine(cast, stall_item):
    first = declared_lead(cast, stall_item)
    act(
        first,
        "on_spot",
        cast.officer_a,
        **PAID_BELOW_TIER,
    )
    second = declared_lead(cast, stall_item)  # same party, same item, same day
    refused(
        second,
        "on_spot",
        cast.officer_a,
        "one act, one fine",
        penalty_kinds=["fine"],
        fine=Decimal("100"),
        deviation_reason="当场改正，从轻",
    )


def test_under_fourteen_cannot_be_penalised(cast, stall_item):
    case = declared_lead(cast, stall_item, party_age=13)
    refused(case, "on_spot", cast.officer_a, "under 14", penalty_kinds=["warning"])


def test_benchmark_deviation_needs_a_written_reason(cast, stall_item):
    from tests.discretion.conftest import publish_table, stall_tiers

    publish_table(cast.admin, stall_item, stall_tiers())
    case = filed(cast, stall_item)
    notice = {"penalty_kinds": ["fine"], "proposed_fine": Decimal("500"), "factors": []}
    with pytest.raises(ValidationError) as caught:  # first where the penalty is proposed: the notice caps it
        act(case, "serve_notice", cast.officer_a, deviation_reason="", **notice)
    assert "deviation_reason" in caught.value.message_dict
    act(case, "serve_notice", cast.officer_a, deviation_reason="当事人拒不改正", **notice)
    act(case, "waive_rights", cast.officer_a, note="放弃")
    act(case, "submit_for_decision", cast.officer_a)
    case.refresh_from_db()
    rec = case.recommendation
    assert rec and rec["fine_max"] is not None and Decimal(str(rec["fine_max"])) < Decimal("500")
    with pytest.raises(ValidationError) as caught:
        act(
            case,
            "decide",
            cast.supervisor_a,
            penalty_kinds=["fine"],
            fine=Decimal("500"),
            deviation_reason="",
            decided_on=timezone.localdate(),
        )
    assert "deviation_reason" in caught.value.message_dict
    act(
        case,
        "decide",
        cast.supervisor_a,
        penalty_kinds=["fine"],
        fine=Decimal("500"),
        deviation_reason="当事人拒不改正且态度恶劣",
        decided_on=timezone.localdate(),
    )
    case.refresh_from_db()
    assert case.deviation_kind == "heavier" and case.deviation_reason


def test_order_to_correct_closes_without_penalty(cast, stall_item):
    case = filed(cast, stall_item)
    act(
        case,
        "order_correction",
        cast.officer_a,
        basis="art33_first",
        correction_due=timezone.localdate() + dt.timedelta(days=3),
        note="已对当事人进行教育",
    )
    act(case, "confirm_correction", cast.officer_a, checked_on=timezone.localdate(), note="已整改")
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.no_penalty_basis == "art33_first"


def test_first_violation_uses_the_partys_history(cast, stall_item):
    earlier = declared_lead(
        cast,
        stall_item,
        act_on=timezone.localdate() - dt.timedelta(days=40),
        discovered_on=timezone.localdate() - dt.timedelta(days=40),
    )
    act(
        earlier,
        "on_spot",
        cast.officer_a,
        **PAID_BELOW_TIER,
    )
    Case.objects.filter(pk=earlier.pk).update(decided_on=timezone.localdate() - dt.timedelta(days=39))
    case = filed(cast, stall_item)
    refused(
        case,
        "order_correction",
        cast.officer_a,
        "Not a first violation",
        basis="art33_first",
        correction_due=timezone.localdate() + dt.timedelta(days=3),
        note="教育",
    )


def test_payment_late_fee_and_on_spot_limit(cast, stall_item):
    case = filed(cast, stall_item)
    act(
        case, "serve_notice", cast.officer_a, penalty_kinds=["fine"], proposed_fine=Decimal("300"), factors=[]
    )
    act(case, "waive_rights", cast.officer_a, note="放弃")
    act(case, "submit_for_decision", cast.officer_a)
    act(
        case,
        "decide",
        cast.supervisor_a,
        penalty_kinds=["fine"],
        fine=Decimal("300"),
        deviation_reason="罚款高于基准：拒不改正",
        decided_on=timezone.localdate(),
    )
    act(case, "serve_decision", cast.officer_a, served_on=timezone.localdate(), method="direct")
    case.refresh_from_db()
    refused(
        case,
        "record_payment",
        cast.officer_a,
        "collect on the spot only",
        paid_on=timezone.localdate(),
        amount=Decimal("300"),
        channel="on_spot",
    )
    late = case.payment_due + dt.timedelta(days=10)
    with clock.at(timezone.make_aware(dt.datetime.combine(late, dt.time(10)))):
        refused(
            case,
            "record_payment",
            cast.officer_a,
            "less than the 390 yuan",
            paid_on=late,
            amount=Decimal("300"),
            channel="bank",
        )
        act(case, "record_payment", cast.officer_a, paid_on=late, amount=Decimal("390"), channel="bank")
    case.refresh_from_db()
    assert case.late_fee == Decimal("90.00")  # 3 % x 300 x 10 days


def test_late_fee_never_exceeds_the_fine(cast):
    from cases.deadlines import late_fee, policy_for

    policy = policy_for(cast.district.pk)
    due = dt.date(2026, 3, 2)
    assert late_fee(Decimal("1000"), due, due + dt.timedelta(days=100), policy) == Decimal("1000")
    assert late_fee(Decimal("1000"), due, due, policy) == Decimal("0.00")


def test_deadlines_count_working_days_over_holidays(cast, stall_item):
    from cases.deadlines import check_due, policy_for, reply_due, service_due

    policy = policy_for(cast.district.pk)
    # Spring Festival 2026: 15-23 February off, 14 and 28 February make-up working days
    assert reply_due(dt.date(2026, 2, 12), policy) == dt.date(2026, 2, 26)
    assert service_due(dt.date(2026, 9, 30), policy) == dt.date(
        2026, 10, 15
    )  # 10 October is a make-up Saturday
    assert check_due(dt.date(2026, 1, 5), policy) == dt.date(2026, 1, 26)


def test_actions_are_refused_from_the_wrong_stage_and_by_the_wrong_role(cast, stall_item):
    case = declared_lead(cast, stall_item)
    with pytest.raises(InvalidTransition):
        act(case, "decide", cast.supervisor_a, penalty_kinds=["fine"], fine=Decimal("100"))
    act(case, "start_check", cast.officer_a)
    act(case, "propose_filing", cast.officer_a)
    with pytest.raises(PermissionDenied):
        act(case, "approve_filing", cast.officer_a)  # an officer does not approve filings
    with pytest.raises(PermissionDenied):
        act(case, "approve_filing", cast.officer_b)  # nor does anyone of another town
    assert Case.objects.get(pk=case.pk).stage == Stage.FILING_REVIEW


def test_a_stale_form_is_refused(cast, stall_item):
    case = declared_lead(cast, stall_item)
    seen = case.version
    case_act(actor=cast.officer_a, case=case, action="start_check", data={"version": seen})
    with pytest.raises(StaleObject):
        case_act(
            actor=cast.officer_a,
            case=Case.objects.get(pk=case.pk),
            action="decline_filing",
            data={"version": seen, "note": "不予立案"},
        )


def test_transfer_raises_a_whistle_and_shows_the_case_to_the_department(cast, stall_item):
    from whistles.models import WhistleRequest

    case = declared_lead(cast, stall_item)
    act(case, "transfer", cast.supervisor_a, department=cast.department, note="需要专业检测")
    case.refresh_from_db()
    assert case.stage == Stage.TRANSFERRED
    whistle = WhistleRequest.objects.get(pk=case.whistle_id)
    assert whistle.assignments.filter(department=cast.department).exists()
    assert Case.objects.for_user(cast.responder).filter(pk=case.pk).exists()
    assert not Case.objects.for_user(cast.officer_b).filter(pk=case.pk).exists()


def test_pause_resume_and_extension_move_the_decision_deadline(cast, stall_item):
    case = filed(cast, stall_item)
    due = case.decision_due
    act(case, "pause", cast.supervisor_a, reason="testing")
    later = timezone.localdate() + dt.timedelta(days=10)
    with clock.at(timezone.make_aware(dt.datetime.combine(later, dt.time(10)))):
        act(case, "resume", cast.supervisor_a)
    case.refresh_from_db()
    # 90 + 10 calendar days from filing, rolled to the next working day only at the end (not "due + 10": due
    # itself may already have been rolled over a weekend or holiday).
    assert case.paused_days == 10
    assert case.decision_due == add_days(case.filed_on, 90 + 10, working=False) >= due
    act(case, "extend", cast.supervisor_a, note="案情复杂，经负责人批准延长")
    case.refresh_from_db()
    assert case.decision_due == add_days(case.filed_on, 90 + 10 + 30, working=False)
    refused(case, "extend", cast.supervisor_a, "already been extended", note="再次延长")


def test_a_camera_lead_is_filed_only_with_its_record_reviewed(cast, stall_item):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from cases.evidence import evidence_add

    case = declared_lead(cast, stall_item, source="camera")
    act(case, "start_check", cast.officer_a)
    refused(case, "propose_filing", cast.officer_a, "art 41")
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "gray").save(buffer, format="PNG")
    evidence_add(
        actor=cast.officer_a,
        case=case,
        upload=SimpleUploadedFile("cam.png", buffer.getvalue(), "image/png"),
        caption="电子监控抓拍",
    )
    act(case, "propose_filing", cast.officer_a)
    assert Case.objects.get(pk=case.pk).stage == Stage.FILING_REVIEW


def test_the_partys_reply_window_is_not_an_overdue_deadline_once_passed(cast, stall_item):
    from cases.deadlines import deadline_rows

    case = filed(cast, stall_item)
    act(
        case, "serve_notice", cast.officer_a, penalty_kinds=["fine"], proposed_fine=Decimal("200"), factors=[]
    )
    case.refresh_from_db()
    reply = next(r for r in deadline_rows(case) if r.due == case.reply_due)
    assert not reply.done and not reply.overdue
    later = next(
        r for r in deadline_rows(case, today=case.reply_due + dt.timedelta(days=1)) if r.due == case.reply_due
    )
    assert later.done and not later.overdue


def test_an_item_of_another_districts_catalog_is_refused(cast, stall_item):
    from authority.models import EnforcementItem
    from tests.factories import make_district

    other = make_district(code="T900", name_zh="别区")
    foreign = EnforcementItem.objects.create(
        district=other, code="X-1", name_zh="别区事项", domain="city_management"
    )
    with pytest.raises(ValidationError) as caught:
        case_create(actor=cast.officer_a, data=lead_data(cast, foreign))
    assert "item" in caught.value.message_dict
    assert not Case.objects.exists()
