"""The dashboards at a million cases: the aggregates' refresh times and the pages' answer times.

    .venv/bin/python bench/dashboard.py                      # build zhifa_perf_dashboard (1M cases) and time
    .venv/bin/python bench/dashboard.py --reuse              # time again on the database already built
    .venv/bin/python bench/dashboard.py --cases 100000 --visits 30000 --db zhifa_dash_small

The cases come from bench/scale.py's generator (50 towns, two districts, ~8 months); this script then gives
the finished ones their dates (filed, decided, served, paid, closed) and benchmark outcomes in SQL, adds
inspection visits (a tenth of them repeats within the window) and puts both
districts in one city. Figures only, no assertions on timings:
  - the nightly recount of every (town, month) row, and one row's refresh after a change (what the task
    does on commit);
  - GET of the city, district and town pages and the district's API, as their readers, median of --repeat
    runs (in-process Django test client, DEBUG=0 settings, Redis cache, after a warm-up), with the query
    count; the figures of the small district and the city as the API gives them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scale  # noqa: E402
from bench.common import add_database_arguments, fresh_database  # noqa: E402


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_arguments(p, "zhifa_perf_dashboard")
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--visits", type=int, default=300_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--reuse", action="store_true")
    args = p.parse_args()
    args.audit, args.complaints = 1, 1  # scale.build's other tables: not read here
    return args


def fill(args: argparse.Namespace) -> None:
    from django.db import connection

    from cases.models import Case
    from enforcement.models import City, District, Subject, User
    from inspections.models import Visit

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        # Finished cases (closed, archived): filed when created, closed 1-90 days later (skewed short),
        # decided before; most decisions inside the tier; served electronically and paid online for some.
        cursor.execute(
            """
            UPDATE cases_case SET
              filed_on = created_at::date,
              closed_on = LEAST(created_at::date + (1 + (id * 7919 %% 90) * (id %% 3 + 1) / 3)::int,
                                current_date),
              decided_on = LEAST(created_at::date + ((id * 7919 %% 90) * (id %% 3 + 1) / 4)::int,
                                 current_date),
              deviation_kind = (ARRAY['inside','inside','inside','inside','inside','inside','inside',
                                      'lighter','heavier',''])[1 + id %% 10],
              served_on = LEAST(created_at::date + ((id * 7919 %% 90) * (id %% 3 + 1) / 4)::int,
                                current_date),
              service_method = CASE WHEN id %% 5 < 3 THEN 'electronic' ELSE 'direct' END,
              fine = 200, payment_channel = CASE WHEN id %% 4 < 3 THEN 'online' ELSE 'bank' END
            WHERE stage IN ('closed', 'archived')
            """,
            [],
        )
        cursor.execute(
            "UPDATE cases_case SET filed_on = created_at::date, decided_on = created_at::date + 20, "
            "deviation_kind = CASE WHEN id %% 10 < 8 THEN 'inside' ELSE 'heavier' END "
            "WHERE stage = 'decided'",
            [],
        )
    big = District.objects.get(code="S100")
    template_subject = Subject.objects.create(
        district=big, kind="organisation", name="压测商户", identifier="B0"
    )
    scale.insert_copies(
        Subject,
        template_subject.pk,
        {"name": "'压测商户' || g", "identifier": "'B' || g"},
        args.visits,
        {},
    )
    town = scale_town()
    officer = User.objects.get(username="s_officer")
    base = Subject.objects.filter(identifier="B1").values_list("pk", flat=True).get()
    template = Visit.objects.create(
        district=big,
        subject_id=base,
        unit=town,
        town=town,
        visited_on="2026-01-01",
        recorded_by=officer,
    )
    from enforcement.models import Unit

    towns = list(Unit.objects.filter(code__startswith="S").filter(kind="town").order_by("code"))
    scale.insert_copies(
        Visit,
        template.pk,
        {
            # 50 towns; a business per visit, except that one visit in ten returns to the business of the
            # visit before it (the same day or the next): a repeat within the window
            "town_id": "(%(towns)s::int[])[1 + g %% 50]",
            "unit_id": "(%(towns)s::int[])[1 + g %% 50]",
            "district_id": "(%(districts)s::int[])[1 + g %% 50]",
            "subject_id": "%(base)s + CASE WHEN g %% 10 = 1 AND g > 1 THEN g - 2 ELSE g - 1 END",
            "visited_on": "current_date - (g::bigint * 240 / %(n)s)::int",
        },
        args.visits,
        {
            "towns": [t.pk for t in towns],
            "districts": [t.district_id for t in towns],
            "base": base,
        },
    )
    city = City.objects.create(code="S000", name_zh="压测市", name_en="Bench City")
    District.objects.filter(code__in=["S100", "S200"]).update(city=city)
    with connection.cursor() as cursor:
        for table in ("cases_case", "inspections_visit", "enforcement_subject"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"figures' data: {time.perf_counter() - t0:.1f} s ({Case.objects.count():,} cases, "
        f"{Visit.objects.count():,} visits)"
    )


def scale_town() -> Any:
    from enforcement.models import Unit

    return Unit.objects.filter(code__startswith="S100-").order_by("code").first()


def people() -> dict[str, Any]:
    from enforcement.models import Role, Unit, User
    from enforcement.services import user_create

    found = {u.username: u for u in User.objects.filter(username__startswith="s_")}
    if "s_city" not in found:
        office = Unit.objects.get(code="S100-OFFICE")
        found["s_city"] = user_create(
            actor=None,
            username="s_city",
            password=None,
            unit=office,
            roles=[Role.CITY_SUPERVISOR],
            full_name="市督察",
        )
    return found


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    return timed(fn, repeat)[0]


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall milliseconds, and this process's CPU milliseconds per call (the load of other processes on
    the machine moves the first, hardly the second)."""
    fn()
    runs = []
    cpu = time.process_time()
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), (time.process_time() - cpu) * 1000 / repeat


