"""Content-Security-Policy and Permissions-Policy on every answer: pages, the API, error pages, Swagger UI.

The policy allows no inline script or style at all, so the templates carry none (a scan below holds that); the
browser journeys assert that Chromium saw no violation (tests/conftest.py)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest
from django.test import Client
from django.urls import include, path, reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']} ({response.status_code})"
    parts = [p.split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def assert_secure_headers(response) -> None:
    csp = _directives(response)
    values = " ".join(v for vs in csp.values() for v in vs)
    assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values, csp
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert set(csp["img-src"]) == {"'self'", "data:"}  # Bootstrap's and Swagger UI's icons are data: SVGs
    policy = dict(
        (feature.strip(), allow.strip())
        for feature, allow in (p.split("=", 1) for p in response.headers["Permissions-Policy"].split(","))
    )
    assert policy["camera"] == "(self)"  # officers photograph evidence
    assert policy["geolocation"] == "(self)"  # "use my location" on the whistle and case forms
    for feature in ("microphone", "payment", "usb", "display-capture", "browsing-topics"):
        assert policy[feature] == "()", feature


PUBLIC_PAGES = ["home", "login", "authority-items", "api-docs"]
MEMBER_PAGES = ["home", "team", "cases:case-list", "whistle-list", "whistle-raise"]


@pytest.mark.parametrize("route", PUBLIC_PAGES)
def test_public_pages_carry_the_policies(cast, route):
    response = Client().get(reverse(route))
    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.parametrize("route", MEMBER_PAGES)
def test_member_pages_carry_the_policies(cast, client_for, route):
    response = client_for(cast.officer_a).get(reverse(route))
    assert response.status_code == 200
    assert_secure_headers(response)


def test_api_answers_carry_the_policies(cast):
    anonymous = Client().get(reverse("api-me"))
    assert anonymous.status_code == 401
    assert_secure_headers(anonymous)
    client = Client(REMOTE_ADDR=f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}")
    token = client.post(reverse("api-token"), {"username": "officer_a", "password": PASSWORD})
    assert token.status_code == 200
    assert_secure_headers(token)
    me = Client().get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert me.status_code == 200
    assert_secure_headers(me)
    assert_secure_headers(Client().get(reverse("api-schema")))


def test_throttled_and_refused_answers_carry_the_policies(cast, client_for):
    client = Client(REMOTE_ADDR=f"10.8.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}")
    statuses = []
    for _ in range(11):
        response = client.post(reverse("api-token"), {"username": "nobody", "password": "x"})
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    assert_secure_headers(response)
    forbidden = client_for(cast.officer_a).get(reverse("audit-list"))
    assert forbidden.status_code == 403
    assert_secure_headers(forbidden)


def test_error_pages_carry_the_policies(cast, client_for):
    missing = client_for(cast.officer_a).get("/no/such/page/")
    assert missing.status_code == 404
    assert_secure_headers(missing)
    missing_api = Client().get("/api/no-such-endpoint/")
    assert missing_api.status_code == 404
    assert_secure_headers(missing_api)


@login_not_required
def _boom(request: HttpRequest):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), path("", include("enforcement.urls"))]
handler500 = "enforcement.views.error_500"


@pytest.mark.urls(__name__)
def test_the_server_error_page_carries_the_policies(cast):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_secure_headers(response)


def test_swagger_ui_needs_no_inline_script_or_style():
    page = Client().get(reverse("api-docs"))
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> on the Swagger UI page"
    assert "<style" not in html
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html)
    assert script, "the Swagger UI set-up script is a separate request"
    loaded = Client().get(script.group(1).replace("&amp;", "&"))
    assert loaded.status_code == 200
    assert loaded["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in loaded.content.decode()


# Rendered by WeasyPrint into PDFs, never served to a browser.
PDF_ONLY = (
    "templates/documents/",
    "cases/templates/cases/documents/",
    "inspections/templates/inspections/documents/",
)
INLINE = [
    ("inline <script>", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)),
    ("<style> element", re.compile(r"<style\b", re.I)),
    ("style attribute", re.compile(r"\sstyle\s*=", re.I)),
    ("inline event handler", re.compile(r"\son[a-z]+\s*=", re.I)),
    ("javascript: URL", re.compile(r"javascript:", re.I)),
    (
        "htmx attribute that evaluates code",
        re.compile(r"\s(hx-on[:\-]|hx-vars\b|hx-vals\s*=\s*['\"]js:)", re.I),
    ),
]


def test_templates_hold_no_inline_script_style_or_handler():
    base = Path(settings.BASE_DIR)
    found = []
    for template in sorted(base.glob("*/templates/**/*.html")) + sorted(base.glob("templates/**/*.html")):
        rel = template.relative_to(base).as_posix()
        if rel.startswith((".venv/", *PDF_ONLY)):
            continue
        text = template.read_text(encoding="utf-8")
        for what, pattern in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{rel}:{line}: {what}")
    assert not found, "\n".join(found)
