"""Production mode, for real: `scripts/prod` boots gunicorn, a Celery worker and Celery beat with DEBUG=0 on
PostgreSQL and Redis (a database, queue and cache prefix of its own), behind a simulated TLS proxy so every
production default is on. The test loads demo data, logs in over HTTP as each role of the cast (with CSRF),
crawls every page it can reach, and checks: no 5xx anywhere, static files served under hashed names (and only
those), the worker doing beat's work, the error pages, and that SIGTERM stops all three processes.

Figures (pages per role, 5xx, seconds per phase) are printed and written to
test-artifacts/production-crawl.json.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

pytestmark = pytest.mark.production

ROOT = Path(settings.BASE_DIR)
PASSWORD = "zhifa-demo-2026"  # demo.core.DEMO_PASSWORD
ROLES = {  # the cast, as the demo district has them
    "anonymous public": None,
    "officer": "shiyoulu_officer",
    "supervisor": "shiyoulu_supervisor",
    "legal reviewer": "shiyoulu_reviewer",
    "other-town officer": "jiefangbei_officer",
    "district administrator": "admin",
    "department responder": "urban_responder",
}
# Every kind of page, not every case: at most 2 URLs per route and set of query keys, 5 per route, 300 per
# role.
PER_QUERY_SHAPE, PER_ROUTE, PER_ROLE = 2, 5, 300
SKIP_ROUTES = {"logout", "set_language", "admin:logout"}
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
# The small demo: every case stage, fewer cases than the 300 of `seed_demo` (cases' own demo test uses the
# same).
SEED = (
    "import django; django.setup()\n"
    "from django.core.management import call_command\n"
    "call_command('seed_demo', small=True)\n"
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        elif tag in ("link", "script", "img") and (values.get("href") or values.get("src")):
            self.assets.append(values.get("href") or values.get("src") or "")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the crawler records redirects and follows them itself
        return None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def html(self) -> str:
        return (
            self.body.decode("utf-8", "replace")
            if "text/html" in self.headers.get("content-type", "")
            else ""
        )


@dataclass
class Browser:
    """One person's session: cookies kept, every request marked as arriving over HTTPS from the TLS proxy."""

    base: str
    https: bool = True
    cookies: http.cookiejar.CookieJar = field(
        default_factory=lambda: http.cookiejar.CookieJar(
            # The proxy speaks HTTPS to the browser; between proxy and app it is HTTP, so Secure cookies go
            # back too.
            http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "http"))
        )
    )

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects
        )

    def request(
        self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        all_headers = {"X-Forwarded-Proto": "https"} if self.https else {}
        all_headers.update(headers or {})
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        url = self.base + urllib.parse.quote(path, safe="/?&=%:+,;@!$'()*[]~")
        request = urllib.request.Request(url, data=body, headers=all_headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(
                    response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
                )
        except urllib.error.HTTPError as error:
            return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def login(self, username: str) -> None:
        form = self.request("/accounts/login/").html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert token, "no CSRF token on the login page"
        origin = "https://" + urllib.parse.urlsplit(self.base).netloc
        answer = self.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
            headers={"Origin": origin, "Referer": origin + "/accounts/login/"},
        )
        assert answer.status == 302 and answer.headers["location"] == "/", (
            username,
            answer.status,
            answer.html[:500],
        )
        assert 'data-testid="logout"' in self.request("/").html, f"{username} is not logged in"


def _free_port() -> int:
    if os.environ.get("ZHIFA_TOPOLOGY_PORT"):
        return int(os.environ["ZHIFA_TOPOLOGY_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _argument_free_paths() -> list[str]:
    """Every route without parameters (pages and API lists), so pages no menu links to are fetched too."""
    paths: list[str] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            pattern = entry.pattern
            if getattr(pattern, "converters", None) or not hasattr(pattern, "_route"):
                continue  # parameters, or a regex (format suffixes, the admin's model pages)
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    walk(entry, prefix + str(pattern), entry.namespace or namespace)
            elif (
                isinstance(entry, URLPattern)
                and (f"{namespace}:" if namespace else "") + (entry.name or "") not in SKIP_ROUTES
            ):
                paths.append("/" + prefix + str(pattern))

    walk(get_resolver(), "", "")
    return sorted(set(paths)) + ["/admin/"]


def _route_key(path: str) -> tuple[str, tuple[str, ...]] | None:
    parts = urllib.parse.urlsplit(path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return ("404", ())
    if match.view_name in SKIP_ROUTES:
        return None
    return (match.view_name, tuple(sorted(urllib.parse.parse_qs(parts.query))))


def _crawl(
    browser: Browser, seeds: list[str], host: str, timings: dict[str, float]
) -> tuple[dict[str, int], set[str]]:
    """Breadth-first over same-origin links, GET only; returns {url: status} and the static URLs pages
    referenced."""
    seen: dict[str, int] = {}
    per_shape: Counter = Counter()
    per_route: Counter = Counter()
    assets: set[str] = set()
    queue = deque(seeds)
    while queue and len(seen) < PER_ROLE:
        path = queue.popleft()
        key = _route_key(path)
        if path in seen or key is None or per_shape[key] >= PER_QUERY_SHAPE or per_route[key[0]] >= PER_ROUTE:
            continue
        per_shape[key] += 1
        per_route[key[0]] += 1
        started = time.monotonic()
        answer = browser.request(path)
        timings[path] = max(timings.get(path, 0.0), time.monotonic() - started)
        seen[path] = answer.status
        found: list[str] = []
        if answer.status in (301, 302, 303, 307, 308):
            found.append(answer.headers.get("location", ""))
        if answer.html:
            parser = _Links()
            parser.feed(answer.html)
            found += parser.links
            assets.update(
                urllib.parse.urlsplit(a).path for a in parser.assets if a.startswith(settings.STATIC_URL)
            )
        for link in found:
            absolute = urllib.parse.urlsplit(urllib.parse.urljoin("https://" + host + path, link))
            if absolute.netloc != host or absolute.scheme not in ("http", "https"):
                continue
            query = urllib.parse.parse_qsl(absolute.query, keep_blank_values=True)
            if any(name == "lang" for name, _ in query):
                continue  # the language switch would move the rest of this role's crawl to English
            queue.append(absolute.path + (f"?{absolute.query}" if absolute.query else ""))
    return seen, assets


def _drop_database(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    db = dj_database_url.parse(url)
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db["NAME"])))


@pytest.fixture
def topology(tmp_path):
    """scripts/prod started on a free port with its own database, queue, cache prefix, static and media
    folders."""
    base_db = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhifa")
    name = f"zhifa_topology_{uuid.uuid4().hex[:8]}"
    database_url = base_db.rsplit("/", 1)[0] + "/" + name
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CELERY_TASK_ALWAYS_EAGER", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "CELERY_TASK_DEFAULT_QUEUE": name,
            "CACHE_KEY_PREFIX": name,
            "PORT": str(port),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "BEHIND_TLS_PROXY": "1",
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "BEAT_SCHEDULE": str(tmp_path / "beat" / "schedule"),
            "WEB_CONCURRENCY": "2",
            "WORKER_CONCURRENCY": "1",
        }
    )
    log_path = tmp_path / "topology.log"
    log = open(log_path, "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "prod")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    handle = {
        "process": process,
        "env": env,
        "base": f"http://127.0.0.1:{port}",
        "log": log_path,
        "host": f"127.0.0.1:{port}",
    }
    try:
        yield handle
    finally:
        if process.poll() is None:  # the test failed before its own clean stop
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()
        artifacts = ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        (artifacts / "production-topology.log").write_bytes(log_path.read_bytes())
        _drop_database(database_url)


