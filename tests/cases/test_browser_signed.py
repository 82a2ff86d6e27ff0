"""Issue 16's "done when", in Chromium on phones (390 px): officer, legal reviewer and supervisor take a
case from the notice to the decision. Ticking an aggravating circumstance changes the recommendation
without a reload; a notice outside the tier asks for the reason; the legal review checklist is recorded;
the approval card shows the proposal and the draft; the decision PDF (pdftotext) carries the organ's legal
name, the findings as edited, the tier and the discretion reason, and no label twice; served, the decision
is on the town's public page, redacted."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest

from cases.evidence import evidence_add_many
from cases.models import Case
from cases.review import POINT_KEYS
from enforcement.models import Unit
from tests.cases.test_evidence import jpeg_bytes, upload
from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEGAL_NAME = "测试市测试区甲街道办事处"
FINDINGS = "张三于2026年3月1日在测试路1号门前占道摆放货架经营，面积约3平方米，经劝阻仍未撤除"
REASON = "当事人系初次违法且当场撤除货架，按从轻处理"


def _phone(browser, base_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.emulate_media(reduced_motion="reduce")
    page.base_url = base_url
    return context, page


def _open(page, url: str, action: str):
    page.goto(url)
    page.click(f"[data-testid=action-{action}]")
    page.wait_for_selector(f"#act-{action}.collapse.show")
    return page.locator(f"[data-testid=form-{action}]")


def _submit(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-testid=submit-{action}]")


def _done(page, action: str) -> str:
    errors = page.locator(f"[data-testid=form-{action}] .invalid-feedback")
    assert errors.count() == 0, f"{action}: " + " ".join(errors.all_inner_texts())
    return page.inner_text(".alert-success")


def _pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return "".join("".join(line.split()) for line in out.splitlines())


def test_a_case_a_legal_office_would_sign(cast, make_case, phone_page, browser):
    Unit.objects.filter(pk=cast.town_a.pk).update(legal_name=LEGAL_NAME)
    case = make_case("investigating")
    evidence_add_many(
        actor=cast.officer_a,
        case=case,
        uploads=[upload("stall.jpg", jpeg_bytes(), "image/jpeg")],
        caption="现场照片：门前货架",
        kind="",
    )
    officer = phone_page
    base = officer.base_url
    url = f"{base}/cases/{case.pk}/"
    browser_login(officer, "officer_a")
    contexts = []
    try:
        # The officer proposes the penalty: the facts as found, the circumstances grouped by legal effect.
        form = _open(officer, url, "serve_notice")
        assert form.locator("textarea[name=findings]").input_value()  # a draft from the lead
        form.locator("textarea[name=findings]").fill(FINDINGS)
        groups = form.locator("[data-testid=circumstance-group]").all_inner_texts()
        assert groups[0].startswith("从重") and any(g.startswith("从轻") for g in groups)
        box = form.locator("[data-testid=notice-recommendation]")
        suggested = box.get_attribute("data-suggested")
        assert form.locator("[data-testid=proposed-fine]").input_value() == suggested  # pre-filled
        officer.evaluate("window.__sameDocument = true")
        form.locator("[data-testid=factor-obstructed]").check()
        officer.wait_for_function(
            "s => document.querySelector('[data-testid=notice-recommendation]').dataset.suggested !== s",
            arg=suggested,
        )
        assert officer.evaluate("window.__sameDocument === true")  # recomputed in place: no reload
        heavier = form.locator("[data-testid=notice-recommendation]").get_attribute("data-suggested")
        assert Decimal(heavier) > Decimal(suggested)
        assert form.locator("[data-testid=proposed-fine]").input_value() == heavier  # follows the suggestion
        assert "裁量基准建议" in form.locator("[data-testid=notice-recommendation]").inner_text()
        save_screenshot(officer, "signed-notice-recommendation")

        # A fine below the tier: flagged at once, refused without the reason, accepted with it.
        form.locator("[data-testid=proposed-fine]").fill("60")
        form.locator("[data-testid=proposed-fine]").dispatch_event("change")
        officer.wait_for_selector("[data-testid=outside-tier]")
        _submit(officer, "serve_notice")
        error = officer.locator("[data-testid=form-serve_notice] [data-testid=error-deviation_reason]")
        assert "第三十四条" in error.inner_text()
        assert Case.objects.get(pk=case.pk).stage == "investigating"
        form = officer.locator("[data-testid=form-serve_notice]")
        assert form.locator("textarea[name=findings]").input_value() == FINDINGS  # nothing typed is lost
        form.locator("textarea[name=deviation_reason]").fill(REASON)
        _submit(officer, "serve_notice")
        assert "陈述申辩" in _done(officer, "serve_notice")  # what happens next

        form = _open(officer, url, "waive_rights")
        form.locator("textarea[name=note]").fill("当事人书面放弃陈述、申辩")
        _submit(officer, "waive_rights")
        form = _open(officer, url, "submit_for_decision")
        form.locator("input[name=major]").check()
        _submit(officer, "submit_for_decision")
        assert "法制审核" in _done(officer, "submit_for_decision") and "甲法制审核员" in officer.inner_text(
            ".alert-success"
        )

        # The legal reviewer goes through the checklist.
        context, reviewer = _phone(browser, base)
        contexts.append(context)
        browser_login(reviewer, "reviewer_a")
        form = _open(reviewer, url, "pass_review")
        assert reviewer.locator("[data-testid=review-no-evidence]").count() == 0  # a photo is on file
        for key in POINT_KEYS:
            form.locator(f"input[name=point_{key}][value=passed]").check()
        form.locator("input[name=point_discretion_note]").fill("低于从重档，理由已书面说明，适当")
        form.locator("textarea[name=note]").fill("事实清楚，证据确凿，程序合法，同意。")
        save_screenshot(reviewer, "signed-review-checklist")
        _submit(reviewer, "pass_review")
        _done(reviewer, "pass_review")
        result = reviewer.locator("[data-testid=review-result] li")
        assert result.count() == len(POINT_KEYS)
        assert Case.objects.get(pk=case.pk).review_checklist["discretion"]["note"].startswith("低于从重档")

        # The supervisor sees what is asked before the buttons: the proposal, the facts, the photo, the draft.
        context, supervisor = _phone(browser, base)
        contexts.append(context)
        browser_login(supervisor, "supervisor_a")
        supervisor.goto(url)
        card = supervisor.locator("[data-testid=approval-card]")
        assert "罚款60元" in card.locator("[data-testid=approval-proposal]").inner_text()  # the pages' format
        assert REASON in card.inner_text() and FINDINGS in card.inner_text()
        assert card.locator("[data-testid=approval-evidence] img").count() == 1
        assert supervisor.evaluate(
            "document.querySelector('[data-testid=approval-card]').getBoundingClientRect().top"
            " < document.querySelector('[data-testid=case-actions]').getBoundingClientRect().top"
        )  # the summary comes before the approve button
        save_screenshot(supervisor, "signed-approval-card")
        draft = supervisor.request.get(
            base + card.locator("[data-testid=approval-preview]").get_attribute("href")
        )
        assert draft.ok and draft.headers["content-type"] == "application/pdf"
        assert "草稿" in _pdf_text(draft.body()) and FINDINGS in _pdf_text(draft.body())

        form = _open(supervisor, url, "decide")
        assert form.locator("input[name=fine]").input_value() == "60.00"  # the notice's penalty to confirm
        assert form.locator("textarea[name=deviation_reason]").input_value() == REASON
        form.locator("textarea[name=collective_discussion]").fill("经集体讨论，同意按告知内容处罚。")
        _submit(supervisor, "decide")
        assert "送达" in _done(supervisor, "decide")

        with supervisor.expect_navigation():
            supervisor.click("[data-testid=generate-decision]")
        link = supervisor.locator("[data-testid=document-row][data-kind=decision] a").first
        pdf = supervisor.request.get(base + link.get_attribute("href")).body()
        text = _pdf_text(pdf)
        assert text.startswith(LEGAL_NAME) and text.count(LEGAL_NAME) >= 2
        assert f"经查，{FINDINGS}。" in text
        assert "裁量档次" in text and f"裁量理由：{REASON}。" in text
        assert "现场照片：门前货架" in text and "现场照片：现场照片" not in text
        assert "罚决〔" in text
        save_screenshot(supervisor, "signed-decided")
        assert supervisor.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        # Served, the decision is published on the town's public page, without the party's name or ID.
        form = _open(officer, url, "serve_decision")
        form.locator("select[name=method]").select_option("direct")
        _submit(officer, "serve_decision")
        _done(officer, "serve_decision")
        context, public = _phone(browser, base)
        contexts.append(context)
        public.goto(f"{base}/public/towns/{cast.town_a.code}/decisions/")
        decision = public.locator("[data-testid=public-decision]")
        assert decision.count() == 1
        assert decision.locator("[data-testid=public-party]").inner_text() == "张*"
        text = decision.inner_text()
        assert "张三" not in text and case.party_identifier not in text and "罚决〔" in text
        save_screenshot(public, "signed-public-decisions")
    finally:
        for context in contexts:
            context.close()
