"""The behaviour that moved out of inline handlers into static files still works under the CSP, in Chromium:
a filter that submits itself, a confirmation before an irreversible action, "use my location"."""

from __future__ import annotations

import pytest

from enforcement.models import Certificate
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_filter_submits_itself_and_revoking_asks_first(cast, phone_page):
    page = phone_page
    browser_login(page, cast.admin.username)
    page.goto(f"{page.base_url}/officers/")
    with page.expect_navigation():
        page.select_option("select[name=unit]", cast.town_b.code)
    assert f"unit={cast.town_b.code}" in page.url
    row = page.locator(f"tr[data-user={cast.officer_b.username}]")
    certificate = Certificate.objects.get(holder=cast.officer_b)

    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button").click()
    page.wait_for_timeout(500)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None, "dismissing the confirmation must not revoke"

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        row.get_by_role("button").click()
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None


def test_use_my_location_fills_the_whistle_form(cast, browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 29.556, "longitude": 106.577},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.base_url = live_server.url
        browser_login(page, cast.officer_a.username)
        page.goto(f"{live_server.url}/whistles/new/")
        page.click("#locate")
        page.wait_for_function("() => document.getElementById('id_latitude').value !== ''")
        assert page.input_value("#id_latitude") == "29.556000"
        assert page.input_value("#id_longitude") == "106.577000"
    finally:
        context.close()
