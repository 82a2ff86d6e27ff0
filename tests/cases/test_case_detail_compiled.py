"""GET /api/cases/<id>/ reads the case, its officers and the party's earlier violations by SQL compiled once
per process (enforcement.compiled, issue 18). The answer must be what the ORM's querysets gave, byte for
byte, for every role; the denials the same (401, 404 for another town's case, a missing one, a number beyond
the column); and the compiled SQL the very SQL Django writes for the same values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.utils import timezone

from cases import integrations, selectors
from cases.models import Case
from discretion.history import HistoryQuery
from enforcement.access import access_or_404, scope_for, share_with_unit
from enforcement.models import Role
from tests.supervision.conftest import city, city_supervisor  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _orm_case(*, user, pk):
    """case_get_for as it was: the scoped queryset with its prefetch, through the ORM."""
    return access_or_404(selectors._case_with_people(user), pk=pk)


def _orm_violations(query: HistoryQuery):
    """earlier_violations as it was: the values() queryset evaluated by the ORM."""
    if query.subject_id is None and not query.identifier:
        return []
    rows = integrations._violations_query(query.subject_id, query.identifier, query.district_id, query.before)
    return list(rows)


@pytest.fixture
def cases(cast, make_case):
    """A lead without an item, a case under investigation, and one decided against a party with an earlier
    decided case (so the recommendation reads the party's history), one of them shared with the department."""
    today = timezone.localdate()
    lead = make_case("lead")
    Case.objects.filter(pk=lead.pk).update(item=None)
    investigating = make_case(
        "investigating", latitude=Decimal("29.5630100"), longitude=Decimal("106.5515600")
    )
    earlier = make_case(
        "decided",
        party_identifier="500101199001011234",
        decided_on=today - dt.timedelta(days=200),
        decided_by=cast.officer_a,
        penalty_kinds=["fine"],
        fine=Decimal("500"),
    )
    decided = make_case(
        "served",
        notice_served_on=today - dt.timedelta(days=4),
        proposed_kinds=["fine"],
        proposed_fine=Decimal("800"),
        decided_on=today - dt.timedelta(days=2),
        decided_by=cast.officer_a,
        penalty_kinds=["fine"],
        fine=Decimal("800.5"),
        served_on=today - dt.timedelta(days=1),
        service_method="direct",
        facts={"factors": ["first_violation"], "values": {"illegal_gains": "120.00"}},
    )
    # The same party: the earlier case's subject.
    Case.objects.filter(pk=decided.pk).update(
        subject=earlier.subject, party_identifier=earlier.party_identifier
    )
    decided.refresh_from_db()
    share_with_unit(investigating, cast.department)
    return [lead, investigating, earlier, decided]


def _both(monkeypatch, client, url):
    """(compiled, ORM) answers to the same GET."""
    compiled = client.get(url)
    with monkeypatch.context() as m:
        m.setattr("cases.api.views.cases.case_get_for", _orm_case)
        from discretion.history import register_history_provider

        register_history_provider(_orm_violations_provider, key="cases")
        try:
            orm = client.get(url)
        finally:
            register_history_provider(integrations.earlier_violations, key="cases")
    return compiled, orm


def _orm_violations_provider(query: HistoryQuery):
    from discretion.specs import PriorViolation

    return [
        PriorViolation(
            decided_on=r["decided_on"],
            item_code=r["item__code"],
            item_id=r["item_id"],
            penalised=bool(r["penalty_kinds"]),
            town_id=r["town_id"],
            reference=r["number"],
        )
        for r in _orm_violations(query)
        if r["decided_on"] is not None
    ]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["officer_a", "supervisor_a", "reviewer_a", "responder", "admin", "city"])
def test_every_role_gets_the_orm_answer_byte_for_byte(
    monkeypatch,
    settings,
    cast,
    cases,
    client_for,
    city_supervisor,  # noqa: F811  (the imported fixture)
    who,
    lang,
):
    user = city_supervisor if who == "city" else getattr(cast, who)
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    seen = 0
    for case in cases:
        compiled, orm = _both(monkeypatch, client, f"/api/cases/{case.pk}/")
        assert compiled.status_code == orm.status_code
        assert compiled.content == orm.content
        seen += compiled.status_code == 200
    # The town's people and the district's readers see all four; the department only the shared one.
    assert seen == (1 if who == "responder" else 4)


