"""A batch of 1,000 complaints matched on one worker (issue 18: within 10 s).

    .venv/bin/python bench/complaint_batch.py --db zhifa_perf             # the task function, in this process
    .venv/bin/python bench/complaint_batch.py --db zhifa_perf --worker    # a real Celery worker (solo pool)

The database is the demo district of bench/load.py (seeded by it when missing). The bench files `--count`
complaints in the issue's town, worded like the labelled descriptions of authority/matching/eval/eval_set.csv,
straight into the table as PENDING (one bulk insert, not timed; the hotline import would queue them itself),
then times their matching:

- default: `cases.tasks.complaint_match_task` called in this process once per batch of BATCH_SIZE ids, as one
  worker would run the queued tasks one after another (no broker in between); wall time and this process's CPU
  plus its PostgreSQL backend's CPU (from /proc).
- `--worker`: a real `celery worker --pool solo` (one process, one task at a time) on this Redis, the tasks
  queued through the outbox as the import does (`cases.complaints._queue_matching`), timed from the commit
  until no complaint of the batch is PENDING (polled every 50 ms); the worker's CPU from /proc.

Printed: complaints per second, the total, and how many ended matched / no match / failed. The complaints are
deleted afterwards (their audit rows stay: the trail is append-only). Figures only.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import prepare, server_env, setup_django  # noqa: E402

DESCRIPTIONS = ROOT / "authority" / "matching" / "eval" / "eval_set.csv"


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="zhifa_load")
    p.add_argument("--host", default="127.0.0.1:5432")
    p.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/4"))
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--worker", action="store_true", help="a real Celery worker instead of in-process calls")
    p.add_argument("--queue", default="zhifa-bench", help="the worker's queue (kept apart from others')")
    return p.parse_args()


def texts() -> list[str]:
    with DESCRIPTIONS.open(newline="", encoding="utf-8") as f:
        return [r["text"] for r in csv.DictReader(f)]


def file_complaints(count: int) -> list[int]:
    from django.utils import timezone

    from cases.models import Complaint
    from enforcement.models import User

    officer = User.objects.get(username="shiyoulu_officer")
    town = officer.unit
    assert town is not None
    pool = texts()
    now = timezone.now()
    rows = Complaint.objects.bulk_create(
        [
            Complaint(
                district_id=town.district_id,
                town=town,
                channel=Complaint.Channel.HOTLINE,
                external_id=f"BENCH-{int(now.timestamp())}-{k}",
                text=f"{pool[k % len(pool)]}（{k}）",
                received_at=now,
                created_by=officer,
            )
            for k in range(count)
        ]
    )
    return [c.pk for c in rows]


def pg_ticks() -> int:
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])


def proc_ticks(pid: int) -> int:
    total = 0
    for p in [pid, *children(pid)]:
        try:
            parts = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(parts[11]) + int(parts[12])
    return total


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def in_process(ids: list[int]) -> tuple[float, float, float]:
    from cases.complaints import BATCH_SIZE
    from cases.tasks import complaint_match_task

    hz = os.sysconf("SC_CLK_TCK")
    complaint_match_task(ids[:1])  # the district's matcher compiled and cached, as in a warm worker
    ids = ids[1:]
    b0, c0, w0 = pg_ticks(), time.process_time(), time.perf_counter()
    for k in range(0, len(ids), BATCH_SIZE):
        complaint_match_task(ids[k : k + BATCH_SIZE])
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return wall, cpu, (pg_ticks() - b0) / hz


def with_worker(ids: list[int], args: argparse.Namespace, env: dict[str, str]) -> tuple[float, float, float]:
    from django.db import transaction

    from cases.complaints import _queue_matching
    from cases.models import Complaint

    hz = os.sysconf("SC_CLK_TCK")
    worker_env = dict(env, CELERY_TASK_ALWAYS_EAGER="0", CELERY_TASK_DEFAULT_QUEUE=args.queue)
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = args.queue
    from django.conf import settings

    settings.CELERY_TASK_ALWAYS_EAGER = False
    from enforcement.celery import app

    app.conf.task_always_eager = False
    app.conf.task_default_queue = args.queue
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "enforcement",
            "worker",
            "--pool",
            "solo",
            "-Q",
            args.queue,
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=worker_env,
    )
    try:
        time.sleep(8)  # the worker connects and imports
        with transaction.atomic():
            _queue_matching(ids[:1])  # warm: the district's matcher compiled in the worker
        while Complaint.objects.filter(pk=ids[0], match_status=Complaint.MatchStatus.PENDING).exists():
            time.sleep(0.1)
        t0 = proc_ticks(worker.pid)
        w0 = time.perf_counter()
        with transaction.atomic():
            _queue_matching(ids[1:])
        pending = Complaint.objects.filter(pk__in=ids, match_status=Complaint.MatchStatus.PENDING)
        while pending.exists():
            if time.perf_counter() - w0 > 300:
                raise SystemExit("not done within 300 s")
            time.sleep(0.05)
        wall = time.perf_counter() - w0
        return wall, (proc_ticks(worker.pid) - t0) / hz, 0.0
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


def main() -> None:
    args = parse()
    env = server_env(args)
    prepare(args, env)
    setup_django(env)
    from django.db.models import Count

    from cases.models import Complaint

    ids = file_complaints(args.count)
    load_before = os.getloadavg()[0]
    try:
        if args.worker:
            wall, cpu, pg = with_worker(ids, args, env)
            how = "a real Celery worker (--pool solo, one process), queued through the outbox"
            n = len(ids) - 1
        else:
            wall, cpu, pg = in_process(ids)
            how = "complaint_match_task called in this process, one call per batch of 50"
            n = len(ids) - 1
        outcome = dict(
            Complaint.objects.filter(pk__in=ids)
            .values_list("match_status")
            .annotate(n=Count("id"))
            .values_list("match_status", "n")
        )
    finally:
        Complaint.objects.filter(pk__in=ids).delete()
    print(
        f"{n} complaints matched by {how}: {wall:.2f} s wall ({n / wall:.0f} a second), "
        f"CPU {cpu:.2f} s worker" + (f" + {pg:.2f} s PostgreSQL" if pg else "")
    )
    print(f"outcome: {outcome}; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
