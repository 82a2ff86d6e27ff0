"""The fence sweeps at scale: 1M cases and 1M inspection visits over 50 towns; each sweep timed at 100k, 300k
and 1M visits (and as many cases), to show how the time grows.

    .venv/bin/python bench/fences.py                          # build zhifa_perf_fences and time 100k/300k/1M
    .venv/bin/python bench/fences.py --sizes 20000,50000      # a quick run
    scripts/bench fences [ARGS]

DATABASE_URL is not used: the script makes its own database (dropped and rebuilt). Rows are copies of one row
made through the ORM, varied in SQL by INSERT ... SELECT FROM generate_series (100,000 rows a statement):
subjects (one per 5 visits), inspection tasks (routine mostly; every 10th a complaint check, exempt; a few
planned ahead), one visit per task (over five years; 2 % without a code, some filed late), cases (stages and
deadlines spread around today, every 10th from a complaint about a visited business, decided ones with a fine
in a benchmark range, one officer per town fining at the top far more often), a lead officer per case, 20
items granted to every town, one whistle per 10 rows sent to the district's department. Between sizes the
rows are topped up, not rebuilt.

For each size and sweep: the first run (it raises the warnings the data holds) and a second run (it must
raise nothing: the sweep is idempotent), wall time of `run_sweep` (all batches, one transaction each, the
audit row), and the CPU time of the second run (the PostgreSQL backend's and this process's, read from /proc;
parallel query is off so one backend does all the work): on a shared machine the wall time moves with the
other jobs' load, the CPU time much less.
Warnings are emptied before each size. Figures only: no assertions on timings.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import admin_sql  # noqa: E402

CHUNK = 100_000
TOWNS = 50
OFFICERS_PER_TOWN = 5
ITEMS = 20


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="zhifa_perf_fences")
    p.add_argument("--host", default="127.0.0.1:5432")
    p.add_argument("--user", default="postgres")
    p.add_argument("--sizes", default="100000,300000,1000000", help="visits (and cases) at each step")
    return p.parse_args()


def setup_django(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = f"postgres://{args.user}@{args.host}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    import logging

    logging.disable(logging.WARNING)
    import django

    django.setup()


def copies(
    model: Any, template_pk: int, overrides: dict[str, str], start: int, end: int, params: dict
) -> None:
    """INSERT ... SELECT copies g = start..end of one row, the columns in `overrides` computed from g."""
    from django.db import connection

    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table} t "
        f"CROSS JOIN generate_series(%(lo)s, %(hi)s) g WHERE t.id = %(template)s"
    )
    with connection.cursor() as cursor:
        for lo in range(start, end + 1, CHUNK):
            hi = min(lo + CHUNK - 1, end)
            cursor.execute(sql, {**params, "lo": lo, "hi": hi, "template": template_pk})


def setup_people(today: Any) -> dict[str, Any]:
    """Two districts (45 + 5 towns), five officers a town, 20 items each granted to every town."""
    import datetime as dt

    from django.contrib.auth.models import Group

    from authority.models import AuthorityGrant, EnforcementItem
    from enforcement.models import District, Unit, User

    big = District.objects.create(code="F100", name_zh="大区", name_en="Big District")
    small = District.objects.create(code="F200", name_zh="小区", name_en="Small District")
    towns = []
    for n in range(TOWNS):
        district = big if n < 45 else small
        code = f"{district.code}-{n:03d}"
        towns.append(
            Unit.objects.create(
                district=district,
                kind=Unit.Kind.TOWN,
                code=code,
                name_zh=f"压测街道{n:03d}",
                group=Group.objects.create(name=f"unit:{code}"),
            )
        )
    departments = [
        Unit.objects.create(
            district=district,
            kind=Unit.Kind.DEPARTMENT,
            code=f"{district.code}-MKT",
            name_zh=f"{district.name_zh}市场监管局",
            domain="market",
            group=Group.objects.create(name=f"unit:{district.code}-MKT"),
        )
        for district in (big, small)
    ]
    officers = User.objects.bulk_create(
        [
            User(username=f"f_{t.code}_{k}", full_name=f"执法员{t.code[-3:]}-{k}", unit=t)
            for t in towns
            for k in range(OFFICERS_PER_TOWN)
        ]
    )
    items = []
    for district in (big, small):
        for i in range(ITEMS):
            items.append(
                EnforcementItem.objects.create(
                    district=district, code=f"{district.code}-I{i:02d}", name_zh=f"事项{i}", domain="market"
                )
            )
    AuthorityGrant.objects.bulk_create(
        [
            AuthorityGrant(town=t, item=i, kind="statutory", valid_from=today - dt.timedelta(days=900))
            for t in towns
            for i in items
            if i.district_id == t.district_id
        ]
    )
    return {
        "towns": [t.pk for t in towns],
        "districts": [t.district_id for t in towns],
        "officers": [o.pk for o in officers],  # officer k of town n at n * 5 + k
        "items": [i.pk for i in items[:ITEMS]],  # items of the big district (the small one's unused)
        "departments": [departments[0 if n < 45 else 1].pk for n in range(TOWNS)],
        "big": big,
        "town0": towns[0],
        "department0": departments[0],
        "officer0": officers[0],
    }


def templates(people: dict[str, Any], today: Any) -> dict[str, int]:
    from cases.models import Case
    from enforcement.models import Subject
    from inspections.models import InspectionTask

    subject = Subject.objects.create(district=people["big"], kind="company", name="模板商户")
    task = InspectionTask.objects.create(
        district=people["big"],
        town=people["town0"],
        lead_unit=people["town0"],
        kind="routine",
        subject=subject,
        title="模板检查",
        planned_on=today,
        status="checked",
        created_by=people["officer0"],
    )
    case = Case.objects.create(
        district=people["big"],
        town=people["town0"],
        title="模板",
        description="在店外占道摆放货架经营。",
        act_on=today,
        created_by=people["officer0"],
    )
    import datetime as dt

    from django.utils import timezone

    from whistles.models import WhistleAssignment, WhistleRequest

    now = timezone.now()
    whistle = WhistleRequest.objects.create(
        district=people["big"],
        town=people["town0"],
        raised_by=people["officer0"],
        title="模板吹哨",
        description="油烟扰民",
        reason="beyond_power",
        raised_at=now,
    )
    assignment = WhistleAssignment.objects.create(
        whistle=whistle,
        department=people["department0"],
        sent_at=now,
        check_in_due=now,
        on_site_due=now,
        handle_due=now,
        remind_before=dt.timedelta(hours=1),
        escalate_after=dt.timedelta(hours=1),
    )
    return {
        "subject": subject.pk,
        "task": task.pk,
        "case": case.pk,
        "whistle": whistle.pk,
        "assignment": assignment.pk,
    }


def fill(people: dict[str, Any], tpl: dict[str, int], start: int, end: int) -> None:
    """Rows g = start..end: a subject every 5th g, a task and its visit each g, a case and its lead each g."""
    from django.db import connection

    from cases.models import Case
    from enforcement.models import Subject
    from inspections.models import InspectionTask

    params = {k: people[k] for k in ("towns", "districts", "officers", "items")}
    town = "(%(towns)s::int[])[1 + (g / 5) %% 50]"  # a subject's visits stay in its town
    district = "(%(districts)s::int[])[1 + (g / 5) %% 50]"
    copies(
        Subject,
        tpl["subject"],
        {
            "district_id": "(%(districts)s::int[])[1 + g %% 50]",
            "name": "'商户' || g",
            "identifier": "'9150' || lpad(g::text, 14, '0')",
        },
        start // 5 + (1 if start > 1 else 0),
        end // 5,
        params,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM enforcement_subject WHERE name LIKE '商户%%'")
        (first_subject,) = cursor.fetchone()
    subjects = end // 5
    # a pseudo-random day within five years (a hash of g, so a business's visits fall anywhere, some close)
    day = "(current_date - (('x' || substr(md5(g::text), 1, 7))::bit(28)::int %% 1825))"
    copies(
        InspectionTask,
        tpl["task"],
        {
            "district_id": district,
            "town_id": town,
            "lead_unit_id": "(%(towns)s::int[])[1 + ((g / 5) + (g %% 7 / 6)) %% 50]",
            "subject_id": f"{first_subject} + (g %% {subjects})",
            "kind": "CASE WHEN g %% 10 = 0 THEN 'clue' ELSE 'routine' END",
            "exemption": "CASE WHEN g %% 10 = 0 THEN 'complaint' ELSE '' END",
            "title": "'检查 ' || g",
            "planned_on": f"CASE WHEN g %% 500 = 0 THEN current_date + (g %% 40) ELSE {day} END",
            "status": "CASE WHEN g %% 500 = 0 THEN 'approved' WHEN g %% 97 = 0 THEN 'on_site' "
            "ELSE 'checked' END",
            "created_by_id": "(%(officers)s::int[])[1 + ((g / 5) %% 50) * 5 + g %% 5]",
        },
        start,
        end,
        params,
    )
    with connection.cursor() as cursor:
        # One visit per task that has happened, from the task (its subject, unit, town, day).
        cursor.execute(
            """
            INSERT INTO inspections_visit (district_id, subject_id, unit_id, town_id, task_id, purpose,
                visited_on, with_code, no_code_reason, file_due, subject_identifier_seen, recorded_by_id,
                recorded_at)
            SELECT t.district_id, t.subject_id, t.lead_unit_id, t.town_id, t.id, 'inspection', t.planned_on,
                   t.id %% 50 <> 0, CASE WHEN t.id %% 50 = 0 THEN '没有网络' ELSE '' END,
                   CASE WHEN t.id %% 50 = 0 THEN t.planned_on + 5 END, '', t.created_by_id,
                   (t.planned_on + (t.id %% 7)::int)::timestamp AT TIME ZONE 'Asia/Shanghai'
                       + interval '10 hours'
            FROM inspections_inspectiontask t
            WHERE t.status <> 'approved' AND t.title LIKE '检查 %%'
              AND substr(t.title, 4)::int BETWEEN %(lo)s AND %(hi)s
            """,
            {"lo": start, "hi": end},
        )
    stages = [
        "lead",
        "checking",
        "filing_review",
        "investigating",
        "correcting",
        "decided",
        "served",
        "closed",
    ]
    due = "current_date + ((g %% 120) - 10)"  # 1 in 12 past, most ahead
    copies(
        Case,
        tpl["case"],
        {
            "town_id": "(%(towns)s::int[])[1 + g %% 50]",
            "district_id": "(%(districts)s::int[])[1 + g %% 50]",
            "title": "'占道经营 ' || g",
            "stage": f"(%(stages)s::text[])[1 + (g * 7) %% {len(stages)}]",
            "source": "CASE WHEN g %% 10 = 0 THEN 'complaint' ELSE 'patrol' END",
            "subject_id": f"CASE WHEN g %% 10 = 0 THEN {first_subject} + (g %% {subjects}) END",
            "check_due": due,
            "decision_due": due,
            "correction_due": due,
            "service_due": due,
            "payment_due": due,
            "item_id": "(%(items)s::int[])[1 + g %% 20]",
            "decided_on": "CASE WHEN (g * 7) %% 8 IN (5, 6, 7) THEN current_date - (g %% 300) END",
            # one officer a town (k = 0) fines at the top 80 % of the time, the others 15 %
            "fine": "CASE WHEN (g * 7) %% 8 IN (5, 6, 7) THEN CASE WHEN (g / 50) %% 5 = 0 AND g %% 5 <> 0 "
            "THEN 1000 WHEN g %% 7 = 0 THEN 1000 ELSE 200 + g %% 700 END END",
            "recommendation": """'{"fine_min": "100.00", "fine_max": "1000.00"}'::jsonb""",
        },
        start,
        end,
        {**params, "stages": stages},
    )
    fill_whistles(people, tpl, start, end)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_caseofficer (case_id, officer_id, lead, conflict, recusal_reason, assigned_at)
            SELECT c.id, (%(officers)s::int[])[1 + (substr(c.title, 6)::int %% 50) * 5
                                                + (substr(c.title, 6)::int / 50) %% 5],
                   true, false, '', now()
            FROM cases_case c
            WHERE c.title LIKE '占道经营 %%' AND substr(c.title, 6)::int BETWEEN %(lo)s AND %(hi)s
            """,
            {**params, "lo": start, "hi": end},
        )
        for table in (
            "enforcement_subject",
            "inspections_inspectiontask",
            "inspections_visit",
            "cases_case",
            "cases_caseofficer",
            "whistles_whistlerequest",
            "whistles_whistleassignment",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def fill_whistles(people: dict[str, Any], tpl: dict[str, int], start: int, end: int) -> None:
    """One whistle per 10 rows, sent to the district's department; its deadlines around now (some passed),
    its step spread over the statuses."""
    from django.db import connection

    from whistles.models import WhistleAssignment, WhistleRequest

    lo, hi = start // 10 + 1, end // 10
    if hi < lo:
        return
    params = {k: people[k] for k in ("towns", "districts", "officers", "departments")}
    copies(
        WhistleRequest,
        tpl["whistle"],
        {
            "town_id": "(%(towns)s::int[])[1 + g %% 50]",
            "district_id": "(%(districts)s::int[])[1 + g %% 50]",
            "raised_by_id": "(%(officers)s::int[])[1 + (g %% 50) * 5]",
            "title": "'W ' || g",
            "raised_at": "now() - make_interval(hours => g %% 200)",
        },
        lo,
        hi,
        params,
    )
    columns = [f.column for f in WhistleAssignment._meta.concrete_fields if f.column != "id"]
    due = "(w.raised_at + make_interval(hours => 24 + (substr(w.title, 3)::int %% 7) * 24))"
    overrides = {
        "whistle_id": "w.id",
        "department_id": "(%(departments)s::int[])[1 + substr(w.title, 3)::int %% 50]",
        "status": "(ARRAY['sent', 'acknowledged', 'on_site', 'handled', 'closed'])"
        "[1 + substr(w.title, 3)::int %% 5]",
        "sent_at": "w.raised_at",
        "check_in_due": due,
        "on_site_due": f"{due} + interval '1 day'",
        "handle_due": f"{due} + interval '3 days'",
    }
    select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO whistles_whistleassignment ({', '.join(columns)}) SELECT {select} "
            "FROM whistles_whistleassignment t, whistles_whistlerequest w "
            "WHERE t.id = %(template)s AND w.title LIKE 'W %%' "
            "AND substr(w.title, 3)::int BETWEEN %(lo)s AND %(hi)s",
            {**params, "template": tpl["assignment"], "lo": lo, "hi": hi},
        )


def backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend and this process (from /proc): less
    sensitive than wall time to the other jobs on a shared machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    total = 0.0
    for path in (f"/proc/{pid}/stat", "/proc/self/stat"):
        fields = Path(path).read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def main() -> None:
    args = parse()
    sizes = [int(s) for s in args.sizes.split(",")]
    admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    admin_sql(args, f'CREATE DATABASE "{args.db}"')
    setup_django(args)

    from django.core.management import call_command
    from django.db import connection

    from enforcement import clock
    from enforcement.sweeps import run_sweep, sweeps

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    today = clock.today()
    people = setup_people(today)
    tpl = templates(people, today)
    print(f"migrate and people: {time.perf_counter() - t0:.1f} s")
    with connection.cursor() as cursor:
        # One backend does the work, so its CPU time (from /proc) is the statement's: no parallel workers.
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    results: dict[str, dict[int, tuple[float, int, float, float, int]]] = {}
    done = 0
    for size in sizes:
        t1 = time.perf_counter()
        fill(people, tpl, done + 1, size)
        done = size
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM inspections_visit")
            (visits,) = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM cases_case")
            (cases,) = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM whistles_whistleassignment")
            (assignments,) = cursor.fetchone()
            cursor.execute("TRUNCATE enforcement_fencewarning")
        print(
            f"filled to {size:,}: {visits:,} visits, {cases:,} cases, {assignments:,} whistle assignments "
            f"in {time.perf_counter() - t1:.1f} s"
        )
        for sweep in sweeps():
            first = run_sweep(sweep, day=today)
            cpu = backend_cpu()
            second = run_sweep(sweep, day=today)
            cpu = backend_cpu() - cpu
            results.setdefault(sweep.code, {})[size] = (
                first.seconds,
                first.raised,
                second.seconds,
                cpu,
                second.raised,
            )
            print(
                f"  {sweep.code:<32} first {first.seconds:6.2f} s ({first.raised:>7,} raised)  "
                f"again {second.seconds:6.2f} s, CPU {cpu:5.2f} s ({second.raised} raised)",
                flush=True,
            )
    print(
        f"\nload {os.getloadavg()[0]:.2f}; seconds for the first run (warnings raised) / "
        "the second run (none)\n"
    )
    print("wall s: first run / second run; CPU s: the second run's PostgreSQL backend + this process\n")
    head = " | ".join(f"{s:,} wall | {s:,} CPU" for s in sizes)
    print(f"| sweep | {head} | raised at {sizes[-1]:,} |")
    print("| --- |" + " --- |" * (2 * len(sizes) + 1))
    for code, by_size in results.items():
        cells = " | ".join(f"{by_size[s][0]:.2f} / {by_size[s][2]:.2f} | {by_size[s][3]:.2f}" for s in sizes)
        print(f"| {code} | {cells} | {by_size[sizes[-1]][1]:,} |")


if __name__ == "__main__":
    main()
