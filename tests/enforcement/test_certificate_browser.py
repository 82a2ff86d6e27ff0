"""The electronic certificate in real Chromium at 390 px under the app's CSP: a visitor verifies an officer's
certificate from the portal by number and name; the officer's own page shows the card whose QR encodes the
public check's address, and that address (printed under the QR) opens the check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enforcement.certificate_pages import qr_svg_data_uri
from enforcement.models import Certificate, Role
from enforcement.services import certificate_issue, certificate_revoke
from tests.conftest import browser_login, save_screenshot
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(cast):
    """A demo-like officer: 王建国 of town A with a certificate numbered as the demo's are."""
    today = timezone.localdate()
    person = make_user(cast.town_a, [Role.OFFICER], username="shiyoulu_like", full_name="王建国")
    certificate_issue(
        actor=None,
        holder=person,
        number="500103001000",
        issuing_body="重庆市人民政府",
        valid_from=today - dt.timedelta(days=400),
        valid_to=today + dt.timedelta(days=700),
        domains=["city_management", "fire_safety"],
    )
    return person


def test_visitor_verifies_a_certificate_from_the_portal(phone_page, officer):
    page = phone_page
    page.goto(f"{page.base_url}/")
    box = page.locator("[data-testid=portal-certificate]")
    box.scroll_into_view_if_needed()
    box.locator("[data-testid=certificate-lookup-number]").fill("500103001000")
    box.locator("[data-testid=certificate-lookup-name]").fill("王建国")
    box.locator("[data-testid=certificate-lookup-submit]").click()
    state = page.locator("[data-testid=verify-state]")
    state.wait_for()
    assert state.get_attribute("data-state") == "valid"
    assert "今日有效" in state.inner_text()
    assert page.locator("[data-testid=verify-holder]").inner_text() == "王建国"
    assert "shiyoulu_like" not in page.content()
    # The card fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save_screenshot(page, "certificate-portal-verified-390")

    # A wrong name gives nothing about the certificate.
    page.goto(f"{page.base_url}/verify/certificate/?number=500103001000&name=王建")
    page.locator("[data-testid=certificate-lookup-none]").wait_for()
    assert page.locator("[data-testid=verify-state]").count() == 0


def test_officer_shows_the_card_and_its_qr_opens_the_check(phone_page, browser, officer, cast):
    page = phone_page
    browser_login(page, "shiyoulu_like")
    page.locator("[data-testid=show-certificate]").click()
    card = page.locator("[data-testid=certificate-card]")
    card.wait_for()
    assert card.get_attribute("data-state") == "valid"
    assert page.locator("[data-testid=certificate-number]").inner_text() == "500103001000"
    url = page.locator("[data-testid=certificate-verify-url]").inner_text()
    certificate = Certificate.objects.get(number="500103001000")
    assert url == f"{page.base_url}/verify/certificate/{certificate.verification_token}/"
    # The QR encodes exactly that address (segno is deterministic: the same text gives the same image).
    assert page.locator("[data-testid=certificate-qr]").get_attribute("src") == qr_svg_data_uri(url)
    qr_box = page.locator("[data-testid=certificate-qr]").bounding_box()
    assert qr_box is not None and qr_box["width"] >= 240  # large enough to scan from a phone held out
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save_screenshot(page, "certificate-mine-390")

    # The party scans it: the public check, without a login.
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    party = visitor.new_page()
    party.goto(url)
    assert party.locator("[data-testid=verify-state]").get_attribute("data-state") == "valid"
    # Revoked at the office: the same QR now says so.
    certificate_revoke(actor=cast.admin, certificate=certificate)
    party.reload()
    assert party.locator("[data-testid=verify-state]").get_attribute("data-state") == "revoked"
    visitor.close()
