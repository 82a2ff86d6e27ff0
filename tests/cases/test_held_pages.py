"""Signed-in pages and API answers held under the towns' work versions (enforcement.work_cache, issue 18).

Each held page or answer: the second request is served without running the view (only the session and the
user are read); every kind of change shows on the next request; nobody gets somebody else's answer; a form of
a held page still posts; with Redis down (or the cache turned off) the views run as before."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import lifecycle
from cases.models import Case
from enforcement import work_cache
from enforcement.audit import audit_record
from enforcement.calendar import bump_calendar_version
from enforcement.models import CalendarDay, FenceWarning, User
from tests.enforcement.test_outage import redis_unreachable
from whistles.models import WhistleAssignment
from whistles.services import assignment_acknowledge, whistle_raise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _held_pages(settings):
    settings.WORK_PAGE_CACHE = True


AUTH_READS = ('SELECT "django_session".', 'SELECT "enforcement_user".')


def view_queries(ctx: CaptureQueriesContext) -> list[str]:
    """The queries of a request other than reading its session and its user."""
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(AUTH_READS)]


def browser(client_for: Callable[[User | None], Client], user: User) -> Client:
    """Signed in, with the CSRF cookie a first page gives."""
    client = client_for(user)
    client.get(reverse("home"))
    assert settings.CSRF_COOKIE_NAME in client.cookies
    return client


def held(client: Client, url: str) -> str:
    """The page twice more: the second time held (no query of the view's own), equal to the first."""
    client.get(url)
    first = client.get(url)
    assert first.status_code == 200, first.content[:300]
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url)
    assert second.status_code == 200
    assert view_queries(ctx) == []
    assert second.content == first.content
    assert "no-store" in second["Cache-Control"] and "private" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    return second.content.decode()


def built(client: Client, url: str) -> str:
    """The page, built afresh (the view ran: it read the database)."""
    with CaptureQueriesContext(connection) as ctx:
        answer = client.get(url)
    assert answer.status_code == 200
    assert view_queries(ctx) != []
    return answer.content.decode()


@pytest.fixture
def case(make_case) -> Case:
    return make_case("investigating", title="占道经营 原标题")


def _urls(case: Case) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "case list": reverse("cases:case-list"),
        "case list filtered": reverse("cases:case-list") + "?stage=investigating",
        "case page": reverse("cases:case", args=[case.pk]),
        "api list": reverse("api-cases"),
        "api detail": reverse("api-case", args=[case.pk]),
    }


def _whistle(cast, title: str, description: str, address: str):
    """Town A's officer whistles to the department (which has no power of its own here)."""
    return whistle_raise(
        actor=cast.officer_a,
        town=cast.town_a,
        title=title,
        description=description,
        reason="no_power",
        urgency="normal",
        address=address,
        departments=[cast.department],
    )


@pytest.mark.parametrize(
    "name", ["home", "case list", "case list filtered", "case page", "api list", "api detail"]
)
def test_a_second_request_is_served_without_the_view(cast, case, client_for, name):
    client = browser(client_for, cast.officer_a)
    body = held(client, _urls(case)[name])
    assert "甲执法员" in body or name.startswith("api")


def test_the_departments_inbox_is_held_and_shows_a_new_whistle_at_once(cast, case, client_for):
    client = browser(client_for, cast.responder)
    url = reverse("api-whistle-inbox")
    assert '"results":[]' in held(client, url).replace(" ", "")
    whistle = _whistle(cast, "餐馆油烟扰民", "解放路12号餐馆油烟直排。", "解放路12号")
    assert "餐馆油烟扰民" in built(client, url)
    held(client, url)
    assignment = WhistleAssignment.objects.get(whistle=whistle)
    assignment_acknowledge(actor=cast.responder, assignment=assignment)
    body = built(client, url)
    assert '"status":"acknowledged"' in body.replace(" ", "")


def test_an_answer_that_read_the_clock_is_held_only_for_its_minute(cast, client_for):
    client = browser(client_for, cast.responder)
    _whistle(cast, "噪声扰民", "夜间施工。", "解放路1号")
    url = reverse("api-whistle-inbox")
    held(client, url)  # its overdue flags read the clock
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        built(client, url)


