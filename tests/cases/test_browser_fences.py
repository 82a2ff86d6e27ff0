"""The fence prompt in the browser (issue 14's done-when): on the notice form the officer proposes a fine
outside the benchmark tier, sees the warning before submitting (htmx), gives the reason and serves the
notice; the warning row exists with the reason; the town's supervisor finds it on the desk and reviews it.
Real Chromium, real server. Also the district administrator's settings page. Screenshots at 390 and 1366 px
in Chinese and English."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cases.models import Case
from cases.selectors import case_recommendation
from enforcement.models import FenceWarning
from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "当事人经济困难，且已当场改正。"


def _page(browser, base_url, width: int):
    height = 844 if width < 800 else 900
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.emulate_media(reduced_motion="reduce")
    page.base_url = base_url
    return context, page


def _open_notice(page, case: Case, lang: str) -> None:
    page.goto(f"{page.base_url}/cases/{case.pk}/?lang={lang}")
    page.click("[data-testid=action-serve_notice]")
    page.wait_for_selector("#act-serve_notice.collapse.show")


def _propose(page, fine: Decimal) -> None:
    form = page.locator("[data-testid=form-serve_notice]")
    fine_box = form.locator("input[name=proposed_fine]")
    fine_box.fill(str(fine))
    with page.expect_response(lambda r: "/notice/discretion/" in r.url):
        fine_box.dispatch_event("change")
    page.wait_for_selector("[data-testid=fence-finding][data-rule='discretion.deviation']")


def test_the_officer_sees_the_prompt_gives_a_reason_and_proceeds(cast, make_case, browser, live_server):
    case = make_case("investigating")
    below = case_recommendation(case).fine_min - Decimal("10")
    context, page = _page(browser, live_server.url, 390)
    try:
        browser_login(page, "officer_a")
        _open_notice(page, case, "zh-hans")
        _propose(page, below)
        finding = page.locator("[data-testid=fence-finding][data-rule='discretion.deviation']")
        assert finding.get_attribute("data-severity") == "warning"
        assert "第三十四条" in finding.inner_text()
        assert not FenceWarning.objects.exists()  # shown, not yet kept
        page.locator("[data-testid=fence-finding]").first.scroll_into_view_if_needed()
        save_screenshot(page, "fences-notice-prompt-390-zh")

        # Submitting without the reason is refused on the form, asking for it.
        with page.expect_navigation():
            page.click("[data-testid=submit-serve_notice]")
        assert page.locator("[data-testid=form-serve_notice] .invalid-feedback").count() >= 1
        assert Case.objects.get(pk=case.pk).stage == "investigating"

        form = page.locator("[data-testid=form-serve_notice]")
        if not form.is_visible():
            page.click("[data-testid=action-serve_notice]")
            page.wait_for_selector("#act-serve_notice.collapse.show")
        form.locator("input[name=proposed_fine]").fill(str(below))
        form.locator("textarea[name=deviation_reason]").fill(REASON)
        with page.expect_navigation():
            page.click("[data-testid=submit-serve_notice]")
        assert page.locator(".alert-success").count() == 1, page.locator("main").inner_text()[:400]
    finally:
        context.close()
    assert Case.objects.get(pk=case.pk).stage == "notified"
    warning = FenceWarning.objects.get(
        rule="discretion.deviation", object_type="cases.case", object_id=str(case.pk)
    )
    assert warning.reason == REASON and warning.reason_by == cast.officer_a and warning.status == "open"

    # The supervisor's half: the town's supervisor finds it on the desk by rule and officer, sees the
    # officer's reason and marks it justified; it leaves the open queue.
    context, page = _page(browser, live_server.url, 390)
    try:
        browser_login(page, "supervisor_a")
        page.goto(f"{page.base_url}/desk/?rule=discretion.deviation&officer={cast.officer_a.pk}")
        row = page.locator(f"[data-warning='{warning.pk}']")
        assert row.count() == 1
        with page.expect_navigation():
            row.locator("[data-testid=desk-row-link]").click()
        assert REASON in page.locator("[data-testid=warning-reason]").inner_text()
        page.check("input[name=outcome][value=justified]")
        page.fill("#id_note", "经济困难且已改正，理由成立")
        with page.expect_navigation():
            page.click("[data-testid=review-submit]")
        assert "理由成立" in page.locator("[data-testid=warning-review]").inner_text()
        save_screenshot(page, "fences-desk-justified-390-zh")
        page.goto(f"{page.base_url}/desk/?rule=discretion.deviation")
        assert page.locator(f"[data-warning='{warning.pk}']").count() == 0
    finally:
        context.close()
    warning.refresh_from_db()
    assert warning.status == "justified" and warning.reviewed_by == cast.supervisor_a


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_screens_of_the_prompt_and_the_settings_page(cast, make_case, browser, live_server, width, lang):
    case = make_case("investigating")
    below = case_recommendation(case).fine_min - Decimal("10")
    context, page = _page(browser, live_server.url, width)
    try:
        browser_login(page, "officer_a")
        _open_notice(page, case, lang)
        _propose(page, below)
        page.locator("[data-testid=fence-finding]").first.scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        save_screenshot(page, f"fences-notice-prompt-{width}-{lang}")
    finally:
        context.close()
    context, page = _page(browser, live_server.url, width)
    try:
        browser_login(page, "district_admin")
        page.goto(f"{page.base_url}/fences/rules/?lang={lang}")
        assert page.locator("[data-testid=fence-rules] tr[data-rule]").count() >= 10
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        save_screenshot(page, f"fences-rules-{width}-{lang}")
        page.goto(f"{page.base_url}/fences/rules/cases.review_without_evidence/?lang={lang}")
        page.fill("[data-testid=fence-setting-form] input[name=param_min_evidence]", "-3")
        page.fill("[data-testid=fence-setting-form] input[name=note]", "加严")
        with page.expect_navigation():
            page.click("[data-testid=fence-setting-form] button")
        assert page.locator(".invalid-feedback").count() >= 1
        save_screenshot(page, f"fences-rule-error-{width}-{lang}")
        page.fill("[data-testid=fence-setting-form] input[name=param_min_evidence]", "2")
        with page.expect_navigation():
            page.click("[data-testid=fence-setting-form] button")
        assert page.locator(".alert-success").count() == 1
        save_screenshot(page, f"fences-rule-{width}-{lang}")
    finally:
        context.close()
