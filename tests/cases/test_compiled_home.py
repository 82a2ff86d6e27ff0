"""The built home page's panels read through statements compiled once per scope (enforcement.compiled, issue
18): the counts of my cases, the town's open whistles and their assignments, my unread notifications, my
inspection visits and their counts, my certificates. The page must be byte for byte what the ORM's querysets
built for every request gave (CSRF tokens masked), for every role in both languages, with the same queries in
number; a change in the data shows on the next request."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Window
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import panels as case_panels
from cases.models import Case
from enforcement import officers, units
from enforcement.compiled import Compiled, CompiledCounts
from enforcement.home import asked_once
from enforcement.models import Certificate, User
from inspections import panels as inspection_panels
from inspections.models import InspectionTask, TaskOfficer
from inspections.workflow import TaskStatus
from tests.inspections.conftest import build_setup
from tests.supervision.conftest import city, city_supervisor  # noqa: F401  (fixtures: a city-wide supervisor)
from whistles import panels as whistle_panels
from whistles.models import Notification, WhistleAssignment
from whistles.services import assignment_acknowledge, assignment_arrive, assignment_handle, whistle_raise
from whistles.workflow import Status, WhistleStatus

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')
ROLES = ("officer_a", "supervisor_a", "reviewer_a", "officer_b", "responder", "admin")


# --- what the panels read before: the ORM's querysets, built and compiled for every request -----------------


def orm_my_case_counts(user: User) -> dict[str, int]:
    from cases import clock
    from cases.selectors import my_open_case_rows_for, overdue_q
    from enforcement.calendar import add_working_days
    from enforcement.inbox import deadline_working_days

    def count() -> dict[str, int]:
        today = clock.today()
        horizon = add_working_days(today, deadline_working_days())
        return (
            my_open_case_rows_for(user=user)
            .order_by()
            .aggregate(
                open=Count("pk", distinct=True),
                overdue=Count("pk", filter=overdue_q(today), distinct=True),
                week=Count(
                    "pk",
                    filter=Q(next_due__gte=today, next_due__lte=today + dt.timedelta(days=7)),
                    distinct=True,
                ),
                to_serve=Count("pk", filter=Q(stage="decided"), distinct=True),
                deadlines=Count("pk", filter=Q(next_due__lte=horizon), distinct=True),
                undeclared=Count("pk", filter=Q(officers__declared_at__isnull=True), distinct=True),
            )
        )

    return asked_once(("cases", "mine", user.pk), count)


def orm_town_open_whistles(user: User) -> tuple[list[Any], int]:
    from whistles.selectors import town_whistles_for

    def read() -> tuple[list[Any], int]:
        open_whistles = town_whistles_for(user=user).filter(status=WhistleStatus.OPEN)
        shown = list(open_whistles[: whistle_panels.MY_WHISTLES_SHOWN])
        if len(shown) < whistle_panels.MY_WHISTLES_SHOWN:
            return shown, len(shown)
        return shown, open_whistles.count()

    return asked_once(("whistles", "town_open", user.pk), read)


def orm_to_confirm_count(user: User) -> int:
    from whistles.selectors import town_whistles_for

    def count() -> int:
        shown, open_count = whistle_panels._town_open_whistles(user)
        if open_count == len(shown):
            return sum(any(a.status == Status.HANDLED for a in w.assignments.all()) for w in shown)
        return (
            town_whistles_for(user=user)
            .filter(status=WhistleStatus.OPEN, assignments__status=Status.HANDLED)
            .distinct()
            .count()
        )

    return asked_once(("whistles", "to_confirm", user.pk), count)


def orm_latest_unread(user: User) -> tuple[list[Any], int]:
    from whistles.selectors import notifications_for

    def read() -> tuple[list[Any], int]:
        latest = list(
            notifications_for(user=user, unread_only=True).annotate(unread=Window(Count("pk")))[
                : whistle_panels.NOTIFICATIONS_SHOWN
            ]
        )
        return latest, latest[0].unread if latest else 0

    return asked_once(("whistles", "unread", user.pk), read)


def orm_task_counts(user: User) -> dict[str, int]:
    from inspections.selectors import task_queryset_for

    to_make = Q(officers__officer=user, status__in=[TaskStatus.APPROVED, TaskStatus.ON_SITE])
    return asked_once(
        ("inspections", "counts", user.pk),
        lambda: task_queryset_for(user).aggregate(
            mine=Count("pk", filter=to_make, distinct=True),
            to_approve=Count(
                "pk", filter=Q(status=TaskStatus.PUBLISHED, lead_unit_id=user.unit_id), distinct=True
            ),
            findings=Count(
                "pk", filter=Q(status=TaskStatus.CHECKED, lead_unit_id=user.unit_id), distinct=True
            ),
        ),
    )


def orm_mine_visits(user: User) -> list[InspectionTask]:
    from inspections.selectors import task_queryset_for

    to_make = Q(officers__officer=user, status__in=[TaskStatus.APPROVED, TaskStatus.ON_SITE])
    return list(task_queryset_for(user).filter(to_make).distinct().order_by("planned_on", "pk")[:5])


def orm_certificates(officer: User) -> list[Certificate]:
    if officers._prefetched(officer, "certificates"):
        return list(officer.certificates.all())
    return list(Certificate.objects.filter(holder=officer).order_by("-valid_to"))


ORM = {
    (case_panels, "my_case_counts"): orm_my_case_counts,
    (whistle_panels, "_town_open_whistles"): orm_town_open_whistles,
    (whistle_panels, "_to_confirm_count"): orm_to_confirm_count,
    (whistle_panels, "_latest_unread"): orm_latest_unread,
    (inspection_panels, "_task_counts"): orm_task_counts,
    (inspection_panels, "_mine_visits"): orm_mine_visits,
    (officers, "_certificates"): orm_certificates,
}


def read_by_the_orm(monkeypatch: pytest.MonkeyPatch) -> None:
    for (module, name), orm in ORM.items():
        monkeypatch.setattr(module, name, orm)


# --- the data the panels show -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _built(settings):
    settings.WORK_PAGE_CACHE = False  # the built path: the view runs for every request
    units.forget_held()


@pytest.fixture
def town_a_work(cast, make_case) -> dict[str, Any]:
    """Cases of town A in several stages and deadlines, open whistles (one handled), notifications, visits."""
    today = timezone.localdate()
    make_case("investigating", next_due=today - dt.timedelta(days=2))
    make_case("decided", next_due=today + dt.timedelta(days=3))
    make_case("investigating", next_due=today + dt.timedelta(days=20))
    whistles = []
    for title in ("餐馆油烟扰民", "夜间施工噪声", "占道堆物"):
        whistles.append(
            whistle_raise(
                actor=cast.officer_a,
                town=cast.town_a,
                title=title,
                description=f"{title}，居民多次投诉。",
                reason="no_power",
                urgency="normal",
                address="解放路12号",
                departments=[cast.department],
            )
        )
    assignment = WhistleAssignment.objects.get(whistle=whistles[0])
    assignment = assignment_acknowledge(actor=cast.responder, assignment=assignment)
    assignment = assignment_arrive(actor=cast.responder, assignment=assignment)
    assignment_handle(actor=cast.responder, assignment=assignment, note="已责令整改")
    setup = build_setup(cast, today + dt.timedelta(days=5))
    for n, status in enumerate((TaskStatus.APPROVED, TaskStatus.ON_SITE, TaskStatus.PUBLISHED)):
        task = InspectionTask.objects.create(
            district=cast.district,
            town=cast.town_a,
            lead_unit=cast.town_a,
            subject=setup.subject,
            kind="routine",
            title=f"综合查一次 {n}",
            planned_on=today + dt.timedelta(days=n),
            status=status,
            created_by=cast.officer_a,
        )
        for officer in (cast.officer_a, cast.supervisor_a):
            TaskOfficer.objects.create(task=task, officer=officer, unit=cast.town_a, certificate_number="X")
    assert Notification.objects.filter(recipient=cast.officer_a, read_at__isnull=True).exists()
    return {"whistles": whistles}


def _get(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return TOKEN.sub(r"\1@", answer.content.decode()), len(ctx.captured_queries)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ROLES)
def test_the_compiled_home_page_is_the_page_the_orm_built(
    cast, town_a_work, client_for, monkeypatch, who, lang
):
    client = client_for(getattr(cast, who))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    home = reverse("home")
    _get(client, home)  # the first request compiles
    compiled = _get(client, home)
    read_by_the_orm(monkeypatch)
    _get(client, home)
    built = _get(client, home)
    assert compiled[0] == built[0]
    assert compiled[1] == built[1]  # the same queries in number


def test_the_panels_show_what_there_is(cast, town_a_work, client_for):
    """The fixture's work shows on the officer's home page (the equality above is not of empty panels)."""
    body, _ = _get(client_for(cast.officer_a), reverse("home"))
    for title in ("餐馆油烟扰民", "夜间施工噪声", "占道堆物", "综合查一次 0", "综合查一次 1"):
        assert title in body
    assert 'data-testid="panel-unread"' in body
    assert 'data-testid="inbox-count-to_serve"' in body
    assert 'data-testid="inbox-count-whistles_to_confirm"' in body


def test_a_change_shows_on_the_next_request(cast, town_a_work, client_for):
    client = client_for(cast.officer_a)
    home = reverse("home")
    _get(client, home)
    before, _ = _get(client, home)
    # a case decided, a whistle closed, a notification read, a visit made: each on the next page
    case = Case.objects.filter(stage="investigating", officers__officer=cast.officer_a).first()
    assert case is not None
    Case.objects.filter(pk=case.pk).update(stage="decided")
    town_a_work["whistles"][1].__class__.objects.filter(pk=town_a_work["whistles"][1].pk).update(
        status=WhistleStatus.CLOSED
    )
    Notification.objects.filter(recipient=cast.officer_a).update(read_at=timezone.now())
    InspectionTask.objects.filter(title="综合查一次 0").update(status=TaskStatus.CHECKED)
    after, _ = _get(client, home)
    assert after != before
    assert "夜间施工噪声" in before and "夜间施工噪声" not in after
    assert 'data-testid="panel-unread"' in before and 'data-testid="panel-unread"' not in after
    assert "综合查一次 0" in before and "综合查一次 0" not in after
    read_by_the_orm_page = _orm_page(client, home)
    assert after == read_by_the_orm_page


def _orm_page(client: Client, url: str) -> str:
    with pytest.MonkeyPatch.context() as mp:
        read_by_the_orm(mp)
        return _get(client, url)[0]


def test_compiled_counts_answer_as_the_aggregate(cast, town_a_work):
    from cases.selectors import my_open_case_rows_in

    for who in ROLES:
        user = getattr(cast, who)
        assert case_panels.my_case_counts(user) == orm_my_case_counts(user), who
        assert inspection_panels._task_counts(user) == orm_task_counts(user), who
    empty = CompiledCounts(Case.objects.none(), {"n": Count("pk")}, marks=())
    assert empty() == {"n": 0}
    with pytest.raises(ValueError):
        CompiledCounts(
            my_open_case_rows_in(units_scope(cast.officer_a), 5), {"n": Count("pk")}, marks=(-7,)
        )  # no such mark


def units_scope(user: User) -> Any:
    from enforcement.access import scope_for

    return scope_for(user)


def test_capturing_a_statement_runs_and_logs_nothing(cast, town_a_work):
    from cases.selectors import my_open_case_rows_in
    from enforcement.compiled import MARK

    with CaptureQueriesContext(connection) as ctx:
        counts = CompiledCounts(
            my_open_case_rows_in(units_scope(cast.officer_a), MARK), {"n": Count("pk")}, marks=(MARK,)
        )
    assert ctx.captured_queries == []
    with CaptureQueriesContext(connection) as ctx:
        assert counts(cast.officer_a.pk)["n"] >= 2
    assert len(ctx.captured_queries) == 1
    assert isinstance(whistle_panels._latest_unread_compiled(), Compiled)


def test_more_open_whistles_than_shown_are_counted(cast, town_a_work, client_for, monkeypatch):
    """Past the six the panel shows, how many are open and how many to confirm come from a count."""
    for n in range(5):
        whistle_raise(
            actor=cast.officer_a,
            town=cast.town_a,
            title=f"第{n}处占道",
            description="居民多次投诉。",
            reason="no_power",
            urgency="normal",
            address="解放路12号",
            departments=[cast.department],
        )
    client = client_for(cast.supervisor_a)
    home = reverse("home")
    _get(client, home)
    compiled = _get(client, home)
    assert whistle_panels._town_open_whistles(cast.supervisor_a)[1] == 8
    assert whistle_panels._to_confirm_count(cast.supervisor_a) == 1
    read_by_the_orm(monkeypatch)
    assert _get(client, home) == compiled


# --- the case page: its timeline, evidence, documents, records and officers' papers compiled once -----------


def orm_timeline_rows(case: Case) -> list[Any]:
    from cases.selectors import case_timeline

    return list(case_timeline(case))


def orm_evidence_rows(case: Case) -> list[Any]:
    return list(case.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk"))


def orm_document_rows(case: Case) -> list[Any]:
    return list(case.documents.select_related("generated_by").order_by("kind", "-version"))


def orm_record_list_for(case: Case) -> list[Any]:
    return list(
        case.onsite_records.select_related("officer_1", "officer_2", "pdf").order_by("started_at", "pk")
    )


def orm_prefetch_for_may_act(people: Any, *, town: Any = None) -> None:
    from django.db.models import Prefetch, prefetch_related_objects

    prefetch_related_objects(
        list(people),
        "unit",
        Prefetch("certificates", queryset=Certificate.objects.order_by("-valid_to")),
        "secondments",
    )


def case_page_by_the_orm(monkeypatch: pytest.MonkeyPatch) -> None:
    from cases.views import case_page, files, records

    monkeypatch.setattr(case_page, "case_timeline_rows", orm_timeline_rows)
    monkeypatch.setattr(case_page, "prefetch_for_may_act", orm_prefetch_for_may_act)
    monkeypatch.setattr(files, "case_evidence_rows", orm_evidence_rows)
    monkeypatch.setattr(files, "case_document_rows", orm_document_rows)
    monkeypatch.setattr(records, "record_list_for", orm_record_list_for)


@pytest.fixture
def busy_case(cast, make_case) -> Case:
    """A case with events, two pieces of evidence, two documents and handling officers with certificates and
    a secondment."""
    from cases.evidence import evidence_add
    from cases.models import CaseDocument
    from enforcement.models import Secondment
    from tests.whistles.conftest import photo_upload

    case = make_case("investigating", title="占道经营 编译")
    for name in ("现场.png", "门头.png"):
        evidence_add(actor=cast.officer_a, case=case, upload=photo_upload(name), caption=name)
    for kind, version in (("notice", 1), ("notice", 2)):
        CaseDocument.objects.create(
            case=case,
            kind=kind,
            version=version,
            file=f"x/{version}.pdf",
            sha256="0" * 64,
            generated_by=cast.officer_a,
        )
    Secondment.objects.create(
        officer=cast.officer_a2, town=cast.town_b, kind="secondment", start=timezone.localdate()
    )
    return case


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ROLES)
def test_the_compiled_case_page_is_the_page_the_orm_built(
    cast, busy_case, client_for, monkeypatch, who, lang
):
    client = client_for(getattr(cast, who))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    url = reverse("cases:case", args=[busy_case.pk])
    first = client.get(url)
    if first.status_code != 200:  # denials unchanged: the same answer either way
        case_page_by_the_orm(monkeypatch)
        assert client.get(url).status_code == first.status_code
        return
    compiled = _get(client, url)
    assert "门头.png" in compiled[0]
    case_page_by_the_orm(monkeypatch)
    _get(client, url)
    built = _get(client, url)
    assert compiled[0] == built[0]
    # the same queries, less the officers' secondments: all of them are of the case's own town's team
    assert compiled[1] == built[1] - 1


def test_evidence_added_shows_on_the_next_case_page(cast, busy_case, client_for):
    from cases.evidence import evidence_add
    from tests.whistles.conftest import photo_upload

    client = client_for(cast.officer_a)
    url = reverse("cases:case", args=[busy_case.pk])
    _get(client, url)
    before, _ = _get(client, url)
    evidence_add(actor=cast.officer_a, case=busy_case, upload=photo_upload("夜景.png"), caption="夜景")
    after, _ = _get(client, url)
    assert "夜景.png" not in before and "夜景.png" in after


# --- the secondments and the town's list figures held in the process under the keys they had in the cache ---


def test_held_panels_are_what_the_cache_and_the_database_give(cast, town_a_work, client_for):
    from django.core.cache import cache

    from authority import panels as authority_panels
    from enforcement import panels as core_panels
    from enforcement.models import Secondment

    Secondment.objects.create(
        officer=cast.officer_a, town=cast.town_b, kind="secondment", start=timezone.localdate()
    )
    client = client_for(cast.officer_a)
    home = reverse("home")
    _get(client, home)
    held, queries = _get(client, home)
    assert cast.town_b.name_zh in held
    core_panels._held_secondments.clear()  # another process: from the cache
    authority_panels._held_figures.clear()
    assert _get(client, home) == (held, queries)
    core_panels._held_secondments.clear()  # nothing kept anywhere: from the database
    authority_panels._held_figures.clear()
    cache.clear()
    units.forget_held()
    _get(client, home)
    assert _get(client, home)[0] == held


def test_a_secondment_ended_shows_on_the_next_home_page(cast, town_a_work, client_for):
    from enforcement.models import Secondment

    today = timezone.localdate()
    secondment = Secondment.objects.create(
        officer=cast.officer_a, town=cast.town_b, kind="secondment", start=today - dt.timedelta(days=9)
    )
    client = client_for(cast.officer_a)
    home = reverse("home")
    _get(client, home)
    assert cast.town_b.name_zh in _get(client, home)[0]
    secondment.end = today - dt.timedelta(days=1)
    secondment.save()  # replaces the scopes' version token
    assert cast.town_b.name_zh not in _get(client, home)[0]


def test_days_reach_a_database_that_takes_them_as_text(cast, town_a_work, client_for, monkeypatch):
    """SQLite (the demo's database) takes a day as its ISO text, not a date: the compiled counts prepare their
    marks and the days put in at them as the ORM does (the demo's home page answered 500 when they did not).
    PostgreSQL made to prepare days as SQLite does gives the same counts and the same page."""
    officer = cast.officer_a
    expected = orm_my_case_counts(officer)
    client = client_for(officer)
    home = reverse("home")
    _get(client, home)
    as_dates, _ = _get(client, home)
    as_text_day = lambda self, value: None if value is None else str(value)  # noqa: E731  (SQLite's)
    monkeypatch.setattr(type(connection.ops), "adapt_datefield_value", as_text_day)
    case_panels._my_case_counts_compiled.cache_clear()
    try:
        assert case_panels.my_case_counts(officer) == expected
        as_text, _ = _get(client, home)
        assert as_text == as_dates
    finally:
        case_panels._my_case_counts_compiled.cache_clear()


# --- the panels' HTML kept per process for what they show (enforcement.templatetags.home_panels) ------------


def _kept_and_included(client: Client, url: str) -> tuple[tuple[str, int], tuple[str, int]]:
    """The page with every panel that says what it reads rendered once and kept, and with every panel
    rendered by its include, as before."""
    from enforcement.templatetags import home_panels

    home_panels.forget_kept()
    _get(client, url)  # renders the panels and keeps them
    # Steady state on both sides: once in the full suite (-n 2) the second request of a client sent one query
    # more than the third (the supervisor's page, HTML equal; not seen alone): both are measured warm.
    _get(client, url)
    kept = _get(client, url)  # from what is kept
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(home_panels, "KEEP", False)
        _get(client, url)
        included = _get(client, url)
    return kept, included


def _raw_tokens(client: Client, url: str) -> set[str]:
    body = client.get(url).content.decode()
    return {
        m.group(2)
        for m in re.finditer(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]+)', body)
    }


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("who", [*ROLES, "city_supervisor"])
def test_kept_panels_are_what_their_templates_write(cast, town_a_work, client_for, request, who, lang):
    from enforcement.templatetags import home_panels

    user = request.getfixturevalue(who) if who == "city_supervisor" else getattr(cast, who)
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    home = reverse("home")
    kept, included = _kept_and_included(client, home)
    assert kept == included  # the same HTML (CSRF masked), the same queries
    assert home_panels.CSRF_STAND_IN not in kept[0]
    # every form of the page (a notification's too) carries the request's one token, as the include wrote it
    assert len(_raw_tokens(client, home)) == 1


def test_kept_panels_show_a_change_on_the_next_request(cast, town_a_work, client_for):
    """Nothing is kept but the HTML for the values read: a renamed whistle, a department's answer, a new
    notification, a count that moves show at once, and the page is the include's."""
    from enforcement.models import Unit

    client = client_for(cast.supervisor_a)
    home = reverse("home")
    _get(client, home)
    before, _ = _get(client, home)
    first = town_a_work["whistles"][2]
    type(first).objects.filter(pk=first.pk).update(title="占道堆物（已改名）")
    WhistleAssignment.objects.filter(whistle=town_a_work["whistles"][1]).update(status=Status.HANDLED)
    department = Unit.objects.get(pk=cast.department.pk)
    department.name_zh = "区城市管理局（新）"
    department.save()
    whistle_raise(
        actor=cast.officer_a,
        town=cast.town_a,
        title="新的一处噪声",
        description="居民投诉。",
        reason="no_power",
        urgency="normal",
        address="解放路1号",
        departments=[cast.department],
    )
    after, _ = _get(client, home)
    for shown in ("占道堆物（已改名）", "区城市管理局（新）", "新的一处噪声"):
        assert shown not in before and shown in after
    kept, included = _kept_and_included(client, home)
    assert kept[0] == included[0] == after


def test_plain_values_tell_apart_what_prints_differently():
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy, override

    from enforcement.home import plain

    assert plain(True) != plain(1) and plain(0) != plain(None) and plain("1") != plain(1)
    assert plain("<b>") != plain(mark_safe("<b>"))
    assert plain(dt.date(2026, 1, 2)) != plain(dt.datetime(2026, 1, 2))
    assert plain({"a": [1, (2, "x")]}) == plain({"a": [1, (2, "x")]})
    assert plain([1]) != plain((1,))
    label = gettext_lazy("Whistles")
    with override("en"):
        english = plain(label)
    with override("zh-hans"):
        assert plain(label) != english
    with pytest.raises(TypeError):
        plain(User())