def test_a_stage_moved_through_the_service_shows_at_once(cast, case, client_for):
    client = browser(client_for, cast.officer_a)
    urls = _urls(case)
    for name in urls:
        held(client, urls[name])
    lifecycle.case_update(actor=cast.officer_a, case=case, data={"title": "占道经营 新标题"})
    for name in ("case list", "case page", "api list", "api detail"):
        assert "新标题" in built(client, urls[name]), name
    # A stage moved by the services' conditional update(): no signal, but its audit row.
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(stage="closed")
        audit_record(actor=cast.officer_a, action="cases.case.update", obj=case, town=cast.town_a)
    assert '"stage":"closed"' in built(client, urls["api detail"]).replace(" ", "")
    assert "?stage=investigating" in urls["case list filtered"]
    assert "新标题" not in built(client, urls["case list filtered"])


def test_evidence_added_shows_on_the_case_page(cast, case, client_for):
    from cases.evidence import evidence_add
    from tests.whistles.conftest import photo_upload

    client = browser(client_for, cast.officer_a)
    url = reverse("cases:case", args=[case.pk])
    held(client, url)
    evidence_add(actor=cast.officer_a, case=case, upload=photo_upload("现场.png"), caption="现场照片")
    assert "现场.png" in built(client, url)


def test_a_fence_warning_raised_by_a_sweep_shows_on_the_supervisors_home(cast, case, client_for):
    from enforcement.sweeps import _announce

    client = browser(client_for, cast.supervisor_a)
    url = reverse("home")
    held(client, url)
    with transaction.atomic(), connection.cursor() as cursor:  # as a sweep writes them: one INSERT, no signal
        cursor.execute(
            "INSERT INTO enforcement_fencewarning (rule, key, town_id, district_id, object_type, object_id,"
            " severity, message, details, status, raised_at, reason, review_note, follow_up,"
            " resolution_note, escalation) VALUES ('T-SWEEP', 'k1', %s, %s, 'cases.case', %s, 'warning',"
            " '扫描发现的预警', '{}', 'open', now(), '', '', '', '', '') RETURNING id, severity",
            [cast.town_a.pk, cast.district.pk, str(case.pk)],
        )
        _announce(cursor.fetchall())
    assert FenceWarning.objects.filter(rule="T-SWEEP").exists()
    built(client, url)


def test_a_notification_to_the_user_shows_at_once(cast, client_for):
    from whistles.notifications import notify_keyed

    client = browser(client_for, cast.officer_a)
    url = reverse("home")
    before = held(client, url)
    with transaction.atomic():
        notify_keyed([cast.officer_a], "case_deadline", {"reference": "X"}, key="t-held-1", exclude=None)
    after = built(client, url)
    assert after != before


def test_an_item_renamed_shows_on_the_case_page(cast, case, client_for):
    client = browser(client_for, cast.officer_a)
    url = reverse("cases:case", args=[case.pk])
    held(client, url)
    item = case.item
    item.name_zh = "改名后的事项"
    item.save()
    assert "改名后的事项" in built(client, url)


def test_the_calendar_changed_rebuilds_the_page(cast, case, client_for):
    client = browser(client_for, cast.officer_a)
    url = reverse("cases:case", args=[case.pk])
    held(client, url)
    CalendarDay.objects.create(
        date=timezone.localdate() + dt.timedelta(days=3), is_working_day=False, name="测试假日"
    )
    bump_calendar_version()
    built(client, url)


def test_the_next_day_rebuilds_the_page(cast, case, client_for):
    client = browser(client_for, cast.officer_a)
    url = reverse("cases:case-list")
    held(client, url)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        built(client, url)


