"""A signed-in page gives its user their unit held in the process under the reference-data token
(enforcement.units.attach_held_unit, issue 18): the top bar and the home page's greeting read no unit row.
The pages must be byte for byte what they were with the unit read from the database, for every role in both
languages (CSRF tokens masked), with exactly one query fewer where the page showed the unit; a renamed unit
shows on the next page; without the token (Redis down) the unit is read as before."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases.models import Case
from cases.views import common
from enforcement import access, units
from enforcement.models import User
from tests.cases.conftest import make_held_item
from tests.enforcement.test_outage import redis_unreachable

pytestmark = pytest.mark.django_db

UNIT_READ = re.compile(r'^SELECT .* FROM "enforcement_unit" WHERE "enforcement_unit"\."id" = \d+ LIMIT 21$')
# what the held unit carries: its own row, its district (read with it), its group (cached on it once read)
CARRIED = re.compile(
    r'^SELECT .* FROM "(enforcement_unit|enforcement_district|auth_group)" '
    r'WHERE "(enforcement_unit|enforcement_district|auth_group)"\."id" = \d+ LIMIT 21$'
)
ANY_UNIT_READ = re.compile(r'FROM "enforcement_unit" .*WHERE "enforcement_unit"\."id" = \d+')
TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')
CURSOR = re.compile(r'"_django_curs_\d+_sync_\d+"')
STAMP = re.compile(r"'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00:00'")
ROLES = ("officer_a", "supervisor_a", "reviewer_a", "officer_b", "responder", "admin")


@pytest.fixture(autouse=True)
def _built(settings):
    settings.WORK_PAGE_CACHE = False  # the built path: the view runs for every request
    units.forget_held()


@pytest.fixture
def case(make_case) -> Case:
    return make_case("investigating", title="占道经营 顶栏")


def _get(client: Client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return TOKEN.sub(r"\1@", answer.content.decode()), [
        CURSOR.sub("@", STAMP.sub("@", q["sql"])) for q in ctx.captured_queries
    ]


def _pages(case: Case) -> list[str]:
    return [reverse("home"), reverse("cases:case-list"), reverse("cases:case", args=[case.pk])]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ROLES)
def test_held_unit_pages_equal_read_unit_pages(cast, case, client_for, monkeypatch, who, lang):
    user: User = getattr(cast, who)
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    urls = [u for u in _pages(case) if client.get(u).status_code == 200]  # the pages this role may open
    assert reverse("home") in urls
    held = {url: _get(client, url) for url in urls}
    held = {url: _get(client, url) for url in urls}  # the second time: what the held unit caches is warm
    monkeypatch.setattr(access, "attach_held_unit", lambda user: None)  # the unit read as before
    read = {url: _get(client, url) for url in urls}
    read = {url: _get(client, url) for url in urls}
    for url in urls:
        assert held[url][0] == read[url][0], url
        assert not [q for q in held[url][1] if UNIT_READ.match(q)], url
        # the held path's queries are the read path's, in order, less the rows the held unit carries
        dropped = list(read[url][1])
        for q in held[url][1]:
            assert q in dropped, (url, q)
            dropped.remove(q)
        assert all(CARRIED.match(q) for q in dropped), (url, dropped)
        assert len(dropped) == len(read[url][1]) - len(held[url][1])
    if user.unit_id is not None:
        assert [q for url in urls for q in read[url][1] if UNIT_READ.match(q)]  # some page showed it
        with translation.override(lang):
            assert str(user.unit) in held[reverse("home")][0]


def test_the_case_list_and_the_home_page_read_no_unit(cast, case, client_for):
    client = client_for(cast.officer_a)
    for url in (reverse("home"), reverse("cases:case-list")):
        client.get(url)
        body, queries = _get(client, url)
        assert not [q for q in queries if ANY_UNIT_READ.search(q)]
        assert "甲执法员" in body or url != reverse("home")


def test_a_renamed_unit_shows_on_the_next_page(cast, client_for):
    client = client_for(cast.officer_a)
    client.get(reverse("home"))
    before, _ = _get(client, reverse("home"))
    assert cast.town_a.name_zh in before
    town = type(cast.town_a).objects.get(pk=cast.town_a.pk)
    town.name_zh = "改名后的街道"
    town.save(update_fields=["name_zh"])
    after, queries = _get(client, reverse("home"))  # the save replaced the token: the unit is read again
    assert "改名后的街道" in after
    assert [q for q in queries if ANY_UNIT_READ.search(q)]
    again, queries = _get(client, reverse("home"))  # and held under the new one
    assert again == after and not [q for q in queries if ANY_UNIT_READ.search(q)]


def test_without_the_cache_the_unit_is_read_as_before(cast, client_for):
    client = client_for(cast.officer_a)
    client.get(reverse("home"))
    with redis_unreachable():
        body, queries = _get(client, reverse("home"))
    assert cast.town_a.name_zh in body
    assert [q for q in queries if UNIT_READ.match(q)]


# --- the case list's item filter and its "record a lead" button, from what the process holds ---------------

ITEM_READ = re.compile(r'^SELECT "authority_enforcementitem"\."id" AS "pk", "authority_enforcementitem"\.')
TOWNS_READ = re.compile(
    r'^SELECT .* FROM "enforcement_unit" WHERE \(.*"enforcement_unit"\."id" IN \(.*'
    r' ORDER BY "enforcement_unit"\."code" ASC$'
)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ROLES)
def test_the_case_list_from_held_items_and_units_is_the_list_read(
    cast, case, big_item, client_for, monkeypatch, who, lang
):
    client = client_for(getattr(cast, who))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    listed = reverse("cases:case-list")
    urls = [listed, listed + f"?item={big_item.pk}&stage=investigating"]
    if client.get(urls[0]).status_code != 200:
        pytest.skip("this role has no case list")
    held = [_get(client, url) for url in urls]
    monkeypatch.setattr(common, "request_reference_version", lambda: "")  # items and towns read as before
    read = [_get(client, url) for url in urls]
    for (held_body, held_queries), (read_body, read_queries) in zip(held, read, strict=True):
        assert held_body == read_body
        assert not [q for q in held_queries if ITEM_READ.match(q) or TOWNS_READ.match(q)]
        assert [q for q in read_queries if not ITEM_READ.match(q) and not TOWNS_READ.match(q)] == held_queries
        assert len(read_queries) - len(held_queries) == (
            1 + bool(common.scope_for(getattr(cast, who)).town_ids)
        )
    if who in ("officer_a", "supervisor_a"):
        assert 'data-testid="new-case"' in held[0][0] and big_item.code in held[0][0]
        assert f'<option value="{big_item.pk}" selected>' in held[1][0]


def test_the_officers_case_list_reads_three_rows(cast, case, client_for):
    """Session, user and the page of cases: the items, the units and the user's unit are held."""
    client = client_for(cast.officer_a)
    client.get(reverse("cases:case-list"))
    _body, queries = _get(client, reverse("cases:case-list"))
    assert len(queries) == 3, queries