def test_the_decided_case_shows_its_earlier_violation(cast, cases, client_for):
    decided = cases[3]
    data = client_for(cast.officer_a).get(f"/api/cases/{decided.pk}/").json()
    assert data["recommendation"] is not None
    assert data["officers"] and data["officers"][0]["officer"]["username"] == "officer_a"
    assert data["decided_by"]["username"] == "officer_a"
    history = integrations.earlier_violations(
        HistoryQuery(district_id=cast.district.pk, before=decided.decided_on, identifier="500101199001011234")
    )
    assert [p.reference for p in history] == [cases[2].number]


def test_denials_are_what_they_were(cast, cases, client_for, client):
    case = cases[1]
    assert client.get(f"/api/cases/{case.pk}/").status_code == 401
    outsider = client_for(cast.officer_b)
    insider = client_for(cast.officer_a)
    for url in (f"/api/cases/{case.pk}/", "/api/cases/0/", f"/api/cases/{2**63}/", f"/api/cases/{2**70}/"):
        assert outsider.get(url).status_code == 404
        assert insider.get(url).status_code == (200 if url.endswith(f"/{case.pk}/") else 404)


def test_a_user_of_no_town_gets_404_not_an_error(cast, cases, client_for):
    """A scope of no towns filters on `pk__in=[]`, which Django never sends to the database."""
    from tests.factories import make_user

    clerk = make_user(cast.office, [Role.OFFICER], username="clerk", full_name="区职员")
    assert not scope_for(clerk).town_ids and not scope_for(clerk).department_ids
    for case in cases:
        assert client_for(clerk).get(f"/api/cases/{case.pk}/").status_code == 404
    with pytest.raises(Http404):
        _orm_case(user=clerk, pk=cases[0].pk)


@pytest.mark.parametrize("pk", ["x", None, -1, 0, 2**63, -(2**63) - 1, "1e3"])
def test_what_is_no_id_is_a_404_as_before(cast, cases, pk):
    with pytest.raises(Http404):
        _orm_case(user=cast.officer_a, pk=pk)
    with pytest.raises(Http404):
        selectors.case_get_for(user=cast.officer_a, pk=pk)


def test_an_id_given_as_text_finds_the_case_as_before(cast, cases):
    case = cases[1]
    assert selectors.case_get_for(user=cast.officer_a, pk=str(case.pk)).pk == case.pk


@pytest.mark.parametrize("who", ["officer_a", "admin", "city"])
def test_the_compiled_case_query_is_the_orm_query(cast, cases, city_supervisor, who):  # noqa: F811
    user = city_supervisor if who == "city" else getattr(cast, who)
    case = cases[3]
    compiled = selectors._case_compiled(scope_for(user))
    queryset = selectors._case_with_people(user).filter(pk=case.pk).order_by()[:21]
    sql, params = queryset.query.get_compiler(using="default").as_sql()
    values = list(compiled.params)
    (at,) = compiled.at
    values[at[0]] = case.pk
    assert compiled.sql == sql and values == list(params)


def test_the_compiled_case_is_the_orm_case(cast, cases):
    for case in cases:
        fast = selectors.case_get_for(user=cast.officer_a, pk=case.pk)
        slow = _orm_case(user=cast.officer_a, pk=case.pk)

        def state(obj):
            return {k: v for k, v in obj.__dict__.items() if k not in ("_state", "_prefetched_objects_cache")}

        assert state(fast) == state(slow)
        assert fast._state.fields_cache.keys() == slow._state.fields_cache.keys()
        for name, related in slow._state.fields_cache.items():
            other = fast._state.fields_cache[name]
            assert (other is None) == (related is None)
            if related is not None:
                assert state(other) == state(related)
        fast_officers, slow_officers = list(fast.officers.all()), list(slow.officers.all())
        assert [state(o) for o in fast_officers] == [state(o) for o in slow_officers]
        assert [state(o.officer) for o in fast_officers] == [state(o.officer) for o in slow_officers]
        assert all(o.case is fast for o in fast_officers)
        # A filter on the related manager still reads this case's officers only, from the database.
        assert fast.officers.filter(lead=True).count() == slow.officers.filter(lead=True).count() == 1


