"""Who the client is, for the token throttle and the login lockout: the socket's address unless the deployment
says how many proxies stand in front (NUM_PROXIES), and then the hop the nearest proxy saw. A header the
client writes itself must not give it a fresh allowance."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _address() -> str:
    """A fresh address per call: throttles count per address in the shared cache."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _token_statuses(client: Client, forwarded_for: list[str]) -> list[int]:
    return [
        client.post(
            reverse("api-token"), {"username": "nobody", "password": "x"}, HTTP_X_FORWARDED_FOR=xff
        ).status_code
        for xff in forwarded_for
    ]


@pytest.fixture
def behind_one_proxy(settings):
    """As configured with NUM_PROXIES=1: one reverse proxy appends the address it saw."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def test_a_new_forwarded_for_each_time_does_not_escape_the_token_throttle(cast):
    client = Client(REMOTE_ADDR=_address())
    statuses = _token_statuses(client, [_address() for _ in range(11)])
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


def test_a_new_forwarded_for_each_time_does_not_escape_the_login_lockout(cast):
    client = Client(REMOTE_ADDR=_address())
    statuses = [
        client.post(
            reverse("login"), {"username": "officer_a", "password": "wrong"}, HTTP_X_FORWARDED_FOR=_address()
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [200] * 4 + [429]  # the fifth failure locks
    response = client.post(
        reverse("login"), {"username": "officer_a", "password": PASSWORD}, HTTP_X_FORWARDED_FOR=_address()
    )
    assert response.status_code == 429
    assert "locked-out" in response.content.decode()
    # The attempts were counted against the socket's address, not the forged ones.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {client.defaults["REMOTE_ADDR"]}


def test_behind_a_proxy_the_throttle_counts_the_hop_the_proxy_saw(cast, behind_one_proxy):
    proxy = _address()
    attacker, neighbour = _address(), _address()
    client = Client(REMOTE_ADDR=proxy)
    # The attacker forges the left part of the header; the proxy appends the address it really saw.
    statuses = _token_statuses(client, [f"{_address()}, {attacker}" for _ in range(11)])
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    # Another client behind the same proxy keeps its own allowance.
    assert _token_statuses(client, [neighbour]) == [400]


def test_behind_a_proxy_the_lockout_counts_the_hop_the_proxy_saw(cast, behind_one_proxy):
    client = Client(REMOTE_ADDR=_address())
    attacker, officer = _address(), _address()
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "officer_a", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"{_address()}, {attacker}",
        )
    locked = client.post(
        reverse("login"),
        {"username": "officer_a", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=f"{_address()}, {attacker}",
    )
    assert locked.status_code == 429
    # The officer, behind the same proxy from another address, still logs in.
    ok = Client(REMOTE_ADDR=client.defaults["REMOTE_ADDR"]).post(
        reverse("login"), {"username": "officer_a", "password": PASSWORD}, HTTP_X_FORWARDED_FOR=officer
    )
    assert ok.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}


def test_a_forwarded_hop_that_is_not_an_address_falls_back_to_the_socket(cast, behind_one_proxy):
    client = Client(REMOTE_ADDR=_address())
    response = client.post(
        reverse("login"), {"username": "officer_a", "password": "wrong"}, HTTP_X_FORWARDED_FOR="not-an-ip"
    )
    assert response.status_code == 200
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {client.defaults["REMOTE_ADDR"]}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "0"),
        ({"BEHIND_TLS_PROXY": "1"}, "1"),
        ({"BEHIND_TLS_PROXY": "1", "NUM_PROXIES": "2"}, "2"),
        ({"NUM_PROXIES": "1"}, "1"),
    ],
)
def test_proxy_headers_are_trusted_only_as_configured(env, expected):
    base = {k: v for k, v in os.environ.items() if k not in {"BEHIND_TLS_PROXY", "NUM_PROXIES"}}
    code = (
        "import django; django.setup(); from rest_framework.settings import api_settings; "
        "print(api_settings.NUM_PROXIES)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "enforcement.settings"},
    )
    assert result.stdout.strip() == expected, result.stderr
