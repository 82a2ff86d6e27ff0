"""The officer's electronic certificate (电子执法证) and its public check: the QR's page by token, the
portal's look-up by number and holder's name (page and API, one throttle), what they show and what they
never show."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcement.models import AuditEvent, Certificate, certificate_verification_token
from enforcement.services import certificate_revoke
from enforcement.verification import (
    CertificateState,
    certificate_check_by_number,
    certificate_check_by_token,
    initials,
)
from tests.factories import make_certificate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def _address() -> str:
    """A fresh client address per client: the look-up's throttle counts per address in the shared cache."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _client() -> Client:
    return Client(REMOTE_ADDR=_address())


def _officer_certificate(cast) -> Certificate:
    return Certificate.objects.get(holder=cast.officer_a)


def _verify(token: str, query: dict[str, str] | None = None):
    return _client().get(reverse("certificate-verify", args=[token]), query or {})


# --- the selectors: the state, on the day asked ---------------------------------------------------------


def test_states_on_the_day(cast):
    today = timezone.localdate()
    officer = cast.officer_a2
    expired = make_certificate(
        officer, valid_from=today - dt.timedelta(days=800), valid_to=today - dt.timedelta(days=1)
    )
    future = make_certificate(
        officer, valid_from=today + dt.timedelta(days=1), valid_to=today + dt.timedelta(days=700)
    )
    last_day = make_certificate(officer, valid_from=today - dt.timedelta(days=10), valid_to=today)
    assert certificate_check_by_token(expired.verification_token, today).state == CertificateState.EXPIRED
    future_state = certificate_check_by_token(future.verification_token, today).state
    assert future_state == CertificateState.NOT_YET_VALID
    check = certificate_check_by_token(last_day.verification_token, today)
    assert check.state == CertificateState.VALID and check.valid
    # The day after, the same certificate has expired: nothing is stored, the state is worked out when asked.
    tomorrow = today + dt.timedelta(days=1)
    assert certificate_check_by_token(last_day.verification_token, tomorrow).state == CertificateState.EXPIRED


def test_revoked_is_revoked_whatever_the_dates(cast):
    certificate = _officer_certificate(cast)
    certificate_revoke(actor=cast.admin, certificate=certificate)
    check = certificate_check_by_token(certificate.verification_token, timezone.localdate())
    assert check.state == CertificateState.REVOKED and not check.valid


def test_tokens_are_random_unique_and_set_on_issue(cast):
    tokens = set(Certificate.objects.values_list("verification_token", flat=True))
    assert len(tokens) == Certificate.objects.count() == 6
    assert all(len(t) >= 24 for t in tokens)
    certificate = _officer_certificate(cast)
    assert certificate.number not in certificate.verification_token
    assert certificate_verification_token() != certificate_verification_token()


def test_number_and_name_must_both_match(cast):
    today = timezone.localdate()
    number = _officer_certificate(cast).number
    assert certificate_check_by_number(number, "甲执法员", today).number == number
    # Spaces, width and case do not matter; a wrong name, a wrong number or a blank give nothing.
    assert certificate_check_by_number(f" {number.lower()} ", "甲 执法员", today) is not None
    assert certificate_check_by_number(number, "乙执法员", today) is None
    assert certificate_check_by_number(number, "officer_a", today) is None  # the login is not the name
    assert certificate_check_by_number("NOPE-1", "甲执法员", today) is None
    assert certificate_check_by_number(number, "", today) is None


def test_initials_stand_in_for_the_photo():
    assert initials("王建国") == "建国"
    assert initials("李娜") == "李娜"
    assert initials("Anna Li") == "AL"
    assert initials("") == "?"


# --- the public page the QR opens -------------------------------------------------------------------------


def test_verify_page_valid(cast):
    certificate = _officer_certificate(cast)
    before = AuditEvent.objects.count()
    response = _verify(certificate.verification_token)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-state="valid"' in body
    assert "今日有效" in body  # the Chinese UI by default
    assert "甲执法员" in body and certificate.number in body and "甲街道" in body
    assert "重庆市人民政府" in body and "城市管理" in body  # the domain in words, not its code
    assert response["Referrer-Policy"] == "no-referrer"
    assert AuditEvent.objects.count() == before  # a look is not a write


def test_verify_page_revoked_and_expired(cast):
    revoked = _officer_certificate(cast)
    certificate_revoke(actor=cast.admin, certificate=revoked)
    body = _verify(revoked.verification_token, {"lang": "en"}).content.decode()
    assert 'data-state="revoked"' in body and "Revoked" in body

    today = timezone.localdate()
    expired = make_certificate(
        cast.officer_b, valid_from=today - dt.timedelta(days=800), valid_to=today - dt.timedelta(days=3)
    )
    response = _verify(expired.verification_token)
    assert response.status_code == 200
    assert 'data-state="expired"' in response.content.decode()


def test_unknown_token_is_a_plain_404(cast):
    response = _verify("not-a-token-of-ours")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'data-testid="certificate-unknown"' in body and "查无此证" in body
    assert _verify("x" * 80).status_code == 404


def test_public_answers_show_no_more_than_the_certificate(cast):
    """No login, phone, e-mail or ID number on the page or in the API, only the listed fields."""
    officer = cast.officer_a
    officer.phone = "13800001234"
    officer.email = "officer.a@example.org"
    officer.save(update_fields=["phone", "email"])
    certificate = _officer_certificate(cast)
    page = _verify(certificate.verification_token).content.decode()
    api = (
        _client()
        .get(reverse("api-certificate-verify"), {"number": certificate.number, "name": "甲执法员"})
        .json()
    )
    assert set(api) == {
        "state",
        "state_label",
        "valid",
        "checked_on",
        "holder",
        "unit",
        "number",
        "issuing_body",
        "valid_from",
        "valid_to",
        "domains",
    }
    for text in (page, str(api)):
        for secret in ("officer_a", "13800001234", "officer.a@example.org"):
            assert secret not in text, secret
    assert certificate.verification_token not in str(api)


