"""Officers are told about their cases in the in-app inbox (the whistles' bell and notifications page): asked
to declare on recusal, a request sent back, a request approved (filing, decision, archiving: by whom and what
next), a deadline within 2 working days. Once each, however often the step or the sweep is retried."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from cases import notices
from cases.approval import cases_archive
from cases.lifecycle import case_create
from cases.models import Case
from cases.selectors import case_recommendation
from enforcement.calendar import add_working_days
from tests.cases.test_workflow import act, declared_lead, filed, lead_data
from whistles.models import Notification
from whistles.notifications import link_for, render

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def _inbox(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_the_second_officer_is_asked_to_declare_once(cast, stall_item):
    case = case_create(actor=cast.officer_a, data=lead_data(cast, stall_item))
    [asked] = _inbox(cast.officer_a2, "case.declare")
    assert _inbox(cast.officer_a, "case.declare") == []  # not the officer who assigned them
    with translation.override("zh-hans"):
        assert "回避声明" in render(asked) and case.reference in render(asked)
    with translation.override("en"):
        assert "filing waits on your declaration" in render(asked)
    assert link_for(asked) == reverse("cases:case", args=[case.pk])
    # Retried (a second call, or the officers set again): nothing new.
    assert notices.notify_declarations(case, actor=cast.officer_a) == 0
    assert len(_inbox(cast.officer_a2, "case.declare")) == 1


def test_a_filing_sent_back_tells_the_handling_officers_who_and_why(cast, stall_item):
    case = declared_lead(cast, stall_item)
    act(case, "start_check", cast.officer_a)
    act(case, "propose_filing", cast.officer_a)
    act(case, "reject_filing", cast.supervisor_a, note="当事人身份证明缺失，请补充")
    for officer in (cast.officer_a, cast.officer_a2):
        [sent_back] = _inbox(officer, "case.returned")
        with translation.override("zh-hans"):
            text, reference = render(sent_back), case.reference
        assert "甲队长退回了" in text and "。当事人身份证明缺失" in text and reference in text
    assert _inbox(cast.supervisor_a, "case.returned") == []  # not the one who acted


def test_an_approved_decision_tells_the_officers_and_when_to_serve(cast, stall_item):
    case = filed(cast, stall_item)
    suggested = case_recommendation(case).fine_suggested
    act(case, "serve_notice", cast.officer_a, penalty_kinds=["fine"], proposed_fine=suggested, factors=[])
    act(case, "waive_rights", cast.officer_a, note="当事人放弃陈述申辩")
    act(case, "submit_for_decision", cast.officer_a)
    case.refresh_from_db()
    if case.stage == "legal_review":
        from tests.cases.test_workflow import all_passed

        act(case, "pass_review", cast.reviewer_a, **all_passed("同意"))
    act(
        case,
        "decide",
        cast.supervisor_a,
        penalty_kinds=["fine"],
        fine=suggested,
        deviation_reason="",
        decided_on=timezone.localdate(),
    )
    [approved] = _inbox(cast.officer_a, "case.decided")
    with translation.override("en"):
        text = render(approved)
    assert "approved the decision" in text and "Service deadline" in text and "working day" in text


def test_the_deadline_sweep_tells_once_per_deadline(cast, make_case):
    today = timezone.localdate()
    soon = make_case("investigating", decision_due=add_working_days(today, 2))
    far = make_case("investigating", decision_due=add_working_days(today, 10))
    for case in (soon, far):
        Case.objects.filter(pk=case.pk).update(next_due=case.decision_due)
    assert notices.notify_due_soon(today=today) == 2  # officer_a and officer_a2 of `soon`
    assert notices.notify_due_soon(today=today) == 0  # the sweep again: nothing twice
    [reminder] = _inbox(cast.officer_a, "case.due_soon")
    with translation.override("zh-hans"):
        assert "处罚决定期限" in render(reminder) and "还剩2个工作日" in render(reminder)
    assert Notification.objects.filter(kind="case.due_soon", params__id=far.pk).count() == 0


def test_the_officer_reads_them_on_the_notifications_page(cast, stall_item, client_for):
    case_create(actor=cast.officer_a, data=lead_data(cast, stall_item))
    page = client_for(cast.officer_a2).get(reverse("whistle-notifications") + "?lang=zh-hans")
    assert page.status_code == 200 and "回避声明" in page.content.decode()


def test_an_approved_filing_tells_the_officers_who_approved_and_what_to_do_next(cast, stall_item):
    case = filed(cast, stall_item)  # proposed by officer_a, approved by supervisor_a
    for officer in (cast.officer_a, cast.officer_a2):
        [approved] = _inbox(officer, "case.approved")
        with translation.override("zh-hans"):
            text = render(approved)
        assert f"甲队长已批准立案：{case.number}（{case.title}）。请开展调查。处罚决定期限" in text
        assert "还剩" in text and "工作日" in text
        assert link_for(approved) == reverse("cases:case", args=[case.pk])
    with translation.override("en"):
        text = render(_inbox(cast.officer_a, "case.approved")[0])
    assert f"approved filing: {case.number} ({case.title}). Investigate the case. Decision deadline" in text
    # Not the supervisor who acted, and nobody of another town.
    assert _inbox(cast.supervisor_a, "case.approved") == []
    assert _inbox(cast.officer_b, "case.approved") == []


def test_a_refused_approval_tells_nobody(cast, stall_item):
    case = declared_lead(cast, stall_item)
    act(case, "start_check", cast.officer_a)
    act(case, "propose_filing", cast.officer_a)
    with pytest.raises(PermissionDenied):
        act(case, "approve_filing", cast.officer_a2)  # an officer may not approve
    assert Notification.objects.filter(kind="case.approved").count() == 0


def test_archiving_several_cases_tells_each_cases_officers_once(cast, make_case):
    closed = [make_case("closed", closed_on=timezone.localdate()) for _ in range(2)]
    result = cases_archive(actor=cast.supervisor_a, case_ids=[c.pk for c in closed], archive_ref="2026-03")
    assert len(result.archived) == 2
    for case in closed:
        told_of = Notification.objects.filter(recipient=cast.officer_a, params__id=case.pk)
        [told] = told_of.filter(kind="case.approved")
        with translation.override("zh-hans"):
            assert render(told).startswith("甲队长已批准归档：") and render(told).endswith("无需再办理。")
    # Asked again: each case is refused (already archived) and nobody is told twice.
    again = cases_archive(actor=cast.supervisor_a, case_ids=[c.pk for c in closed], archive_ref="2026-03")
    assert again.archived == [] and len(again.refused) == 2
    assert Notification.objects.filter(recipient=cast.officer_a, kind="case.approved").count() == 2