def test_the_compiled_history_is_the_orm_history(cast, cases):
    decided = cases[3]
    for subject, identifier in ((None, "500101199001011234"), (decided.subject_id, ""), (None, "nobody")):
        if subject is None and not identifier:
            continue
        query = HistoryQuery(
            district_id=cast.district.pk, before=decided.decided_on, subject_id=subject, identifier=identifier
        )
        compiled = integrations._violations(subject is not None, bool(identifier))
        assert compiled.rows(
            *([subject] if subject is not None else []),
            *([identifier] if identifier else []),
            cast.district.pk,
            query.before,
        ) == _orm_violations(query)
    queryset = integrations._violations_query(None, "x", cast.district.pk, decided.decided_on)
    sql, _params = queryset.query.get_compiler(using="default").as_sql()
    assert integrations._violations(False, True).sql == sql


def test_the_case_read_costs_the_same_queries(cast, cases, django_assert_num_queries):
    case = cases[3]
    scope_for(cast.officer_a)  # the scope is cached per user object
    selectors._case_compiled(scope_for(cast.officer_a))
    with django_assert_num_queries(2):  # the case, its officers
        selectors.case_get_for(user=cast.officer_a, pk=case.pk)
    assert connection.vendor == "postgresql"


# --- the HTML case page (cases.selectors.case_page_get_for) -----------------------------------------------


def _orm_page_case(*, user, pk):
    """case_page_get_for as it was: the scoped queryset with its prefetch and the EXISTS, through the ORM."""
    from cases import clock

    since = clock.now() - selectors.REQUEST_FAILURE_SHOWN
    return access_or_404(selectors._case_page_query(selectors._case_with_people(user), since), pk=pk)


@pytest.fixture
def requests_shown(cast, cases):
    """A pending document request on the case under investigation, a failed one just now on the decided
    case, and one that failed long ago (no longer shown) on the lead."""
    from cases.models import CaseDocument, DocumentRequest

    now = timezone.now()
    kind = CaseDocument.Kind.choices[0][0]
    lead, investigating, _earlier, decided = cases
    for case, status, finished in (
        (investigating, DocumentRequest.Status.PENDING, None),
        (decided, DocumentRequest.Status.FAILED, now - dt.timedelta(minutes=5)),
        (lead, DocumentRequest.Status.FAILED, now - dt.timedelta(hours=2)),
    ):
        DocumentRequest.objects.create(
            case=case, kind=kind, requested_by=cast.officer_a, status=status, finished_at=finished
        )
    return cases


def _page(client, url):
    import re

    response = client.get(url)
    # The CSRF token is masked afresh for every page.
    masked = re.sub(rb'(value="|"X-CSRFToken": ")[A-Za-z0-9]{32,64}"', rb'\1csrf"', response.content)
    return response.status_code, masked


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["officer_a", "supervisor_a", "responder", "admin", "city"])
def test_the_case_page_is_the_orm_page_for_every_role(
    monkeypatch,
    settings,
    cast,
    requests_shown,
    client_for,
    city_supervisor,  # noqa: F811
    who,
    lang,
):
    user = city_supervisor if who == "city" else getattr(cast, who)
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    seen = 0
    for case in requests_shown:
        url = f"/cases/{case.pk}/"
        compiled = _page(client, url)
        with monkeypatch.context() as m:
            m.setattr("cases.views.case_page.case_page_get_for", _orm_page_case)
            orm = _page(client, url)
        assert compiled == orm
        seen += compiled[0] == 200
    assert seen >= 1


