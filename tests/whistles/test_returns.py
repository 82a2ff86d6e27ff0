"""Returns (退回): only with a reason from the list and an explanation; counted and shown; the district
overrules (re-send with new deadlines) or upholds. Nanjing's complaint was departments bouncing problems back
silently."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from enforcement.models import AuditEvent
from enforcement.workflow import InvalidTransition
from whistles import clock
from whistles.models import Notification, WhistleAssignment, WhistleReturn
from whistles.services import (
    assignment_acknowledge,
    assignment_arrive,
    assignment_handle,
    assignment_overrule_return,
    assignment_return,
    assignment_uphold_return,
)
from whistles.workflow import ReturnReason, Status, WhistleStatus

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)


def test_a_return_needs_a_listed_reason_and_an_explanation(cast, raise_whistle):
    assignment = raise_whistle().assignments.get()
    before = AuditEvent.objects.count()
    for reason, note in (
        ("", "说明理由足够长"),
        ("local_responsibility", "说明理由足够长"),
        (ReturnReason.TOWN_HOLDS_POWER, ""),
        (ReturnReason.OTHER, "不管"),
    ):
        with pytest.raises(ValidationError):
            assignment_return(actor=cast.responder, assignment=assignment, reason=reason, note=note)
    assignment.refresh_from_db()
    assert assignment.status == Status.SENT and assignment.return_count == 0
    assert AuditEvent.objects.count() == before
    assert not WhistleReturn.objects.exists()


def test_return_is_counted_notified_and_shown(cast, raise_whistle, client_for):
    whistle = raise_whistle()
    assignment = whistle.assignments.get()
    assignment_acknowledge(actor=cast.responder, assignment=assignment)
    ret = assignment_return(
        actor=cast.responder,
        assignment=assignment,
        reason=ReturnReason.TOWN_HOLDS_POWER,
        note="该事项已赋权街道，属于属地管理责任。",
    )
    assignment.refresh_from_db()
    assert assignment.status == Status.RETURNED and assignment.return_count == 1
    assert (ret.from_status, ret.decision, ret.cycle) == (
        Status.ACKNOWLEDGED,
        WhistleReturn.Decision.PENDING,
        1,
    )
    assert Notification.objects.filter(recipient=cast.officer_a, kind="returned").exists()
    assert Notification.objects.filter(recipient=cast.admin, kind="return_review").exists()
    assert (
        AuditEvent.objects.filter(action="whistles.assignment.return", object_id=str(assignment.pk)).count()
        == 1
    )

    page = (
        client_for(cast.officer_a)
        .get(reverse("whistle-detail", args=[whistle.pk]), {"lang": "en"})
        .content.decode()
    )
    assert 'data-testid="returns"' in page and "该事项已赋权街道" in page
    assert "returned 1 time" in page
    listing = client_for(cast.admin).get(reverse("whistle-returns"), {"lang": "en"}).content.decode()
    assert whistle.title in listing
    assert (
        client_for(cast.officer_a)
        .get(reverse("whistle-list"), {"returned": "1"})
        .context["rows"][0]["whistle"]
        == whistle
    )


def test_overrule_resends_with_new_deadlines_and_a_new_cycle(cast, raise_whistle):
    with clock.at(T0):
        whistle = raise_whistle(urgency="urgent")
    assignment = whistle.assignments.get()
    with clock.at(T0 + dt.timedelta(hours=1)):
        assignment_acknowledge(actor=cast.responder, assignment=assignment)
        assignment_arrive(actor=cast.responder, assignment=assignment)
        assignment_return(
            actor=cast.responder,
            assignment=assignment,
            reason=ReturnReason.NOT_OUR_COMPETENCE,
            note="应由城管部门处理",
        )
    later = T0 + dt.timedelta(hours=30)
    with clock.at(later):
        assignment_overrule_return(
            actor=cast.admin, assignment=assignment, note="经核实属市场监管职责，请立即处置。"
        )
    assignment.refresh_from_db()
    assert assignment.status == Status.SENT and assignment.cycle == 2
    assert assignment.sent_at == later
    assert assignment.check_in_due == later + dt.timedelta(hours=4)
    assert assignment.acknowledged_at is None and assignment.on_site_at is None
    assert assignment.return_count == 1
    ret = assignment.returns.get()
    assert (ret.decision, ret.decided_by, ret.decision_note) == (
        WhistleReturn.Decision.OVERRULED,
        cast.admin,
        "经核实属市场监管职责，请立即处置。",
    )
    assert Notification.objects.filter(recipient=cast.responder, kind="resent").exists()
    # The department can work it again, and may return it again in the new cycle (a second, separate return).
    assignment_return(
        actor=cast.responder, assignment=assignment, reason=ReturnReason.OTHER, note="仍然认为不归本部门"
    )
    assignment.refresh_from_db()
    assert assignment.return_count == 2 and assignment.returns.count() == 2


def test_uphold_ends_the_assignment_and_closes_the_whistle(cast, raise_whistle):
    whistle = raise_whistle()
    assignment = whistle.assignments.get()
    assignment_return(
        actor=cast.responder,
        assignment=assignment,
        reason=ReturnReason.TOWN_HOLDS_POWER,
        note="街道持有该赋权事项",
    )
    assignment_uphold_return(actor=cast.admin, assignment=assignment, note="核实街道已获赋权，由街道办理")
    assignment.refresh_from_db()
    whistle.refresh_from_db()
    assert assignment.status == Status.RETURN_UPHELD
    assert assignment.returns.get().decision == WhistleReturn.Decision.UPHELD
    assert whistle.status == WhistleStatus.CLOSED
    assert Notification.objects.filter(recipient=cast.officer_a, kind="upheld").exists()


def test_only_the_district_administrator_reviews_returns(cast, raise_whistle):
    assignment = raise_whistle().assignments.get()
    assignment_return(
        actor=cast.responder, assignment=assignment, reason=ReturnReason.DUPLICATE, note="与W2026-00001重复"
    )
    before = AuditEvent.objects.count()
    for person in (cast.responder, cast.officer_a, cast.supervisor_a, cast.officer_b):
        with pytest.raises(PermissionDenied):
            assignment_overrule_return(actor=person, assignment=assignment, note="我来驳回这个退回")
        with pytest.raises(PermissionDenied):
            assignment_uphold_return(actor=person, assignment=assignment, note="我来同意这个退回")
    assert WhistleAssignment.objects.get(pk=assignment.pk).status == Status.RETURNED
    assert AuditEvent.objects.count() == before


def test_a_return_cannot_be_reviewed_twice_and_handled_work_cannot_be_returned(cast, raise_whistle):
    assignment = raise_whistle().assignments.get()
    assignment_return(
        actor=cast.responder, assignment=assignment, reason=ReturnReason.DUPLICATE, note="与另一哨重复"
    )
    assignment_uphold_return(actor=cast.admin, assignment=assignment, note="确认与另一哨重复")
    assignment.refresh_from_db()
    with pytest.raises(InvalidTransition):
        assignment_overrule_return(actor=cast.admin, assignment=assignment, note="改主意了重新派")

    other = raise_whistle(title="另一个问题").assignments.get()
    assignment_acknowledge(actor=cast.responder, assignment=other)
    assignment_arrive(actor=cast.responder, assignment=other)
    assignment_handle(actor=cast.responder, assignment=other, note="已处理完毕")
    with pytest.raises(InvalidTransition):
        assignment_return(
            actor=cast.responder, assignment=other, reason=ReturnReason.OTHER, note="办完了又想退回"
        )
