"""Live matching on a phone: the try-it page, the rule editor's try box and the complaint entry form."""

from __future__ import annotations

import pytest

from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suggestions_appear_as_you_type(cast, catalog, phone_page):
    page = phone_page
    browser_login(page, "supervisor_a")
    page.goto(f"{page.base_url}/matching/")
    page.fill("#id_text", "電瓶車停在樓道裡充電，門口還有人佔道擺攤")
    first = page.locator("[data-testid=candidate]").first
    first.wait_for()
    assert first.get_attribute("data-code") == "T-EBIKE"
    codes = [c.get_attribute("data-code") for c in page.locator("[data-testid=candidate]").all()]
    assert "T-STALL" in codes
    marks = page.locator("[data-testid=highlighted] mark").all_inner_texts()
    assert "電瓶車" in marks and "樓道" in marks
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "page scrolls sideways on a phone"
    )
    save_screenshot(page, "matching-try-zh")
    page.fill("#id_text", "我和邻居因为借钱吵架了")
    page.locator("[data-testid=no-match]").wait_for()
    save_screenshot(page, "matching-try-no-match")


def test_the_rule_editor_try_box_marks_the_terms_of_the_item(cast, catalog, phone_page):
    page = phone_page
    browser_login(page, "supervisor_a")
    page.goto(f"{page.base_url}/matching/rules/item/{catalog['T-STALL'].pk}/")
    page.fill("[data-testid=rule-form] [name=pattern]", "烤红薯")
    page.click("[data-testid=rule-form] button")
    page.wait_for_selector("[data-testid=rules] code:text('烤红薯')")
    page.fill("#id_text", "小区门口有人卖烤红薯")
    page.locator("[data-testid=item-highlight]").wait_for()
    assert "烤红薯" in page.locator("[data-testid=item-try-result] mark").all_inner_texts()
    save_screenshot(page, "matching-rule-editor")


def test_the_complaint_form_suggests_items(cast, catalog, phone_page):
    page = phone_page
    browser_login(page, "officer_a")
    page.goto(f"{page.base_url}/complaints/new/")
    page.fill("#id_text", "Someone keeps blocking the fire exit of the mall with boxes")
    page.locator("[data-testid=suggest-box] [data-testid=candidate]").first.wait_for()
    assert (
        page.locator("[data-testid=suggest-box] [data-testid=candidate]").first.get_attribute("data-code")
        == "T-EXIT"
    )
    save_screenshot(page, "complaint-form-suggestions")
    page.click("[data-testid=complaint-form] button")
    page.wait_for_selector("[data-testid=complaint-text]")
