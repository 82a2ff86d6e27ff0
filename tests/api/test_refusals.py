"""One workflow core (enforcement/workflow.py) and one exception handler: a step the current state does not
allow, or one someone else made first, answers 409 in the one error shape in every app, and a page shows it as
a warning."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import Case
from enforcement.models import AuditEvent
from enforcement.workflow import InvalidTransition, StaleObject, Transition, Workflow
from inspections.models import InspectionTask
from tests.inspections.conftest import day, setup  # noqa: F401
from whistles.models import WhistleAssignment

pytestmark = pytest.mark.django_db


def english(user) -> APIClient:
    """Messages in English (the UI language is Chinese unless the user picks English)."""
    client = APIClient()
    client.force_authenticate(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def assert_conflict(response, *words: str) -> None:
    assert response.status_code == 409, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["errors"] == {}
    for word in words:
        assert word in body["detail"], body["detail"]


def test_one_check_transition_takes_the_current_state_then_the_action():
    workflow = Workflow(
        [Transition("open", frozenset({"draft"}), "open"), Transition("note", frozenset({"open"}), None)],
        refuse=lambda action, current: f"no {action} from {current}",
    )
    assert workflow.check_transition("draft", "open").target == "open"
    assert [t.action for t in workflow.actions_from("open")] == ["note"]
    with pytest.raises(InvalidTransition, match="no note from draft"):
        workflow.check_transition("draft", "note")
    with pytest.raises(InvalidTransition, match="no fly from draft"):
        workflow.check_transition("draft", "fly")


def test_a_case_action_the_stage_does_not_allow_is_409_in_the_one_shape(cast, make_case):
    case = make_case("lead")
    audited = AuditEvent.objects.count()
    response = english(cast.supervisor_a).post(reverse("api-case-close", args=[case.pk]), {}, format="json")
    assert_conflict(response, "Close the case", "Lead")
    assert Case.objects.get(pk=case.pk).stage == "lead"
    assert AuditEvent.objects.count() == audited


def test_a_stale_case_version_is_409_in_the_one_shape(cast, make_case):
    case = make_case("investigating", version=4)
    response = english(cast.officer_a).post(
        reverse("api-case-pause", args=[case.pk]), {"version": 3, "reason": "testing"}, format="json"
    )
    assert_conflict(response, "Someone else changed this case")
    assert Case.objects.get(pk=case.pk).version == 4


def test_a_whistle_action_the_status_does_not_allow_is_409_in_the_one_shape(cast, raise_whistle):
    assignment = raise_whistle().assignments.get()
    audited = AuditEvent.objects.count()
    response = english(cast.officer_a).post(
        reverse("api-whistle-confirm", args=[assignment.pk]), {"rating": 5}, format="json"
    )
    assert_conflict(response, "Confirm and rate", "Waiting for check-in")
    assert WhistleAssignment.objects.get(pk=assignment.pk).status == "sent"
    assert AuditEvent.objects.count() == audited


def test_an_inspection_action_the_status_does_not_allow_is_409_in_the_one_shape(cast, setup, day):  # noqa: F811
    created = english(cast.officer_a).post(
        reverse("api-inspection-list"),
        {
            "lead_unit": cast.town_a.pk,
            "town": cast.town_a.pk,
            "subject": setup.subject.pk,
            "kind": "routine",
            "title": "餐饮店综合查一次",
            "planned_on": day.isoformat(),
            "headcount": 3,
            "scenario": "restaurant",
            "templates": [setup.town_template.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    audited = AuditEvent.objects.count()
    response = english(cast.officer_a).post(reverse("api-inspection-close", args=[pk]), {}, format="json")
    assert_conflict(response, "Close", "Draft")
    assert InspectionTask.objects.get(pk=pk).status == "draft"
    assert AuditEvent.objects.count() == audited


def test_a_refused_step_on_a_page_is_a_warning_and_for_htmx_a_409(cast, client_for, raise_whistle):
    assignment = raise_whistle().assignments.get()
    town = client_for(cast.officer_a)
    town.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("whistle-assignment-action", args=[assignment.pk, "confirm"])
    body = {f"a{assignment.pk}-confirm-rating": "5", f"a{assignment.pk}-confirm-comment": ""}
    page = town.post(url, body, follow=True)
    assert page.status_code == 200
    assert any("not possible" in str(m) for m in page.context["messages"]), list(page.context["messages"])
    htmx = town.post(url, body, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 409
    assert WhistleAssignment.objects.get(pk=assignment.pk).status == "sent"


def test_the_api_answers_a_bare_refusal_with_its_default_sentence():
    from enforcement.api.exceptions import exception_handler

    assert exception_handler(StaleObject(), {}).status_code == 409
    assert exception_handler(InvalidTransition("not now"), {}).data == {"detail": "not now", "errors": {}}
