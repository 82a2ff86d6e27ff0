"""A city at scale: 1M cases, 3M audit rows and 300k complaints over 50 towns; page 1 and the deepest page of
each unbounded list for each scope, through the API views as a client calls them.

    .venv/bin/python bench/scale.py                 # build zhifa_perf_scale (drop, migrate, fill) and time
    .venv/bin/python bench/scale.py --reuse         # time again on the database already built
    .venv/bin/python bench/scale.py --cases 100000 --audit 300000 --complaints 30000 --db zhifa_scale_small

DATABASE_URL is not used: the script makes its own database. Two districts: a big one of 45 towns (90 % of the
rows: its administrator's view is in effect city-wide) and a small one of 5 towns (10 %: a sparse slice of
every table, the hardest case for a scan in id order). The rows are copies of one row made through the ORM,
varied in SQL (town, district, time over ~8 months, stage, number, party, text) by INSERT ... SELECT FROM
generate_series, 100,000 rows a statement. Audit rows are written already linked (seq and a stand-in hash), as
the linker leaves them.

Timed (median of --repeat runs, in-process Django test client, DEBUG=0 settings, Redis cache, after a
warm-up): GET /api/cases/, /api/audit/ and /api/complaints/ at 25 rows, page 1 and the last page (its cursor
found once beforehand, as a client that followed next_cursor would hold it), as
  - an officer (cases, complaints) or the supervisor (audit) of a busy town;
  - the administrator of the small district;
  - the administrator of the big district (city-wide);
then the same district administrator's lists the way main wrote them before issue 18 (the scope as a join to
the towns, the audit page's exact count and OFFSET), and a case search as the officer (trigram index). EXPLAIN
(ANALYZE) of the deepest pages names the index each uses. Figures only: no assertions on timings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import fresh_database  # noqa: E402

SIZE = 25
CHUNK = 100_000


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="zhifa_perf_scale")
    p.add_argument("--host", default="127.0.0.1:5432")
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--audit", type=int, default=3_000_000)
    p.add_argument("--complaints", type=int, default=300_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--reuse", action="store_true")
    return p.parse_args()


def setup_django(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@{args.host}/{args.db}"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/4")
    os.environ.setdefault("CACHE_KEY_PREFIX", "zhifa-scale")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    os.environ.setdefault("SECRET_KEY", "scale-bench-" + "x" * 40)
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    import logging

    logging.disable(logging.WARNING)
    import django

    django.setup()


def insert_copies(
    model: Any, template_pk: int, overrides: dict[str, str], total: int, params: dict, keep: bool = False
) -> None:
    """INSERT ... SELECT of `total` copies of one row, the columns in `overrides` computed from g."""
    from django.db import connection

    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table} t "
        f"CROSS JOIN generate_series(%(lo)s, %(hi)s) g WHERE t.id = %(template)s"
    )
    with connection.cursor() as cursor:
        for lo in range(1, total + 1, CHUNK):
            hi = min(lo + CHUNK - 1, total)
            cursor.execute(sql, {**params, "lo": lo, "hi": hi, "template": template_pk, "n": total})
            print(f"  {table}: {hi:>9,}", end="\r", flush=True)
        print()
        if not keep:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [template_pk])


def build(args: argparse.Namespace) -> None:
    import datetime as dt

    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cases.models import Case, Complaint
    from enforcement.models import AuditEvent, District, Role, Unit
    from enforcement.services import user_create

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    big = District.objects.create(code="S100", name_zh="大区", name_en="Big District")
    small = District.objects.create(code="S200", name_zh="小区", name_en="Small District")
    towns: list[Unit] = []
    for n in range(50):
        district = big if n < 45 else small
        code = f"{district.code}-{n:03d}"
        group = Group.objects.create(name=f"unit:{code}")
        towns.append(
            Unit.objects.create(
                district=district,
                kind=Unit.Kind.TOWN,
                code=code,
                name_zh=f"压测街道{n:03d}",
                group=group,
                case_prefix=f"压{n:03d}执",
            )
        )
    offices = []
    for district in (big, small):
        group = Group.objects.create(name=f"unit:{district.code}-OFFICE")
        offices.append(
            Unit.objects.create(
                district=district,
                kind=Unit.Kind.DISTRICT_OFFICE,
                code=f"{district.code}-OFFICE",
                name_zh=f"{district.name_zh}司法局",
                group=group,
            )
        )
    officer = user_create(
        actor=None,
        username="s_officer",
        password=None,
        unit=towns[0],
        roles=[Role.OFFICER],
        full_name="执法员",
    )
    user_create(
        actor=None,
        username="s_supervisor",
        password=None,
        unit=towns[0],
        roles=[Role.SUPERVISOR, Role.OFFICER],
        full_name="队长",
    )
    user_create(
        actor=None,
        username="s_admin_big",
        password=None,
        unit=offices[0],
        roles=[Role.DISTRICT_ADMIN],
        full_name="大区管理员",
    )
    user_create(
        actor=None,
        username="s_admin_small",
        password=None,
        unit=offices[1],
        roles=[Role.DISTRICT_ADMIN],
        full_name="小区管理员",
    )
    town_ids = [t.pk for t in towns]
    district_ids = [t.district_id for t in towns]
    t1 = time.perf_counter()
    today = timezone.localdate()
    span = 240 * 24 * 3600
    params = {"towns": town_ids, "districts": district_ids}
    # a town for row g: 50 towns, g % 50; its district alongside
    town_of = "(%(towns)s::int[])[1 + g %% 50]"
    district_of = "(%(districts)s::int[])[1 + g %% 50]"
    moment = f"now() - make_interval(secs => (g::float8 * {span} / %(n)s)::int)"

    template = Case.objects.create(
        district=big,
        town=towns[0],
        title="模板",
        description="在店外占道摆放货架经营，面积约3平方米。",
        place="压测路1号",
        act_on=today - dt.timedelta(days=10),
        discovered_on=today - dt.timedelta(days=10),
        created_by=officer,
        party_name="张三",
    )
    stages = ["lead", "checking", "investigating", "notified", "decided", "closed", "archived", "archived"]
    insert_copies(
        Case,
        template.pk,
        {
            "town_id": town_of,
            "district_id": district_of,
            "created_at": moment,
            "stage_changed_at": moment,
            "stage": f"(%(stages)s::text[])[1 + (g * 7) %% {len(stages)}]",
            "number": "CASE WHEN g %% 3 = 0 THEN '' "
            "ELSE '压测执〔' || (2026 - g %% 2) || '〕' || g || '号' END",
            "title": "'占道经营 ' || g",
            "party_name": "'当事人' || g",
            "party_identifier": "'5001031980' || lpad((g %% 100000000)::text, 8, '0')",
            "next_due": "current_date + ((g %% 120) - 30)",
        },
        args.cases,
        {**params, "stages": stages},
    )
    complaint = Complaint.objects.create(
        district=big, town=towns[0], text="模板投诉", address="压测路", created_by=officer
    )
    insert_copies(
        Complaint,
        complaint.pk,
        {
            "town_id": town_of,
            "district_id": district_of,
            "received_at": moment,
            "external_id": "'T' || g",
            "text": "'小区门口有人占道摆摊卖水果，编号' || g",
            "address": "'压测路' || g || '号'",
        },
        args.complaints,
        params,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(seq), 0) FROM enforcement_auditevent")
        (top,) = cursor.fetchone()
    audit_template = AuditEvent.objects.create(
        actor=officer,
        actor_label="执法员",
        unit=towns[0],
        town=towns[0],
        action="cases.case.update",
        object_type="cases.case",
        object_id="1",
        object_repr="压测",
        summary="改",
    )
    insert_copies(
        AuditEvent,
        audit_template.pk,
        {
            "town_id": town_of,
            "unit_id": town_of,
            # oldest first, as rows are written: id and seq grow with time
            "at": f"now() - make_interval(secs => ((%(n)s - g)::float8 * {span} / %(n)s)::int)",
            "object_id": "g::text",
            "seq": f"{top} + g",
            "prev_hash": "md5(g::text || 'p')",
            "hash": "md5(g::text)",
        },
        args.audit,
        params,
        keep=True,  # the audit trail refuses DELETE (a trigger); the template stays, unlinked
    )
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_complaint", "enforcement_auditevent"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"setup: migrate and people {t1 - t0:.1f} s, rows {time.perf_counter() - t1:.1f} s "
        f"({args.cases:,} cases, {args.complaints:,} complaints, {args.audit:,} audit rows)"
    )


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def explain(qs: Any) -> list[str]:
    keep = []
    for line in qs.explain(analyze=True).splitlines():
        text = line.strip().lstrip("-> ").strip()
        if any(w in text for w in ("Index", "Seq Scan", "Sort", "Bitmap", "Execution Time")):
            keep.append("    " + text[:160])
    return keep


def run(args: argparse.Namespace) -> None:
    from django.db.models import Q
    from django.test import Client

    from cases.models import Case, Complaint
    from cases.selectors import case_page_for, cases_for, complaints_for, encode_cursor
    from enforcement.models import AuditEvent, User
    from enforcement.paging import _encode
    from enforcement.selectors import audit_events_for

    people = {u.username: u for u in User.objects.filter(username__startswith="s_")}
    print(
        f"\n{Case.objects.count():,} cases, {AuditEvent.objects.count():,} audit rows, "
        f"{Complaint.objects.count():,} complaints; median of {args.repeat} runs; "
        f"load {os.getloadavg()[0]:.2f}\n"
    )

    def client_for(user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    def last_cursor(kind: str, user: User) -> str:
        """The cursor a client holds before the last page (found with an OFFSET, untimed)."""
        qs: Any
        if kind == "cases":
            qs = cases_for(user=user).order_by("-created_at", "-pk")
            n = qs.count()
            return encode_cursor(qs[max(n - SIZE - 1, 0)])
        if kind == "audit":
            qs = audit_events_for(user=user)
            n = qs.count()
            return _encode({"k": [qs[max(n - SIZE - 1, 0)].pk]})
        qs = complaints_for(user=user)
        n = qs.count()
        row = qs[max(n - SIZE - 1, 0)]
        return _encode({"k": [row.received_at.isoformat(), row.pk]})

    lists = [
        ("cases", "/api/cases/", ["s_officer", "s_admin_small", "s_admin_big"]),
        ("audit", "/api/audit/", ["s_supervisor", "s_admin_small", "s_admin_big"]),
        ("complaints", "/api/complaints/", ["s_officer", "s_admin_small", "s_admin_big"]),
    ]
    scope_name = {
        "s_officer": "town officer",
        "s_supervisor": "town supervisor",
        "s_admin_small": "district admin (5 towns, 10 %)",
        "s_admin_big": "district admin (45 towns, 90 %, city-wide)",
    }
    print("| list | scope | rows in scope | page 1 ms | last page ms | last / first | queries |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for kind, url, users in lists:
        for username in users:
            user = people[username]
            client = client_for(user)
            scoped = {
                "cases": lambda u=user: cases_for(user=u),
                "audit": lambda u=user: audit_events_for(user=u),
                "complaints": lambda u=user: complaints_for(user=u),
            }[kind]()
            total = scoped.count()
            cursor = last_cursor(kind, user)

            def get(params: dict[str, str], c: Client = client, u: str = url) -> None:
                r = c.get(u, {"size": str(SIZE), **params})
                assert r.status_code == 200, (u, r.status_code, r.content[:200])

            first = median_ms(lambda: get({}), args.repeat)
            last = median_ms(lambda cur=cursor: get({"after": cur}), args.repeat)  # type: ignore[misc]
            with CaptureQueriesContext(connection) as ctx:
                get({"after": cursor})
            print(
                f"| {kind} | {scope_name[username]} | {total:,} | {first:.1f} | {last:.1f} | "
                f"{last / first:.2f} | {len(ctx.captured_queries)} |"
            )

    print("\nThe district administrator's lists as main wrote them before issue 18 (same data):\n")
    print("| query | page 1 ms | last page ms |")
    print("| --- | --- | --- |")
    for username in ("s_admin_small", "s_admin_big"):
        admin = people[username]
        assert admin.unit is not None
        district = admin.unit.district_id
        old_cases = Case.objects.filter(town__district_id__in=[district]).select_related("town", "item")
        old_cases = old_cases.order_by("-created_at", "-pk")
        last_row = cases_for(user=admin).order_by("-created_at", "-pk")
        n = last_row.count()
        edge = last_row[n - SIZE - 1]
        deep = old_cases.filter(created_at__lte=edge.created_at).filter(
            Q(created_at__lt=edge.created_at) | Q(created_at=edge.created_at, pk__lt=edge.pk)
        )
        print(
            f"| cases, scope as a join to the towns ({scope_name[username]}) "
            f"| {median_ms(lambda q=old_cases: list(q[: SIZE + 1]), 3):.1f} "  # type: ignore[misc]
            f"| {median_ms(lambda q=deep: list(q[: SIZE + 1]), 3):.1f} |"  # type: ignore[misc]
        )
        old_audit = AuditEvent.objects.select_related("actor", "unit", "town").order_by("-id")
        old_audit = old_audit.filter(
            Q(town__district_id__in=[district]) | Q(unit__district_id__in=[district])
        )
        count = old_audit.count()

        def old_page(offset: int, q: Any = old_audit) -> None:
            q.count()  # the page's paginator counted every row
            list(q[offset : offset + 50])

        print(
            f"| audit page, count + OFFSET ({scope_name[username]}, {count:,} rows) "
            f"| {median_ms(lambda: old_page(0), 3):.1f} "
            f"| {median_ms(lambda c=count: old_page(c - 50), 3):.1f} |"  # type: ignore[misc]
        )

    officer = people["s_officer"]
    print("\nCase search as the town officer (20,000 cases in the town; trigram index):\n")
    print("| q | matches | ms |")
    print("| --- | --- | --- |")
    from cases.selectors import CaseFilters

    for q in ("当事人123450", "占道经营 99", "压测执〔2026〕1000"):
        filters = CaseFilters(query=q)
        hits = cases_for(user=officer, filters=filters).count()
        page = lambda f=filters: case_page_for(user=officer, filters=f)  # noqa: E731
        ms = median_ms(page, args.repeat)
        print(f"| {q} | {hits:,} | {ms:.1f} |")
    print("\nEXPLAIN (ANALYZE), deepest pages and a search:")
    admin = people["s_admin_small"]
    edge_qs: Any = cases_for(user=admin).order_by("-created_at", "-pk")
    n = edge_qs.count()
    edge = edge_qs[n - SIZE - 1]
    deep = edge_qs.filter(created_at__lte=edge.created_at).filter(
        Q(created_at__lt=edge.created_at) | Q(created_at=edge.created_at, pk__lt=edge.pk)
    )
    for title, qs in [
        ("cases, small district admin, last page", deep[: SIZE + 1]),
        (
            "audit, small district admin, last page",
            audit_events_for(user=admin).filter(
                pk__lt=audit_events_for(user=admin)[audit_events_for(user=admin).count() - SIZE - 1].pk
            )[: SIZE + 1],
        ),
        (
            "case search 当事人123450, officer",
            cases_for(user=officer, filters=CaseFilters(query="当事人123450")).order_by("-created_at", "-pk")[
                : SIZE + 1
            ],
        ),
    ]:
        print(f"  {title}:")
        for line in explain(qs):
            print(line)


def main() -> None:
    args = parse()
    fresh_database(args, setup_django)  # its own settings: DEBUG=0, a cache on Redis
    if not args.reuse:
        build(args)
    run(args)


if __name__ == "__main__":
    main()
