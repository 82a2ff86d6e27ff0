"""The 404 and 500 pages in Chromium, on a phone and a desktop, in both languages: readable, no sideways
scroll, no console error, and the 500 page's language link works."""

from __future__ import annotations

import pytest

from tests.conftest import browser_login, save_screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.production.urls_raising"),
]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.mark.server_error_expected
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_error_pages_read_well_in_both_languages(cast, browser, live_server, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], device_scale_factor=1)
    context.set_default_timeout(30_000)  # the suite shares 2 cores with a production boot
    page = context.new_page()
    page.base_url = live_server.url
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        browser_login(page, "officer_a")
        for lang, not_found, failed in (
            ("zh-hans", "找不到该页面", "服务器出了点问题"),
            ("en", "Page not found", "Something went wrong on our side"),
        ):
            assert page.goto(f"{live_server.url}/cases/999999999/?lang={lang}").status == 404
            page.get_by_role("heading", name=not_found).wait_for()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            save_screenshot(page, f"error-404-{lang}-{viewport}")
            assert page.goto(f"{live_server.url}/boom/?lang={lang}").status == 500
            page.get_by_role("heading", name=failed).wait_for()
            assert page.locator("[data-testid=request-id]").inner_text().strip()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            save_screenshot(page, f"error-500-{lang}-{viewport}")
        # The 500 page's own language switch (a plain link: the page has no CSRF token for the usual form).
        if viewport == "desktop":
            page.get_by_role("link", name="中文").click()
            page.get_by_role("heading", name="服务器出了点问题").wait_for()
    finally:
        context.close()
    # Chromium reports the document's own 404/500 status as a console error; anything else is a real one.
    assert all("status of 404" in e or "status of 500" in e for e in errors), errors
