"""The case list at a million cases: keyset pages (cases.selectors.case_page_for) against OFFSET pages.

    DATABASE_URL is not used: the bench makes its own throwaway PostgreSQL database (default zhifa_bench).
    .venv/bin/python bench/case_list_bench.py                       # build (drop + migrate + 1,000,000 cases)
    and time
    .venv/bin/python bench/case_list_bench.py --reuse               # time again on the database already built
    .venv/bin/python bench/case_list_bench.py --cases 200000 --repeat 5 --drop

Data: one district with 1,000 towns; 80 % of the cases in 20 busy towns (40,000 each at a million), the rest
spread over the other 980. Each case is a copy of one template case made through the ORM, varied in SQL (town,
created_at over ~8 months, stage, number, party): a single INSERT ... SELECT FROM generate_series per 100,000
rows, so setup stays well inside a few minutes and every NOT NULL column the model has is filled whatever the
model becomes.

Timed, as an officer of one busy town (what the list page and GET /api/cases/ do): the first page, page 10 and
page 1,000 (25 a page) by keyset cursor and by OFFSET, then the same with the stage filter; the median of
`--repeat` runs in milliseconds, and the ratio OFFSET / keyset. A deep keyset page starts from the cursor of
the page before it, found once beforehand (untimed), as a client that followed next_cursor would hold it.
EXPLAIN (ANALYZE) of the deep pages shows which index each uses. Figures only: no assertions on timings.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import add_database_arguments, admin_sql, fresh_database  # noqa: E402

PAGE = 25
BUSY = 20


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_arguments(p, "zhifa_bench")
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--towns", type=int, default=1_000)
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--reuse", action="store_true", help="keep the data already built (skip setup)")
    p.add_argument("--drop", action="store_true", help="drop the database at the end")
    return p.parse_args()


def build(args: argparse.Namespace) -> None:
    import datetime as dt

    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cases.models import Case
    from enforcement.models import District, Role, Unit
    from enforcement.services import user_create

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    t1 = time.perf_counter()
    district = District.objects.create(code="B500", name_zh="压测区", name_en="Bench District")
    codes = [f"B500-{n:04d}" for n in range(args.towns)]
    Group.objects.bulk_create([Group(name=f"unit:{c}") for c in codes])
    groups = {g.name: g for g in Group.objects.filter(name__startswith="unit:B500-")}
    Unit.objects.bulk_create(
        [
            Unit(
                district=district,
                kind=Unit.Kind.TOWN,
                code=c,
                name_zh=f"压测街道{n:04d}",
                group=groups[f"unit:{c}"],
                case_prefix=f"压测{n:04d}执",
            )
            for n, c in enumerate(codes)
        ]
    )
    towns = list(Unit.objects.filter(district=district).order_by("code").values_list("pk", flat=True))
    busy, quiet = towns[:BUSY], towns[BUSY:] or towns[:BUSY]
    officer = user_create(
        actor=None,
        username="bench_officer",
        password=None,
        unit=Unit.objects.get(pk=busy[0]),
        roles=[Role.OFFICER],
        full_name="压测执法员",
    )
    user_create(
        actor=None,
        username="bench_officer_quiet",
        password=None,
        unit=Unit.objects.get(pk=quiet[0]),
        roles=[Role.OFFICER],
        full_name="压测执法员二",
    )
    today = timezone.localdate()
    template = Case.objects.create(
        district=district,
        town_id=busy[0],
        title="模板",
        description="在店外占道摆放货架经营，面积约3平方米。",
        place="压测路1号",
        act_on=today - dt.timedelta(days=10),
        discovered_on=today - dt.timedelta(days=10),
        created_by=officer,
        party_name="张三",
    )
    stages = [
        "lead",
        "checking",
        "filing_review",
        "investigating",
        "investigating",
        "correcting",
        "notified",
        "hearing",
        "legal_review",
        "deciding",
        "decided",
        "served",
        "executed",
        "closed",
        "closed",
        "archived",
        "archived",
        "archived",
        "archived",
        "not_filed",
        "withdrawn",
        "transferred",
    ]
    filed = {
        "investigating",
        "correcting",
        "notified",
        "hearing",
        "legal_review",
        "deciding",
        "decided",
        "served",
        "executed",
        "closed",
        "archived",
    }
    columns = [f.column for f in Case._meta.concrete_fields if f.column != "id"]
    # ~8 months back from now, one case every ~21 seconds at a million (a few share a moment: the id breaks
    # ties).
    span = 240 * 24 * 3600
    overrides = {
        "town_id": f"CASE WHEN g %% 5 < 4 THEN (%(busy)s::int[])[1 + (g / 5) %% {len(busy)}] "
        f"ELSE (%(quiet)s::int[])[1 + (g::bigint * 7919 %% {len(quiet)})::int] END",
        "created_at": f"now() - make_interval(secs => (g::float8 * {span} / %(n)s)::int)",
        "stage_changed_at": f"now() - make_interval(secs => (g::float8 * {span} / %(n)s)::int - 3600)",
        "stage": f"(%(stages)s::text[])[1 + (g * 31) %% {len(stages)}]",
        "number": f"CASE WHEN (%(stages)s::text[])[1 + (g * 31) %% {len(stages)}] = ANY(%(filed)s::text[]) "
        "THEN '压测执〔' || (2026 - g %% 2) || '〕' || g || '号' ELSE '' END",
        "title": "'占道经营 ' || g",
        "party_name": "'当事人' || (g %% 50000)",
        "party_identifier": "'5001031980' || lpad((g %% 100000000)::text, 8, '0')",
        "next_due": "current_date + ((g %% 120) - 30)",
    }
    select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    sql = (
        f"INSERT INTO cases_case ({', '.join(columns)}) SELECT {select} FROM cases_case t "
        f"CROSS JOIN generate_series(%(lo)s, %(hi)s) g WHERE t.id = %(template)s"
    )
    t2 = time.perf_counter()
    chunk = 100_000
    with connection.cursor() as cursor:
        for lo in range(1, args.cases + 1, chunk):
            hi = min(lo + chunk - 1, args.cases)
            cursor.execute(
                sql,
                {
                    "busy": busy,
                    "quiet": quiet,
                    "n": args.cases,
                    "stages": stages,
                    "filed": sorted(filed),
                    "lo": lo,
                    "hi": hi,
                    "template": template.pk,
                },
            )
            print(f"  {hi:>9,} cases", end="\r", flush=True)
        print()
        cursor.execute("DELETE FROM cases_case WHERE id = %s", [template.pk])
        cursor.execute("ANALYZE cases_case")
    t3 = time.perf_counter()
    print(
        f"setup: migrate {t1 - t0:.1f} s, towns and people {t2 - t1:.1f} s, "
        f"{args.cases:,} cases inserted and analysed {t3 - t2:.1f} s (total {t3 - t0:.1f} s)"
    )


def median_ms(fn, repeat: int) -> float:
    fn()  # warm: plan cache, buffers
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def explain_summary(qs) -> list[str]:
    plan = qs.explain(analyze=True, buffers=True)
    keep = []
    for line in plan.splitlines():
        text = line.strip().lstrip("-> ").strip()
        if any(
            word in text
            for word in ("Index", "Seq Scan", "Sort", "Limit", "Bitmap", "Execution Time", "Rows Removed")
        ):
            keep.append("    " + text)
    return keep


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.db.models import Q

    from cases.models import Case
    from cases.selectors import CaseFilters, _decode_cursor, case_page_for, cases_for, encode_cursor
    from enforcement.models import User

    officer = User.objects.get(username="bench_officer")
    total = Case.objects.count()
    mine = Case.objects.filter(town_id=officer.unit_id).count()
    pg_version = connection.pg_version  # type: ignore[attr-defined]  # PostgreSQL's wrapper; stubs type the base
    print(
        f"\n{total:,} cases in {args.towns:,} towns; the officer's town (busy) has {mine:,}. "
        f"PostgreSQL {pg_version // 10000}, page size {PAGE}, median of {args.repeat} runs.\n"
    )

    def ordered(filters: CaseFilters):
        return (
            cases_for(user=officer, filters=filters)
            .select_related("town", "item")
            .order_by("-created_at", "-pk")
        )

    def cursor_before(filters: CaseFilters, page: int) -> str:
        if page == 1:
            return ""
        last = ordered(filters)[
            (page - 1) * PAGE - 1
        ]  # untimed: the cursor a client holds after page-1 pages
        return encode_cursor(last)

    def keyset_bounded(filters: CaseFilters, after: str) -> list[Case]:
        """The same keyset page with the cursor also written as `created_at <= moment`, which the index can
        seek to (the OR alone is only a filter applied row by row from the top of the town)."""
        qs = ordered(filters)
        decoded = _decode_cursor(after)
        if decoded is not None:
            moment, pk = decoded
            qs = qs.filter(created_at__lte=moment).filter(
                Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk)
            )
        return list(qs[: PAGE + 1])

    def keyset_selector_qs(filters: CaseFilters, after: str):
        """The cursor condition as case_page_for first wrote it (the OR alone), kept to show why the selector
        now adds `created_at <= cursor`: without it PostgreSQL scans from the top of the town and filters."""
        qs = ordered(filters)
        decoded = _decode_cursor(after)
        if decoded is not None:
            moment, pk = decoded
            qs = qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
        return qs[: PAGE + 1]

    rows = []
    explains = []
    for label, filters, pages in [
        ("all cases", CaseFilters(), (1, 10, 1000)),
        ("stage=investigating", CaseFilters(stage="investigating"), (1, 10, 100)),
    ]:
        count = ordered(filters).count()
        for page in pages:
            if (page - 1) * PAGE >= count:
                continue
            after = cursor_before(filters, page)
            keyset = median_ms(
                lambda f=filters, a=after: case_page_for(user=officer, filters=f, after=a), args.repeat
            )
            bounded = median_ms(lambda f=filters, a=after: keyset_bounded(f, a), args.repeat)
            offset = median_ms(
                lambda f=filters, p=page: list(ordered(f)[(p - 1) * PAGE : (p - 1) * PAGE + PAGE + 1]),
                args.repeat,
            )
            check_k = [c.pk for c in case_page_for(user=officer, filters=filters, after=after).cases]
            check_b = [c.pk for c in keyset_bounded(filters, after)][:PAGE]
            check_o = [c.pk for c in ordered(filters)[(page - 1) * PAGE : page * PAGE]]
            same = "same rows" if check_k == check_o == check_b else "ROWS DIFFER"
            rows.append((label, page, (page - 1) * PAGE, keyset, bounded, offset, same))
        deepest = max(p for p in pages if (p - 1) * PAGE < count)
        after = cursor_before(filters, deepest)
        start = (deepest - 1) * PAGE
        explains.append(
            (
                f"{label}, page {deepest}, keyset without the <= bound (the selector before it was added)",
                explain_summary(keyset_selector_qs(filters, after)),
            )
        )
        bounded_qs = ordered(filters)
        decoded = _decode_cursor(after)
        if decoded is not None:
            bounded_qs = bounded_qs.filter(created_at__lte=decoded[0]).filter(
                Q(created_at__lt=decoded[0]) | Q(created_at=decoded[0], pk__lt=decoded[1])
            )
        explains.append(
            (
                f"{label}, page {deepest}, keyset with created_at <= cursor",
                explain_summary(bounded_qs[: PAGE + 1]),
            )
        )
        explains.append(
            (
                f"{label}, page {deepest}, OFFSET {start}",
                explain_summary(ordered(filters)[start : start + PAGE + 1]),
            )
        )

    print(
        "| list | page | rows skipped | keyset (case_page_for) ms | keyset, created_at <= cursor "
        "ms | OFFSET ms "
        "| OFFSET / keyset | OFFSET / keyset bounded | check |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, page, skipped, keyset, bounded, offset, same in rows:
        print(
            f"| {label} | {page:,} | {skipped:,} | {keyset:.2f} | {bounded:.2f} | {offset:.2f} "
            f"| {offset / keyset:.1f}x "
            f"| {offset / bounded:.1f}x | {same} |"
        )
    print("\nEXPLAIN (ANALYZE, BUFFERS), the plan lines that matter:")
    for title, lines in explains:
        print(f"  {title}:")
        for line in lines:
            print(line)


def main() -> None:
    args = parse()
    fresh_database(args)
    if not args.reuse:
        build(args)
    run(args)
    if args.drop:
        from django.db import connections

        connections.close_all()
        admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        print(f"\ndropped {args.db}")


if __name__ == "__main__":
    main()