# --- the portal's look-up by number and name ---------------------------------------------------------------


def test_portal_has_the_lookup_box(cast):
    body = _client().get(reverse("home")).content.decode()
    assert 'data-testid="portal-certificate"' in body
    assert reverse("certificate-lookup") in body


def test_lookup_page_by_number_and_name(cast):
    client = _client()
    number = _officer_certificate(cast).number
    assert client.get(reverse("certificate-lookup")).status_code == 200  # the empty form
    found = client.get(reverse("certificate-lookup"), {"number": number, "name": "甲执法员"})
    assert found.status_code == 200
    assert 'data-state="valid"' in found.content.decode()
    wrong = client.get(reverse("certificate-lookup"), {"number": number, "name": "乙执法员"})
    assert wrong.status_code == 404
    assert 'data-testid="certificate-lookup-none"' in wrong.content.decode()
    assert 'data-state="' not in wrong.content.decode()
    blank = client.get(reverse("certificate-lookup"), {"number": number, "name": ""})
    assert blank.status_code == 400  # a form error, not a 500
    assert "is-invalid" in blank.content.decode()


def test_lookup_api(cast):
    certificate = _officer_certificate(cast)
    url = reverse("api-certificate-verify")
    answer = _client().get(url, {"number": certificate.number, "name": "甲执法员"})
    assert answer.status_code == 200
    assert answer.json()["state"] == "valid" and answer.json()["holder"] == "甲执法员"
    certificate_revoke(actor=cast.admin, certificate=certificate)
    assert _client().get(url, {"number": certificate.number, "name": "甲执法员"}).json()["state"] == "revoked"
    missing = _client().get(url, {"number": certificate.number, "name": "乙", "lang": "en"})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No certificate matches this number and name."
    assert _client().get(url, {"number": certificate.number}).status_code == 400


def test_lookup_is_throttled_per_address_page_and_api_together(cast):
    client = _client()
    number = _officer_certificate(cast).number
    statuses = [
        client.get(reverse("certificate-lookup"), {"number": number, "name": f"猜{n}"}).status_code
        for n in range(10)
    ]
    assert statuses == [404] * 10
    page = client.get(reverse("certificate-lookup"), {"number": number, "name": "甲执法员"})
    assert page.status_code == 429
    assert "查询过于频繁" in page.content.decode()
    assert int(page["Retry-After"]) >= 1
    api = client.get(reverse("api-certificate-verify"), {"number": number, "name": "甲执法员", "lang": "en"})
    assert api.status_code == 429  # the same count
    assert "throttled" in api.json()["detail"]
    # Another address is not held back; the empty form and the QR's page are never counted.
    elsewhere = _client().get(reverse("certificate-lookup"), {"number": number, "name": "甲执法员"})
    assert elsewhere.status_code == 200
    assert client.get(reverse("certificate-lookup")).status_code == 200
    token = _officer_certificate(cast).verification_token
    assert client.get(reverse("certificate-verify", args=[token])).status_code == 200


# --- the officer's own page ---------------------------------------------------------------------------------


def test_officer_certificate_page(cast, client_for):
    certificate = _officer_certificate(cast)
    response = client_for(cast.officer_a).get(reverse("certificate-mine"))
    assert response.status_code == 200
    body = response.content.decode()
    url = f"http://testserver{reverse('certificate-verify', args=[certificate.verification_token])}"
    assert url in body
    assert 'data-testid="certificate-qr"' in body and "data:image/svg+xml" in body
    assert certificate.number in body and 'data-state="valid"' in body
    assert response.context["verify_url"] == url
    # The address under the QR opens the public page.
    assert Client().get(url.removeprefix("http://testserver")).status_code == 200


def test_officer_page_says_when_the_certificate_is_not_valid(cast, client_for):
    certificate_revoke(actor=cast.admin, certificate=_officer_certificate(cast))
    body = client_for(cast.officer_a).get(reverse("certificate-mine")).content.decode()
    assert 'data-state="revoked"' in body
    no_certificate = client_for(cast.admin).get(reverse("certificate-mine"))
    assert no_certificate.status_code == 200
    assert 'data-testid="certificate-none"' in no_certificate.content.decode()


def test_officer_page_needs_a_login(cast):
    response = Client().get(reverse("certificate-mine"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_officer_page_shows_the_valid_certificate_before_a_newer_revoked_one(cast, client_for):
    today = timezone.localdate()
    newer = make_certificate(
        cast.officer_a, valid_from=today - dt.timedelta(days=5), valid_to=today + dt.timedelta(days=900)
    )
    certificate_revoke(actor=cast.admin, certificate=newer)
    response = client_for(cast.officer_a).get(reverse("certificate-mine"))
    assert response.context["check"].number == _officer_certificate_valid(cast).number


def _officer_certificate_valid(cast) -> Certificate:
    return Certificate.objects.filter(holder=cast.officer_a, revoked_at__isnull=True).get()


def test_home_and_more_menu_link_the_page(cast, client_for):
    body = client_for(cast.officer_a).get(reverse("home")).content.decode()
    assert 'data-testid="show-certificate"' in body and 'data-testid="more-certificate"' in body
