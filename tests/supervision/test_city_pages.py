"""A city supervisor belongs to no unit: every page without arguments answers them without a server error
(many pages were written for people with a unit)."""

from __future__ import annotations

import re

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


HREF = re.compile(r'href="(/[^"#]*)"')
# Links that are actions or files, not pages to open.
NOT_PAGES = re.compile(r"logout|/static/|/media/|export|\.csv|\.xlsx|\.pdf|format=")


@pytest.mark.parametrize("who", ["officer_a", "supervisor_a", "responder", "admin", "city_supervisor"])
def test_no_link_on_the_home_page_or_the_benchmarks_leads_to_a_refused_page(cast, client_for, request, who):
    """The top bar, the home page's panels and the benchmark list offer only what the user may open (an
    officer was offered a department's invitations, a city supervisor the team and the district's
    circumstances: each answered 403)."""
    user = request.getfixturevalue(who) if who == "city_supervisor" else getattr(cast, who)
    client = client_for(user)
    links = set()
    for page in ("/", "/discretion/"):
        answer = client.get(page)
        assert answer.status_code == 200
        links |= {h.replace("&amp;", "&") for h in HREF.findall(answer.content.decode())}
    refused = {}
    for link in sorted(links):
        if NOT_PAGES.search(link):
            continue
        status = client.get(link).status_code
        if status in (403, 404):
            refused[link] = status
    assert not refused, refused
