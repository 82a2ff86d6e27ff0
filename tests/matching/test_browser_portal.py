"""The public portal on a phone (issue 17's done-when): plain words find the street-stall item and the town
that holds it."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_asks_who_enforces_night_market_stalls(cast, catalog, phone_page):
    page = phone_page
    page.goto(page.base_url + reverse("home"))
    form = page.locator("[data-testid=ask-form]").first
    form.locator("input[name=q]").fill("夜市摆摊")
    with page.expect_navigation():
        form.locator("[data-testid=ask-submit]").click()
    answer = page.locator("[data-testid=ask-answer]")
    answer.wait_for()
    first = answer.locator("[data-code]").first
    assert first.get_attribute("data-code") == "T-STALL"
    assert cast.town_a.name_zh in answer.inner_text()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