def test_a_new_item_and_a_closed_town_show_on_the_next_list(cast, case, client_for):
    client = client_for(cast.officer_a)
    client.get(reverse("cases:case-list"))
    before, _ = _get(client, reverse("cases:case-list"))
    assert "T-CASE-NEW" not in before and 'data-testid="new-case"' in before
    make_held_item(cast, code="T-CASE-NEW")
    after, _ = _get(client, reverse("cases:case-list"))
    assert "T-CASE-NEW" in after
    town = type(cast.town_a).objects.get(pk=cast.town_a.pk)
    town.is_active = False
    town.save(update_fields=["is_active"])
    closed, _ = _get(client, reverse("cases:case-list"))
    assert 'data-testid="new-case"' not in closed


def test_after_the_cache_is_emptied_the_next_requests_hold_again(cast, case, client_for):
    """The token found absent is made again by the page that wanted it (not left for another page to make)."""
    client = client_for(cast.officer_a)
    client.get(reverse("cases:case-list"))
    django_cache.clear()
    client.get(reverse("cases:case-list"))  # reads the scope, the unit, the items and towns once more
    _body, queries = _get(client, reverse("cases:case-list"))
    assert len(queries) == 3, queries


def test_a_district_setting_changed_through_its_service_replaces_the_held_district(cast):
    """The service writes with update() and an audit row on the district: the audit replaces the token, so
    the held unit's district is read again."""
    from enforcement.services import district_escalation_set

    before = units.unit_by_pk(cast.town_a.pk)
    assert before is not None and before.district.warning_escalation_hours != 37
    district_escalation_set(actor=cast.admin, district=cast.district, warning_hours=37, city_hours=48)
    after = units.unit_by_pk(cast.town_a.pk)
    assert after is not None and after.district.warning_escalation_hours == 37
