"""The built case list page reads its page of cases through SQL compiled once per scope and set of filters
(enforcement.compiled, issue 18). The page must be byte for byte what the ORM's queryset built for every
request gave (CSRF tokens masked), for every role in both languages and every filter and cursor, with the
same queries in number and the same denials; a change shows on the next request."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import selectors
from cases.models import Case
from cases.selectors import CaseFilters, CasePage, encode_cursor
from enforcement import units

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')
ROLES = ("officer_a", "supervisor_a", "reviewer_a", "officer_b", "responder", "admin")


def orm_case_page_for(
    *, user: Any, filters: CaseFilters | None = None, after: str = "", size: int = selectors.CASE_PAGE_SIZE
) -> CasePage:
    """case_page_for as it was: the queryset built and compiled by the ORM for every request."""
    qs = selectors._below_cursor(selectors.cases_for(user=user, filters=filters), after)
    rows = list(
        qs.select_related("town", "item")
        .only(*selectors.CASE_LIST_FIELDS)
        .order_by("-created_at", "-pk")[: size + 1]
    )
    has_next = len(rows) > size
    rows = rows[:size]
    return CasePage(rows, encode_cursor(rows[-1]) if has_next and rows else "", has_next)


@pytest.fixture(autouse=True)
def _built(settings):
    settings.WORK_PAGE_CACHE = False  # the built path: the view runs for every request
    units.forget_held()


@pytest.fixture
def town_cases(cast, make_case, stall_item) -> list[Case]:
    """Cases of both towns in several stages and deadlines; two created at the same moment (the cursor's
    tie)."""
    today = timezone.localdate()
    made = [
        make_case("investigating", next_due=today - dt.timedelta(days=2)),
        make_case("decided", next_due=today + dt.timedelta(days=3)),
        make_case("investigating", next_due=today + dt.timedelta(days=20)),
        make_case("lead"),
        make_case("notified", next_due=today + dt.timedelta(days=1)),
        make_case("investigating", town=cast.town_b, officers=[cast.officer_b]),
        make_case("investigating", officers=[cast.officer_a2]),
    ]
    moment = timezone.now() - dt.timedelta(hours=1)
    Case.objects.filter(pk__in=[made[1].pk, made[2].pk]).update(created_at=moment)
    return made


def _get(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return TOKEN.sub(r"\1@", answer.content.decode()), len(ctx.captured_queries)


def _urls(cases: list[Case], item_id: int) -> list[str]:
    after = encode_cursor(Case.objects.get(pk=cases[2].pk))
    return [
        "/cases/",
        "/cases/?stage=investigating",
        f"/cases/?item={item_id}",
        "/cases/?due=overdue",
        "/cases/?due=7",
        "/cases/?mine=1",
        f"/cases/?stage=investigating&due=3&mine=1&item={item_id}",
        f"/cases/?after={after}",
        f"/cases/?after={after}&mine=1&due=overdue",
        "/cases/?after=nonsense",
        "/cases/?q=占道",
    ]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ROLES)
def test_the_compiled_case_list_is_the_page_the_orm_built(
    cast, town_cases, stall_item, client_for, monkeypatch, who, lang
):
    client = client_for(getattr(cast, who))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    for url in _urls(town_cases, stall_item.pk):
        _get(client, url)  # the first request compiles
        compiled = _get(client, url)
        with monkeypatch.context() as m:
            m.setattr("cases.views.lists.case_page_for", orm_case_page_for)
            built = _get(client, url)
        assert compiled[0] == built[0], url
        assert compiled[1] == built[1], url  # the same queries in number


def test_the_list_shows_what_there_is(cast, town_cases, client_for):
    """The equality above is not of empty lists: the officer's page shows town A's cases, not town B's."""
    body, _ = _get(client_for(cast.officer_a), "/cases/")
    for case in town_cases:
        assert (case.title in body) == (case.town_id == cast.town_a.pk), case.title


