"""The fixed cast: officer, second officer, supervisor and legal reviewer of town A; officer of town B (the
outsider); a responder of a district department; a district administrator; the anonymous public."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from enforcement.domains import Domain
from enforcement.models import AuditEvent, District, Role, Unit, User
from tests.factories import make_certificate, make_district, make_unit, make_user


@dataclass
class Cast:
    district: District
    town_a: Unit
    town_b: Unit
    department: Unit
    office: Unit
    officer_a: User
    officer_a2: User
    supervisor_a: User
    reviewer_a: User
    officer_b: User
    responder: User
    admin: User


# The dates the date-sensitive tests (deadlines, calendar, whistle deadlines, demo seeds) also run under,
# besides the real today: a Saturday, the eve of Spring Festival (inside the holiday), New Year's Eve (counts
# run into a year whose schedule is not loaded), and a leap day in a year with no schedule at all.
FROZEN_DAYS: dict[str, dt.datetime] = {
    "saturday": dt.datetime(2026, 6, 13, 9, 30),
    "spring-festival-eve": dt.datetime(2026, 2, 16, 9, 30),
    "new-years-eve": dt.datetime(2026, 12, 31, 16, 45),
    "leap-day-2028": dt.datetime(2028, 2, 29, 9, 30),
}


@pytest.fixture(params=["today", *FROZEN_DAYS])
def any_day(request: pytest.FixtureRequest) -> Iterator[dt.date]:
    """Run the test today and again on each of FROZEN_DAYS (Beijing time; the clock keeps ticking from there).

    Use it as `pytestmark = pytest.mark.usefixtures("any_day")` so it is set up before the cast and the data.
    """
    from django.utils import timezone

    if request.param == "today":
        yield timezone.localdate()
        return
    moment = FROZEN_DAYS[request.param].replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        assert timezone.localdate() == moment.date()
        yield moment.date()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A real Celery worker is another process, on the real clock: a test that starts one runs only today."""
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        frozen = callspec is not None and callspec.params.get("any_day", "today") != "today"
        (dropped if frozen and item.get_closest_marker("worker") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def shipped_holiday_schedule(db: None, settings) -> Iterator[None]:
    """Exactly the holiday schedule as shipped (2024 to 2026), whatever the test database held; a fresh
    calendar."""
    from django.core.management import call_command

    from enforcement.calendar import reset_calendar_cache
    from enforcement.models import CalendarDay

    reset_calendar_cache()
    call_command("import_holidays", str(settings.BASE_DIR / "enforcement" / "holidays" / "cn.csv"))
    CalendarDay.objects.filter(date__year__gt=2026).delete()
    reset_calendar_cache()
    yield
    reset_calendar_cache()


@pytest.fixture(autouse=True)
def _work_cache(settings):
    """Signed-in pages are built for every request unless a test holds them (tests/cases/test_held_pages.py):
    many tests write rows straight through the ORM between two requests, which no service does. Set
    ZHIFA_TEST_WORK_CACHE=1 to run any tests with the pages held (enforcement.work_cache)."""
    import os

    settings.WORK_PAGE_CACHE = os.environ.get("ZHIFA_TEST_WORK_CACHE") == "1"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's million rounds cost half a second per user; tests do not need them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages raised by services in test code are English; requests still get the language middleware."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


def build_cast() -> Cast:
    """The cast's rows (for fixtures of a wider scope, e.g. the schemathesis run's module-wide data)."""
    district = make_district(code="T500", name_zh="测试区")
    town_a = make_unit(district, Unit.Kind.TOWN, code="T500-A", name_zh="甲街道")
    town_b = make_unit(district, Unit.Kind.TOWN, code="T500-B", name_zh="乙镇")
    department = make_unit(
        district, Unit.Kind.DEPARTMENT, code="T500-MKT", name_zh="测试区市场监督管理局", domain=Domain.MARKET
    )
    office = make_unit(district, Unit.Kind.DISTRICT_OFFICE, code="T500-SFJ", name_zh="测试区司法局")
    officer_a = make_user(town_a, [Role.OFFICER], username="officer_a", full_name="甲执法员")
    officer_a2 = make_user(town_a, [Role.OFFICER], username="officer_a2", full_name="甲执法员二")
    supervisor_a = make_user(
        town_a, [Role.SUPERVISOR, Role.OFFICER], username="supervisor_a", full_name="甲队长"
    )
    reviewer_a = make_user(town_a, [Role.LEGAL_REVIEWER], username="reviewer_a", full_name="甲法制审核员")
    officer_b = make_user(town_b, [Role.OFFICER], username="officer_b", full_name="乙执法员")
    responder = make_user(
        department, [Role.RESPONDER, Role.OFFICER], username="responder", full_name="市场监管联络员"
    )
    admin = make_user(office, [Role.DISTRICT_ADMIN], username="district_admin", full_name="区管理员")
    for person in (officer_a, officer_a2, supervisor_a, reviewer_a, officer_b, responder):
        make_certificate(person)
    return Cast(
        district,
        town_a,
        town_b,
        department,
        office,
        officer_a,
        officer_a2,
        supervisor_a,
        reviewer_a,
        officer_b,
        responder,
        admin,
    )


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A browser-like client logged in as the user (None: the anonymous public)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def audit_count() -> Callable[[], int]:
    return lambda: AuditEvent.objects.count()


@pytest.fixture
def celery_worker(transactional_db: None):
    """A real Celery worker process on Redis, on a queue of its own, reading this test's database.

    Tasks sent while the fixture is active go to that queue instead of running in-process.
    """
    import os
    import subprocess
    import sys
    import tempfile
    import time
    import uuid

    from django.conf import settings
    from django.db import connection

    from enforcement.celery import app

    db = connection.settings_dict
    url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    queue = f"zhifa-test-{uuid.uuid4().hex[:10]}"
    name = f"{queue}@localhost"
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "enforcement",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            name,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    saved = (app.conf.task_always_eager, app.conf.task_routes)
    app.conf.task_always_eager = False
    app.conf.task_routes = {"*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()  # type: ignore[misc]  # a cached property: a new router drops the cached routes
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=1.0):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start:\n" + open(log.name).read())
        yield process
    finally:
        app.conf.task_always_eager, app.conf.task_routes = saved
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()  # type: ignore[misc]  # as above
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    """Poll until predicate() is truthy (a worker's effect on the database); return its value."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout:.0f}s")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


# What Chromium reported during the current browser test: CSP violations, console errors, uncaught exceptions.
# Every context made from the `browser` fixture reports here, and the test fails at teardown if anything did.
BROWSER_PROBLEMS: list[str] = []
EXPECTING_SERVER_ERROR = False

_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__zhifaProblem(`CSP violation on ${location.pathname}: ${e.effectiveDirective}`
    + ` refused ${e.blockedURI || "inline"} (${e.sourceFile || "?"}:${e.lineNumber}) ${e.sample || ""}`);
});
"""


def _on_console(message) -> None:
    if message.type != "error":
        return
    page_url = message.page.url if message.page else ""
    # A page the server answered with a deliberate 4xx (a refused form, a 404 page) is the app speaking, not
    # an error of the page; Chromium logs the status of the document itself. Anything else is a problem.
    own_document = message.location.get("url") == page_url
    if own_document and message.text.startswith(
        "Failed to load resource: the server responded with a status of 4"
    ):
        return
    # A test that provokes a server error on purpose (the 500 page) says so with
    # @pytest.mark.server_error_expected.
    if (
        own_document
        and EXPECTING_SERVER_ERROR
        and message.text.startswith("Failed to load resource: the server responded with a status of 5")
    ):
        return
    BROWSER_PROBLEMS.append(f"console error on {page_url}: {message.text} ({message.location.get('url')})")


class WatchedBrowser:
    """The Playwright browser, whose new contexts report CSP violations, console errors and page errors."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def __getattr__(self, name: str):
        return getattr(self._browser, name)

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.expose_function("__zhifaProblem", lambda text: BROWSER_PROBLEMS.append(text))
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on("console", _on_console)
        context.on(
            "weberror",
            lambda error: BROWSER_PROBLEMS.append(
                f"uncaught error on {error.page.url if error.page else '?'}: {error.error}"
            ),
        )
        return context


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download), under the app's real CSP."""
    import os

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used beside Playwright's loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield WatchedBrowser(instance)
        instance.close()


@pytest.fixture(autouse=True)
def _no_browser_problems(request):
    """A browser test fails if Chromium saw a CSP violation, a console error or an uncaught exception."""
    if "browser" not in request.fixturenames:
        yield
        return
    global EXPECTING_SERVER_ERROR
    BROWSER_PROBLEMS.clear()
    EXPECTING_SERVER_ERROR = request.node.get_closest_marker("server_error_expected") is not None
    yield
    EXPECTING_SERVER_ERROR = False
    problems = list(BROWSER_PROBLEMS)
    BROWSER_PROBLEMS.clear()
    assert not problems, "Chromium reported:\n" + "\n".join(problems)


@pytest.fixture
def phone_page(browser, live_server):
    """A page in a phone-sized viewport; on failure a screenshot lands in test-artifacts/."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(30_000)  # the suite shares 2 cores with a production boot
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def go_offline(page) -> None:
    """Cut the page's connection once the requests its loading started have finished (the notifications bell's
    count): a request cut in flight makes Chromium and htmx log a failed request, which a browser test counts
    as an error (the flake seen twice in test_browser_offline.py)."""
    page.wait_for_load_state("networkidle")
    page.context.set_offline(True)


def browser_login(page, username: str, password: str = "test-pass-123!") -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{page.base_url}/")


def save_screenshot(page, name: str) -> None:
    from pathlib import Path

    from django.conf import settings

    out = Path(settings.BASE_DIR) / "test-artifacts"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)


def race(calls, timeout: float = 60.0) -> list[Any]:
    """Run the calls at the same moment on separate database connections; return what each returned or
    raised."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what we test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def batches(callbacks: list[Callable[[], object]]) -> list[Callable[[], object]]:
    """The after-commit callbacks a test counts as queued work: all but the held answers' token replacement
    (enforcement.work_cache), which every transaction that changes work data registers once."""
    from enforcement import work_cache

    return [callback for callback in callbacks if callback is not work_cache._replace_pending]
