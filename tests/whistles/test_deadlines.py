"""Deadlines per urgency (configurable data), reminders before them, and escalation after them: a periodic
task, idempotent, in bounded batches; once with a real Celery worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from enforcement.models import AuditCheck, AuditEvent
from enforcement.tasks import audit_check_task
from tests.conftest import batches, wait_for
from whistles import clock
from whistles.models import Notification, WhistleAlert, WhistleAssignment, WhistleEvent
from whistles.selectors import assignments_due_for_alert, deadlines_for
from whistles.services import assignment_acknowledge, deadline_policy_set
from whistles.tasks import whistle_deadlines_sweep_task
from whistles.workflow import DEFAULT_DEADLINES, Urgency

# Run today and under each of the frozen dates in tests/conftest.py (FROZEN_DAYS).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]
T0 = dt.datetime(2026, 5, 4, 1, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)


def sweep_at(moment: dt.datetime) -> int:
    with clock.at(moment):
        return whistle_deadlines_sweep_task()


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_default_deadlines_follow_the_brief():
    emergency = DEFAULT_DEADLINES[Urgency.EMERGENCY]
    assert emergency.check_in == dt.timedelta(minutes=30) and emergency.on_site == dt.timedelta(hours=2)
    assert DEFAULT_DEADLINES[Urgency.NORMAL].check_in == dt.timedelta(hours=24)


def test_a_district_sets_its_own_deadlines_for_new_whistles(cast, raise_whistle):
    deadline_policy_set(
        actor=cast.admin,
        district=cast.district,
        urgency="emergency",
        check_in_minutes=15,
        on_site_minutes=60,
        handle_minutes=600,
        remind_before_minutes=5,
        escalate_after_minutes=15,
    )
    assert deadlines_for(cast.district, "emergency").check_in == dt.timedelta(minutes=15)
    with clock.at(T0):
        assignment = raise_whistle(urgency="emergency").assignments.get()
    assert assignment.check_in_due == T0 + dt.timedelta(minutes=15)
    assert assignment.handle_due == T0 + dt.timedelta(hours=10)
    assert AuditEvent.objects.filter(action="whistles.deadlines.set").count() == 1


def test_only_the_district_administrator_sets_deadlines(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        deadline_policy_set(
            actor=cast.supervisor_a,
            district=cast.district,
            urgency="normal",
            check_in_minutes=1,
            on_site_minutes=2,
            handle_minutes=3,
            remind_before_minutes=0,
            escalate_after_minutes=1,
        )


def test_remind_then_overdue_then_escalate_each_once(cast, raise_whistle):
    with clock.at(T0):
        whistle = raise_whistle(urgency="emergency")
    assignment = whistle.assignments.get()

    assert sweep_at(T0 + 19 * MIN) == 0
    assert sweep_at(T0 + 21 * MIN) == 1
    assert kinds_for(cast.responder) == ["raised", "remind"]
    assert sweep_at(T0 + 22 * MIN) == 0  # the same reminder is never sent twice

    assert sweep_at(T0 + 31 * MIN) == 1
    assert kinds_for(cast.responder)[-1] == "overdue"
    assert kinds_for(cast.officer_a) == ["overdue"]  # the raising officer learns the department is late
    assert kinds_for(cast.admin) == []

    assert sweep_at(T0 + 61 * MIN) == 1
    assert kinds_for(cast.admin) == ["escalate"]
    assert sweep_at(T0 + 62 * MIN) == 0
    assert WhistleAlert.objects.filter(assignment=assignment).count() == 3
    assert AuditEvent.objects.filter(action="whistles.assignment.escalate").count() == 1
    assert WhistleEvent.objects.filter(whistle=whistle, kind="alert").count() == 3


def test_a_sweep_after_a_long_gap_sends_only_the_most_serious_alert_per_step(cast, raise_whistle):
    with clock.at(T0):
        assignment = raise_whistle(urgency="emergency").assignments.get()
    # Five hours later: check-in escalated (due +30 min, +30 min), on site escalated (due 2 h, +30 min).
    assert sweep_at(T0 + 5 * 60 * MIN) == 2
    assert kinds_for(cast.admin) == ["escalate", "escalate"]
    assert "remind" not in kinds_for(cast.responder)
    assert set(
        WhistleAlert.objects.filter(assignment=assignment, notified=False).values_list("step", "level")
    ) == {("check_in", "remind"), ("check_in", "overdue"), ("on_site", "remind"), ("on_site", "overdue")}
    assignment.refresh_from_db()
    assert assignment.alert_at == T0 + dt.timedelta(hours=24) - dt.timedelta(
        minutes=10
    )  # next: the handling reminder


def test_checking_in_stops_the_check_in_clock(cast, raise_whistle):
    with clock.at(T0):
        assignment = raise_whistle(urgency="emergency").assignments.get()
    with clock.at(T0 + 5 * MIN):
        assignment_acknowledge(actor=cast.responder, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.alert_at == T0 + dt.timedelta(hours=2) - dt.timedelta(
        minutes=10
    )  # the on-site reminder
    assert sweep_at(T0 + 40 * MIN) == 0
    assert not WhistleAlert.objects.filter(step="check_in").exists()


def test_the_sweep_works_in_bounded_batches_and_finishes_the_backlog(
    cast, raise_whistle, django_capture_on_commit_callbacks
):
    with clock.at(T0):
        for n in range(5):
            raise_whistle(title=f"问题{n}", urgency="emergency")
    moment = T0 + 35 * MIN
    assert len(assignments_due_for_alert(now=moment, limit=2)) == 2
    with clock.at(moment), django_capture_on_commit_callbacks(execute=True) as queued:
        whistle_deadlines_sweep_task(
            limit=2
        )  # a full batch queues the next one (through the outbox; in-process here)
    assert len(batches(queued)) == 2
    assert WhistleAlert.objects.filter(level="overdue", notified=True).count() == 5
    assert assignments_due_for_alert(now=moment, limit=100) == []


def test_the_beat_runs_the_sweep_every_minute():
    from enforcement.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["whistle-deadlines-every-minute"]
    assert entry["task"] == "whistles.tasks.whistle_deadlines_sweep_task" and entry["schedule"] == 60
    assert entry["task"] in app.tasks


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_escalates_late_whistles_once(cast, raise_whistle, celery_worker):
    overdue = raise_whistle(title="逾期未报到").assignments.get()
    escalated = raise_whistle(title="逾期一天以上").assignments.get()
    fresh = raise_whistle(title="刚刚吹哨").assignments.get()
    now = timezone.now()
    # Pretend the first two were sent long ago (the deadlines, not the clock, are moved).
    WhistleAssignment.objects.filter(pk=overdue.pk).update(
        sent_at=now - dt.timedelta(hours=25),
        check_in_due=now - dt.timedelta(hours=1),
        alert_at=now - dt.timedelta(hours=5),
    )
    WhistleAssignment.objects.filter(pk=escalated.pk).update(
        sent_at=now - dt.timedelta(hours=50),
        check_in_due=now - dt.timedelta(hours=26),
        alert_at=now - dt.timedelta(hours=30),
    )

    whistle_deadlines_sweep_task.delay()
    wait_for(lambda: Notification.objects.filter(recipient=cast.admin, kind="escalate").exists())
    wait_for(lambda: Notification.objects.filter(recipient=cast.officer_a, kind="overdue").exists())
    counts = (Notification.objects.count(), WhistleAlert.objects.count(), AuditEvent.objects.count())
    assert WhistleAlert.objects.filter(assignment=fresh).count() == 0
    assert WhistleAlert.objects.get(assignment=overdue, notified=True).level == "overdue"
    assert WhistleAlert.objects.get(assignment=escalated, notified=True).level == "escalate"

    # The beat fires again: nothing new is sent. A marker task tells us when the worker has got that far.
    whistle_deadlines_sweep_task.delay()
    audit_check_task.delay()
    wait_for(lambda: AuditCheck.objects.exists())
    assert (Notification.objects.count(), WhistleAlert.objects.count(), AuditEvent.objects.count()) == counts


def test_the_deadlines_page_saves_a_district_setting(cast, client_for):
    from django.urls import reverse

    client = client_for(cast.admin)
    fields = {
        "urgency": "urgent",
        "urgent-check_in_minutes": "60",
        "urgent-on_site_minutes": "30",
        "urgent-handle_minutes": "600",
        "urgent-remind_before_minutes": "10",
        "urgent-escalate_after_minutes": "60",
    }
    assert client.post(reverse("whistle-deadlines"), fields).status_code == 400  # on site before check-in
    fields["urgent-on_site_minutes"] = "180"
    assert client.post(reverse("whistle-deadlines"), fields).status_code == 302
    assert deadlines_for(cast.district, "urgent").on_site == dt.timedelta(hours=3)
    assert deadlines_for(cast.district, "normal") == DEFAULT_DEADLINES[Urgency.NORMAL]
    before = AuditEvent.objects.count()
    assert client_for(cast.supervisor_a).post(reverse("whistle-deadlines"), fields).status_code == 403
    assert AuditEvent.objects.count() == before