@pytest.mark.parametrize("who", ["officer_a", "supervisor_a", "officer_b", "admin", "responder"])
def test_the_compiled_pages_are_the_orm_pages(cast, town_cases, stall_item, who):
    """Every filter alone and together, pages of two followed to the end by their cursors (the tie of two
    cases created at the same moment included), and a cursor without a time zone, as the ORM reads it."""
    user = getattr(cast, who)
    options: list[dict[str, Any]] = [
        {},
        {"stage": "investigating"},
        {"stage": "lead"},
        {"item_id": stall_item.pk},
        {"town_id": cast.town_a.pk},
        {"town_id": cast.town_b.pk},
        {"due_within": -1},
        {"due_within": 0},
        {"due_within": 3},
        {"mine": True},
        {"stage": "investigating", "item_id": stall_item.pk, "due_within": 30, "mine": True},
        {"query": "占道"},
    ]
    seen = 0
    for option in options:
        filters = CaseFilters(**option)
        after = ""
        while True:
            fast = selectors.case_page_for(user=user, filters=filters, after=after, size=2)
            slow = orm_case_page_for(user=user, filters=filters, after=after, size=2)
            assert [c.pk for c in fast.cases] == [c.pk for c in slow.cases], option
            assert (fast.next_cursor, fast.has_next) == (slow.next_cursor, slow.has_next), option
            for a, b in zip(fast.cases, slow.cases, strict=True):
                assert a.get_deferred_fields() == b.get_deferred_fields()
                for name in selectors.CASE_LIST_FIELDS:
                    assert _value(a, name) == _value(b, name), name
            seen += len(fast.cases)
            if not fast.has_next:
                break
            after = fast.next_cursor
    naive = (timezone.now() - dt.timedelta(minutes=30)).replace(tzinfo=None).isoformat() + "_99999999"
    with warnings.catch_warnings():  # compiled, taken in the default time zone without the ORM's warning
        warnings.simplefilter("ignore" if who == "responder" else "error", RuntimeWarning)  # (responder: ORM)
        fast_page = selectors.case_page_for(user=user, after=naive)
    with pytest.warns(RuntimeWarning, match="naive datetime"):  # the ORM takes it in the default time zone
        slow_page = orm_case_page_for(user=user, after=naive)
    assert [c.pk for c in fast_page.cases] == [c.pk for c in slow_page.cases]
    if who != "responder":
        assert seen


def _value(obj: Any, name: str) -> Any:
    for part in name.split("__"):
        obj = getattr(obj, part)
    return obj


def test_the_list_costs_the_same_queries_and_denies_as_before(cast, town_cases, client, client_for):
    assert client.get("/cases/").status_code == 302  # to sign in
    officer = client_for(cast.officer_a)
    _get(officer, "/cases/")
    _, queries = _get(officer, "/cases/")
    assert queries == 3  # session, user, the page
    outsider, _ = _get(client_for(cast.officer_b), "/cases/")
    for case in town_cases:
        if case.town_id == cast.town_a.pk:
            assert case.title not in outsider


def test_a_change_shows_on_the_next_request(cast, town_cases, client_for):
    client = client_for(cast.officer_a)
    _get(client, "/cases/?stage=investigating")
    before, _ = _get(client, "/cases/?stage=investigating")
    case = town_cases[0]
    assert case.title in before
    Case.objects.filter(pk=case.pk).update(stage="decided")
    after, _ = _get(client, "/cases/?stage=investigating")
    assert case.title not in after


def test_one_compiled_query_per_scope_and_shape(cast, town_cases):
    selectors._case_list_compiled.cache_clear()
    user = cast.officer_a
    for stage in ("investigating", "decided", "lead"):
        selectors.case_page_for(user=user, filters=CaseFilters(stage=stage))
    selectors.case_page_for(user=user, filters=CaseFilters(mine=True))
    info = selectors._case_list_compiled.cache_info()
    assert (info.misses, info.hits) == (2, 2)