def _log_tail(topology, lines: int = 60) -> str:
    return "\n".join(topology["log"].read_text(errors="replace").splitlines()[-lines:])


def _wait_until_serving(topology, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    probe = Browser(topology["base"], https=False)
    while time.monotonic() < deadline:
        assert topology["process"].poll() is None, "scripts/prod stopped:\n" + _log_tail(topology)
        try:
            status = probe.request("/healthz").status
        except OSError:
            status = None  # not listening yet
        if status == 200:
            return
        assert status is None, f"/healthz over plain HTTP answered {status}"
        time.sleep(1)
    raise AssertionError(f"not serving after {timeout:.0f}s:\n" + _log_tail(topology))


def test_production_topology_serves_every_page_to_every_role_and_stops_cleanly(topology):
    figures: dict[str, object] = {}
    began = time.monotonic()
    _wait_until_serving(topology, timeout=600)
    figures["boot_seconds"] = round(time.monotonic() - began, 1)

    # Plain HTTP from the health check: the probe answers, pages go to HTTPS.
    plain = Browser(topology["base"], https=False)
    assert plain.request("/healthz").status == 200
    redirect = plain.request("/")
    assert redirect.status == 301 and redirect.headers["location"].startswith("https://"), redirect.status

    seeding = time.monotonic()
    env = {**topology["env"], "DEBUG": "0"}
    seeded = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", SEED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert seeded.returncode == 0, seeded.stdout[-3000:] + seeded.stderr[-3000:]
    figures["seed_seconds"] = round(time.monotonic() - seeding, 1)

    crawling = time.monotonic()
    seeds = ["/", *_argument_free_paths()]
    pages: dict[str, dict[str, int]] = {}
    assets: set[str] = set()
    timings: dict[str, float] = {}
    for role, username in ROLES.items():
        browser = Browser(topology["base"])
        if username:
            browser.login(username)
        pages[role], found = _crawl(browser, seeds, topology["host"], timings)
        assets |= found
    figures["crawl_seconds"] = round(time.monotonic() - crawling, 1)
    figures["pages_per_role"] = {role: len(seen) for role, seen in pages.items()}
    figures["statuses"] = dict(Counter(status for seen in pages.values() for status in seen.values()))
    server_errors = {
        f"{role} {path}": status
        for role, seen in pages.items()
        for path, status in seen.items()
        if status >= 500
    }
    figures["server_errors"] = len(server_errors)
    figures["slowest_pages"] = {p: round(t, 2) for p, t in sorted(timings.items(), key=lambda pt: -pt[1])[:5]}

    # Static files: every reference a page makes is a hashed name, each answers 200 with a far-future cache
    # header, compressed when asked, and the unhashed name is not served at all (only hashed files are
    # collected).
    browser = Browser(topology["base"])
    unhashed = sorted(a for a in assets if not HASHED.search(a))
    static_failures = {}
    for asset in sorted(assets):
        answer = browser.request(asset, headers={"Accept-Encoding": "gzip"})
        if answer.status != 200 or "immutable" not in answer.headers.get("cache-control", ""):
            static_failures[asset] = (answer.status, answer.headers.get("cache-control"))
    figures["static_files"] = len(assets)
    css = next(a for a in assets if "/bootstrap/bootstrap.min." in a)
    assert browser.request(css, headers={"Accept-Encoding": "br, gzip"}).headers.get("content-encoding") in (
        "br",
        "gzip",
    )
    assert browser.request("/static/vendor/bootstrap/bootstrap.min.css").status == 404

    # Error pages as the production server gives them.
    missing = browser.request("/no-such-page/")
    assert missing.status == 404 and "找不到该页面" in missing.html and HASHED.search(css)
    api_missing = browser.request("/api/no-such-endpoint/")
    assert api_missing.status == 404 and api_missing.headers["content-type"] == "application/json"

    # The worker does beat's work (the whistle deadline sweep runs every minute).
    deadline = time.monotonic() + 150
    while not re.search(
        r"whistle_deadlines_sweep_task\[[^\]]+\] succeeded", topology["log"].read_text(errors="replace")
    ):
        assert time.monotonic() < deadline, "beat's sweep was not done by the worker:\n" + _log_tail(topology)
        time.sleep(2)

    # SIGTERM to scripts/prod stops gunicorn, the worker and beat, and it exits 0.
    stopping = time.monotonic()
    process = topology["process"]
    process.send_signal(signal.SIGTERM)  # to the script only: it must pass the word on
    assert process.wait(timeout=90) == 0, _log_tail(topology)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing left in its process group
    figures["stop_seconds"] = round(time.monotonic() - stopping, 1)
    figures["total_seconds"] = round(time.monotonic() - began, 1)

    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "production-crawl.json").write_text(
        json.dumps({**figures, "pages": pages}, indent=1, ensure_ascii=False)
    )
    print("production topology:", json.dumps(figures, ensure_ascii=False))

    assert not server_errors, server_errors
    assert all(len(seen) >= 10 for seen in pages.values()), figures["pages_per_role"]
    assert not unhashed, unhashed
    assert not static_failures, static_failures
