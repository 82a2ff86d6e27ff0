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


def test_an_officer_confirms_a_suggestion_on_a_phone(cast, catalog, phone_page):
    """Issue 15: tick the engine's first suggestion and confirm; then change the label to an item found by
    the search (htmx), which keeps what was ticked."""
    from cases.complaints import complaints_import, complaints_match
    from cases.models import ComplaintLabel

    report = complaints_import(
        actor=cast.officer_a, town=cast.town_a, rows=[{"text": "我们楼道里天天有人给电瓶车充电"}]
    )
    complaints_match(ids=report.created)
    pk = report.created[0]
    page = phone_page
    browser_login(page, "officer_a")
    page.goto(f"{page.base_url}/complaints/{pk}/")
    first = page.locator("[data-testid=match-result] .suggestion").first
    assert first.get_attribute("data-code") == "T-EBIKE"
    assert first.locator("[data-testid=confidence]").inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "page scrolls sideways on a phone"
    )
    save_screenshot(page, "complaint-label-before")
    first.locator("[data-testid=pick]").check()
    page.click("[data-testid=label-confirm]")
    page.locator("[data-testid=label-current] [data-code=T-EBIKE]").wait_for()
    label = ComplaintLabel.objects.get(complaint_id=pk)
    assert label.codes == ["T-EBIKE"] and label.labelled_by == cast.officer_a
    save_screenshot(page, "complaint-label-confirmed")
    page.click("details.label-controls summary")
    ticked = page.locator("[data-testid=match-result] [data-testid=pick]:checked")
    assert [t.get_attribute("value") for t in ticked.all()] == ["T-EBIKE"]  # the label as it stands
    ticked.first.uncheck()
    page.fill("#label-q", "餐馆油烟直接排放")
    page.locator("#label-choices input[value=T-FUME]").check()
    page.locator("#label-choices input[value=T-FUME]").wait_for()
    page.click("[data-testid=label-confirm]")
    page.locator("[data-testid=label-current] [data-code=T-FUME]").wait_for()
    label.refresh_from_db()
    assert label.codes == ["T-FUME"]
