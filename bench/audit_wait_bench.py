"""The wait of an officer's audited action while a 1,000-row catalog import runs in another connection.

    DATABASE_URL is not used: the bench makes its own throwaway PostgreSQL database (default
    zhifa_audit_bench).
    .venv/bin/python bench/audit_wait_bench.py                       # drop + migrate + set up, then time
    .venv/bin/python bench/audit_wait_bench.py --items 1000 --runs 3 --drop

Set-up: one district with three towns (made by a first, small catalog import, as `manage.py import_authority`
would), an officer of the first town with a colleague, and one lead case of theirs.

Timed:
- alone: the officer edits the case's title (`case_update`: one locked case row, one audit row), `--repeat`
  times;
- during an import: thread A imports a generated catalog of `--items` new items held by the towns (every item
  a version, three grants and one audit row: `--items` + 1 audit rows in one transaction, as the upload page
  and `import_authority` run it). Thread B, on its own connection, waits until A has written its first audit
  row, then edits the case again and again (a `--pause` between two edits) until A commits. Each edit's time
  is kept: the first edit's wait, the median and the longest, and how many edits finished while the import's
  transaction was still open. The import's own time is shown with its tail (from its last row to the return:
  the summary row, the commit and, after the change, the linking of its rows, which the uploading
  administrator's request waits for). `--runs` imports, each of fresh codes.

At the end the chain is verified (every row of the run linked and intact). Figures only: no assertions on
timings.
The same script runs against the design before the change (one head row locked by every writer until commit)
from a checkout of that commit, since it uses only `catalog_import`, `case_update` and `audit_verify`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import add_database_arguments, admin_sql, setup_django  # noqa: E402

DISTRICT = "BENCH"
TOWNS = ["BENCH-T1", "BENCH-T2", "BENCH-T3"]
COLUMNS = "code,name_zh,name_en,kind,domain,legal_basis,description_zh,fine_min,fine_max,holder"


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_arguments(p, "zhifa_audit_bench")
    p.add_argument("--items", type=int, default=1_000, help="items in each timed import")
    p.add_argument("--runs", type=int, default=3, help="timed imports")
    p.add_argument("--repeat", type=int, default=20, help="edits timed with nothing else running")
    p.add_argument("--pause", type=float, default=0.2, help="seconds the officer pauses between two edits")
    p.add_argument("--drop", action="store_true", help="drop the database at the end")
    return p.parse_args()


def catalog_rows(prefix: str, n: int) -> list:
    """`n` valid catalog rows held by the towns (read and checked as an uploaded CSV is)."""
    from authority.importing import read_catalog

    lines = [COLUMNS]
    for i in range(1, n + 1):
        lines.append(
            f"{prefix}-{i:05d},对测试事项{prefix}{i}的行政处罚,Penalty for bench item {prefix} {i},empowered,"
            f"city_management,违则：《测试条例》第{i}条。罚则：《测试条例》第{i}条：处一百元以上一千元以下罚款。,"
            f"测试事项{prefix}{i}的违法行为描述。,100,1000,town"
        )
    return read_catalog(io.BytesIO("\n".join(lines).encode()), filename=f"{prefix}.csv")


def build() -> int:
    """The district, the officers and their lead case; returns the case's id."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from authority.models import EnforcementItem
    from authority.services import catalog_import

    case_create = case_service("case_create")
    from enforcement.models import Role, Unit
    from enforcement.services import user_create

    call_command("migrate", verbosity=0)
    catalog_import(
        actor=None,
        district_code=DISTRICT,
        district_name="基准区",
        rows=catalog_rows("BASE", 5),
        town_codes=TOWNS,
    )
    town = Unit.objects.get(code=TOWNS[0])
    with transaction.atomic():
        officer = user_create(
            actor=None, username="bench_officer", password=None, unit=town, roles=[Role.OFFICER]
        )
        colleague = user_create(
            actor=None, username="bench_officer2", password=None, unit=town, roles=[Role.OFFICER]
        )
    today = timezone.localdate()
    case = case_create(
        actor=officer,
        data={
            "town": town,
            "source": "patrol",
            "title": "占道经营",
            "description": "店外占道摆放货架经营约3平方米",
            "item": EnforcementItem.objects.filter(district__code=DISTRICT).order_by("code").first(),
            "place": "测试路1号",
            "act_on": today - dt.timedelta(days=3),
            "discovered_on": today - dt.timedelta(days=3),
            "party_kind": "person",
            "party_name": "张三",
            "party_identifier": "500103198001011234",
            "officers": [colleague],
        },
    )
    return case.pk


