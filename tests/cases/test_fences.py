"""The fences before a case action (issue 14): each rule with a test that triggers it and one that does not.

A block refuses with the rule and the article and leaves a block row (supervisors see attempts); a warning
refuses until the reason is given, then proceeds and keeps the reason on the warning row and the audit trail;
the API answers with the structured findings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from authority.models import AuthorityGrant
from cases.lifecycle import case_act
from cases.models import Case, Evidence
from cases.selectors import case_recommendation
from enforcement.fences import FenceRefusal
from enforcement.models import AuditEvent, Certificate, FenceWarning, OutboxMessage
from tests.discretion.conftest import first_violation_entry, publish_table, stall_tiers

pytestmark = pytest.mark.django_db


def act(case: Case, action: str, actor, **data: Any):
    return case_act(actor=actor, case=case, action=action, data={"version": None, "note": "", **data})


def notice(case: Case, actor, **data: Any):
    values = {"penalty_kinds": ["fine"], "served_on": timezone.localdate(), "factors": [], **data}
    return act(case, "serve_notice", actor, **values)


def rows(rule: str, case: Case) -> list[FenceWarning]:
    return list(FenceWarning.objects.filter(rule=rule, object_type="cases.case", object_id=str(case.pk)))


@pytest.fixture
def benchmark(cast, stall_item):
    return publish_table(cast.admin, stall_item, stall_tiers(), [first_violation_entry()])


# --- discretion: outside the tier (warning) ----------------------------------------------------------------


def test_a_fine_outside_the_tier_warns_and_the_reason_is_kept_on_the_warning(cast, make_case):
    case = make_case("investigating")
    below = case_recommendation(case).fine_min - Decimal("10")
    with pytest.raises(FenceRefusal) as caught:
        notice(case, cast.officer_a, proposed_fine=below)
    assert caught.value.reason_field == "deviation_reason"
    assert [f.rule for f in caught.value.findings] == ["discretion.deviation"]
    assert not rows("discretion.deviation", case)  # nothing kept until the officer goes on

    notice(case, cast.officer_a, proposed_fine=below, deviation_reason="当事人经济困难，且当场改正。")
    (warning,) = rows("discretion.deviation", case)
    assert warning.severity == "warning" and warning.status == "open"
    assert warning.reason == "当事人经济困难，且当场改正。" and warning.reason_by == cast.officer_a
    assert warning.reason_at is not None and warning.officer == cast.officer_a
    assert warning.district == cast.district and warning.town == cast.town_a
    assert warning.details["fine"] == str(below) and warning.details["article"]
    proceed = AuditEvent.objects.get(action="enforcement.fence.proceed", object_id=str(warning.pk))
    assert proceed.after["reason"] == "当事人经济困难，且当场改正。"


def test_a_fine_inside_the_tier_raises_no_warning(cast, make_case):
    case = make_case("investigating")
    notice(case, cast.officer_a, proposed_fine=case_recommendation(case).fine_suggested)
    assert not FenceWarning.objects.filter(object_id=str(case.pk)).exists()


# --- discretion: outside the statutory range (block) -------------------------------------------------------


def test_a_fine_above_the_statutory_maximum_is_blocked_and_the_attempt_kept(cast, make_case):
    case = make_case("investigating")
    with pytest.raises(FenceRefusal) as caught:
        notice(case, cast.officer_a, proposed_fine=Decimal("800"), deviation_reason="情节严重")
    assert caught.value.blocked
    text = " ".join(caught.value.messages)
    assert "statutory maximum" in text and "art" in text
    (row,) = rows("cases.fine_outside_statutory_range", case)
    assert row.severity == "block" and row.officer == cast.officer_a
    assert Case.objects.get(pk=case.pk).stage == "investigating"  # refused
    # The same attempt again is the same row (one per facts), a different one a new row.
    with pytest.raises(FenceRefusal):
        notice(case, cast.officer_a, proposed_fine=Decimal("800"), deviation_reason="情节严重")
    assert len(rows("cases.fine_outside_statutory_range", case)) == 1
    with pytest.raises(FenceRefusal):
        notice(case, cast.officer_a, proposed_fine=Decimal("900"), deviation_reason="情节严重")
    assert len(rows("cases.fine_outside_statutory_range", case)) == 2


def test_a_fine_inside_the_statutory_range_is_not_blocked(cast, make_case):
    case = make_case("investigating")
    notice(case, cast.officer_a, proposed_fine=Decimal("500"), deviation_reason="情节严重")
    assert not rows("cases.fine_outside_statutory_range", case)


# --- discretion: earlier violations not applied (warning) --------------------------------------------------


def _earlier_decided(make_case, case: Case) -> Case:
    earlier = make_case(
        "executed",
        decided_on=timezone.localdate() - dt.timedelta(days=60),
        fine=Decimal("100"),
        penalty_kinds=["fine"],
    )
    Case.objects.filter(pk=earlier.pk).update(subject=case.subject, party_identifier=case.party_identifier)
    return earlier


def test_a_repeat_offender_fined_below_the_repeat_range_warns(cast, make_case, benchmark):
    case = make_case("investigating")
    _earlier_decided(make_case, case)
    recommendation = case_recommendation(case)
    assert any(f.code == "repeat_12m" and f.source == "history" for f in recommendation.factors)
    with pytest.raises(FenceRefusal) as caught:
        notice(case, cast.officer_a, proposed_fine=Decimal("100"))
    assert "discretion.history_not_applied" in {f.rule for f in caught.value.findings}
    notice(case, cast.officer_a, proposed_fine=Decimal("100"), deviation_reason="当事人已主动整改")
    (row,) = rows("discretion.history_not_applied", case)
    assert row.reason == "当事人已主动整改" and row.details["prior_12m"] == 1


def test_a_repeat_offender_fined_inside_the_repeat_range_does_not_warn(cast, make_case, benchmark):
    case = make_case("investigating")
    _earlier_decided(make_case, case)
    notice(case, cast.officer_a, proposed_fine=case_recommendation(case).fine_suggested)
    assert not rows("discretion.history_not_applied", case)


# --- discretion: a first violation eligible for no penalty that was fined (warning) ------------------------


def test_a_first_violation_on_the_list_that_is_fined_warns(cast, make_case, benchmark):
    case = make_case("investigating", facts={"values": {"area_m2": 1}})
    recommendation = case_recommendation(case, ["corrected_promptly"])
    assert not recommendation.punish and recommendation.no_penalty_basis == "first_violation_list"
    with pytest.raises(FenceRefusal) as caught:
        notice(case, cast.officer_a, proposed_fine=Decimal("60"), factors=["corrected_promptly"])
    assert [f.rule for f in caught.value.findings] == ["discretion.first_violation_fined"]
    notice(
        case,
        cast.officer_a,
        proposed_fine=Decimal("60"),
        factors=["corrected_promptly"],
        deviation_reason="拒不整改",
    )
    assert rows("discretion.first_violation_fined", case)[0].reason == "拒不整改"


def test_a_case_off_the_first_violation_list_fined_does_not_warn_so(cast, make_case, benchmark):
    case = make_case("investigating", facts={"values": {"area_m2": 4}})
    notice(case, cast.officer_a, proposed_fine=case_recommendation(case).fine_suggested)
    assert not rows("discretion.first_violation_fined", case)


# --- procedure: decision without notice and hearing rights (block) -----------------------------------------


def test_a_decision_without_the_notice_is_blocked_with_the_article(cast, make_case):
    case = make_case("deciding", notice_served_on=None, proposed_kinds=["fine"], proposed_fine=Decimal("150"))
    with pytest.raises(FenceRefusal) as caught:
        act(case, "decide", cast.supervisor_a, penalty_kinds=["fine"], fine=Decimal("150"))
    (finding,) = [f for f in caught.value.findings if f.rule == "cases.decision_without_notice"]
    assert "44" in finding.article and "62" in finding.article
    assert rows("cases.decision_without_notice", case)


def test_a_decision_after_the_notice_and_the_reply_period_is_not_blocked_so(cast, make_case):
    today = timezone.localdate()
    case = make_case(
        "deciding",
        notice_served_on=today - dt.timedelta(days=20),
        reply_due=today - dt.timedelta(days=10),
        proposed_kinds=["fine"],
        proposed_fine=Decimal("150"),
    )
    act(
        case,
        "decide",
        cast.supervisor_a,
        penalty_kinds=["fine"],
        fine=Decimal("150"),
        deviation_reason="依法",
    )
    assert not rows("cases.decision_without_notice", case)
    assert Case.objects.get(pk=case.pk).stage == "decided"


# --- procedure: two certified officers (block) -------------------------------------------------------------


def test_an_expired_certificate_blocks_the_notice(cast, make_case):
    case = make_case("investigating")
    Certificate.objects.filter(holder=cast.officer_a2).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(FenceRefusal) as caught:
        notice(case, cast.officer_a, proposed_fine=case_recommendation(case).fine_suggested)
    assert "cases.officers_certified" in {f.rule for f in caught.value.findings}
    assert "42" in " ".join(caught.value.messages)
    assert rows("cases.officers_certified", case)


def test_a_case_with_one_officer_is_blocked_even_with_a_valid_certificate(cast, make_case):
    case = make_case("investigating", officers=[cast.officer_a])
    with pytest.raises(FenceRefusal) as caught:
        notice(case, cast.officer_a, proposed_fine=case_recommendation(case).fine_suggested)
    assert "cases.officers_certified" in {f.rule for f in caught.value.findings}
    (row,) = rows("cases.officers_certified", case)
    assert row.severity == "block" and row.details["officers"] == [cast.officer_a.pk]
    assert Case.objects.get(pk=case.pk).stage == "investigating"


def test_two_valid_certificates_pass(cast, make_case):
    case = make_case("investigating")
    notice(case, cast.officer_a, proposed_fine=case_recommendation(case).fine_suggested)
    assert not rows("cases.officers_certified", case)


# --- procedure: the investigator may not do the legal review (block) ---------------------------------------


def _at_review(make_case, **fields):
    today = timezone.localdate()
    return make_case(
        "legal_review",
        notice_served_on=today - dt.timedelta(days=20),
        reply_due=today - dt.timedelta(days=10),
        proposed_kinds=["fine"],
        proposed_fine=Decimal("150"),
        review_required=True,
        review_reasons=["major_or_complex"],
        **fields,
    )


def _review_data(passing: bool) -> dict[str, Any]:
    from cases.review import POINT_KEYS

    data: dict[str, Any] = {f"point_{k}": "passed" for k in POINT_KEYS}
    if not passing:
        data[f"point_{POINT_KEYS[0]}"] = "raised"
        data[f"point_{POINT_KEYS[0]}_note"] = "补充证据"
    return {**data, "note": "同意"}


def test_an_investigator_reviewing_their_own_case_is_blocked(cast, make_case):
    from enforcement.models import Role
    from tests.factories import make_user

    investigator = cast.reviewer_a
    case = _at_review(make_case, created_by=investigator)
    with pytest.raises(FenceRefusal) as caught:
        act(case, "pass_review", investigator, **_review_data(True))
    assert [f.rule for f in caught.value.findings] == ["cases.reviewer_investigated"]
    assert "58" in caught.value.findings[0].article
    assert rows("cases.reviewer_investigated", case)[0].officer == investigator
    assert (
        Role.LEGAL_REVIEWER in investigator.role_names and make_user
    )  # the reviewer role alone is not enough


def test_a_reviewer_who_did_not_investigate_passes(cast, make_case):
    case = _at_review(make_case)
    act(case, "pass_review", cast.reviewer_a, **_review_data(True))
    assert not rows("cases.reviewer_investigated", case)


# --- procedure: limitation (block) -------------------------------------------------------------------------


def test_a_time_barred_act_is_blocked_at_filing(cast, make_case):
    today = timezone.localdate()
    case = make_case(
        "filing_review", act_on=today - dt.timedelta(days=3 * 366), discovered_on=today - dt.timedelta(days=2)
    )
    with pytest.raises(FenceRefusal) as caught:
        act(case, "approve_filing", cast.supervisor_a)
    assert "cases.limitation" in {f.rule for f in caught.value.findings}
    assert "36" in " ".join(caught.value.messages)
    assert rows("cases.limitation", case)


def test_an_act_inside_the_limitation_period_is_not_blocked_so(cast, make_case):
    case = make_case("filing_review")
    act(case, "approve_filing", cast.supervisor_a)
    assert not rows("cases.limitation", case)
    assert Case.objects.get(pk=case.pk).stage == "investigating"


# --- procedure: an item the town does not hold (block, whistle) --------------------------------------------


def test_an_item_not_held_on_the_date_is_blocked_with_a_whistle_link(cast, make_case, stall_item):
    AuthorityGrant.objects.filter(item=stall_item).update(valid_from=timezone.localdate())
    case = make_case("filing_review")  # the act was ten days ago
    with pytest.raises(FenceRefusal) as caught:
        act(case, "approve_filing", cast.supervisor_a)
    (finding,) = [f for f in caught.value.findings if f.rule == "cases.item_not_held"]
    assert finding.links and finding.links[0][1] == f"{reverse('whistle-raise')}?case={case.pk}"
    (row,) = rows("cases.item_not_held", case)
    assert row.details["links"][0]["url"].endswith(f"?case={case.pk}")


def test_an_item_held_on_the_date_is_not_blocked_so(cast, make_case):
    case = make_case("filing_review")
    act(case, "approve_filing", cast.supervisor_a)
    assert not rows("cases.item_not_held", case)


# --- procedure: an evidence-free case sent to legal review (warning) ---------------------------------------


def _heard(make_case):
    today = timezone.localdate()
    return make_case(
        "notified",
        notice_served_on=today - dt.timedelta(days=20),
        reply_due=today - dt.timedelta(days=10),
        proposed_kinds=["fine"],
        proposed_fine=Decimal("150"),
    )


def test_sending_a_case_without_evidence_to_legal_review_needs_a_reason(cast, make_case):
    case = _heard(make_case)
    with pytest.raises(FenceRefusal) as caught:
        act(case, "submit_for_decision", cast.officer_a, major=True)
    assert caught.value.reason_field == "fence_reason"
    assert "fence_reason" in caught.value.message_dict
    act(case, "submit_for_decision", cast.officer_a, major=True, fence_reason="证据为现场笔录，另行归档")
    (row,) = rows("cases.review_without_evidence", case)
    assert row.reason == "证据为现场笔录，另行归档" and row.details["evidence"] == 0
    assert Case.objects.get(pk=case.pk).stage == "legal_review"


def test_a_case_with_evidence_or_without_review_goes_on_without_a_reason(cast, make_case):
    case = _heard(make_case)
    act(case, "submit_for_decision", cast.officer_a, major=False)  # no legal review: nothing to warn
    assert Case.objects.get(pk=case.pk).stage == "deciding"
    other = _heard(make_case)
    Evidence.objects.create(
        case=other,
        kind=Evidence.Kind.PHOTO,
        caption="现场照片",
        file="x.jpg",
        content_type="image/jpeg",
        sha256="0" * 64,
        size=1,
        uploaded_by=cast.officer_a,
    )
    act(other, "submit_for_decision", cast.officer_a, major=True)
    assert not rows("cases.review_without_evidence", other)


# --- the worker's half, on commit --------------------------------------------------------------------------


def test_a_step_queues_the_evaluation_after_commit_and_a_late_decision_is_warned_once(cast, make_case):
    from enforcement.tasks import fence_evaluate_after_change_task

    today = timezone.localdate()
    case = make_case(
        "deciding",
        notice_served_on=today - dt.timedelta(days=20),
        reply_due=today - dt.timedelta(days=10),
        proposed_kinds=["fine"],
        proposed_fine=Decimal("150"),
        decision_due=today - dt.timedelta(days=3),
    )
    act(
        case,
        "decide",
        cast.supervisor_a,
        penalty_kinds=["fine"],
        fine=Decimal("150"),
        deviation_reason="依法",
    )
    message = OutboxMessage.objects.filter(task=fence_evaluate_after_change_task.name).latest("pk")
    assert message.args == ["decide", "cases.case", str(case.pk)]
    assert not rows("cases.decided_after_due", case)  # not before the commit (the test's transaction)
    fence_evaluate_after_change_task(*message.args)  # what the worker runs
    (row,) = rows("cases.decided_after_due", case)
    assert row.details["late"] == 3 and row.severity == "warning"
    fence_evaluate_after_change_task(*message.args)  # again, as after a retry: nothing new
    assert len(rows("cases.decided_after_due", case)) == 1


def test_a_decision_on_time_raises_nothing_after_commit(cast, make_case):
    today = timezone.localdate()
    case = make_case(
        "deciding",
        notice_served_on=today - dt.timedelta(days=20),
        reply_due=today - dt.timedelta(days=10),
        proposed_kinds=["fine"],
        proposed_fine=Decimal("150"),
    )
    act(
        case,
        "decide",
        cast.supervisor_a,
        penalty_kinds=["fine"],
        fine=Decimal("150"),
        deviation_reason="依法",
    )
    from enforcement.tasks import fence_evaluate_after_change_task

    fence_evaluate_after_change_task("decide", "cases.case", str(case.pk))
    assert not rows("cases.decided_after_due", case)


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_step_still_succeeds_and_the_evaluation_waits(cast, make_case):
    from enforcement.tasks import fence_evaluate_after_change_task
    from tests.enforcement.test_outage import redis_unreachable

    case = make_case("investigating")
    suggested = case_recommendation(case).fine_suggested
    with redis_unreachable():
        notice(case, cast.officer_a, proposed_fine=suggested)
    assert Case.objects.get(pk=case.pk).stage == "notified"
    waiting = OutboxMessage.objects.get(task=fence_evaluate_after_change_task.name, sent_at__isnull=True)
    assert waiting.args == ["serve_notice", "cases.case", str(case.pk)]


# --- the API: structured findings --------------------------------------------------------------------------


def test_the_api_answers_a_warning_with_the_findings_and_the_reason_field(cast, make_case, client_for):
    case = make_case("investigating")
    below = case_recommendation(case).fine_min - Decimal("10")
    client = client_for(cast.officer_a)
    body = {"penalty_kinds": ["fine"], "proposed_fine": str(below), "served_on": str(timezone.localdate())}
    check = client.post(
        reverse("api-case-fences", args=[case.pk, "serve_notice"]), body, content_type="application/json"
    )
    assert check.status_code == 200, check.content
    assert check.json()["may_proceed"] is False and check.json()["reason_field"] == "deviation_reason"
    assert [f["rule"] for f in check.json()["fences"]] == ["discretion.deviation"]
    refused = client.post(
        reverse("api-case-serve_notice", args=[case.pk]), body, content_type="application/json"
    )
    assert refused.status_code == 400
    data = refused.json()
    assert data["reason_field"] == "deviation_reason" and "deviation_reason" in data["errors"]
    (fence,) = data["fences"]
    assert fence["rule"] == "discretion.deviation" and fence["severity"] == "warning"
    assert fence["article"] and fence["message"] and fence["facts"]["fine"] == str(below)
    done = client.post(
        reverse("api-case-serve_notice", args=[case.pk]),
        {**body, "deviation_reason": "当事人经济困难"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert rows("discretion.deviation", case)[0].reason == "当事人经济困难"


def test_the_api_answers_a_block_with_the_rule_and_the_article(cast, make_case, client_for):
    case = make_case("investigating")
    body = {"penalty_kinds": ["fine"], "proposed_fine": "800", "deviation_reason": "x"}
    refused = client_for(cast.officer_a).post(
        reverse("api-case-serve_notice", args=[case.pk]), body, content_type="application/json"
    )
    assert refused.status_code == 400
    (fence,) = refused.json()["fences"]
    assert fence["rule"] == "cases.fine_outside_statutory_range" and fence["severity"] == "block"
    assert "reason_field" not in refused.json()


def test_the_fence_check_is_refused_to_those_who_may_not_act(cast, make_case, client_for):
    case = make_case("investigating")
    url = reverse("api-case-fences", args=[case.pk, "serve_notice"])
    assert client_for(cast.officer_b).post(url, {}, content_type="application/json").status_code == 404
    assert client_for(cast.reviewer_a).post(url, {}, content_type="application/json").status_code == 403
    assert not FenceWarning.objects.exists()


def test_the_notice_form_shows_the_warning_before_submitting(cast, make_case, client_for):
    case = make_case("investigating")
    below = case_recommendation(case).fine_min - Decimal("10")
    html = (
        client_for(cast.officer_a)
        .get(
            reverse("cases:notice-discretion", args=[case.pk]),
            {"penalty_kinds": "fine", "proposed_fine": str(below), "suggested_fine": "0"},
        )
        .content.decode()
    )
    assert 'data-rule="discretion.deviation"' in html and 'data-severity="warning"' in html
    inside = (
        client_for(cast.officer_a)
        .get(
            reverse("cases:notice-discretion", args=[case.pk]),
            {"penalty_kinds": "fine", "proposed_fine": str(case_recommendation(case).fine_suggested)},
        )
        .content.decode()
    )
    assert 'data-testid="fence-finding"' not in inside
    assert not FenceWarning.objects.exists()  # a preview writes nothing


def test_the_page_refusal_is_a_form_error_naming_the_rule(cast, make_case, client_for):
    case = make_case("investigating")
    response = client_for(cast.officer_a).post(
        reverse("cases:case-act", args=[case.pk, "serve_notice"]),
        {
            "penalty_kinds": "fine",
            "proposed_fine": "800",
            "served_on": str(timezone.localdate()),
            "deviation_reason": "x",
            "version": case.version,
            "findings": "事实",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Fine outside the statutory range" in html or "法定" in html
    assert rows("cases.fine_outside_statutory_range", case)


def test_a_refusal_without_a_block_keeps_nothing(cast, make_case):
    case = make_case("investigating", item=None)
    with pytest.raises(ValidationError):
        notice(case, cast.officer_a, proposed_fine=Decimal("100"))
    assert not FenceWarning.objects.exists()


# --- the district's settings change what the fences do ------------------------------------------------------


def test_a_district_that_makes_a_warning_a_prompt_lets_the_step_go_on_and_keeps_a_prompt_row(cast, make_case):
    from enforcement.services import fence_setting_change

    fence_setting_change(
        actor=cast.admin,
        district=cast.district,
        rule="cases.review_without_evidence",
        effective_from=timezone.localdate() - dt.timedelta(days=1),
        params={},
        severity="prompt",
        note="试行期间只提示",
    )
    case = _heard(make_case)
    act(case, "submit_for_decision", cast.officer_a, major=True)  # no reason needed
    (row,) = rows("cases.review_without_evidence", case)
    assert row.severity == "prompt" and row.reason == ""
    assert Case.objects.get(pk=case.pk).stage == "legal_review"


def test_a_district_that_asks_for_more_evidence_warns_with_one_piece_on_file(cast, make_case):
    from enforcement.services import fence_setting_change

    case = _heard(make_case)
    Evidence.objects.create(
        case=case,
        kind=Evidence.Kind.PHOTO,
        file="x.jpg",
        content_type="image/jpeg",
        sha256="0" * 64,
        size=1,
        uploaded_by=cast.officer_a,
    )
    fence_setting_change(
        actor=cast.admin,
        district=cast.district,
        rule="cases.review_without_evidence",
        effective_from=timezone.localdate(),
        params={"min_evidence": 3},
        note="重大案件证据要求",
    )
    with pytest.raises(FenceRefusal) as caught:
        act(case, "submit_for_decision", cast.officer_a, major=True)
    assert caught.value.findings[0].facts["min_evidence"] == 3


def test_the_submission_form_shows_the_evidence_warning_before_submitting(cast, make_case, client_for):
    case = _heard(make_case)
    url = reverse("cases:case-fences", args=[case.pk])
    html = (
        client_for(cast.officer_a).get(url, {"action": "submit_for_decision", "major": "on"}).content.decode()
    )
    assert 'data-rule="cases.review_without_evidence"' in html
    quiet = client_for(cast.officer_a).get(url, {"action": "submit_for_decision"}).content.decode()
    assert 'data-testid="fence-finding"' not in quiet  # no legal review asked for: nothing to warn
    assert client_for(cast.officer_a).get(url, {"action": "fly"}).status_code == 404
    assert client_for(cast.officer_b).get(url, {"action": "submit_for_decision"}).status_code == 404
    # Someone who sees the case but may not take the step (the reviewer; or a form left open after the case
    # moved on) gets no preview: 204, nothing shown, no console error in the browser.
    assert client_for(cast.reviewer_a).get(url, {"action": "submit_for_decision"}).status_code == 204
    assert not FenceWarning.objects.exists()
