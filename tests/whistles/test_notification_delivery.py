"""External delivery of notifications (issue 12): a notification is claimed before it is sent, a failed send
is kept and retried with backoff, the beat sweep delivers what is due in bounded batches, and two deliveries
at once send once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.utils import timezone

from tests.conftest import race
from whistles import notifications
from whistles.models import Notification
from whistles.notifications import deliver_due, register_sender, unregister_sender
from whistles.tasks import notification_deliver_task, notification_delivery_sweep_task

pytestmark = pytest.mark.django_db


class FlakyGateway:
    """A gateway that is down for its first `failures` calls (a timeout, as a real SMS gateway gives), then
    up."""

    key = "sms"

    def __init__(self, failures: int = 0, hold: threading.Event | None = None) -> None:
        self.failures = failures
        self.calls = 0
        self.sent: list[int] = []
        self.hold = hold
        self.lock = threading.Lock()

    def send(self, notification, text):
        with self.lock:
            self.calls += 1
            failing = self.calls <= self.failures
        if self.hold is not None:
            self.hold.wait(5)
        if failing:
            raise TimeoutError("gateway timed out")
        with self.lock:
            self.sent.append(notification.pk)
        return True


@pytest.fixture
def gateway():
    made: list[FlakyGateway] = []

    def make(**kwargs) -> FlakyGateway:
        sender = FlakyGateway(**kwargs)
        register_sender(sender)
        made.append(sender)
        return sender

    yield make
    unregister_sender("sms")


def later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_a_failed_send_stays_pending_and_a_later_sweep_delivers_it_once(
    cast, raise_whistle, gateway, django_capture_on_commit_callbacks
):
    sms = gateway(failures=1)
    with django_capture_on_commit_callbacks(execute=True):
        raise_whistle()
    note = Notification.objects.get(recipient=cast.responder)
    assert sms.calls == 1 and sms.sent == []  # the first attempt (the task queued on commit) failed
    assert note.deliveries == {} and note.delivery_attempts == 1
    assert note.delivery_due_at is not None and note.delivery_due_at > timezone.now()  # backoff, not now
    assert "timed out" in note.delivery_error

    assert notification_delivery_sweep_task() == 0  # not due yet: the sweep leaves it alone
    assert sms.calls == 1

    assert deliver_due(now=later(5)) == 1  # a later sweep: the gateway is back
    note.refresh_from_db()
    assert sms.sent == [note.pk] and set(note.deliveries) == {"sms"}
    assert note.delivery_due_at is None and note.delivery_error == ""
    assert deliver_due(now=later(500)) == 0 and notification_deliver_task(note.pk) == []
    assert sms.sent == [note.pk]  # once


def test_retries_back_off_and_stop_after_the_last_attempt(cast, raise_whistle, gateway):
    sms = gateway(failures=1000)
    raise_whistle()
    note = Notification.objects.get(recipient=cast.responder)
    gaps = []
    moment = timezone.now()
    for _attempt in range(notifications.MAX_DELIVERY_ATTEMPTS):
        moment = later(24 * 60) if note.delivery_due_at is None else note.delivery_due_at
        deliver_due(now=moment)
        previous = note.delivery_due_at
        note.refresh_from_db()
        if note.delivery_due_at is not None and previous is not None:
            gaps.append(note.delivery_due_at - previous)
    assert gaps == sorted(gaps) and gaps[-1] > gaps[0]  # each wait longer than the last
    assert note.delivery_attempts == notifications.MAX_DELIVERY_ATTEMPTS
    assert note.delivery_due_at is None and note.deliveries == {}  # given up, the error kept
    calls = sms.calls
    assert deliver_due(now=later(10 * 24 * 60)) == 0 and sms.calls == calls


def test_the_sweep_works_in_bounded_batches(cast, raise_whistle, gateway, env_department, env_responder):
    sms = gateway()
    for n in range(3):
        raise_whistle(title=f"问题{n}", departments=[cast.department, env_department])
    assert Notification.objects.filter(delivery_due_at__isnull=False).count() == 6
    assert deliver_due(now=later(1), limit=4) == 4
    assert deliver_due(now=later(1), limit=4) == 2
    assert len(sms.sent) == len(set(sms.sent)) == 6


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_send_once(cast, raise_whistle, gateway):
    hold = threading.Event()
    sms = gateway()
    raise_whistle()
    sms.hold = hold
    note = Notification.objects.get(recipient=cast.responder)
    sms.calls, sms.sent = 0, []
    Notification.objects.filter(pk=note.pk).update(deliveries={}, delivery_due_at=timezone.now())
    timer = threading.Timer(
        0.5, hold.set
    )  # the first to claim holds the gateway a moment; the other comes meanwhile
    timer.start()
    results = race([lambda: notification_deliver_task(note.pk), lambda: notification_deliver_task(note.pk)])
    timer.cancel()
    assert sorted(results, key=len) == [[], ["sms"]], results
    assert sms.sent == [note.pk] and sms.calls == 1
