"""Per-request cost under load: gunicorn in production mode, `wrk`, each endpoint interleaved with hello.

    scripts/bench load                # ensures wrk, PostgreSQL, Redis; seeds zhifa_load; runs
    .venv/bin/python bench/load.py --db zhifa_perf --port 8621 --rounds 3 --seconds 5

Gunicorn serves the project with DEBUG=0, 2 sync workers (`--workers`), on a PostgreSQL database seeded with
the demo district (`manage.py seed_demo`, skipped when already seeded) and Redis as the cache. For each round,
each endpoint runs for `--seconds` under `wrk` at `--connections` connections, right after the hello view
(`/healthz`, a bare Django view answering "ok" through the same middleware) for the same time, so the ratio
compares neighbours on a machine whose load moves. Printed per endpoint, the median over rounds: req/s, ratio
to its hello, p50 and p95 of latency, CPU per request of the gunicorn workers and of the PostgreSQL backends
(from /proc), the non-2xx answers, and the queries one request makes (counted in-process with the test client
on the same database, after a warm-up). The machine's load average is printed beside the figures: on a shared
machine only the ratio is comparable between runs. Figures only; the query budgets are asserted by the tests
(tests/route_table.py, tests/api/)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable

MATCH_TEXT = "有人在小区门口占道摆摊卖水果，还用喇叭叫卖，声音很大"


@dataclass
class Endpoint:
    label: str
    path: str
    user: str | None  # None: anonymous
    api: bool = False
    body: dict[str, object] | None = None  # POST JSON
    runs: list[dict[str, float]] = field(default_factory=list)
    queries: int | None = None


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="zhifa_load", help="PostgreSQL database (created and seeded if missing)")
    p.add_argument("--host", default="127.0.0.1:5432")
    p.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/4"))
    p.add_argument("--port", type=int, default=8621)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--seconds", type=int, default=5)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--only", default="", help="comma-separated labels (substring) to run")
    p.add_argument("--profile", default="", help="label: print a cProfile of 50 in-process requests to it")
    p.add_argument(
        "--work-cache",
        choices=("on", "off"),
        default="on",
        help="off: signed-in pages and answers are built for every request (WORK_PAGE_CACHE=0): the 'built' "
        "figures beside the default 'held' ones",
    )
    return p.parse_args()


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    secret = ROOT / "var" / "secret-key"
    if not env.get("SECRET_KEY"):
        secret.parent.mkdir(exist_ok=True)
        if not secret.exists():
            import secrets

            secret.write_text(secrets.token_urlsafe(50))
        env["SECRET_KEY"] = secret.read_text().strip()
    env.update(
        {
            "DATABASE_URL": f"postgres://postgres@{args.host}/{args.db}",
            "REDIS_URL": args.redis,
            "CACHE_KEY_PREFIX": env.get("CACHE_KEY_PREFIX", "zhifa-load"),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "DJANGO_SETTINGS_MODULE": "enforcement.settings",
            "LOG_LEVEL": "WARNING",
            "WORK_PAGE_CACHE": "0" if getattr(args, "work_cache", "on") == "off" else "1",
        }
    )
    return env


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    import psycopg

    host, port = args.host.split(":")
    with psycopg.connect(host=host, port=int(port), user="postgres", dbname="postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db]).fetchone():
            c.execute(f'CREATE DATABASE "{args.db}"')
    manage = [PY, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    with psycopg.connect(host=host, port=int(port), user="postgres", dbname=args.db) as c:
        seeded = c.execute("SELECT 1 FROM enforcement_user WHERE username = 'shiyoulu_officer'").fetchone()
    if not seeded:
        print("seeding the demo district (about 2 minutes) ...", flush=True)
        subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    # Planner statistics, as autovacuum keeps them on a live database: this machine's PostgreSQL runs with
    # autovacuum off, and a freshly seeded database without them was planned badly (the home page's count
    # of the officer's cases: 18 ms as a nested loop over every case of the town, 0.3 ms once analysed).
    with psycopg.connect(host=host, port=int(port), user="postgres", dbname=args.db, autocommit=True) as c:
        c.execute("ANALYZE")


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import logging

    logging.disable(logging.WARNING)
    import django

    django.setup()


def endpoints() -> list[Endpoint]:
    from cases.models import Case
    from enforcement.models import User

    officer = User.objects.get(username="shiyoulu_officer")
    assert officer.unit is not None
    town = officer.unit
    case = Case.objects.filter(town=town).exclude(number="").order_by("-created_at").first() or (
        Case.objects.filter(town=town).order_by("-created_at").first()
    )
    assert case is not None
    from discretion.models import Benchmark

    published = (
        Benchmark.objects.filter(status=Benchmark.Status.PUBLISHED, item__district=town.district)
        .select_related("item", "item__district")
        .order_by("item__code")
        .first()
    )
    public_item = (
        [
            Endpoint(
                "public benchmark page",
                f"/discretion/public/{published.item.district.code}/{published.item.code}/",
                None,
            )
        ]
        if published
        else []
    )
    return [
        Endpoint("GET /api/cases/", "/api/cases/", "shiyoulu_officer", api=True),
        Endpoint("GET /api/cases/<id>/", f"/api/cases/{case.pk}/", "shiyoulu_officer", api=True),
        Endpoint(
            "POST /api/match/",
            "/api/match/",
            "shiyoulu_officer",
            api=True,
            body={"text": MATCH_TEXT, "town": town.code},
        ),
        Endpoint("GET /api/whistles/inbox/ (responder)", "/api/whistles/inbox/", "urban_responder", api=True),
        Endpoint("public town list page", f"/authority/towns/{town.code}/", None),
        Endpoint("home page", "/", "shiyoulu_officer"),
        Endpoint("home page (supervisor)", "/", "shiyoulu_supervisor"),
        Endpoint("home page (responder)", "/", "urban_responder"),
        Endpoint("home page (district admin)", "/", "admin"),
        Endpoint("home page (city supervisor)", "/", "city_supervisor"),
        Endpoint("case list page", "/cases/", "shiyoulu_officer"),
        Endpoint("case page", f"/cases/{case.pk}/", "shiyoulu_officer"),
        Endpoint("GET /api/cases/ (district admin)", "/api/cases/", "admin", api=True),
        Endpoint("GET /api/audit/ (district admin)", "/api/audit/", "admin", api=True),
        Endpoint("public catalog page", "/authority/items/", None),
        Endpoint("public benchmark list page", "/discretion/public/", None),
        *public_item,
    ]


def credentials(users: set[str]) -> dict[str, dict[str, str]]:
    """Headers per user: a session cookie for pages, a token for the API (made directly, as a login would)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import _get_new_csrf_string
    from rest_framework.authtoken.models import Token

    from enforcement.models import User

    out = {}
    for username in users:
        user = User.objects.get(username=username)
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "enforcement.signin.ModelBackend"  # as a sign-in records it
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        token, _created = Token.objects.get_or_create(user=user)
        # A signed-in browser also carries the CSRF cookie its first page set (held pages are kept per CSRF
        # secret, enforcement.work_cache, and never for a browser without one).
        out[username] = {
            "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}",
            "token": f"Token {token.key}",
        }
    return out


