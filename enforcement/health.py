"""Liveness and readiness.

`/healthz` (liveness, in views.py) answers as long as the process serves requests. `/readyz` (readiness) asks
each thing a request may need, each with a short timeout, and answers 503 naming the parts that are down, else
200; the body always carries each part's state. The worker is judged by its heartbeat row (beat sends
`worker_heartbeat_task` every minute), which costs one indexed read instead of a broadcast ping that waits for
replies.
"""

from __future__ import annotations

from typing import Any

import redis
from celery import current_app
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

PING_TIMEOUT = 0.5  # seconds, for each Redis ping


def _ping(url: str) -> str:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=PING_TIMEOUT, socket_timeout=PING_TIMEOUT).ping()
    except (redis.RedisError, OSError) as exc:
        return f"down: {exc.__class__.__name__}"
    return "ok"


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return {"ok": False, "state": f"down: {exc.__class__.__name__}"}
    return {"ok": True, "state": "ok"}


def check_redis() -> dict[str, Any]:
    """The cache's Redis and the broker's, each pinged directly (the cache itself would answer a miss)."""
    part: dict[str, Any] = {}
    cache = caches["default"]
    part["cache"] = (
        # the server list is private to Django's RedisCache (and not in its stubs); the cache API has no ping
        _ping(cache._servers[0])  # type: ignore[attr-defined]
        if isinstance(cache, RedisCache)
        else "not used (in-process cache)"
    )
    broker = str(current_app.conf.broker_url or "")
    if current_app.conf.task_always_eager:
        part["broker"] = "not used (tasks run in-process)"
    elif broker.startswith(("redis://", "rediss://")):
        part["broker"] = _ping(broker)
    else:
        part["broker"] = "not checked"
    part["ok"] = not any(str(state).startswith("down") for state in part.values())
    return part


def check_worker(database_ok: bool) -> dict[str, Any]:
    from .models import WorkerHeartbeat

    if current_app.conf.task_always_eager:
        return {"ok": True, "state": "not used (tasks run in-process)"}
    if not database_ok:
        return {"ok": None, "state": "unknown (the database is down)"}
    beat = WorkerHeartbeat.objects.filter(name="worker").first()
    if beat is None:
        return {"ok": False, "state": "no heartbeat yet", "last_heartbeat": None}
    age = (timezone.now() - beat.at).total_seconds()
    fresh = age <= settings.WORKER_HEARTBEAT_STALE_SECONDS
    return {
        "ok": fresh,
        "state": "ok" if fresh else "silent",
        "last_heartbeat": beat.at.isoformat(),
        "age_seconds": round(age),
    }


def check_outbox(database_ok: bool) -> dict[str, Any]:
    """Informational: work waiting for the broker. Never makes the app unready by itself."""
    from .models import OutboxMessage

    if not database_ok:
        return {"ok": None, "waiting": None}
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True)
    oldest = waiting.order_by("pk").values_list("created_at", flat=True).first()
    return {"ok": True, "waiting": waiting.count(), "oldest": oldest.isoformat() if oldest else None}


@login_not_required
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    checks = {
        "database": database,
        "redis": check_redis(),
        "worker": check_worker(database["ok"]),
        "outbox": check_outbox(database["ok"]),
    }
    down = [name for name, part in checks.items() if part["ok"] is False]
    return JsonResponse({"ok": not down, "down": down, "checks": checks}, status=503 if down else 200)
