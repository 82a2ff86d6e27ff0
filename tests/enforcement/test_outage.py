"""Redis down (broker and cache on a dead port): writes answer 2xx with their work kept in the outbox, reads
that use the cache only as a cache keep working, /readyz names what is down, and the work is done once when
Redis returns."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import Case, Complaint
from enforcement.models import AuditEvent
from tests.cases.conftest import make_held_item
from tests.conftest import wait_for
from tests.matching.conftest import catalog  # noqa: F401  (fixture)

DEAD = "redis://127.0.0.1:8149/0"  # one of this suite's own ports; nothing listens on it
DEAD_ADDRESS = ("127.0.0.1", 8149)


@contextmanager
def dead_connects() -> Iterator[list[tuple[str, int]]]:
    """Every attempt this process makes to connect to the dead Redis: a client that gives up at once makes one
    per use, a retry loop (kombu's default publish retries: 6.6 s of them measured) makes many."""
    attempts: list[tuple[str, int]] = []
    connect = socket.socket.connect

    def counted(sock: socket.socket, address: Any) -> None:
        if tuple(address[:2]) == DEAD_ADDRESS:
            attempts.append(tuple(address[:2]))
        return connect(sock, address)

    socket.socket.connect = counted  # type: ignore[method-assign,assignment]
    try:
        yield attempts
    finally:
        socket.socket.connect = connect  # type: ignore[method-assign]


def _point_celery_at(url: str) -> None:
    from enforcement.celery import app

    # Celery's internals, which its stubs do not list (or list as read-only): the broker URL and the pools
    # built from it on first use.
    app.conf.broker_url = url  # type: ignore[misc]
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]


@contextmanager
def redis_unreachable():
    """Broker and cache of this process on a dead port; tasks published for real (not run in-process)."""
    from enforcement.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    with override_settings(CACHES={"default": {**settings.CACHES["default"], "LOCATION": DEAD}}):
        app.conf.task_always_eager = False
        _point_celery_at(DEAD)
        try:
            yield
        finally:
            app.conf.task_always_eager = saved[1]
            _point_celery_at(saved[0])


@pytest.fixture
def redis_down():
    with redis_unreachable():
        yield


def api(user=None) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.force_authenticate(user)
    return client


def file_complaint(cast, external_id: str):
    return api(cast.officer_a).post(
        "/api/complaints/",
        {"town": cast.town_a.code, "text": "电瓶车在楼道里充电", "external_id": external_id},
        format="json",
    )


@pytest.mark.django_db(transaction=True)
def test_complaint_intake_answers_201_and_keeps_the_matching_for_later(cast, catalog, redis_down):  # noqa: F811
    response = file_complaint(cast, "OUT-1")
    assert response.status_code == 201, response.content[:300]
    assert Complaint.objects.filter(external_id="OUT-1").count() == 1
    # a client that retries is told it is a duplicate; nothing half-done
    assert file_complaint(cast, "OUT-1").status_code == 400
    assert Complaint.objects.filter(external_id="OUT-1").count() == 1

    page = api(cast.officer_a)
    page.force_login(cast.officer_a)
    response = page.post(
        "/complaints/new/", {"town": cast.town_a.code, "text": "超市卖过期牛奶", "channel": "hotline"}
    )
    assert response.status_code == 302
    assert Complaint.objects.filter(match_status="pending").count() == 2

    from enforcement.models import OutboxMessage

    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2


@pytest.mark.django_db(transaction=True)
def test_matching_and_suggestions_answer_without_the_cache(cast, catalog, redis_down):  # noqa: F811
    from authority.matching.loader import forget_local

    forget_local()  # as a fresh process: nothing held locally, the cache must be asked
    with dead_connects() as attempts:
        response = api(cast.officer_a).post(
            "/api/match/", {"text": "超市卖过期牛奶", "town": cast.town_a.code}, format="json"
        )
        assert response.status_code == 200, response.content[:300]
        assert response.json()["candidates"][0]["code"] == "T-FOOD"
        forget_local()
        page = api()
        page.force_login(cast.officer_a)
        response = page.get("/matching/suggest/", {"text": "电瓶车在楼道里充电", "town": cast.town_a.code})
        assert response.status_code == 200 and "T-EBIKE" in response.content.decode()
    print(f"dead Redis asked {len(attempts)} times")
    assert 0 < len(attempts) <= 2, attempts  # asked once, then answered as a miss for a few seconds (1 seen)


@pytest.mark.django_db(transaction=True)
def test_the_token_endpoint_answers_without_the_cache(cast, redis_down):
    cast.officer_a.set_password("test-pass-123!")
    cast.officer_a.save()
    response = api().post(
        "/api/auth/token/", {"username": cast.officer_a.username, "password": "test-pass-123!"}
    )
    assert response.status_code == 200 and response.json()["token"]
    # The rate throttle fails open without its cache; guessing is still stopped by django-axes, in the
    # database.
    for _ in range(5):
        wrong = api().post("/api/auth/token/", {"username": cast.officer_a.username, "password": "nope"})
        assert wrong.status_code == 400
    locked = api().post(
        "/api/auth/token/", {"username": cast.officer_a.username, "password": "test-pass-123!"}
    )
    assert locked.status_code in (400, 403, 429) and "token" not in locked.json()


@pytest.mark.django_db(transaction=True)
def test_readyz_names_redis_when_it_is_down(client, redis_down):
    from enforcement.tasks import worker_heartbeat_task

    worker_heartbeat_task()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False and body["down"] == ["redis"]
    assert body["checks"]["database"]["ok"] is True and body["checks"]["redis"]["ok"] is False
    # liveness stays cheap and says nothing about Redis
    assert client.get("/healthz", secure=True).status_code == 200


