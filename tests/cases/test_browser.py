"""A penalty case from lead to archive on phones, the way the town's people do it: the officer files the lead
from the form (picking the suggested item), both officers declare, and officer, second officer, supervisor and
legal reviewer each take their steps from the case page. Real Chromium, real server, Chinese UI."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Case
from cases.review import POINT_KEYS
from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser, base_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(30_000)  # the suite shares 2 cores with a production boot
    page = context.new_page()
    page.emulate_media(reduced_motion="reduce")
    page.base_url = base_url
    return context, page


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{page.url} scrolls sideways"
    )


def review_all_passed(form, note: str) -> None:
    """The legal review checklist: every point passed, and the opinion."""
    for key in POINT_KEYS:
        form.locator(f"input[name=point_{key}][value=passed]").check()
    form.locator("textarea[name=note]").fill(note)


def _stage(case_pk: int) -> str:
    return Case.objects.values_list("stage", flat=True).get(pk=case_pk)


def _act(page, case_url: str, action: str, fill=None) -> None:
    """Open the case page, expand the action's form, fill it, submit, and check it was done."""
    page.goto(case_url)
    page.click(f"[data-testid=action-{action}]")
    page.wait_for_selector(f"#act-{action}.collapse.show")  # fully open: not mid-animation
    form = page.locator(f"[data-testid=form-{action}]")
    if fill is not None:
        fill(form)
    try:
        with page.expect_navigation():
            page.click(f"[data-testid=submit-{action}]")
    except Exception:
        save_screenshot(page, f"case-failed-{action}")
        raise
    errors = page.locator(
        f"[data-testid=form-{action}] .invalid-feedback, [data-testid=form-{action}] "
        "[data-testid=form-errors]"
    )
    assert errors.count() == 0, f"{action}: " + " ".join(errors.all_inner_texts())
    assert page.locator(".alert-success").count() == 1, (
        f"{action} was not done: {page.locator('main').inner_text()[:500]}"
    )


