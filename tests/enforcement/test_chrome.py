"""The bars kept once per process (enforcement/templatetags/chrome.py) are those the include renders for that
page, user and language: no user, role set, page or language ever gets another's bars."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from enforcement.templatetags import chrome

pytestmark = pytest.mark.django_db

PAGES = ["/cases/", "/inbox/", "/authority/"]
PEOPLE = ["officer_a", "supervisor_a", "responder", None]
TOKEN = re.compile(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]*"')


def _pages(cast, client_for) -> dict[tuple[str | None, str, str], tuple[bytes, int]]:
    out = {}
    for who in PEOPLE:
        client = client_for(getattr(cast, who) if who else None)
        for language in ("zh-hans", "en"):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for page in PAGES:
                answer = client.get(page)
                out[(who, language, page)] = TOKEN.sub(rb"\1", answer.content), answer.status_code
    return out


def test_the_kept_bars_are_the_rendered_ones(cast, client_for, monkeypatch):
    chrome._KEPT.clear()
    kept = _pages(cast, client_for)  # each page after the others filled the store
    kept_again = _pages(cast, client_for)  # every bar from the store
    monkeypatch.setattr(chrome, "KEPT_MAX", 0)  # every bar rendered afresh
    rendered = _pages(cast, client_for)
    assert kept == rendered
    assert kept_again == rendered
    assert any(b"bottom-bar" in body for body, _ in rendered.values())
    assert any(b'data-testid="lang-en"' in body for body, _ in rendered.values())


def test_the_bars_mark_the_page_they_are_on(cast, client_for):
    client = client_for(cast.officer_a)
    client.get("/inbox/")
    body = client.get("/cases/").content.decode()
    assert 'class="bottom-bar-item active" href="/cases/"' in body
    assert 'class="bottom-bar-item active" href="/inbox/"' not in body