def case_service(name: str) -> Any:
    """The case service, where it lives now (cases.lifecycle) or lived before the split (cases.services), so
    the bench runs on a checkout from before the audit change too."""
    import importlib

    for module in ("cases.lifecycle", "cases.services"):
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
    raise SystemExit(f"no {name} in cases")


_edits = 0


def edit(case_id: int) -> float:
    """The officer's audited action: a new title for the case. Seconds taken."""
    global _edits
    from cases.models import Case

    case_update = case_service("case_update")
    from enforcement.models import User

    _edits += 1
    officer = User.objects.get(username="bench_officer")
    case = Case.objects.get(pk=case_id)
    started = time.perf_counter()
    case_update(actor=officer, case=case, data={"title": f"占道经营（第{_edits}次修改）"})
    return time.perf_counter() - started


def timed_import(run: int, items: int, case_id: int, pause: float) -> dict:
    from django.db import connection

    from authority.services import catalog_import
    from enforcement.models import AuditEvent

    rows = catalog_rows(f"R{run}", items)
    first_row = threading.Event()
    committed = threading.Event()
    result: dict = {}

    def progress(done: int, total: int) -> None:
        first_row.set()
        if done == total:
            result["last_row"] = time.perf_counter()

    def importer() -> None:
        try:
            started = time.perf_counter()
            catalog_import(
                actor=None, district_code=DISTRICT, rows=rows, source=f"R{run}.csv", progress=progress
            )
            result["import"] = time.perf_counter() - started
            result["tail"] = time.perf_counter() - result["last_row"]
        except Exception as exc:  # reported below; the bench must not hang on a failed import
            result["error"] = repr(exc)
        finally:
            first_row.set()
            committed.set()
            connection.close()

    def officer() -> None:
        first_row.wait()
        waits: list[float] = []
        during = 0
        while not committed.is_set() or not waits:
            waits.append(edit(case_id))
            if not committed.is_set():
                during += 1
                committed.wait(pause)
        result["edits"] = waits
        result["during"] = during
        connection.close()

    before = AuditEvent.objects.filter(action__startswith="authority.").count()
    threads = [threading.Thread(target=importer), threading.Thread(target=officer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if "error" in result:
        raise SystemExit(f"import failed: {result['error']}")
    result["rows"] = AuditEvent.objects.filter(action__startswith="authority.").count() - before
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> None:
    args = parse()
    admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db}"')
    admin_sql(args, f'CREATE DATABASE "{args.db}"')
    setup_django(args, broker=False)
    from django.db import connection

    from enforcement.audit import audit_verify

    case_id = build()
    print(f"database {args.db}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")

    edit(case_id)  # warm up (imports, caches)
    alone = [edit(case_id) for _ in range(args.repeat)]
    print(
        f"alone: officer's case edit, {args.repeat} times: median {ms(statistics.median(alone))}, "
        f"longest {ms(max(alone))}"
    )

    firsts: list[float] = []
    medians: list[float] = []
    for run in range(1, args.runs + 1):
        r = timed_import(run, args.items, case_id, args.pause)
        edits = r["edits"]
        firsts.append(edits[0])
        medians.append(statistics.median(edits))
        print(
            f"run {run}: import of {args.items:,} items ({r['rows']:,} audit rows) took {ms(r['import'])} "
            f"(after the last row, commit and linking: {ms(r['tail'])}); "
            f"officer's edits meanwhile: {r['during']} finished before the import committed; first edit "
            f"{ms(edits[0])}, median {ms(statistics.median(edits))}, longest {ms(max(edits))}"
        )
    started = time.perf_counter()
    report = audit_verify()
    print(
        f"chain: {report.rows:,} rows, {'intact' if report.ok else report.first_break} "
        f"(verified in {ms(time.perf_counter() - started)})"
    )
    print(
        f"summary: officer's edit alone {ms(statistics.median(alone))}; during a {args.items:,}-row import: "
        f"first edit {ms(statistics.median(firsts))} (median of {args.runs} runs), "
        f"median edit {ms(statistics.median(medians))}"
    )
    connection.close()
    if args.drop:
        admin_sql(args, f'DROP DATABASE "{args.db}"')


if __name__ == "__main__":
    main()
