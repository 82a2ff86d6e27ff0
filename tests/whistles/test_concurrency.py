"""Two clicks at the same moment move an assignment once: the conditional UPDATE decides who won."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcement.models import AuditEvent
from enforcement.workflow import StaleObject
from tests.conftest import race
from tests.factories import make_user
from whistles.models import WhistleAssignment, WhistleEvent, WhistleReturn
from whistles.services import (
    assignment_acknowledge,
    assignment_overrule_return,
    assignment_return,
    assignment_uphold_return,
)
from whistles.workflow import Status


@pytest.mark.django_db(transaction=True)
def test_two_responders_check_in_at_once_and_it_moves_once(cast, raise_whistle):
    colleague = make_user(cast.department, ["responder"], username="responder2")
    assignment = raise_whistle().assignments.get()
    first = WhistleAssignment.objects.get(pk=assignment.pk)
    second = WhistleAssignment.objects.get(pk=assignment.pk)
    before = AuditEvent.objects.count()
    results = race(
        [
            lambda: assignment_acknowledge(actor=cast.responder, assignment=first),
            lambda: assignment_acknowledge(actor=colleague, assignment=second),
        ]
    )
    winners = [r for r in results if isinstance(r, WhistleAssignment)]
    losers = [r for r in results if isinstance(r, StaleObject)]
    assert len(winners) == 1 and len(losers) == 1, results
    assignment.refresh_from_db()
    assert assignment.status == Status.ACKNOWLEDGED
    assert WhistleEvent.objects.filter(assignment=assignment, kind="acknowledged").count() == 1
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_overrule_and_uphold_at_once_only_one_decides(cast, raise_whistle):
    assignment = raise_whistle().assignments.get()
    assignment_return(actor=cast.responder, assignment=assignment, reason="other", note="不是我们的事情")
    a = WhistleAssignment.objects.get(pk=assignment.pk)
    b = WhistleAssignment.objects.get(pk=assignment.pk)
    results = race(
        [
            lambda: assignment_overrule_return(actor=cast.admin, assignment=a, note="驳回退回，请处理"),
            lambda: assignment_uphold_return(actor=cast.admin, assignment=b, note="同意退回的理由"),
        ]
    )
    assert sum(isinstance(r, WhistleAssignment) for r in results) == 1, results
    ret = WhistleReturn.objects.get(assignment=assignment)
    assignment.refresh_from_db()
    expected: dict[str, str] = {
        WhistleReturn.Decision.OVERRULED: Status.SENT,
        WhistleReturn.Decision.UPHELD: Status.RETURN_UPHELD,
    }
    assert assignment.status == expected[ret.decision]


@pytest.mark.django_db
def test_a_second_click_gets_a_conflict_not_a_second_move(cast, raise_whistle, client_for):
    assignment = raise_whistle().assignments.get()
    api = client_for(cast.responder)
    url = reverse("api-whistle-acknowledge", args=[assignment.pk])
    assert api.post(url, {}, content_type="application/json").status_code == 200
    before = AuditEvent.objects.count()
    again = api.post(url, {}, content_type="application/json")
    assert again.status_code == 409
    page = api.post(
        reverse("whistle-assignment-action", args=[assignment.pk, "acknowledge"]), {}, follow=True
    )
    assert page.status_code == 200
    assert AuditEvent.objects.count() == before
    assert WhistleEvent.objects.filter(assignment=assignment, kind="acknowledged").count() == 1
