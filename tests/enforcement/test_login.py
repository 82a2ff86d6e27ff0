from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_and_logout(cast):
    client = Client()
    response = client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("api-me")).json()["username"] == "officer_a"
    client.post(reverse("logout"))
    assert client.get(reverse("api-me")).status_code == 401


def test_wrong_password_is_a_form_error(cast):
    response = Client().post(reverse("login"), {"username": "officer_a", "password": "wrong"})
    assert response.status_code == 200
    assert "login-error" in response.content.decode()


def test_repeated_failures_lock_the_account_out(cast):
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "officer_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "locked-out" in response.content.decode()
    # Another officer from the same address is not locked out.
    assert client.post(reverse("login"), {"username": "officer_b", "password": PASSWORD}).status_code == 302


def _address() -> str:
    """A fresh client address per test: throttles count per address in the shared cache."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def test_api_token_for_scripts(cast):
    client = Client(REMOTE_ADDR=_address())
    token = client.post(reverse("api-token"), {"username": "officer_a", "password": PASSWORD}).json()["token"]
    response = Client().get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.json()["unit"]["code"] == cast.town_a.code
    assert Client().get(reverse("api-me"), HTTP_AUTHORIZATION="Token nope").status_code == 401


def test_token_endpoint_is_throttled(cast):
    client = Client(REMOTE_ADDR=_address())
    statuses = [
        client.post(reverse("api-token"), {"username": "nobody", "password": "x"}).status_code
        for _ in range(12)
    ]
    assert statuses[0] == 400
    assert statuses[-1] == 429
