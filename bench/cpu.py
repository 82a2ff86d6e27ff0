"""CPU per request in-process, against hello in the same run: the figure a shared, loaded machine moves least.

    .venv/bin/python bench/cpu.py --db zhifa_perf                 # every endpoint of bench/load.py
    .venv/bin/python bench/cpu.py --db zhifa_perf --only "public" --requests 400 --rounds 5

The project's own WSGI application (enforcement.wsgi, DEBUG=0, the production middleware) is called directly
with a WSGI environ for each request, as gunicorn would call it: no socket, no server. For each round, each
endpoint gets `--requests` requests right after as many to the hello view (/healthz). Measured around each
call: this process's CPU time (`time.process_time`, user + system) and the CPU time of the PostgreSQL
backend serving this process's connection (from /proc, the same machine), so waiting on the machine's other
jobs does not count. Printed per endpoint, the median over rounds: worker CPU ms, PostgreSQL CPU ms, their
sum, the ratio hello CPU / endpoint CPU (what throughput would be if CPU were the only limit: the issue's
"ratio to hello"), and the queries of one warm request. Wall time is printed too, but on a machine shared
with other jobs it carries their load. Figures only; the query budgets are asserted by the tests.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402
    Endpoint,
    chosen_endpoints,
    count_queries,
    prepare,
    server_env,
    setup_django,
)


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="zhifa_load", help="PostgreSQL database (created and seeded if missing)")
    p.add_argument("--host", default="127.0.0.1:5432")
    p.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/4"))
    p.add_argument("--requests", type=int, default=200, help="requests per endpoint per round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--only", default="", help="comma-separated labels (substring) to run")
    p.add_argument("--profile", default="", help="label: print a cProfile of `--requests` requests to it")
    p.add_argument(
        "--descriptions",
        type=int,
        default=314,
        help="the match request against the engine: this many of the labelled descriptions "
        "(authority/matching/eval/eval_set.csv), each posted once per round and matched by the engine alone "
        "in the same round; 0: only the bench's one text",
    )
    p.add_argument(
        "--work-cache",
        choices=("on", "off", "both"),
        default="both",
        help="signed-in pages and answers held (on), built for every request (off, WORK_PAGE_CACHE=0), or "
        "each endpoint both ways in the same run (both: the built twin is labelled [built])",
    )
    return p.parse_args()


def environ(ep: Endpoint, creds: dict[str, dict[str, str]]) -> dict[str, Any]:
    path, _, query = ep.path.partition("?")
    env: dict[str, Any] = {
        "REQUEST_METHOD": "POST" if ep.body is not None else "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "text/html,application/json",
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.errors": sys.stderr,
    }
    if ep.user:
        if ep.api:
            env["HTTP_AUTHORIZATION"] = creds[ep.user]["token"]
        else:
            env["HTTP_COOKIE"] = creds[ep.user]["cookie"]
    if ep.body is not None:
        env["CONTENT_TYPE"] = "application/json"
        env["_body"] = json.dumps(ep.body).encode()
        env["CONTENT_LENGTH"] = str(len(env["_body"]))
    return env


class Caller:
    """Calls the WSGI application as a server would; checks the status."""

    def __init__(self) -> None:
        from enforcement.wsgi import application

        self.app = application
        self.status = ""

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status = status

    def __call__(self, env: dict[str, Any]) -> bytes:
        req = dict(env)
        req["wsgi.input"] = io.BytesIO(env.get("_body", b""))
        result = self.app(req, self.start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        return body


def backend_ticks() -> int:
    """CPU ticks of the PostgreSQL backend of this process's connection."""
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(parts[11]) + int(parts[12])


def measure(call: Caller, env: dict[str, Any], n: int) -> dict[str, float]:
    hz = os.sysconf("SC_CLK_TCK")
    b0 = backend_ticks()
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        call(env)
    c1, w1 = time.process_time(), time.perf_counter()
    b1 = backend_ticks()
    assert call.status.startswith("200"), call.status
    return {
        "cpu": (c1 - c0) * 1000 / n,
        "pg": (b1 - b0) / hz * 1000 / n,
        "wall": (w1 - w0) * 1000 / n,
    }


