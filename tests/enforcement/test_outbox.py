"""The transactional outbox: a task asked for in a transaction is kept with it, relayed once, and kept while
the broker is down until a relay (beat's sweep, a later commit, or `manage.py relay_outbox`) can send it."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from enforcement import outbox
from enforcement.models import AuditCheck, OutboxMessage
from enforcement.tasks import audit_check_task

from .test_outage import redis_unreachable


@pytest.mark.django_db
def test_a_rolled_back_change_queues_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue(audit_check_task)
        raise RuntimeError("rolled back")
    assert callbacks == [] and not OutboxMessage.objects.exists() and not AuditCheck.objects.exists()


@pytest.mark.django_db
def test_what_waited_for_the_broker_is_sent_once_by_the_command(cast, django_capture_on_commit_callbacks):
    with redis_unreachable():
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            outbox.enqueue(audit_check_task)
        message = OutboxMessage.objects.get()
        assert message.sent_at is None and message.attempts == 1 and "8149" in message.last_error
        out = io.StringIO()
        with pytest.raises(SystemExit):
            call_command("relay_outbox", stdout=out)
        assert out.getvalue().strip() == "sent 0, still waiting 1"
    assert not AuditCheck.objects.exists()
    # the broker is back (tasks run in-process in this test): sent once, then nothing more
    out = io.StringIO()
    call_command("relay_outbox", stdout=out)
    assert out.getvalue().strip() == "sent 1, still waiting 0"
    call_command("relay_outbox", stdout=io.StringIO())
    assert AuditCheck.objects.count() == 1
    assert OutboxMessage.objects.get().sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_message_another_relay_holds_is_not_sent_again():
    from enforcement.celery import app

    OutboxMessage.objects.create(task=audit_check_task.name)
    held, release = threading.Event(), threading.Event()

    def other_relay() -> None:  # holds the row's lock as a relay does while it publishes
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get()
                held.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_relay)
    thread.start()
    try:
        assert held.wait(10)
        assert app.conf.task_always_eager
        assert outbox.relay() == 0
        assert not AuditCheck.objects.exists()
    finally:
        release.set()
        thread.join()
    assert outbox.relay() == 1 and outbox.relay() == 0
    assert AuditCheck.objects.count() == 1


@pytest.mark.django_db
def test_a_message_that_cannot_be_sent_does_not_hold_up_the_others():
    stale = OutboxMessage.objects.create(task="enforcement.tasks.no_such_task")
    OutboxMessage.objects.create(task=audit_check_task.name)
    assert outbox.relay() == 1
    assert AuditCheck.objects.count() == 1
    stale.refresh_from_db()
    assert stale.sent_at is None and stale.attempts == 1 and "no_such_task" in stale.last_error
