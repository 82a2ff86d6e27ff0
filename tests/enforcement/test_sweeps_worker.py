"""A fence sweep survives its worker being killed: 200 rule evaluations (one batch task per visit) queued on a
real Celery worker on Redis; the worker is SIGKILLed in the middle of the sweep, a new one is started, and
every warning is there exactly once. Then the whole sweep is queued again and changes nothing.

The kill lands at a known point: this test holds, in a transaction of its own, the warning key of the 100th
visit, so the worker's 100th evaluation waits on it (99 done, 100 taken and unacknowledged, 100 queued).
acks_late + reject_on_worker_lost: the killed task goes back to the queue once Redis's visibility timeout
(set to a few seconds for this worker) has passed."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from enforcement.celery import app
from enforcement.models import FenceWarning, Subject
from enforcement.tasks import fence_sweep_batch_task
from inspections.models import Visit
from tests.conftest import wait_for

pytestmark = pytest.mark.worker

RULE = "inspections.no_code_unfiled"
DAY = dt.date(2026, 6, 10)
VISIBILITY = 3


def _db_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def _start_worker(queue: str, log: str) -> subprocess.Popen[bytes]:
    name = f"{queue}-{uuid.uuid4().hex[:6]}@localhost"
    env = {
        **os.environ,
        "DATABASE_URL": _db_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "enforcement",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            name,
        ]
        + ["--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=open(log, "ab"),  # noqa: SIM115  # the worker's own file; closed when it exits
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=1.0):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("Celery worker did not start:\n" + open(log).read())
    return process


@contextmanager
def _routed(queue: str) -> Iterator[None]:
    saved = (app.conf.task_always_eager, app.conf.task_routes)
    app.conf.task_always_eager = False
    app.conf.task_routes = {"*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()  # type: ignore[misc]
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_routes = saved
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()  # type: ignore[misc]


def _queue_length(queue: str) -> int:
    """The sweep batches waiting in the queue (what the warnings set off, notifications to the supervisors
    and the figures' refresh, may wait there too and are not counted)."""
    import json

    import redis

    messages = redis.Redis.from_url(settings.CELERY_BROKER_URL).lrange(queue, 0, -1)
    tasks = [json.loads(m).get("headers", {}).get("task", "") for m in messages]
    return sum(1 for task in tasks if task.endswith("fence_sweep_batch_task"))


def _late_visits(cast, n: int) -> list[Visit]:
    subject = Subject.objects.create(district=cast.district, kind="company", name="某作坊")
    on = DAY - dt.timedelta(days=20)
    filed = timezone.make_aware(
        dt.datetime.combine(on + dt.timedelta(days=10), dt.time(9)), ZoneInfo("Asia/Shanghai")
    )
    return Visit.objects.bulk_create(
        [
            Visit(
                district=cast.district,
                subject=subject,
                unit=cast.town_a,
                town=cast.town_a,
                visited_on=on,
                with_code=False,
                no_code_reason="没有网络",
                file_due=on + dt.timedelta(days=5),
                recorded_by=cast.officer_a,
                recorded_at=filed,
            )
            for _ in range(n)
        ]
    )


def test_a_worker_killed_mid_sweep_loses_no_warning_and_doubles_none(transactional_db, cast):
    visits = sorted(_late_visits(cast, 200), key=lambda v: v.pk)
    expected = {f"visit:{v.pk}" for v in visits}
    held = visits[99]
    queue = f"zhifa-test-{uuid.uuid4().hex[:10]}"
    log = tempfile.NamedTemporaryFile(prefix="celery-sweep-", suffix=".log", delete=False).name  # noqa: SIM115
    blocker = psycopg.connect(_db_url())  # a transaction of its own, left open
    blocker.execute(
        "INSERT INTO enforcement_fencewarning (rule, key, town_id, district_id, object_type, object_id,"
        " severity, message, details, status, raised_at, reason, review_note, follow_up, resolution_note,"
        " escalation)"
        " VALUES (%s, %s, %s, %s, '', '', 'warning', 'held', '{}', 'open', now(), '', '', '', '', '')",
        [RULE, f"visit:{held.pk}", cast.town_a.pk, cast.district.pk],
    )
    workers: list[subprocess.Popen[bytes]] = []
    try:
        with _routed(queue):
            first = _start_worker(queue, log)
            workers.append(first)
            for v in visits:
                fence_sweep_batch_task.delay(RULE, v.pk, v.pk + 1, DAY.isoformat())
            # 99 evaluations done and committed, the 100th waiting on the key this test holds.
            wait_for(lambda: FenceWarning.objects.filter(rule=RULE).count() == 99, timeout=90)
            time.sleep(0.5)
            assert FenceWarning.objects.filter(rule=RULE).count() == 99
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=20)
            blocker.rollback()  # the killed worker's statement goes on, then dies with its connection
            blocker.close()
            assert FenceWarning.objects.filter(rule=RULE).count() == 99
            assert _queue_length(queue) == 100  # the 100 not yet taken; the 100th is unacknowledged
            time.sleep(VISIBILITY + 1)  # past the visibility timeout: the new worker restores the 100th
            workers.append(_start_worker(queue, log))
            wait_for(lambda: FenceWarning.objects.filter(rule=RULE).count() >= 200, timeout=120)
            keys = list(FenceWarning.objects.filter(rule=RULE).values_list("key", flat=True))
            assert len(keys) == 200 and set(keys) == expected

            # The whole sweep again, on the same worker: nothing changes.
            for v in visits:
                fence_sweep_batch_task.delay(RULE, v.pk, v.pk + 1, DAY.isoformat())
            wait_for(lambda: _queue_length(queue) == 0, timeout=120)
            time.sleep(1.0)
            keys = list(FenceWarning.objects.filter(rule=RULE).values_list("key", flat=True))
            assert len(keys) == 200 and set(keys) == expected
            assert "fence_sweep_batch_task" in open(log).read()
    finally:
        if not blocker.closed:
            blocker.close()
        for process in workers:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
