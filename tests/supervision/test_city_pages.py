"""A city supervisor belongs to no unit: every page without arguments answers them without a server error
(many pages were written for people with a unit)."""

from __future__ import annotations

import pytest

from tests.test_routes import resolver_routes

pytestmark = pytest.mark.django_db

SKIP = {"logout", "set_language", "admin:logout"}


def test_every_plain_page_answers_a_city_supervisor(cast, client_for, city_supervisor, raise_warning):
    raise_warning()
    client = client_for(city_supervisor)
    errors = {}
    for key, (pattern, params) in sorted(resolver_routes().items()):
        if params or key in SKIP or any(c in pattern for c in "^$(<"):
            continue
        path = "/" + pattern
        try:
            status = client.get(path).status_code
        except Exception as exc:  # noqa: BLE001 - a crash is what this looks for
            errors[path] = repr(exc)[:200]
            continue
        if status >= 500:
            errors[path] = status
    assert not errors, errors
    assert client.get("/desk/").status_code == 200