def test_a_case_from_lead_to_archive(cast, big_item, stall_item, phone_page, browser):
    officer = phone_page
    officer.emulate_media(reduced_motion="reduce")
    base = officer.base_url
    browser_login(officer, "officer_a")

    # The officer files the lead on the phone, picking the item the matcher suggests.
    officer.goto(f"{base}/cases/new/")
    _no_sideways_scroll(officer)
    officer.fill("#id_title", "村口违法建设砖房")
    officer.locator("#id_description").press_sequentially("在村口未经规划许可违法建设两层砖房", delay=20)
    candidate = officer.locator(f"[data-testid=candidate][data-code='{big_item.code}']")
    candidate.wait_for()
    assert "甲街道" in candidate.inner_text()  # who holds it
    candidate.locator("button[data-pick]").click()
    assert officer.input_value("#id_item") == big_item.code
    officer.fill("#id_place", "甲街道村口")
    officer.check("input[name=party_kind][value=person]")
    officer.fill("#id_party_name", "赵六")
    officer.fill("#id_party_identifier", "500103198001011234")
    officer.fill("#id_party_age", "45")
    officer.check(f"input[name=officers][value='{cast.officer_a2.pk}']")
    save_screenshot(officer, "case-lead-form")
    with officer.expect_navigation():
        officer.click("[data-testid=case-submit]")
    case = Case.objects.get()
    case_url = f"{base}/cases/{case.pk}/"
    assert officer.url.startswith(case_url)
    assert (case.item, case.stage) == (big_item, "lead")
    _no_sideways_scroll(officer)

    # Both officers declare that they have no conflict (art 43).
    officer.click("[data-testid=declare-submit]")
    officer.wait_for_selector("[data-testid=declare-form]", state="detached")
    context2, second = _phone(browser, base)
    contexts = [context2]
    try:
        browser_login(second, "officer_a2")
        second.goto(case_url)
        with second.expect_navigation():
            second.click("[data-testid=declare-submit]")
        assert second.locator("[data-testid=declare-form]").count() == 0

        _act(officer, case_url, "start_check")
        _act(officer, case_url, "propose_filing")
        assert _stage(case.pk) == "filing_review"

        context3, supervisor = _phone(browser, base)
        contexts.append(context3)
        browser_login(supervisor, "supervisor_a")
        supervisor.goto(f"{base}/cases/approvals/")
        assert supervisor.locator(f"[data-testid=case-row][data-case='{case.pk}']").is_visible()
        _act(supervisor, case_url, "approve_filing")
        case.refresh_from_db()
        assert case.stage == "investigating" and case.number
        assert case.number in supervisor.inner_text("[data-testid=case-number]")

        def notice(form):
            form.locator("input[name=penalty_kinds][value=fine]").check()
            form.locator("input[name=proposed_fine]").fill("20000")
            form.locator("textarea[name=deviation_reason]").fill("当事人系初次违法，且房屋系自住。")

        _act(officer, case_url, "serve_notice", notice)
        case.refresh_from_db()
        assert case.stage == "notified" and case.hearing_offered

        _act(
            officer,
            case_url,
            "record_statement",
            lambda f: f.locator("textarea[name=note]").fill("当事人称房屋系自住，请求从轻处罚。"),
        )

        def submit(form):
            # No evidence is on file: the fence warns before submitting, and the officer gives the reason.
            form.locator("[data-testid=fence-finding][data-rule='cases.review_without_evidence']").wait_for()
            form.locator("textarea[name=fence_reason]").fill("现场笔录和照片另卷归档。")

        _act(second, case_url, "submit_for_decision", submit)
        assert _stage(case.pk) == "legal_review"

        context4, reviewer = _phone(browser, base)
        contexts.append(context4)
        browser_login(reviewer, "reviewer_a")
        reviewer.goto(f"{base}/cases/reviews/")
        assert reviewer.locator(f"[data-testid=case-card][data-case='{case.pk}']").is_visible()
        _act(
            reviewer,
            case_url,
            "pass_review",
            lambda f: review_all_passed(f, "事实清楚，证据确凿，程序合法，同意。"),
        )
        assert _stage(case.pk) == "deciding"

        def decide(form):
            form.locator("input[name=penalty_kinds][value=fine]").check()
            form.locator("input[name=fine]").fill("20000")
            form.locator("textarea[name=deviation_reason]").fill("当事人如实陈述，积极配合调查。")
            form.locator("textarea[name=collective_discussion]").fill("经队务会集体讨论，同意上述处罚。")

        _act(supervisor, case_url, "decide", decide)
        case.refresh_from_db()
        assert case.stage == "decided" and case.fine == Decimal("20000")

        # The decision as a PDF.
        supervisor.goto(case_url)
        with supervisor.expect_navigation():
            supervisor.click("[data-testid=generate-decision]")
        link = supervisor.locator("[data-testid=document-row] a").first
        response = supervisor.request.get(base + link.get_attribute("href"))
        assert response.ok and response.headers["content-type"].startswith("application/pdf")
        assert response.body()[:5] == b"%PDF-"

        _act(
            officer,
            case_url,
            "serve_decision",
            lambda f: f.locator("select[name=method]").select_option("direct"),
        )

        def pay(form):
            form.locator("input[name=amount]").fill("20000")
            form.locator("select[name=channel]").select_option("bank")
            form.locator("input[name=receipt]").fill("NS2026000123")

        _act(officer, case_url, "record_payment", pay)
        assert _stage(case.pk) == "executed"
        _act(supervisor, case_url, "close")
        _act(
            supervisor,
            case_url,
            "archive",
            lambda f: f.locator("input[name=archive_ref]").fill("甲街道档〔2026〕1号"),
        )
        save_screenshot(supervisor, "case-archived")
        _no_sideways_scroll(supervisor)

        assert _stage(case.pk) == "archived"
        assert supervisor.locator("[data-testid=case-stage]").get_attribute("data-stage") == "archived"
        assert "归档" in supervisor.inner_text("[data-testid=case-stage]")
        steps = supervisor.eval_on_selector_all(
            "[data-testid=timeline-event]", "items => items.map(i => i.dataset.action)"
        )
        expected = [
            "create",
            "declare",
            "declare",
            "start_check",
            "propose_filing",
            "approve_filing",
            "serve_notice",
            "record_statement",
            "submit_for_decision",
            "pass_review",
            "decide",
            "serve_decision",
            "record_payment",
            "close",
            "archive",
        ]
        assert [s for s in steps if s in expected] == expected
        assert supervisor.locator("[data-testid=no-actions]").count() == 1
    finally:
        for context in contexts:
            context.close()


def test_a_decision_heavier_than_the_notice_is_refused_on_the_page(cast, make_case, phone_page):
    today = timezone.localdate()
    case = make_case(
        "deciding",
        proposed_kinds=["fine"],
        proposed_fine=Decimal("200"),
        notice_served_on=today,
        statement_made=True,
        reply_due=today,
    )
    page = phone_page
    browser_login(page, "supervisor_a")
    case_url = f"{page.base_url}/cases/{case.pk}/"
    page.goto(case_url)
    page.click("[data-testid=action-decide]")
    form = page.locator("[data-testid=form-decide]")
    form.locator("input[name=penalty_kinds][value=fine]").check()
    form.locator("input[name=fine]").fill("400")
    form.locator("textarea[name=deviation_reason]").fill("情节较重")
    with page.expect_navigation():
        page.click("[data-testid=submit-decide]")
    form = page.locator("[data-testid=form-decide]")
    assert form.is_visible()  # reopened with the refusal on it
    text = form.inner_text()
    assert (
        "400" in text and "200" in text and ("45" in text or "第四十五条" in text)
    )  # the fine, the notice's fine, the article
    save_screenshot(page, "case-decision-refused")
    _no_sideways_scroll(page)
    assert _stage(case.pk) == "deciding"
    case.refresh_from_db()
    assert case.fine is None and case.decided_on is None
