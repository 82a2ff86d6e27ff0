"""Bad input never gives a 500 and never changes a case: every action, on pages and in the API, with junk."""

from __future__ import annotations

import json

import pytest

from cases.forms import ACTION_FORMS
from cases.models import Case, CaseEvent
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db

JUNK = [
    {},
    {
        "version": "x",
        "fine": "abc",
        "proposed_fine": "-5",
        "amount": "1e999",
        "served_on": "2026-13-45",
        "decided_on": "yesterday",
        "penalty_kinds": ["nonsense"],
        "department": "99999",
        "basis": "??",
        "method": "pigeon",
        "channel": "cash-in-envelope",
        "hearing_on": "",
        "correction_due": "0000-00-00",
        "archive_ref": "x" * 500,
    },
    {
        "version": "",
        "note": "\x00" * 10,
        "paid_on": "2026-01-01T99:99",
        "reason": "<script>",
        "factors": ["../../etc"],
        "served_on": "2026-02-30",
        "amount": "abc",
        "penalty_kinds": "fine",
        "fine": "NaN",
        "correction_due": "x",
    },
]


@pytest.mark.parametrize("stage", ["lead", "investigating", "notified", "deciding", "served"])
def test_junk_on_every_action_is_a_clear_refusal(cast, client_for, make_case, stage):
    case = make_case(
        stage, proposed_fine=200, proposed_kinds=["fine"], fine=200 if stage == "served" else None
    )
    before = (Case.objects.get(pk=case.pk).version, CaseEvent.objects.count(), AuditEvent.objects.count())
    page, api = client_for(cast.supervisor_a), client_for(cast.supervisor_a)
    for action in ACTION_FORMS:
        for body in JUNK[1:]:
            response = page.post(f"/cases/{case.pk}/act/{action}/", body)
            assert response.status_code in (302, 400, 403, 409), (action, body, response.status_code)
            response = api.post(
                f"/api/cases/{case.pk}/actions/{action}/", json.dumps(body), content_type="application/json"
            )
            assert response.status_code in (400, 403, 409), (action, body, response.status_code)
            assert response.json().get("detail"), (action, response.content[:200])
    response = api.post(f"/api/cases/{case.pk}/actions/decide/", "[1, 2", content_type="application/json")
    assert response.status_code in (400, 409)
    assert (
        Case.objects.get(pk=case.pk).version,
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    ) == before
    for (
        action
    ) in ACTION_FORMS:  # an empty form: refused with messages, or taken where the action needs no input
        assert page.post(f"/cases/{case.pk}/act/{action}/", {}).status_code in (302, 400, 403, 409), action
        response = api.post(f"/api/cases/{case.pk}/actions/{action}/", "{}", content_type="application/json")
        assert response.status_code in (200, 201, 400, 403, 409), (action, response.status_code)


def test_junk_on_the_filing_form_and_api(cast, client_for):
    for body in JUNK + [{"town": "nowhere", "act_on": "2999-01-01", "party_age": "-3", "latitude": "91"}]:
        response = client_for(cast.officer_a).post("/cases/new/", body)
        assert response.status_code in (200, 400), response.status_code
        response = client_for(cast.officer_a).post(
            "/api/cases/", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 400, response.content[:300]
    assert not Case.objects.exists()
