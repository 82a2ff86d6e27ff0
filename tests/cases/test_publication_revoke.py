"""A revoked decision comes down from the public page in the revocation's own transaction (and a sweep takes
down any a revocation left up); a decision not yet published is reminded 2 working days before its
publication deadline (7 working days of the decision, art 48)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases import notices
from cases.lifecycle import case_act
from cases.models import Case, CaseEvent
from cases.publication import publication_withdraw, publications_withdraw_revoked, revoked_reason
from cases.tasks import publications_withdraw_revoked_task
from enforcement.calendar import add_working_days
from enforcement.models import AuditEvent
from tests.cases.test_publication import _served
from whistles.models import Notification
from whistles.notifications import render

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def _public(client, cast) -> str:
    return client.get(reverse("cases:public-decisions", args=[cast.town_a.code])).content.decode()


def test_revoking_a_decision_takes_its_publication_down_at_once(cast, make_case, client):
    case = _served(make_case)
    assert 'data-testid="public-decision"' in _public(client, cast)
    case_act(
        actor=cast.supervisor_a,
        case=case,
        action="revoke_decision",
        data={"version": None, "note": "行政复议决定撤销原处罚决定"},
    )
    case.refresh_from_db()
    assert case.stage == "withdrawn" and case.unpublished_on == timezone.localdate()
    assert "行政复议决定撤销原处罚决定" in case.unpublish_reason
    assert 'data-testid="public-decision"' not in _public(client, cast)
    assert AuditEvent.objects.filter(action="cases.case.revoke_decision").count() == 1
    # The sweep finds nothing left to do.
    assert publications_withdraw_revoked() == []


def test_only_the_supervisor_revokes_and_a_refusal_changes_nothing(cast, make_case, client_for):
    case = _served(make_case)
    url = reverse("cases:case-act", args=[case.pk, "revoke_decision"])
    response = client_for(cast.officer_a).post(url, {"note": "x", "version": case.version})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.stage == "served" and case.unpublished_on is None


def test_the_sweep_takes_down_what_a_revocation_left_published_once(cast, make_case, client):
    case = _served(make_case)
    # A revocation recorded while the publication stayed up (before this rule, or restored from a backup).
    Case.objects.filter(pk=case.pk).update(stage="withdrawn")
    CaseEvent.objects.create(case=case, action="revoke_decision", at=timezone.now(), note="法院判决撤销")
    assert publications_withdraw_revoked_task() == [case.pk]
    assert publications_withdraw_revoked_task() == []  # again: nothing twice
    case.refresh_from_db()
    assert case.unpublished_on is not None and "法院判决撤销" in case.unpublish_reason
    assert CaseEvent.objects.filter(case=case, action="unpublish").count() == 1
    assert 'data-testid="public-decision"' not in _public(client, cast)


def test_a_decision_not_yet_published_is_reminded_before_its_publication_deadline(cast, make_case):
    today = timezone.localdate()
    due = add_working_days(today, 1)
    case = make_case("decided", decided_on=today, penalty_kinds=["fine"], publication_due=due)
    later = make_case(
        "decided", decided_on=today, penalty_kinds=["fine"], publication_due=add_working_days(today, 6)
    )
    written = notices.notify_publication_due(today=today)
    assert written == 3  # officer_a, officer_a2 and the supervisor
    assert notices.notify_publication_due(today=today) == 0
    reminder = Notification.objects.get(recipient=cast.supervisor_a, kind="case.publish_due")
    with translation.override("zh-hans"):
        text = render(reminder)
    assert "公开期限" in text and "还剩1个工作日" in text
    assert not Notification.objects.filter(kind="case.publish_due", params__id=later.pk).exists()
    assert case.pk == reminder.params["id"]


def _withdrawal_rows(case: Case) -> dict:
    case.refresh_from_db()
    event = CaseEvent.objects.get(case=case, action="unpublish")
    audit = AuditEvent.objects.get(action="cases.publication.withdraw", object_id=str(case.pk))
    return {
        "case": (case.unpublished_on, case.unpublish_reason),
        "event": (event.note, event.data),
        "audit": (audit.object_type, audit.town_id, audit.summary, audit.before, audit.after),
    }


def test_the_sweep_and_the_supervisor_write_the_same_withdrawal(cast, make_case):
    """One writer for both paths: a withdrawal by the sweep and one by the supervisor, with the same reason,
    leave the same case fields, case event and audit row but for who did it."""
    swept, manual = _served(make_case), _served(make_case)
    Case.objects.filter(pk=swept.pk).update(stage="withdrawn")
    CaseEvent.objects.create(case=swept, action="revoke_decision", at=timezone.now(), note="法院判决撤销")
    versions = {swept.pk: Case.objects.get(pk=swept.pk).version, manual.pk: manual.version}
    assert publications_withdraw_revoked() == [swept.pk]
    publication_withdraw(actor=cast.supervisor_a, case=manual, reason=revoked_reason("法院判决撤销"))
    assert _withdrawal_rows(swept) == _withdrawal_rows(manual)
    for case in (swept, manual):
        assert Case.objects.get(pk=case.pk).version == versions[case.pk] + 1
    actors = {
        a.object_id: (a.actor_id, a.actor_label)
        for a in AuditEvent.objects.filter(action="cases.publication.withdraw")
    }
    assert actors == {
        str(swept.pk): (None, "system"),
        str(manual.pk): (cast.supervisor_a.pk, cast.supervisor_a.get_username()),
    }
    assert CaseEvent.objects.get(case=swept, action="unpublish").actor_id is None
    assert CaseEvent.objects.get(case=manual, action="unpublish").actor_id == cast.supervisor_a.pk
