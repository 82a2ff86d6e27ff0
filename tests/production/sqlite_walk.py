"""Run as a script with no DATABASE_URL (demo mode: SQLite, tasks in-process): migrate a fresh SQLite file,
load the demo's people, catalog and whistles, then fetch every page without parameters and the links they
show, as each role, through Django's test client. Prints one JSON line: {role: {path: status}}.

SQL that only PostgreSQL understands (an ARRAY subquery, say) fails on SQLite whether or not there are rows,
so a small district is enough to find it; `tests/production/test_demo_mode.py` runs this and reads the
statuses."""

from __future__ import annotations

import io
import json
import sys
import urllib.parse
from collections import Counter, deque

import django

PER_ROUTE, PER_ROLE = 3, 120
SKIP = {"logout", "set_language", "admin:logout"}


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import Resolver404, resolve

    from demo import authority, whistles
    from demo.core import seed_core
    from enforcement.audit import linking_deferred
    from tests.production.test_topology import ROLES, _argument_free_paths, _Links

    setup_test_environment()  # the test client's host name is allowed
    call_command("migrate", verbosity=0)
    out = io.StringIO()
    with linking_deferred():
        seed_core()
        authority.seed(out)
        whistles.seed(out)

    results: dict[str, dict[str, int]] = {}
    for role, username in ROLES.items():
        if role == "other-town officer":
            continue  # the officer's pages again, with another town's rows
        client = Client(raise_request_exception=False)
        if username:
            from enforcement.models import User

            client.force_login(User.objects.get(username=username))
        seen: dict[str, int] = {}
        per_route: Counter = Counter()
        queue = deque(_argument_free_paths())
        while queue and len(seen) < PER_ROLE:
            path = queue.popleft()
            parts = urllib.parse.urlsplit(path)
            try:
                name = resolve(parts.path).view_name
            except Resolver404:
                continue
            if path in seen or name in SKIP or per_route[name] >= PER_ROUTE:
                continue
            per_route[name] += 1
            answer = client.get(path, headers={"accept-language": "zh-hans"})
            seen[path] = answer.status_code
            if "html" in answer.get("content-type", "") and not answer.streaming:
                parser = _Links()
                parser.feed(answer.content.decode(errors="replace"))
                for link in parser.links:
                    absolute = urllib.parse.urlsplit(urllib.parse.urljoin("http://testserver" + path, link))
                    if absolute.netloc in ("", "testserver") and "lang=" not in absolute.query:
                        queue.append(absolute.path + (f"?{absolute.query}" if absolute.query else ""))
        results[role] = seen
    sys.stdout.write(json.dumps(results, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