def run(args: argparse.Namespace) -> None:
    import datetime as dt
    import os

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases.models import Case
    from enforcement.models import City, District
    from figures.models import TownMonth
    from figures.services import figures_reconcile, figures_refresh

    t0 = time.perf_counter()
    run_ = figures_reconcile()
    print(
        f"\nnightly recount: {run_.rows:,} town-month rows from {Case.objects.count():,} cases in "
        f"{time.perf_counter() - t0:.2f} s (load {os.getloadavg()[0]:.2f})"
    )
    town = scale_town()
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    month = month.replace(day=1)
    one = median_ms(lambda: figures_refresh(pairs=[(town.pk, month)]), args.repeat)
    print(
        f"one row's refresh after a change ({town.name_zh}, {month:%Y-%m}): {one:.1f} ms "
        f"(median of {args.repeat})"
    )

    found = people()
    big, small = District.objects.get(code="S100"), District.objects.get(code="S200")
    city = City.objects.get(code="S000")
    hello = Client()
    hello_ms, hello_cpu = timed(lambda: hello.get("/healthz"), args.repeat)
    print(f"\nhello (/healthz): {hello_ms:.1f} ms, {hello_cpu:.1f} ms CPU; load {os.getloadavg()[0]:.2f}")
    print("\n| page | reader | rows read | ms (median) | CPU ms (Django) | queries |")
    print("| --- | --- | --- | --- | --- | --- |")
    pages: list[tuple[str, str, str, dict[str, Any]]] = [
        (
            "city page (2 districts, 50 towns)",
            "s_city",
            f"/figures/cities/{city.pk}/?months=12",
            {"district__city": city},
        ),
        (
            "district page (45 towns)",
            "s_admin_big",
            f"/figures/districts/{big.pk}/?months=12",
            {"district": big},
        ),
        (
            "district API (45 towns)",
            "s_admin_big",
            f"/api/figures/districts/{big.pk}/?months=12",
            {"district": big},
        ),
        (
            "district page (5 towns)",
            "s_admin_small",
            f"/figures/districts/{small.pk}/?months=12",
            {"district": small},
        ),
        ("town page", "s_supervisor", f"/figures/towns/{town.pk}/?months=12", {"town": town}),
        (
            "district CSV (45 towns)",
            "s_admin_big",
            f"/figures/districts/{big.pk}/?months=12&format=csv",
            {"district": big},
        ),
    ]
    for label, username, url, where in pages:
        client = Client()
        client.force_login(found[username])

        def get(c: Client = client, u: str = url) -> None:
            r = c.get(u)
            assert r.status_code == 200, (u, r.status_code)

        ms, cpu = timed(get, args.repeat)
        with CaptureQueriesContext(connection) as ctx:
            get()
        rows = TownMonth.objects.filter(**where).count()
        print(f"| {label} | {username} | {rows} | {ms:.1f} | {cpu:.1f} | {len(ctx.captured_queries)} |")

    client = Client()
    client.force_login(found["s_city"])
    body = client.get(f"/api/figures/cities/{city.pk}/?months=6").json()
    print(f"\nThe city's figures, {body['period']['start']} to {body['period']['end']} (API):")
    for key, value in body["total"].items():
        print(f"  {key}: {value if not isinstance(value, float) else round(value, 4)}")
    print(
        "  change against the previous 6 months:", {k: v and round(v, 3) for k, v in body["change"].items()}
    )


def main() -> None:
    import os
    import tempfile

    args = parse()
    # DEBUG=0 pages name their static files by the manifest: collected once into a scratch directory.
    os.environ.setdefault("STATIC_ROOT", str(Path(tempfile.gettempdir()) / f"{args.db}-static"))
    fresh_database(args, scale.setup_django)
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    if not args.reuse:
        scale.build(args)
        fill(args)
    run(args)


if __name__ == "__main__":
    main()
