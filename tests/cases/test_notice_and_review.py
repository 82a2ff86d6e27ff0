"""Discretion where the penalty is proposed, and the legal review checklist (issue 16).

The notice: the facts found are fixed with it, a fine outside the benchmark tier needs the written reason
there (art 34; the notice caps the decision, art 45), and the page's recommendation follows the
circumstances ticked.
The review: each point passed or raised with a note, recorded on the case and printed on the review form."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.documents import document_html, render_pdf
from cases.lifecycle import case_act
from cases.models import Case, CaseEvent
from cases.review import POINT_KEYS, all_passed
from cases.selectors import case_recommendation
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db


def act(case: Case, action: str, actor, **data: Any):
    return case_act(actor=actor, case=case, action=action, data={"version": None, "note": "", **data})


def notice(case: Case, actor, **data: Any):
    values = {"penalty_kinds": ["fine"], "served_on": timezone.localdate(), "factors": [], **data}
    return act(case, "serve_notice", actor, **values)


def unchanged(case: Case, before: Case, events: int, audits: int) -> None:
    after = Case.objects.get(pk=case.pk)
    assert (after.stage, after.version, after.proposed_fine) == (
        before.stage,
        before.version,
        before.proposed_fine,
    )
    assert (CaseEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)


# --- the notice ---------------------------------------------------------------------------------------------


def test_a_notice_outside_the_tier_needs_the_reason(cast, make_case):
    case = make_case("investigating")
    tier = case_recommendation(case)
    below = tier.fine_min - Decimal("10")
    before, events, audits = (
        Case.objects.get(pk=case.pk),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(ValidationError) as caught:
        notice(case, cast.officer_a, proposed_fine=below)
    assert "deviation_reason" in caught.value.message_dict
    assert "34" in " ".join(caught.value.message_dict["deviation_reason"])
    unchanged(case, before, events, audits)

    notice(case, cast.officer_a, proposed_fine=below, deviation_reason="当事人经济困难，且当场改正。")
    case.refresh_from_db()
    assert case.stage == "notified" and case.proposed_fine == below
    assert case.deviation_kind and case.deviation_reason == "当事人经济困难，且当场改正。"
    assert CaseEvent.objects.get(case=case, action="serve_notice").data["deviation"] == case.deviation_kind


def test_a_notice_inside_the_tier_needs_no_reason_and_fixes_the_findings(cast, make_case):
    case = make_case("investigating")
    suggested = case_recommendation(case).fine_suggested
    notice(case, cast.officer_a, proposed_fine=suggested, findings="张三于3月1日在测试路1号门前占道经营")
    case.refresh_from_db()
    assert case.stage == "notified" and case.deviation_reason == ""
    assert case.findings == "张三于3月1日在测试路1号门前占道经营"
    assert "经查，张三于3月1日在测试路1号门前占道经营。" in document_html(case, "penalty_notice")


def test_a_notice_without_findings_states_the_draft_from_the_lead(cast, make_case):
    case = make_case("investigating", description="在店外占道摆放货架经营，面积约3平方米")
    notice(case, cast.officer_a, proposed_fine=case_recommendation(case).fine_suggested)
    case.refresh_from_db()
    assert case.findings.startswith("张三于") and case.findings.endswith("面积约3平方米。")
    assert case.findings.count("测试路1号门前") == 1


def test_the_recommendation_follows_the_circumstances_ticked(cast, make_case, client_for):
    case = make_case("investigating")
    normal = case_recommendation(case)
    heavier = case_recommendation(case, ["obstructed"])
    # An aggravating circumstance moves the recommendation up (the upper half of the tier, or the tier above).
    assert heavier.fine_suggested > normal.fine_suggested
    url = reverse("cases:notice-discretion", args=[case.pk])
    client = client_for(cast.officer_a)
    # Nothing typed yet: the suggested amount is filled in.
    html = client.get(
        url, {"factors": ["obstructed"], "proposed_fine": "", "suggested_fine": ""}
    ).content.decode()
    assert f'data-suggested="{heavier.fine_suggested}"' in html
    assert f'value="{heavier.fine_suggested}"' in html
    # The officer kept the previous suggestion: it follows the new one.
    html = client.get(
        url,
        {
            "factors": ["obstructed"],
            "proposed_fine": str(normal.fine_suggested),
            "suggested_fine": str(normal.fine_suggested),
        },
    ).content.decode()
    assert f'value="{heavier.fine_suggested}"' in html
    # An amount of their own stays, and is flagged when outside the tier.
    html = client.get(
        url, {"factors": ["obstructed"], "proposed_fine": "60", "suggested_fine": str(normal.fine_suggested)}
    ).content.decode()
    assert 'value="60"' in html and 'data-testid="outside-tier"' in html
    # Grouped by legal effect, heavier first.
    assert html.index("从重") < html.index("从轻") < html.index("减轻")


def test_the_recommendation_endpoint_is_for_those_who_serve_the_notice(cast, make_case, client_for):
    case = make_case("investigating")
    url = reverse("cases:notice-discretion", args=[case.pk])
    assert client_for(cast.officer_b).get(url).status_code == 404  # another town's case
    assert client_for(cast.reviewer_a).get(url).status_code == 403
    closed = make_case("decided")
    assert (
        client_for(cast.officer_a).get(reverse("cases:notice-discretion", args=[closed.pk])).status_code
        == 403
    )


# --- legal review -------------------------------------------------------------------------------------------


def _at_review(make_case, **fields):
    today = timezone.localdate()
    values = {
        "proposed_kinds": ["fine"],
        "proposed_fine": Decimal("300"),
        "notice_served_on": today - dt.timedelta(days=8),
        "reply_due": today - dt.timedelta(days=1),
        "rights_waived": True,
        "review_required": True,
        "review_reasons": ["major_or_complex"],
    }
    values.update(fields)
    return make_case("legal_review", **values)


def test_every_point_must_be_answered_and_a_raised_point_needs_a_note(cast, make_case):
    case = _at_review(make_case)
    before, events, audits = (
        Case.objects.get(pk=case.pk),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(ValidationError) as caught:
        act(case, "pass_review", cast.reviewer_a, note="同意", point_subject="passed")
    assert {f"point_{k}" for k in POINT_KEYS if k != "subject"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError) as caught:
        act(case, "return_review", cast.reviewer_a, **{**all_passed("退回"), "point_evidence": "raised"})
    assert "point_evidence_note" in caught.value.message_dict
    unchanged(case, before, events, audits)


def test_approving_needs_every_point_passed_and_sending_back_a_raised_one(cast, make_case):
    case = _at_review(make_case)
    raised = {**all_passed("证据不足"), "point_evidence": "raised", "point_evidence_note": "缺少现场照片"}
    with pytest.raises(ValidationError, match="raised"):
        act(case, "pass_review", cast.reviewer_a, **raised)
    with pytest.raises(ValidationError, match="Raise the point"):
        act(case, "return_review", cast.reviewer_a, **all_passed("退回"))
    act(case, "return_review", cast.reviewer_a, **raised)
    case.refresh_from_db()
    assert case.stage == "investigating"
    assert case.review_checklist["evidence"] == {"ok": False, "note": "缺少现场照片"}
    event = CaseEvent.objects.get(case=case, action="return_review")
    assert event.data["raised"] == ["evidence"] and event.data["evidence_missing"] is True


def test_the_checklist_is_recorded_and_printed_on_the_review_form(cast, make_case):
    case = _at_review(make_case)
    data = {**all_passed("同意按拟处罚意见作出决定。"), "point_discretion_note": "在一般档内，适当"}
    act(case, "pass_review", cast.reviewer_a, **data)
    case.refresh_from_db()
    assert case.stage == "deciding" and case.reviewed_by == cast.reviewer_a
    assert set(case.review_checklist) == set(POINT_KEYS)
    assert all(point["ok"] for point in case.review_checklist.values())
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=render_pdf(document_html(case, "legal_review")), capture_output=True
    ).stdout.decode()
    text = "".join(out.split())
    assert "法制审核意见书" in text
    for point in ("主体", "事实", "证据", "程序", "法律适用", "裁量"):
        assert point in text
    assert text.count("通过") >= 6 and "在一般档内，适当" in text and "同意按拟处罚意见作出决定。" in text


def test_a_case_at_review_without_evidence_is_flagged(cast, make_case, client_for):
    case = _at_review(make_case)
    html = client_for(cast.reviewer_a).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-testid="review-no-evidence"' in html
    assert 'data-testid="review-checklist"' in html


# --- approval ----------------------------------------------------------------------------------------------


def test_the_supervisor_sends_a_decision_back_and_the_officer_sees_why(cast, make_case, client_for):
    case = _at_review(make_case, review_required=False, review_reasons=[])
    Case.objects.filter(pk=case.pk).update(stage="deciding")
    case.refresh_from_db()
    url = reverse("cases:case-act", args=[case.pk, "return_decision"])
    assert client_for(cast.officer_a).post(url, {"note": "补充"}).status_code == 403
    assert Case.objects.get(pk=case.pk).stage == "deciding"
    response = client_for(cast.supervisor_a).post(url, {"note": "请补充现场照片后重新告知"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).stage == "investigating"
    assert AuditEvent.objects.filter(action="cases.case.return_decision").count() == 1
    html = client_for(cast.officer_a).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-testid="sent-back"' in html and "请补充现场照片后重新告知" in html and "甲队长" in html


def test_the_approval_card_shows_the_request_before_the_buttons(cast, make_case, client_for):
    case = _at_review(make_case, review_required=False, review_reasons=[], deviation_reason="初次违法")
    Case.objects.filter(pk=case.pk).update(stage="deciding")
    CaseEvent.objects.create(
        case=case, action="submit_for_decision", actor=cast.officer_a, to_stage="deciding", note="请审批"
    )
    html = client_for(cast.supervisor_a).get(reverse("cases:case", args=[case.pk])).content.decode()
    card = html[html.index('data-testid="approval-card"') : html.index('data-testid="case-actions"')]
    assert "罚款300元" in card and "人民币300.00元" not in card  # the pages' money format, not the document's
    assert "甲执法员" in card and "请审批" in card and "初次违法" in card
    assert reverse("cases:document-preview", args=[case.pk, "decision"]) in card
    english = client_for(cast.supervisor_a).get(reverse("cases:case", args=[case.pk]) + "?lang=en")
    assert "Penalty as notified: Fine (罚款) 300 yuan" in english.content.decode()
    officer = client_for(cast.officer_a).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-testid="approval-card"' not in officer  # for whoever answers the request