def signed_in(ep: Endpoint, creds: dict[str, dict[str, str]]) -> tuple[Any, dict[str, Any]]:
    """A test client as the endpoint's user: its session cookie for a page, its token header for the API."""
    from django.test import Client

    client = Client()
    headers: dict[str, Any] = {}
    if ep.user:
        if ep.api:
            headers["HTTP_AUTHORIZATION"] = creds[ep.user]["token"]
        else:
            client.cookies.load(creds[ep.user]["cookie"])
    return client, headers


def count_queries(ep: Endpoint, creds: dict[str, dict[str, str]]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, headers = signed_in(ep, creds)
    for _ in range(3):  # the last request is the steady state (caches warm)
        with CaptureQueriesContext(connection) as ctx:
            if ep.body is not None:
                r = client.post(ep.path, json.dumps(ep.body), content_type="application/json", **headers)
            else:
                r = client.get(ep.path, **headers)
    assert r.status_code == 200, (ep.label, r.status_code, r.content[:300])
    return len(ctx.captured_queries)


def chosen_endpoints(only: str) -> tuple[list[Endpoint], dict[str, dict[str, str]]]:
    """The endpoints `--only` names (parts of labels, comma-separated; all when empty), each with its query
    count, and the credentials of the users they run as."""
    eps = endpoints()
    if only:
        wanted = [w.strip() for w in only.split(",")]
        eps = [e for e in eps if any(w in e.label for w in wanted)]
    creds = credentials({e.user for e in eps if e.user})
    for ep in eps:
        ep.queries = count_queries(ep, creds)
    return eps, creds


def lua_script(ep: Endpoint | None, creds: dict[str, dict[str, str]], directory: str) -> str:
    lines = []
    if ep is not None and ep.user:
        if ep.api:
            lines.append(f'wrk.headers["Authorization"] = "{creds[ep.user]["token"]}"')
        else:
            lines.append(f'wrk.headers["Cookie"] = "{creds[ep.user]["cookie"]}"')
    if ep is not None and ep.body is not None:
        body = json.dumps(ep.body, ensure_ascii=False).replace("\\", "\\\\").replace('"', '\\"')
        lines += [
            'wrk.method = "POST"',
            f'wrk.body = "{body}"',
            'wrk.headers["Content-Type"] = "application/json"',
        ]
    lines.append(
        "done = function(summary, latency, requests)\n"
        '  io.write(string.format("ZHIFA %d %d %d %d %.1f %.1f\\n", summary.requests, summary.duration,\n'
        "    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write,\n"
        "    latency:percentile(50), latency:percentile(95)))\n"
        "end"
    )
    path = Path(directory) / f"s{abs(hash(ep.label if ep else 'hello'))}.lua"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(parts[11]) + int(parts[12])  # utime + stime
    return total


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def backend_pids(db: str) -> list[int]:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db])
        return [r[0] for r in c.fetchall()]