def engine_cpu(ep: Endpoint, n: int) -> float:
    """CPU ms of the matching engine alone (the district's compiled matcher, held by this process) on the
    request's text."""
    from authority.matching.loader import matcher_for
    from enforcement.models import Unit

    assert ep.body is not None
    town = Unit.objects.get(code=ep.body["town"])
    matcher = matcher_for(town.district_id)
    text = str(ep.body["text"])
    matcher.match(text)
    c0 = time.process_time()
    for _ in range(n * 5):
        matcher.match(text)
    return (time.process_time() - c0) * 1000 / (n * 5)


def eval_texts(n: int) -> list[str]:
    import csv

    path = ROOT / "authority" / "matching" / "eval" / "eval_set.csv"
    with path.open(newline="", encoding="utf-8") as f:
        return [row["text"] for row in csv.DictReader(f)][:n]


def match_against_engine(
    call: Caller, match: Endpoint, hello_env: dict[str, Any], creds: dict[str, dict[str, str]], args: Any
) -> None:
    """The match request on each of the labelled descriptions against the engine alone on the same ones, in
    the same round: CPU per description of both and their ratio (the issue's "3x the engine's own time")."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from authority.matching.engine import DEFAULT_LIMIT
    from authority.matching.loader import matcher_for
    from bench.floor import FLOOR_PATH
    from enforcement.models import Unit

    assert match.body is not None
    texts = eval_texts(args.descriptions)
    envs = [environ(dataclasses.replace(match, body={**match.body, "text": t}), creds) for t in texts]
    floors = [{**env, "PATH_INFO": FLOOR_PATH} for env in envs]  # the same requests to bench/floor.py's {}
    matcher = matcher_for(Unit.objects.get(code=match.body["town"]).district_id)
    for env in envs + floors:  # warm: every language's held answers
        call(env)
        assert call.status.startswith("200"), call.status
    assert call(floors[0]) == b"{}"
    with CaptureQueriesContext(connection) as ctx:
        for env in envs:
            call(env)
    queries = len(ctx.captured_queries) / len(envs)
    hz = os.sysconf("SC_CLK_TCK")
    rows = []
    for _ in range(args.rounds):
        hello = measure(call, hello_env, len(texts))
        b0, c0 = backend_ticks(), time.process_time()
        for env in envs:
            call(env)
        c1, b1 = time.process_time(), backend_ticks()
        assert call.status.startswith("200"), call.status
        e0 = time.process_time()
        for _ in range(3):
            for text in texts:
                matcher.match(text, limit=DEFAULT_LIMIT)
        engine = (time.process_time() - e0) * 1000 / (3 * len(texts))
        cpu, pg = (c1 - c0) * 1000 / len(texts), (b1 - b0) / hz * 1000 / len(texts)
        b0, c0 = backend_ticks(), time.process_time()
        for env in floors:
            call(env)
        c1, b1 = time.process_time(), backend_ticks()
        assert call.status.startswith("200"), call.status
        floor = (c1 - c0) * 1000 / len(texts) + (b1 - b0) / hz * 1000 / len(texts)
        rows.append(
            {"hello": hello["cpu"] + hello["pg"], "cpu": cpu, "pg": pg, "engine": engine, "floor": floor}
        )

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    ratio = statistics.median((r["cpu"] + r["pg"]) / r["engine"] for r in rows)
    beyond = statistics.median((r["cpu"] + r["pg"] - r["hello"]) / r["engine"] for r in rows)
    print(
        f"\nmatch on {len(texts)} labelled descriptions, each posted once per round, median of {args.rounds} "
        f"rounds: the request {med('cpu'):.2f} + {med('pg'):.2f} ms CPU (worker + PostgreSQL) a description, "
        f"{queries:g} queries; the engine alone (Matcher.match, same descriptions, same round) "
        f"{med('engine'):.3f} ms; hello {med('hello'):.2f} ms; the floor (bench/floor.py: the same "
        f"authentication and JSON round trip answering {{}}) {med('floor'):.2f} ms.\n"
        f"ratio request / engine: {ratio:.2f}x (beyond hello: {beyond:.2f}x); floor / engine: "
        f"{statistics.median(r['floor'] / r['engine'] for r in rows):.2f}x; (request - floor) / engine: "
        f"{statistics.median((r['cpu'] + r['pg'] - r['floor']) / r['engine'] for r in rows):.2f}x"
    )


def main() -> None:
    args = parse()
    env = server_env(args)
    prepare(args, env)
    setup_django(env)
    eps, creds = chosen_endpoints(args.only)
    from django.conf import settings
    from django.db import connection

    settings.WORK_PAGE_CACHE = args.work_cache != "off"
    if args.descriptions and any(ep.label.startswith("POST /api/match/") for ep in eps):
        settings.ROOT_URLCONF = "bench.floor"  # the project's URLs and the floor's view, in this process only
    built: set[str] = set()
    if args.work_cache == "both":
        twins = []
        for ep in eps:
            if ep.user is None:
                continue
            twin = dataclasses.replace(ep, label=f"{ep.label} [built]", runs=[])
            settings.WORK_PAGE_CACHE = False
            twin.queries = count_queries(twin, creds)
            settings.WORK_PAGE_CACHE = True
            built.add(twin.label)
            twins.append((ep, twin))
        for ep, twin in twins:
            eps.insert(eps.index(ep) + 1, twin)

    # One connection for the whole run (the settings' 60 s would replace it mid-run, and the PostgreSQL CPU
    # read from /proc is that of this connection's backend).
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = None
    call = Caller()
    hello = Endpoint("hello (/healthz)", "/healthz", None)
    hello_env = environ(hello, creds)
    envs = {ep.label: environ(ep, creds) for ep in eps}
    for ep in [hello, *eps]:  # warm up (templates, matcher, caches)
        if args.work_cache == "both":
            settings.WORK_PAGE_CACHE = ep.label not in built
        for _ in range(5):
            call(envs.get(ep.label, hello_env))
        assert call.status.startswith("200"), (ep.label, call.status)
    if args.profile:
        import cProfile
        import pstats

        ep = next(ep for ep in eps if args.profile in ep.label)
        if args.work_cache == "both":
            settings.WORK_PAGE_CACHE = ep.label not in built
        prof = cProfile.Profile(time.process_time)  # CPU time: what the other jobs on the machine do not move
        start = time.process_time()
        prof.enable()
        for _ in range(args.requests):
            call(envs[ep.label])
        prof.disable()
        per = (time.process_time() - start) * 1000 / args.requests
        print(f"\nprofile of {ep.label}: {per:.2f} ms CPU a request in-process (profiler on)")
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
        return
    load_before = os.getloadavg()
    for r in range(args.rounds):
        for ep in eps:
            h = measure(call, hello_env, args.requests)
            hello.runs.append(h)
            if args.work_cache == "both":
                settings.WORK_PAGE_CACHE = ep.label not in built
            run = measure(call, envs[ep.label], args.requests)
            run["ratio"] = (h["cpu"] + h["pg"]) / (run["cpu"] + run["pg"])
            ep.runs.append(run)
        print(f"  round {r + 1}/{args.rounds} done, load {os.getloadavg()[0]:.2f}", flush=True)
    load_after = os.getloadavg()

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(
        f"\nin-process WSGI calls, DEBUG=0, {args.requests} requests per endpoint per round, "
        f"{args.rounds} rounds interleaved with hello; median over rounds; work cache {args.work_cache}. "
        f"load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after ({os.cpu_count()} cores)\n"
    )
    print("| endpoint | CPU ms (worker + PostgreSQL) | total | ratio to hello (CPU) | wall ms | queries |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(
        f"| {hello.label} | {med(hello.runs, 'cpu'):.2f} + {med(hello.runs, 'pg'):.2f} "
        f"| {med(hello.runs, 'cpu') + med(hello.runs, 'pg'):.2f} | 1 | {med(hello.runs, 'wall'):.2f} | 0 |"
    )
    for ep in eps:
        print(
            f"| {ep.label} | {med(ep.runs, 'cpu'):.2f} + {med(ep.runs, 'pg'):.2f} "
            f"| {med(ep.runs, 'cpu') + med(ep.runs, 'pg'):.2f} | {med(ep.runs, 'ratio'):.3f} "
            f"| {med(ep.runs, 'wall'):.2f} | {ep.queries} |"
        )
    match = next((ep for ep in eps if ep.label.startswith("POST /api/match/")), None)
    if match is not None:
        engine = engine_cpu(match, args.requests)
        request = med(match.runs, "cpu") + med(match.runs, "pg")
        print(
            f"\nmatch: the engine's own CPU {engine:.3f} ms a description (Matcher.match, same text, warm), "
            f"the request's {request:.2f} ms: {request / engine:.1f}x the engine"
        )
        if args.descriptions:
            match_against_engine(call, match, hello_env, creds, args)


if __name__ == "__main__":
    main()