@pytest.fixture
def tasks_to_a_worker():
    """As in production: tasks are published, not run in-process."""
    from enforcement.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = saved


@pytest.mark.worker
def test_a_worker_that_has_just_started_makes_the_app_ready_before_beats_first_minute(client, celery_worker):
    """Without beat: the real worker writes its heartbeat when it is ready (a fresh deployment is not 503 for
    a minute)."""
    from enforcement.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        wait_for(lambda: client.get("/readyz").status_code == 200)
        assert client.get("/readyz").json()["checks"]["worker"]["state"] == "ok"
    finally:
        app.conf.task_always_eager = saved


@pytest.mark.django_db
def test_readyz_says_ready_with_each_part_and_names_a_silent_worker(client, tasks_to_a_worker):
    from django.utils import timezone

    from enforcement.models import WorkerHeartbeat
    from enforcement.tasks import worker_heartbeat_task

    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["down"] == ["worker"]  # no heartbeat yet
    worker_heartbeat_task()
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is True and body["down"] == []
    assert {name for name, part in body["checks"].items() if part["ok"]} == {
        "database",
        "redis",
        "worker",
        "outbox",
    }
    WorkerHeartbeat.objects.update(at=timezone.now() - dt.timedelta(minutes=10))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["down"] == ["worker"]


def _whistle_body(cast) -> dict:
    return {
        "title": "商铺占用消防通道",
        "description": "商铺货物堆放堵塞疏散通道",
        "reason": "expertise",
        "urgency": "urgent",
        "address": "民主路5号",
        "departments": [cast.department.pk],
    }


def _case_body(cast, item) -> dict:
    from django.utils import timezone

    day = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    return {
        "town": cast.town_a.code,
        "source": "patrol",
        "title": "占道经营",
        "description": "店外占道摆放货架经营约3平方米。",
        "item": item.code,
        "place": "甲街道测试路1号",
        "act_on": day,
        "discovered_on": day,
        "party_kind": "person",
        "party_name": "张三",
        "party_identifier": "500103198001011234",
        "party_age": 40,
        "party_address": "测试路1号",
        "officers": ["officer_a2"],
    }


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_work_written_while_redis_is_down_is_done_once_when_it_returns(
    cast,
    catalog,  # noqa: F811  (the fixture imported above)
    tmp_path,
    monkeypatch,
    request,
):
    from enforcement.models import AuditCheck
    from enforcement.tasks import audit_check_task
    from whistles.models import Notification
    from whistles.notifications import EmailSender, register_sender, unregister_sender

    # whistle notifications also go out by e-mail (to files), in this process and in the worker
    mails = tmp_path / "mail"
    monkeypatch.setenv("WHISTLE_EMAIL_NOTIFICATIONS", "1")
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(mails))
    register_sender(EmailSender())
    request.addfinalizer(lambda: unregister_sender("email"))
    type(cast.responder).objects.filter(pk=cast.responder.pk).update(email="responder@example.org")
    request.getfixturevalue("celery_worker")  # started after the environment above
    item = make_held_item(cast, code="T-CASE-001")

    api(cast.officer_a).get("/api/complaints/")  # warm this process (imports, URL resolvers) before timing
    with redis_unreachable():
        with dead_connects() as attempts:
            complaint = file_complaint(cast, "OUT-9")
        assert complaint.status_code == 201, complaint.content[:300]
        case = api(cast.officer_a).post("/api/cases/", _case_body(cast, item), format="json")
        assert case.status_code == 201, case.content[:300]
        whistle = api(cast.officer_a).post(reverse("api-whistle-list"), _whistle_body(cast), format="json")
        assert whistle.status_code == 201, whistle.content[:300]
        # the cache once and one publish (2 seen), not kombu's default retry loop (3 retries, 6.6 s measured)
        print(f"complaint filed with Redis down after {len(attempts)} refused connects")
        assert 0 < len(attempts) <= 3, attempts
        assert file_complaint(cast, "OUT-9").status_code == 400  # a retry is a duplicate, refused
        ready = api().get("/readyz")
        assert ready.status_code == 503 and "redis" in ready.json()["down"]

    from enforcement.models import OutboxMessage
    from enforcement.tasks import outbox_relay_task

    assert Complaint.objects.count() == 1 and Case.objects.count() == 1
    assert Complaint.objects.get().match_status == "pending"
    notes = list(Notification.objects.filter(recipient=cast.responder))
    assert notes and all(n.deliveries == {} for n in notes)
    # The match, and one delivery per notification (the responder's, and the second officer's request to
    # declare on recusal for the new case).
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1 + Notification.objects.count()

    # Redis is back: one beat tick of the relay, on the real worker
    outbox_relay_task.delay()
    wait_for(lambda: Complaint.objects.get().match_status != "pending", timeout=60)
    wait_for(
        lambda: all(n.deliveries for n in Notification.objects.filter(recipient=cast.responder)), timeout=60
    )
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert Complaint.objects.get().match_status == "matched"
    # a second tick sends nothing again
    outbox_relay_task.delay()
    audit_check_task.delay()  # a marker: once it has run, the relay queued before it has run too
    wait_for(lambda: AuditCheck.objects.exists(), timeout=60)
    assert AuditEvent.objects.filter(action="cases.complaint.match").count() == 1
    assert Complaint.objects.count() == 1 and Case.objects.count() == 1
    assert len(list(mails.iterdir())) == len(notes)
    assert all(set(n.deliveries) == {"email"} for n in Notification.objects.filter(recipient=cast.responder))