def wrk(args: argparse.Namespace, url: str, script: str, master: int) -> dict[str, float]:
    hz = os.sysconf("SC_CLK_TCK")
    workers = worker_pids(master)
    backends = backend_pids(args.db)
    w0, b0 = cpu_ticks(workers), cpu_ticks(backends)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(args.connections),
            "-d",
            f"{args.seconds}s",
            "--timeout",
            "10s",
            "-s",
            script,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    backends = sorted(set(backends) | set(backend_pids(args.db)))
    w1, b1 = cpu_ticks(workers), cpu_ticks(backends)
    m = re.search(r"ZHIFA (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", out)
    assert m, out
    n, micros, bad, sock, p50, p95 = (float(x) for x in m.groups())
    n = max(n, 1)
    return {
        "rps": n / (micros / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "bad": bad + sock,
        "cpu_worker": (w1 - w0) / hz * 1000 / n,
        # backends that connected during the run are counted from zero (they did not exist before)
        "cpu_pg": (b1 - b0) / hz * 1000 / n,
    }


def start_server(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "enforcement.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def profile(ep: Endpoint, creds: dict[str, dict[str, str]]) -> None:
    import cProfile
    import pstats

    client, headers = signed_in(ep, creds)

    def hit() -> None:
        if ep.body is not None:
            client.post(ep.path, json.dumps(ep.body), content_type="application/json", **headers)
        else:
            client.get(ep.path, **headers)

    hit()
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    for _ in range(50):
        hit()
    prof.disable()
    print(
        f"\nprofile of {ep.label}: {(time.perf_counter() - start) * 20:.1f} ms a request in-process "
        "(profiled)"
    )
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def main() -> None:
    args = parse()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (scripts/bench load installs it)")
    env = server_env(args)
    prepare(args, env)
    setup_django(env)
    eps, creds = chosen_endpoints(args.only)
    if not eps:
        raise SystemExit(f"--only {args.only!r} names no endpoint (hello runs beside each one, not alone)")
    if args.profile:
        profile(next(ep for ep in eps if args.profile in ep.label), creds)
        return
    from django.db import connection

    connection.close()
    hello = Endpoint("hello (/healthz)", "/healthz", None)
    server = start_server(args, env)
    base = f"http://127.0.0.1:{args.port}"
    load_before = os.getloadavg()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            hello_script = lua_script(None, creds, tmp)
            scripts = {ep.label: lua_script(ep, creds, tmp) for ep in eps}
            for ep in eps:  # warm each worker (matcher, templates, connections)
                subprocess.run(
                    ["wrk", "-t", "1", "-c", "2", "-d", "1s", "-s", scripts[ep.label], base + ep.path],
                    capture_output=True,
                    check=True,
                )
            for r in range(args.rounds):
                for ep in eps:
                    h = wrk(args, base + hello.path, hello_script, server.pid)
                    hello.runs.append(h)
                    run = wrk(args, base + ep.path, scripts[ep.label], server.pid)
                    run["ratio"] = run["rps"] / h["rps"]
                    ep.runs.append(run)
                print(f"  round {r + 1}/{args.rounds} done, load {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    load_after = os.getloadavg()

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(
        f"\ngunicorn {args.workers} sync workers, DEBUG=0, wrk {args.connections} connections, "
        f"{args.seconds} s each, {args.rounds} rounds interleaved with hello; median over rounds; "
        f"work cache {args.work_cache}. "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after ({os.cpu_count()} cores)\n"
    )
    print(
        "| endpoint | req/s | ratio to hello | p50 ms | p95 ms | CPU ms/request (worker + PostgreSQL) "
        "| queries | non-2xx |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {hello.label} | {med(hello.runs, 'rps'):.0f} | 1 | {med(hello.runs, 'p50'):.1f} "
        f"| {med(hello.runs, 'p95'):.1f} "
        f"| {med(hello.runs, 'cpu_worker'):.2f} + {med(hello.runs, 'cpu_pg'):.2f} "
        f"| 0 | {sum(r['bad'] for r in hello.runs):.0f} |"
    )
    for ep in eps:
        print(
            f"| {ep.label} | {med(ep.runs, 'rps'):.0f} | {med(ep.runs, 'ratio'):.3f} "
            f"| {med(ep.runs, 'p50'):.1f} "
            f"| {med(ep.runs, 'p95'):.1f} | {med(ep.runs, 'cpu_worker'):.2f} + {med(ep.runs, 'cpu_pg'):.2f} "
            f"| {ep.queries} | {sum(r['bad'] for r in ep.runs):.0f} |"
        )


if __name__ == "__main__":
    main()