def test_the_language_switched_gives_that_languages_page(cast, case, client_for):
    client = browser(client_for, cast.officer_a)
    url = reverse("cases:case-list")
    chinese = held(client, url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert english != chinese and 'lang="en"' in english


def test_an_officer_moved_to_another_town_no_longer_gets_the_held_page(cast, case, client_for):
    client = browser(client_for, cast.officer_a)
    url = reverse("cases:case", args=[case.pk])
    held(client, url)
    officer = User.objects.get(pk=cast.officer_a.pk)
    officer.unit = cast.town_b
    officer.save()
    assert client.get(url).status_code == 404
    assert case.title not in client.get(reverse("cases:case-list")).content.decode()


def test_a_deactivated_user_no_longer_gets_the_held_page(cast, case, client_for):
    client = browser(client_for, cast.officer_a)
    url = reverse("cases:case", args=[case.pk])
    held(client, url)
    User.objects.filter(pk=cast.officer_a.pk).update(is_active=False)
    assert client.get(url).status_code == 302  # to the sign-in page


def test_a_role_taken_away_shows_at_once(cast, case, client_for):
    client = browser(client_for, cast.supervisor_a)
    url = reverse("home")
    with_desk = held(client, url)
    cast.supervisor_a.groups.clear()
    assert built(client, url) != with_desk


def test_a_pending_message_is_shown_not_the_held_page(cast, client_for, case):
    client = browser(client_for, cast.officer_a)
    url = reverse("cases:case", args=[case.pk])
    held(client, url)
    # A message waiting (as a redirect after an action leaves it): the page shows it, once.
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    storage = CookieStorage(HttpRequest())
    storage.add(20, "一条待显示的消息")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    assert "一条待显示的消息" in client.get(url).content.decode()
    assert "一条待显示的消息" not in client.get(url).content.decode()


def test_another_user_never_gets_the_held_page(cast, case, client_for):
    url = reverse("cases:case", args=[case.pk])
    held(browser(client_for, cast.officer_a), url)
    other = browser(client_for, cast.officer_a2)
    body = built(other, url)
    assert "甲执法员二" in body


def test_an_officer_of_another_town_gets_no_held_page(cast, case, client_for):
    urls = _urls(case)
    mine = browser(client_for, cast.officer_a)
    for name in ("case page", "case list", "api detail", "api list"):
        held(mine, urls[name])
    theirs = browser(client_for, cast.officer_b)
    assert theirs.get(urls["case page"]).status_code == 404
    assert theirs.get(urls["api detail"]).status_code == 404
    assert case.title not in theirs.get(urls["case list"]).content.decode()
    assert case.title not in theirs.get(urls["api list"]).content.decode()


def test_a_form_of_a_held_page_posts_with_its_token(cast, make_case, client_for):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    client.get(reverse("home"))
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    url = reverse("cases:case", args=[case.pk])
    body = held(strict, url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token is not None
    answer = strict.post(
        reverse("cases:case-declare", args=[case.pk]),
        {"csrfmiddlewaretoken": token.group(1), "conflict": ""},
    )
    assert answer.status_code != 403
    # Another browser of the same user (another CSRF secret) gets its own page, not this one.
    second = browser(client_for, cast.officer_a)
    built(second, url)


def test_with_redis_down_the_pages_are_built_each_time(cast, case, client_for):
    client = browser(client_for, cast.officer_a)
    url = reverse("cases:case", args=[case.pk])
    held(client, url)
    with redis_unreachable():
        for _ in range(2):
            built(client, url)


def test_no_token_means_nothing_is_held(cast, monkeypatch):
    monkeypatch.setattr(work_cache, "version_token", lambda key: None)
    monkeypatch.setattr(django_cache, "get_many", lambda keys: {})
    assert work_cache._tokens(cast.officer_a, "town", "x") is None


def test_turned_off_every_page_is_built(cast, case, client_for, settings):
    settings.WORK_PAGE_CACHE = False
    client = browser(client_for, cast.officer_a)
    url = reverse("cases:case", args=[case.pk])
    for _ in range(3):
        built(client, url)


def test_a_change_in_another_town_leaves_the_town_list_held_but_not_the_case_page(
    cast, case, make_case, client_for
):
    """Town tokens: B's work does not rebuild A's list; the case page (its recommendation reads the
    district's decided cases) is rebuilt."""
    client = browser(client_for, cast.officer_a)
    urls = _urls(case)
    held(client, urls["case list"])
    held(client, urls["case page"])
    with transaction.atomic():
        audit_record(actor=cast.officer_b, action="cases.case.update", obj=case, town=cast.town_b)
    with CaptureQueriesContext(connection) as ctx:
        client.get(urls["case list"])
    assert view_queries(ctx) == []
    built(client, urls["case page"])


def test_the_district_administrators_list_shows_a_towns_change_at_once(cast, case, client_for):
    client = browser(client_for, cast.admin)
    url = reverse("api-cases")
    assert "原标题" in held(client, url)
    lifecycle.case_update(actor=cast.officer_a, case=case, data={"title": "占道经营 区里看到的新标题"})
    assert "区里看到的新标题" in built(client, url)


def test_notifications_marked_read_show_at_once(cast, client_for):
    from whistles.notifications import notify_keyed
    from whistles.services import notifications_mark_all_read

    with transaction.atomic():
        notify_keyed([cast.officer_a], "case_deadline", {"reference": "X"}, key="t-held-2", exclude=None)
    client = browser(client_for, cast.officer_a)
    url = reverse("home")
    unread = held(client, url)
    assert notifications_mark_all_read(actor=cast.officer_a) == 1
    assert built(client, url) != unread


def test_a_change_made_while_redis_is_unreachable_is_seen_once_it_answers(cast, case, client_for):
    """The token of a change made while Redis could not be written is replaced as soon as Redis answers (by
    replacing the global token every held answer carries): the held page of before is not served again."""
    client = browser(client_for, cast.officer_a)
    url = reverse("cases:case", args=[case.pk])
    held(client, url)
    with redis_unreachable():
        lifecycle.case_update(actor=cast.officer_a, case=case, data={"title": "占道经营 断线时改的标题"})
    assert "断线时改的标题" in built(client, url)
    assert "断线时改的标题" in held(client, url)


@pytest.mark.parametrize("who", ["admin", "supervisor_a"])
def test_the_audit_list_is_held_and_shows_a_row_written_and_then_linked_at_once(cast, case, client_for, who):
    """The audit list shows each row's place in the chain (seq, hash), which the linker sets after the commit
    with one UPDATE: the link replaces the tokens of the rows' towns and units as writing them did."""
    from enforcement.audit import audit_link

    audit_link()
    client = browser(client_for, getattr(cast, who))
    url = reverse("api-audit")
    held(client, url)
    with transaction.atomic():
        audit_record(actor=cast.officer_a, action="cases.case.update", obj=case, town=cast.town_a)
    body = built(client, url).replace(" ", "")
    assert body.count('"seq":null') == 1  # the new row, not yet linked (the tests run no commit callbacks)
    held(client, url)
    assert audit_link() == 1
    body = built(client, url).replace(" ", "")
    assert '"seq":null' not in body
    held(client, url)


def test_a_row_of_another_district_leaves_the_audit_list_held(cast, case, client_for):
    from enforcement.audit import audit_link
    from tests.factories import make_district, make_unit

    other = make_unit(make_district(code="T600"), "town", code="T600-A")
    audit_link()
    client = browser(client_for, cast.admin)
    url = reverse("api-audit")
    held(client, url)
    with transaction.atomic():
        audit_record(actor=None, action="cases.case.update", obj=case, town=other)
    assert audit_link() == 1
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert view_queries(ctx) == []


@pytest.fixture
def redis_trips(monkeypatch) -> list[str]:
    """The commands sent to Redis (each one a round trip; a pipeline counts once)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache
    from redis.client import Pipeline, Redis

    if not isinstance(caches["default"], RedisCache):
        pytest.skip("the cache is not Redis")
    sent: list[str] = []
    command, pipeline = Redis.execute_command, Pipeline.execute

    def counted(self, *args, **kwargs):
        sent.append(str(args[0]))
        return command(self, *args, **kwargs)

    def counted_pipeline(self, *args, **kwargs):
        sent.append("PIPELINE")
        return pipeline(self, *args, **kwargs)

    monkeypatch.setattr(Redis, "execute_command", counted)
    monkeypatch.setattr(Pipeline, "execute", counted_pipeline)
    return sent


@pytest.mark.parametrize("held_answers", [True, False])
def test_a_signed_in_request_reads_its_scope_and_tokens_in_one_round_trip(
    cast, case, client_for, settings, redis_trips, held_answers
):
    """The scope's version, the work tokens of the user's towns, the reference data's token (the case's
    recommendation) and the calendar's are read together (issue 18: two or three round trips before); the
    answers are those of before (the rest of this file)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    settings.WORK_PAGE_CACHE = held_answers
    client = APIClient()  # by token: each request reads its user afresh, as in production
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.officer_a).key}")
    browser_ = browser(client_for, cast.officer_a)
    for get, url in (
        (client.get, reverse("api-case", args=[case.pk])),
        (client.get, reverse("api-cases")),
        (browser_.get, reverse("cases:case", args=[case.pk])),
    ):
        get(url)
        get(url)
        redis_trips.clear()
        assert get(url).status_code == 200
        assert redis_trips == ["MGET"], url
