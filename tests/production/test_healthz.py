"""The liveness probe must answer over plain HTTP: the compose health check and load balancers call it
directly."""

from __future__ import annotations

from django.test import Client


def test_healthz_answers_200_over_plain_http_while_pages_redirect_to_https(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    client = (
        Client()
    )  # built after the setting: SecurityMiddleware reads it when the client loads its middleware
    assert client.get("/").status_code == 301
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
