from __future__ import annotations

import pytest

from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_home_in_chinese_then_english_on_a_phone(cast, phone_page):
    page = phone_page
    browser_login(page, "officer_a")
    assert page.locator("[data-testid=may-act]").inner_text().strip().endswith("今日可以执法")
    assert page.locator("[data-testid=home-unit]").inner_text().startswith("甲街道")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "page scrolls sideways on a phone"
    )
    save_screenshot(page, "home-officer-zh")
    page.wait_for_load_state("networkidle")  # htmx fills the notification bell; let the bar settle
    page.click("button.navbar-toggler")
    page.locator("#nav.show").wait_for()
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    page.wait_for_selector("text=My enforcement status")
    assert page.locator("[data-testid=may-act]").inner_text().strip().endswith("You may act today")
    save_screenshot(page, "home-officer-en")
    page.wait_for_load_state("networkidle")
    page.click("button.navbar-toggler")
    page.locator("#nav.show").wait_for()
    page.click("[data-testid=logout]")
    page.wait_for_selector("text=Officer log in")


def test_wrong_password_shows_a_message_not_an_error_page(cast, phone_page):
    page = phone_page
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", "wrong")
    page.click("[data-testid=login-submit]")
    assert page.locator("[data-testid=login-error]").is_visible()
