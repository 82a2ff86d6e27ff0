"""The REST API: every action, documented in OpenAPI; 400 with a message for bad input, 403, 404, 409, never
500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from whistles.models import WhistleAssignment, WhistleRequest

from .conftest import photo_upload

pytestmark = pytest.mark.django_db


def post(client, name, pk=None, data=None, **kwargs):
    url = reverse(name, args=[pk]) if pk is not None else reverse(name)
    return client.post(url, data or {}, content_type="application/json", **kwargs)


def test_full_flow_over_the_api(cast, client_for, env_department):
    town, dept, admin = client_for(cast.officer_a), client_for(cast.responder), client_for(cast.admin)
    created = post(
        town,
        "api-whistle-list",
        data={
            "title": "商铺占用消防通道",
            "description": "商铺货物堆放堵塞疏散通道",
            "reason": "expertise",
            "urgency": "urgent",
            "address": "民主路5号",
            "departments": [cast.department.pk],
            "latitude": "29.557",
            "longitude": "106.577",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["reference"].startswith("W") and body["town"]["id"] == cast.town_a.pk
    )  # the only town of the officer
    assignment_id = body["assignments"][0]["id"]
    assert body["assignments"][0]["actions"] == []  # the town cannot act on the department's part
    assert [e["kind"] for e in body["events"]] == ["raised", "sent"]

    inbox = dept.get(reverse("api-whistle-inbox")).json()["results"]
    assert inbox[0]["id"] == assignment_id and inbox[0]["actions"] == ["acknowledge", "return"]
    assert inbox[0]["current_due"]["step"] == "check_in"

    assert (
        post(dept, "api-whistle-acknowledge", assignment_id, {"note": "马上到"}).json()["status"]
        == "acknowledged"
    )
    assert post(dept, "api-whistle-arrive", assignment_id).json()["status"] == "on_site"
    handled = dept.post(
        reverse("api-whistle-handle", args=[assignment_id]),
        {"note": "责令清理通道，已复查", "case_ref": "渝中消罚〔2026〕3号", "photos": [photo_upload()]},
    )
    assert handled.status_code == 200 and handled.json()["department_case_ref"] == "渝中消罚〔2026〕3号"
    detail = town.get(reverse("api-whistle-detail", args=[body["id"]])).json()
    assert detail["assignments"][0]["actions"] == ["confirm", "reopen"]
    assert detail["photos"][0]["url"] == reverse("api-whistle-photo-file", args=[detail["photos"][0]["id"]])
    confirmed = post(town, "api-whistle-confirm", assignment_id, {"rating": 5, "comment": "很及时"})
    assert confirmed.json()["status"] == "closed" and confirmed.json()["rating"] == 5
    assert town.get(reverse("api-whistle-detail", args=[body["id"]])).json()["status"] == "closed"
    assert len(admin.get(reverse("api-whistle-list"), {"status": "closed"}).json()["results"]) == 1


def test_return_overrule_add_department_and_withdraw_over_the_api(
    cast, client_for, raise_whistle, env_department
):
    whistle = raise_whistle()
    assignment = whistle.assignments.get()
    dept, admin, town = client_for(cast.responder), client_for(cast.admin), client_for(cast.officer_a)
    bad = post(
        dept,
        "api-whistle-return",
        assignment.pk,
        {"reason": "local_responsibility", "note": "属地责任，退回"},
    )
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    assert (
        post(
            dept, "api-whistle-return", assignment.pk, {"reason": "town_holds_power", "note": "街道有权处理"}
        ).status_code
        == 200
    )
    review = admin.get(reverse("api-whistle-returns")).json()["results"]
    assert review[0]["id"] == assignment.pk and review[0]["returns"][0]["reason"] == "town_holds_power"
    overruled = post(admin, "api-whistle-overrule", assignment.pk, {"note": "需部门专业力量，请处理"})
    assert overruled.json()["status"] == "sent" and overruled.json()["cycle"] == 2
    added = post(town, "api-whistle-add-department", whistle.pk, {"department": env_department.pk})
    assert added.status_code == 201 and added.json()["department"]["id"] == env_department.pk
    assert (
        post(town, "api-whistle-add-department", whistle.pk, {"department": env_department.pk}).status_code
        == 400
    )
    withdrawn = post(town, "api-whistle-withdraw", whistle.pk, {"reason": "问题已由当事人自行整改"})
    assert withdrawn.json()["status"] == "withdrawn"
    assert post(town, "api-whistle-withdraw", whistle.pk, {"reason": "再撤一次试试看"}).status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({"reason": "bored"}, "reason"),
        ({"departments": []}, "departments"),
        ({"departments": [999999]}, "departments"),
        ({"latitude": "91", "longitude": "100"}, "latitude"),
        ({"latitude": "29.5"}, "latitude"),
        ({"photos": ["not a file"]}, "photos"),
    ],
)
def test_bad_raise_input_is_a_400_with_the_field_named(cast, client_for, payload, field):
    data = {
        "title": "问题",
        "description": "详情",
        "reason": "expertise",
        "address": "某路",
        "departments": [cast.department.pk],
    }
    data.update(payload)
    response = post(client_for(cast.officer_a), "api-whistle-list", data=data)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not WhistleRequest.objects.exists()


def test_bad_photos_over_the_api_are_refused(cast, client_for, raise_whistle):
    whistle = raise_whistle()
    response = client_for(cast.officer_a).post(
        reverse("api-whistle-photos", args=[whistle.pk]),
        {"photos": [photo_upload("x.png", b"GIF89a not really")]},
    )
    assert response.status_code == 400 and "photos" in response.json()["errors"]
    assert not whistle.photos.exists()


def test_confirm_rating_bounds_and_state_conflicts(cast, client_for, raise_whistle):
    assignment = raise_whistle().assignments.get()
    town = client_for(cast.officer_a)
    assert (
        post(town, "api-whistle-confirm", assignment.pk, {"rating": 5}).status_code == 409
    )  # not handled yet
    assert post(town, "api-whistle-confirm", assignment.pk, {"rating": 6}).status_code == 400
    assert WhistleAssignment.objects.get(pk=assignment.pk).status == "sent"


def test_suggest_deadlines_and_notifications_endpoints(cast, client_for, raise_whistle):
    from authority.models import EnforcementItem

    item = EnforcementItem.objects.create(
        district=cast.district,
        code="T-SC-003",
        name_zh="对经营超过保质期食品的行政处罚",
        domain="market",
        default_holder=cast.department,
    )
    suggestion = client_for(cast.officer_a).get(reverse("api-whistle-suggest"), {"item": item.pk}).json()
    assert suggestion["department"]["id"] == cast.department.pk and suggestion["town_holds"] is False
    assert client_for(cast.officer_a).get(reverse("api-whistle-suggest"), {"item": "x"}).status_code == 400
    deadlines = client_for(cast.officer_a).get(reverse("api-whistle-deadlines")).json()
    assert [d["urgency"] for d in deadlines] == ["emergency", "urgent", "normal"]
    assert deadlines[0]["check_in_minutes"] == 30 and deadlines[0]["overridden"] is False
    admin = client_for(cast.admin)
    url = reverse("api-whistle-deadline", args=["emergency"])
    assert (
        admin.put(
            url,
            {
                "check_in_minutes": 20,
                "on_site_minutes": 10,
                "handle_minutes": 600,
                "remind_before_minutes": 5,
                "escalate_after_minutes": 10,
            },
            content_type="application/json",
        ).status_code
        == 400
    )
    saved = admin.put(
        url,
        {
            "check_in_minutes": 20,
            "on_site_minutes": 90,
            "handle_minutes": 600,
            "remind_before_minutes": 5,
            "escalate_after_minutes": 10,
        },
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["overridden"] is True
    assert (
        client_for(cast.supervisor_a)
        .put(
            url,
            {
                "check_in_minutes": 20,
                "on_site_minutes": 90,
                "handle_minutes": 600,
                "remind_before_minutes": 5,
                "escalate_after_minutes": 10,
            },
            content_type="application/json",
        )
        .status_code
        == 403
    )

    raise_whistle()
    dept = client_for(cast.responder)
    listed = dept.get(reverse("api-whistle-notifications"), {"unread": "1"}).json()
    assert len(listed["results"]) == 1 and listed["results"][0]["kind"] == "raised"
    assert dept.get(reverse("api-whistle-notification-count")).json() == {"count": 1}
    note_id = listed["results"][0]["id"]
    assert (
        client_for(cast.officer_b).post(reverse("api-whistle-notification-read", args=[note_id])).status_code
        == 404
    )
    assert dept.post(reverse("api-whistle-notification-read", args=[note_id])).json()["read_at"] is not None
    assert dept.post(reverse("api-whistle-notifications-read-all")).json() == {"count": 0}


def test_every_action_is_in_the_openapi_schema(client_for, db):
    schema = client_for(None).get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for action in ("acknowledge", "arrive", "handle", "return", "confirm", "reopen", "overrule", "uphold"):
        operation = paths[f"/api/whistles/assignments/{{id}}/{action}/"]["post"]
        assert operation["operationId"] == f"whistles_assignment_{action}" and operation["summary"]
    for path in (
        "/api/whistles/",
        "/api/whistles/{id}/",
        "/api/whistles/{id}/withdraw/",
        "/api/whistles/{id}/departments/",
        "/api/whistles/{id}/photos/",
        "/api/whistles/inbox/",
        "/api/whistles/returns/",
        "/api/whistles/assessment/",
        "/api/whistles/suggest/",
        "/api/whistles/deadlines/",
        "/api/whistles/notifications/",
    ):
        assert path in paths, path
    raise_body = paths["/api/whistles/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in raise_body and "application/json" in raise_body


def test_the_list_endpoints_cost_a_fixed_number_of_queries(
    cast, client_for, raise_whistle, env_department, django_assert_max_num_queries
):
    for n in range(3):
        raise_whistle(title=f"问题{n}", departments=[cast.department, env_department])
    client = client_for(cast.admin)
    client.get(reverse("api-whistle-list"))  # warm the session and the user's groups
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse("api-whistle-list")).json()["results"]) == 3
    for n in range(3, 9):
        raise_whistle(title=f"问题{n}", departments=[cast.department, env_department])
    # Checked-in assignments carry the people who acted: still no query per row.
    from whistles.models import WhistleAssignment
    from whistles.services import assignment_acknowledge

    for assignment in WhistleAssignment.objects.filter(department=cast.department):
        assignment_acknowledge(actor=cast.responder, assignment=assignment)
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse("api-whistle-list")).json()["results"]) == 9
    dept = client_for(cast.responder)
    dept.get(reverse("api-whistle-inbox"))
    with django_assert_max_num_queries(10):
        assert len(dept.get(reverse("api-whistle-inbox")).json()["results"]) == 9
