"""The top bar's language switch is a link (no CSRF token on a page without a form, issue 18): a visitor
switches a public page to English and back, and stays on the same page."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_switches_a_public_page_to_english_and_back(cast, browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    url = f"{live_server.url}{reverse('authority-town', args=[cast.town_a.code])}"
    page.goto(url)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("input[name=csrfmiddlewaretoken]").count() == 0
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    assert page.url == url
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("[data-testid=lang-zh]").inner_text() == "中文"
    with page.expect_navigation():
        page.click("[data-testid=lang-zh]")
    assert page.url == url
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("[data-testid=lang-en]").inner_text() == "English"
    context.close()
