"""The whole life of a whistle through the services: raise -> check in -> on site -> handled -> confirmed and
rated."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from enforcement.models import AuditEvent
from enforcement.workflow import InvalidTransition
from whistles import clock
from whistles.models import Notification, WhistleAssignment, WhistleEvent
from whistles.services import (
    assignment_acknowledge,
    assignment_arrive,
    assignment_confirm,
    assignment_handle,
    assignment_reopen,
    whistle_add_department,
    whistle_withdraw,
)
from whistles.workflow import Status, WhistleStatus

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_raise_to_rating_moves_through_every_state_with_events_audit_and_notifications(cast, raise_whistle):
    with clock.at(T0):
        whistle = raise_whistle(urgency="emergency")
    assignment = whistle.assignments.get()
    assert assignment.status == Status.SENT
    assert assignment.sent_at == T0
    assert assignment.check_in_due == T0 + dt.timedelta(minutes=30)
    assert assignment.on_site_due == T0 + dt.timedelta(hours=2)
    assert assignment.handle_due == T0 + dt.timedelta(hours=24)
    assert assignment.alert_at == T0 + dt.timedelta(minutes=20)  # reminder 10 minutes before check-in is due
    assert Notification.objects.filter(recipient=cast.responder, kind="raised", whistle=whistle).count() == 1

    with clock.at(T0 + dt.timedelta(minutes=12)):
        assignment_acknowledge(actor=cast.responder, assignment=assignment)
    with clock.at(T0 + dt.timedelta(minutes=70)):
        assignment_arrive(actor=cast.responder, assignment=assignment, note="两名执法人员到场")
    with clock.at(T0 + dt.timedelta(hours=5)):
        assignment_handle(
            actor=cast.responder,
            assignment=assignment,
            note="责令安装油烟净化设施，已立案。",
            case_ref="渝中市监罚〔2026〕15号",
        )
    assignment.refresh_from_db()
    assert assignment.status == Status.HANDLED
    assert assignment.alert_at is None  # nothing more owed by the department
    assert Notification.objects.filter(recipient=cast.officer_a, kind="handled").count() == 1

    with clock.at(T0 + dt.timedelta(hours=8)):
        assignment_confirm(actor=cast.officer_a, assignment=assignment, rating=4, comment="处置及时")
    assignment.refresh_from_db()
    whistle.refresh_from_db()
    assert (assignment.status, assignment.rating, assignment.rated_by) == (Status.CLOSED, 4, cast.officer_a)
    assert whistle.status == WhistleStatus.CLOSED and whistle.closed_at == T0 + dt.timedelta(hours=8)

    kinds = list(whistle.events.values_list("kind", flat=True))
    assert kinds == ["raised", "sent", "acknowledged", "on_site", "handled", "confirmed", "closed"]
    actions = list(
        AuditEvent.objects.filter(action__startswith="whistles.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "whistles.whistle.raise",
        "whistles.assignment.acknowledge",
        "whistles.assignment.arrive",
        "whistles.assignment.handle",
        "whistles.assignment.confirm",
        "whistles.whistle.close",
    ]
    assert AuditEvent.objects.get(action="whistles.assignment.confirm").town == cast.town_a


def test_a_whistle_to_two_departments_closes_when_both_are_done(
    cast, raise_whistle, env_department, env_responder
):
    whistle = raise_whistle(reason="joint_action", departments=[cast.department, env_department])
    market, env = whistle.assignments.order_by("pk")
    for responder, assignment in ((cast.responder, market), (env_responder, env)):
        assignment_acknowledge(actor=responder, assignment=assignment)
        assignment_arrive(actor=responder, assignment=assignment)
        assignment_handle(actor=responder, assignment=assignment, note="已到场联合处置完毕")
    assignment_confirm(actor=cast.officer_a, assignment=market, rating=5)
    whistle.refresh_from_db()
    assert whistle.status == WhistleStatus.OPEN
    assignment_confirm(actor=cast.officer_a, assignment=env, rating=3)
    whistle.refresh_from_db()
    assert whistle.status == WhistleStatus.CLOSED


def test_reopen_sends_it_back_to_handling_and_low_ratings_need_a_comment(cast, raise_whistle):
    whistle = raise_whistle()
    assignment = whistle.assignments.get()
    assignment_acknowledge(actor=cast.responder, assignment=assignment)
    assignment_arrive(actor=cast.responder, assignment=assignment)
    assignment_handle(actor=cast.responder, assignment=assignment, note="已口头教育")
    with pytest.raises(ValidationError):
        assignment_confirm(actor=cast.officer_a, assignment=assignment, rating=1, comment="")
    assignment_reopen(actor=cast.officer_a, assignment=assignment, note="油烟仍在直排，未解决")
    assignment.refresh_from_db()
    assert assignment.status == Status.ON_SITE and assignment.handled_at is None
    with pytest.raises(InvalidTransition):
        assignment_confirm(actor=cast.officer_a, assignment=assignment, rating=5)


def test_steps_cannot_be_skipped(cast, raise_whistle):
    assignment = raise_whistle().assignments.get()
    with pytest.raises(InvalidTransition):
        assignment_handle(actor=cast.responder, assignment=assignment, note="直接办结可以吗")
    assert WhistleAssignment.objects.get(pk=assignment.pk).status == Status.SENT


def test_withdraw_cancels_every_open_assignment_and_tells_the_departments(
    cast, raise_whistle, env_department, env_responder
):
    whistle = raise_whistle(departments=[cast.department, env_department])
    before = Notification.objects.filter(kind="withdrawn").count()
    whistle_withdraw(actor=cast.officer_a, whistle=whistle, reason="当事人已自行整改完毕")
    whistle.refresh_from_db()
    assert whistle.status == WhistleStatus.WITHDRAWN
    assert set(whistle.assignments.values_list("status", flat=True)) == {Status.CANCELLED}
    assert Notification.objects.filter(kind="withdrawn").count() == before + 2
    with pytest.raises(InvalidTransition):
        assignment_acknowledge(
            actor=cast.responder, assignment=whistle.assignments.get(department=cast.department)
        )


def test_calling_another_department_later(cast, raise_whistle, env_department, env_responder):
    whistle = raise_whistle()
    added = whistle_add_department(actor=cast.officer_a, whistle=whistle, department=env_department)
    assert added.status == Status.SENT
    assert Notification.objects.filter(recipient=env_responder, kind="added").exists()
    with pytest.raises(ValidationError):
        whistle_add_department(actor=cast.officer_a, whistle=whistle, department=env_department)
    assert WhistleEvent.objects.filter(whistle=whistle, kind="sent").count() == 2


def test_bad_input_is_refused_before_anything_is_written(cast, raise_whistle, env_department):
    from tests.factories import make_district, make_unit

    elsewhere = make_unit(make_district(), "department", domain="market")
    before = AuditEvent.objects.count()
    bad: dict[str, Any]
    for bad in (
        {"departments": []},
        {"departments": [elsewhere]},
        {"reason": "because"},
        {"urgency": "whenever"},
        {"title": "   "},
        {"latitude": "29.5", "longitude": None},
        {"latitude": "95", "longitude": "106.5"},
        {"origin_type": "case", "origin_id": ""},
    ):
        with pytest.raises(ValidationError):
            raise_whistle(**bad)
    assert AuditEvent.objects.count() == before
    assert not cast.town_a.whistles.exists()