def test_the_compiled_page_case_is_the_orm_case_with_its_requests_shown(cast, requests_shown):
    for case in requests_shown:
        fast = selectors.case_page_get_for(user=cast.officer_a, pk=case.pk)
        slow = _orm_page_case(user=cast.officer_a, pk=case.pk)
        assert getattr(fast, "has_requests_shown") == getattr(slow, "has_requests_shown")  # noqa: B009
        assert [o.pk for o in fast.officers.all()] == [o.pk for o in slow.officers.all()]
        assert getattr(fast, "filed_by_name", None) == getattr(slow, "filed_by_name", None)
    shown = [
        getattr(selectors.case_page_get_for(user=cast.officer_a, pk=c.pk), "has_requests_shown")  # noqa: B009
        for c in requests_shown
    ]
    assert shown == [False, True, False, True]


def test_days_and_moments_reach_a_database_that_takes_them_as_text(cast, cases, requests_shown, monkeypatch):
    """SQLite (the demo's database) takes a day and a moment as text: `Compiled` prepares its marks and the
    values put in their places as the ORM does, so the party's history (a day) and the case page's requests
    shown (a moment) are the ORM's there too. PostgreSQL made to prepare both as SQLite does."""
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLite

    sqlite_ops = SQLite.ops_class

    def check() -> None:
        decided = cases[3]
        for subject, identifier in ((None, "500101199001011234"), (decided.subject_id, "")):
            query = HistoryQuery(
                district_id=cast.district.pk,
                before=decided.decided_on,
                subject_id=subject,
                identifier=identifier,
            )
            assert integrations.earlier_violations(query)
            assert [v.reference for v in integrations.earlier_violations(query)] == [
                r["number"] for r in _orm_violations(query)
            ]
        shown = [
            getattr(selectors.case_page_get_for(user=cast.officer_a, pk=c.pk), "has_requests_shown")  # noqa: B009
            for c in requests_shown
        ]
        assert shown == [False, True, False, True]

    def forget() -> None:
        integrations._violations.cache_clear()
        selectors._case_page_compiled.cache_clear()

    check()
    ops = type(connection.ops)
    monkeypatch.setattr(ops, "adapt_datefield_value", sqlite_ops.adapt_datefield_value)
    monkeypatch.setattr(ops, "adapt_datetimefield_value", sqlite_ops.adapt_datetimefield_value)
    forget()

    def as_text_only(execute, sql, params, many, context):  # what SQLite's driver would be given
        assert not any(isinstance(p, dt.date) for p in params or ()), params
        return execute(sql, params, many, context)

    try:
        compiled = selectors._case_page_compiled(scope_for(cast.officer_a))
        assert isinstance(compiled.params[compiled.at[1][0]], str)  # the mark, as SQLite's text
        history = integrations._violations(False, True)
        assert isinstance(history.params[history.at[-1][0]], str)
        with connection.execute_wrapper(as_text_only):
            check()
    finally:
        forget()


@pytest.mark.parametrize("who", ["officer_a", "admin", "city"])
def test_the_compiled_page_query_is_the_orm_query(cast, cases, city_supervisor, who):  # noqa: F811
    user = city_supervisor if who == "city" else getattr(cast, who)
    case = cases[3]
    since = timezone.now() - selectors.REQUEST_FAILURE_SHOWN
    compiled = selectors._case_page_compiled(scope_for(user))
    queryset = selectors._case_page_query(selectors._case_with_people(user), since)
    sql, params = queryset.filter(pk=case.pk).order_by()[:21].query.get_compiler(using="default").as_sql()
    values = list(compiled.params)
    values[compiled.at[0][0]], values[compiled.at[1][0]] = case.pk, since
    assert compiled.sql == sql and values == list(params)


def test_the_page_denials_are_what_they_were(cast, cases, client_for, client):
    case = cases[1]
    assert client.get(f"/cases/{case.pk}/").status_code == 302  # to sign in
    outsider = client_for(cast.officer_b)
    insider = client_for(cast.officer_a)
    for url in (f"/cases/{case.pk}/", "/cases/0/", f"/cases/{2**63}/", f"/cases/{2**70}/"):
        assert outsider.get(url).status_code == 404
        assert insider.get(url).status_code == (200 if url.endswith(f"/{case.pk}/") else 404)
    for pk in ("x", 0, 2**63):
        with pytest.raises(Http404):
            selectors.case_page_get_for(user=cast.officer_a, pk=pk)
