"""A form with errors on a phone (issue 17): a summary at the top, the first field with an error focused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_incomplete_lead_shows_a_summary_and_moves_to_the_first_error(cast, stall_item, phone_page):
    page = phone_page
    browser_login(page, "officer_a")
    page.goto(page.base_url + reverse("cases:case-new"))
    page.click("[data-testid=case-submit]")
    summary = page.locator("[data-testid=error-summary]")
    summary.wait_for()
    assert "请更正以下内容" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('is-invalid')")
    # Its links move to the field.
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.classList.contains('is-invalid')")
