"""The inspections REST API: scoped reads (404), refused writes (403), bad input (400), wrong state (409)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from inspections.models import InspectionTask, TaskInvitation

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _create(cast, setup, day, **extra):
    body = {
        "lead_unit": cast.town_a.pk,
        "town": cast.town_a.pk,
        "subject": setup.subject.pk,
        "kind": "routine",
        "title": "餐饮店综合查一次",
        "planned_on": day.isoformat(),
        "headcount": 3,
        "scenario": "restaurant",
        "templates": [setup.town_template.pk],
        **extra,
    }
    return api(cast.officer_a).post(reverse("api-inspection-list"), body, format="json")


def test_plan_invite_accept_and_read_through_the_api(cast, setup, day):
    created = _create(cast, setup, day)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert {p["point_code"] for p in created.json()["points"]} == {"1", "2"}

    assert api(cast.responder).get(reverse("api-inspection-detail", args=[pk])).status_code == 404
    assert api(cast.officer_b).get(reverse("api-inspection-detail", args=[pk])).status_code == 404
    listed = api(cast.officer_b).get(reverse("api-inspection-list")).json()
    assert (listed["results"] if isinstance(listed, dict) else listed) == []

    invited = api(cast.officer_a).post(
        reverse("api-inspection-invite", args=[pk]), {"department": cast.department.pk}, format="json"
    )
    assert invited.status_code == 201
    assert (
        api(cast.officer_a).post(reverse("api-inspection-publish", args=[pk]), {}, format="json").status_code
        == 200
    )
    inbox = api(cast.responder).get(reverse("api-inspection-invitations")).json()
    rows = inbox["results"] if isinstance(inbox, dict) else inbox
    assert [r["task"] for r in rows] == [pk]

    accept_url = reverse("api-inspection-accept", args=[rows[0]["id"]])
    assert (
        api(cast.officer_b).post(accept_url, {"template": setup.dept_template.pk}, format="json").status_code
        == 404
    )
    accepted = api(cast.responder).post(accept_url, {"template": setup.dept_template.pk}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    detail = api(cast.responder).get(reverse("api-inspection-detail", args=[pk])).json()
    shared = [
        p for p in detail["points"] if p["requested_by"] == sorted([cast.town_a.code, cast.department.code])
    ]
    assert len(shared) == 1 and len(detail["points"]) == 3


def test_over_the_cap_is_a_400_with_the_reason_in_chinese(cast, setup, day):
    assert _create(cast, setup, day).status_code == 201
    refused = _create(cast, setup, day + dt.timedelta(days=2))
    assert refused.status_code == 400
    message = refused.json()["errors"]["planned_on"][0]
    assert "每年上限为1次" in message and "请改为加入已计划的检查" in message
    assert InspectionTask.objects.count() == 1
    exempt = _create(cast, setup, day + dt.timedelta(days=2), kind="clue", exemption_ref="12345")
    assert exempt.status_code == 201 and exempt.json()["exemption"] == "complaint"


def test_refusals_are_403_409_and_400_and_change_nothing(cast, setup, day, audit_count):
    pk = _create(cast, setup, day).json()["id"]
    assert api().get(reverse("api-inspection-list")).status_code in (401, 403)
    before = audit_count()
    assert (
        api(cast.supervisor_a)
        .post(reverse("api-inspection-approve", args=[pk]), {}, format="json")
        .status_code
        == 409
    )
    assert (
        api(cast.officer_a).post(reverse("api-inspection-publish", args=[pk]), {}, format="json").status_code
        == 200
    )
    assert (
        api(cast.officer_a).post(reverse("api-inspection-approve", args=[pk]), {}, format="json").status_code
        == 403
    )
    assert (
        api(cast.officer_a).post(reverse("api-inspection-enter", args=[pk]), {}, format="json").status_code
        == 403
    )
    assert (
        api(cast.officer_a)
        .post(reverse("api-inspection-publish", args=[pk]), {"version": 1}, format="json")
        .status_code
        == 409
    )
    assert (
        api(cast.officer_a)
        .post(reverse("api-inspection-officers", args=[pk]), {"officers": [cast.officer_a.pk]}, format="json")
        .status_code
        == 400
    )
    assert audit_count() == before + 1  # only the publish
    other = api(cast.officer_b).post(
        reverse("api-inspection-invite", args=[pk]), {"department": cast.department.pk}, format="json"
    )
    assert other.status_code == 404 and not TaskInvitation.objects.exists()


def test_declining_needs_a_reason(cast, setup, day):
    pk = _create(cast, setup, day).json()["id"]
    api(cast.officer_a).post(
        reverse("api-inspection-invite", args=[pk]), {"department": cast.department.pk}, format="json"
    )
    invitation = TaskInvitation.objects.get(task_id=pk)
    url = reverse("api-inspection-decline", args=[invitation.pk])
    assert api(cast.responder).post(url, {"reason": ""}, format="json").status_code == 400
    declined = api(cast.responder).post(url, {"reason": "不属本部门职责"}, format="json")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"


def test_the_schema_lists_the_inspection_endpoints(cast, client_for):
    response = client_for(cast.officer_a).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/inspections/tasks/{id}/approve/" in response.content
    for path in (
        "/api/inspections/invitations/{id}/accept/",
        "/api/inspections/tasks/{id}/points/{point_pk}/",
        "/api/inspections/plans/{id}/entries/",
        "/api/inspections/plans/{id}/approve/",
        "/api/inspections/calendar/",
        "/api/inspections/figures/",
        "/api/inspections/subjects/{id}/",
        "/api/inspections/subjects/{id}/profile/",
    ):
        assert path.encode() in response.content, path


def test_the_schema_builds_without_warnings(db, tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_the_task_list_takes_the_same_queries_for_one_task_or_many(
    cast, setup, day, django_assert_num_queries
):
    from inspections.services import task_create

    _create(cast, setup, day)
    client = api(cast.officer_a)
    client.get(reverse("api-inspection-list"))  # warm the session and scope caches
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as one:
        assert client.get(reverse("api-inspection-list")).status_code == 200
    for n in range(4):
        task_create(
            actor=cast.officer_a,
            lead_unit=cast.town_a,
            town=cast.town_a,
            subject=setup.subject,
            kind="clue",
            title=f"线索{n}",
            planned_on=day,
            exemption_ref=f"12345-{n}",
        )
    assert len(one.captured_queries) == 1  # the page (keyset: no count)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("api-inspection-list"))
    assert len(response.json()["results"]) == 5


def test_a_record_named_in_the_body_that_the_district_lacks_is_a_400_naming_the_field(cast, setup, day):
    from inspections.models import InspectionTask

    for field, value in (
        ("subject", 999_999),
        ("town", 999_999),
        ("lead_unit", 999_999),
        ("templates", [999_999]),
    ):
        refused = _create(cast, setup, day, **{field: value})
        assert refused.status_code == 400, (field, refused.content)
        assert list(refused.json()["errors"]) == [field]
    assert not InspectionTask.objects.exists()
