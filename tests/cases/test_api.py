"""The penalty-case REST API: scoping (another town's case is a 404 everywhere), the answers for refused
actions (403 role, 409 stage or stale version, 400 bad input with messages, 404 unknown action), a whole case
from lead to archive through the API, files, and the OpenAPI schema. Every denial asserts nothing changed."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseOfficer
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db


def english(client):
    """Messages in English (the UI language is Chinese unless the user picks English)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client, url: str, data: dict[str, Any] | None = None):
    return client.post(url, data or {}, content_type="application/json")


def action_url(case: Case, action: str) -> str:
    return reverse(f"api-case-{action}", args=[case.pk])


def snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.stage,
        case.version,
        case.number,
        CaseEvent.objects.filter(case=case).count(),
        # A fence's block leaves the attempt on record (tests/cases/test_fences.py); nothing else.
        AuditEvent.objects.exclude(action__startswith="enforcement.fence.").count(),
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def png(name: str = "scene.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def lead_body(cast, held, **over: Any) -> dict[str, Any]:
    today = timezone.localdate()
    body = {
        "town": cast.town_a.code,
        "source": "patrol",
        "title": "占道经营",
        "description": "店外占道摆放货架经营约3平方米。",
        "item": held.code,
        "place": "甲街道测试路1号",
        "act_on": (today - dt.timedelta(days=2)).isoformat(),
        "discovered_on": (today - dt.timedelta(days=2)).isoformat(),
        "party_kind": "person",
        "party_name": "张三",
        "party_identifier": "500103198001011234",
        "party_age": 40,
        "party_address": "测试路1号",
        "officers": ["officer_a2"],
    }
    body.update(over)
    return body


# --- reading ------------------------------------------------------------------------------------------------


def test_the_list_shows_only_the_cases_of_the_users_towns(cast, client_for, make_case):
    first, second = make_case("investigating"), make_case("lead")
    assert set(ids(client_for(cast.officer_a).get(reverse("api-cases")))) == {first.pk, second.pk}
    assert ids(client_for(cast.officer_b).get(reverse("api-cases"))) == []
    assert ids(client_for(cast.responder).get(reverse("api-cases"))) == []
    assert set(ids(client_for(cast.admin).get(reverse("api-cases")))) == {first.pk, second.pk}
    assert client_for(None).get(reverse("api-cases")).status_code in (401, 403)


def test_a_department_sees_a_case_only_once_it_is_transferred_to_it(cast, client_for, make_case):
    case = make_case("investigating")
    responder = client_for(cast.responder)
    assert ids(responder.get(reverse("api-cases"))) == []
    assert responder.get(reverse("api-case", args=[case.pk])).status_code == 404
    response = post(
        client_for(cast.supervisor_a),
        action_url(case, "transfer"),
        {"department": cast.department.code, "note": "需要专业检测，移送区市场监管局。"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "transferred"
    assert ids(responder.get(reverse("api-cases"))) == [case.pk]
    assert responder.get(reverse("api-case", args=[case.pk])).json()["available_actions"] == []
    assert ids(client_for(cast.officer_b).get(reverse("api-cases"))) == []


def test_keyset_pages_cover_every_case_once_and_filters_narrow_them(cast, client_for, make_case, big_item):
    start = timezone.now() - dt.timedelta(days=3)
    made = [make_case("investigating", created_at=start + dt.timedelta(minutes=n)) for n in range(27)]
    deciding = [
        make_case(
            "deciding",
            item=big_item,
            created_at=start + dt.timedelta(hours=2, minutes=n),
            party_name=f"李四{n}",
        )
        for n in range(3)
    ]
    client = client_for(cast.officer_a)
    page = client.get(reverse("api-cases")).json()
    assert len(page["results"]) == 25 and page["has_next"] and page["next_cursor"]
    assert [r["id"] for r in page["results"][:3]] == [c.pk for c in reversed(deciding)]  # newest first
    rest = client.get(reverse("api-cases"), {"after": page["next_cursor"]}).json()
    assert not rest["has_next"] and rest["next_cursor"] == ""
    seen = [r["id"] for r in page["results"]] + [r["id"] for r in rest["results"]]
    assert sorted(seen) == sorted(c.pk for c in made + deciding) and len(seen) == len(set(seen))

    assert ids(client.get(reverse("api-cases"), {"size": 2})) == [deciding[2].pk, deciding[1].pk]
    assert set(ids(client.get(reverse("api-cases"), {"stage": "deciding"}))) == {c.pk for c in deciding}
    assert set(ids(client.get(reverse("api-cases"), {"item": big_item.code}))) == {c.pk for c in deciding}
    assert set(ids(client.get(reverse("api-cases"), {"item": str(big_item.pk)}))) == {c.pk for c in deciding}
    assert ids(client.get(reverse("api-cases"), {"q": "李四1"})) == [deciding[1].pk]
    assert len(ids(client.get(reverse("api-cases"), {"mine": "true", "size": 100}))) == 30
    assert ids(client_for(cast.supervisor_a).get(reverse("api-cases"), {"mine": "true"})) == []

    bad = client.get(reverse("api-cases"), {"item": "NO-SUCH-ITEM", "stage": "nowhere"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"stage"}  # the query is checked field by field first
    bad = client.get(reverse("api-cases"), {"item": "NO-SUCH-ITEM"})
    # one answer for an item that exists nowhere and one of another district: it does not repeat the value
    # (issue 12)
    assert bad.status_code == 400 and "NO-SUCH-ITEM" not in bad.json()["errors"]["item"][0]


def test_the_list_costs_the_same_number_of_queries_for_3_or_30_cases(cast, client_for, make_case, big_item):
    client = client_for(cast.officer_a)
    for n in range(3):
        make_case("investigating", item=big_item if n % 2 else None)
    client.get(reverse("api-cases"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert len(ids(client.get(reverse("api-cases")))) == 3
    for n in range(27):
        make_case("notified", item=big_item if n % 2 else None)
    with CaptureQueriesContext(connection) as many:
        assert len(ids(client.get(reverse("api-cases"), {"size": 30}))) == 30
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_detail_shows_officers_deadlines_the_users_actions_and_the_recommendation(
    cast, client_for, make_case
):
    case = make_case("filing_review", check_due=timezone.localdate() - dt.timedelta(days=1))
    body = client_for(cast.supervisor_a).get(reverse("api-case", args=[case.pk])).json()
    assert [o["officer"]["username"] for o in body["officers"]] == ["officer_a", "officer_a2"]
    assert {a["action"] for a in body["available_actions"]} == {"approve_filing", "reject_filing", "withdraw"}
    assert body["recommendation"]["fine_min"] is not None and body["recommendation"]["summary"]
    assert body["links"]["page"] == reverse("cases:case", args=[case.pk])
    check = next(d for d in body["deadlines"] if d["due"] == case.check_due.isoformat())
    assert check["done"] is True
    as_officer = client_for(cast.officer_a).get(reverse("api-case", args=[case.pk])).json()
    assert "approve_filing" not in {a["action"] for a in as_officer["available_actions"]}


# --- refusals -----------------------------------------------------------------------------------------------


def test_another_towns_case_is_a_404_everywhere_and_nothing_changes(cast, client_for, make_case):
    case = make_case("investigating")
    before = snapshot(case)
    outsider = client_for(cast.officer_b)
    for name in ("api-case", "api-case-events", "api-case-evidence", "api-case-documents"):
        assert outsider.get(reverse(name, args=[case.pk])).status_code == 404, name
    assert (
        outsider.patch(
            reverse("api-case", args=[case.pk]), {"place": "乙镇"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        post(
            outsider,
            action_url(case, "order_correction"),
            {
                "correction_due": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
                "basis": "art33_first",
                "note": "教育",
            },
        ).status_code
        == 404
    )
    assert post(outsider, reverse("api-case-action", args=[case.pk, "fly"])).status_code == 404
    assert (
        post(outsider, reverse("api-case-declaration", args=[case.pk]), {"conflict": False}).status_code
        == 404
    )
    assert (
        post(outsider, reverse("api-case-documents", args=[case.pk]), {"kind": "filing_approval"}).status_code
        == 404
    )
    assert outsider.post(reverse("api-case-evidence", args=[case.pk]), {"files": [png()]}).status_code == 404
    assert outsider.get(reverse("api-case", args=[999_999])).status_code == 404
    assert snapshot(case) == before
    assert not case.evidence.exists() and not case.documents.exists()


def test_a_same_town_user_without_the_role_gets_403_and_nothing_changes(cast, client_for, make_case):
    case = make_case("filing_review")
    before = snapshot(case)
    for user in (cast.reviewer_a, cast.officer_a):  # approving a filing is the supervisor's
        response = post(client_for(user), action_url(case, "approve_filing"))
        assert response.status_code == 403, (user, response.content)
        assert response.json()["detail"]
    assert snapshot(case) == before
    assert (
        post(
            client_for(cast.supervisor_a), action_url(case, "approve_filing"), {"version": case.version}
        ).status_code
        == 200
    )
    case.refresh_from_db()
    assert case.stage == "investigating" and case.number


def test_an_action_the_stage_does_not_allow_is_409_with_the_reason(cast, client_for, make_case):
    case = make_case("lead")
    before = snapshot(case)
    response = post(
        english(client_for(cast.supervisor_a)),
        action_url(case, "decide"),
        {"penalty_kinds": ["fine"], "fine": "100", "decided_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 409
    assert "Decide the penalty" in response.json()["detail"] and "Lead" in response.json()["detail"]
    assert snapshot(case) == before


def test_a_stale_version_is_409_and_nothing_changes(cast, client_for, make_case):
    case = make_case("investigating", version=4)
    before = snapshot(case)
    response = post(
        client_for(cast.officer_a), action_url(case, "pause"), {"version": 3, "reason": "testing"}
    )
    assert response.status_code == 409 and response.json()["detail"]
    response = client_for(cast.officer_a).patch(
        reverse("api-case", args=[case.pk]),
        {"place": "新地点", "version": 3},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert snapshot(case) == before


def test_bad_input_is_400_with_a_message_per_field_and_nothing_changes(cast, client_for, make_case):
    case = make_case("investigating")
    before = snapshot(case)
    client = english(client_for(cast.officer_a))
    response = post(client, action_url(case, "serve_notice"), {"penalty_kinds": ["fine"]})
    assert response.status_code == 400
    assert response.json()["errors"]["proposed_fine"] and "proposed_fine" in response.json()["detail"]
    response = post(
        client, action_url(case, "serve_notice"), {"penalty_kinds": ["fine"], "proposed_fine": "abc"}
    )
    assert response.status_code == 400 and "proposed_fine" in response.json()["errors"]
    # A legal check in the service: above the statutory maximum of the item (500 yuan).
    response = post(
        client, action_url(case, "serve_notice"), {"penalty_kinds": ["fine"], "proposed_fine": "9000"}
    )
    assert response.status_code == 400
    assert "maximum" in response.json()["detail"] and response.json()["errors"]["non_field_errors"]
    response = post(client, reverse("api-case-action", args=[case.pk, "fly"]))
    assert (
        response.status_code == 404
        and "fly" in response.json()["detail"]
        and "serve_notice" in response.json()["detail"]
    )
    assert snapshot(case) == before


# --- writing ------------------------------------------------------------------------------------------------


def test_an_officer_records_a_lead_and_becomes_its_lead_officer(cast, client_for, stall_item):
    audit_before = AuditEvent.objects.count()
    body = lead_body(cast, stall_item)
    del body["town"]  # the officer's own (only) town
    response = post(client_for(cast.officer_a), reverse("api-cases"), body)
    assert response.status_code == 201, response.content
    data = response.json()
    case = Case.objects.get(pk=data["id"])
    assert data["stage"] == "lead" and case.town == cast.town_a and case.item == stall_item
    assert [(o["officer"]["username"], o["lead"]) for o in data["officers"]] == [
        ("officer_a", True),
        ("officer_a2", False),
    ]
    assert (
        AuditEvent.objects.filter(action="cases.case.create").count() == 1
        and AuditEvent.objects.count() > audit_before
    )


def test_recording_a_lead_refuses_bad_input_and_other_towns(cast, client_for, stall_item):
    client = client_for(cast.officer_a)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = post(
        client, reverse("api-cases"), lead_body(cast, stall_item, act_on=tomorrow, discovered_on=tomorrow)
    )
    assert response.status_code == 400 and "act_on" in response.json()["errors"]
    response = post(
        client, reverse("api-cases"), lead_body(cast, stall_item, item="NO-SUCH", officers=["nobody"])
    )
    assert response.status_code == 400 and {"item", "officers"} <= set(response.json()["errors"])
    response = post(client_for(cast.officer_b), reverse("api-cases"), lead_body(cast, stall_item))
    assert response.status_code == 400 and "town" in response.json()["errors"]
    assert (
        post(client_for(cast.responder), reverse("api-cases"), lead_body(cast, stall_item)).status_code == 403
    )
    assert not Case.objects.exists()


def test_details_change_until_the_notice_and_not_after(cast, client_for, make_case):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    response = client.patch(
        reverse("api-case", args=[case.pk]),
        {"place": "测试路2号", "version": case.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["place"] == "测试路2号" and response.json()["version"] == case.version + 1
    assert response.json()["title"] == case.title  # fields not given keep their value
    response = client.patch(
        reverse("api-case", args=[case.pk]), {"act_on": "yesterday"}, content_type="application/json"
    )
    assert response.status_code == 400 and "act_on" in response.json()["errors"]
    notified = make_case("notified")
    before = snapshot(notified)
    response = client.patch(
        reverse("api-case", args=[notified.pk]), {"place": "别处"}, content_type="application/json"
    )
    assert (
        response.status_code == 409
    )  # a stage conflict, as documented: the details are fixed after the notice
    assert snapshot(notified) == before


def test_a_whole_case_from_lead_to_archive_through_the_api(cast, client_for, stall_item):
    officer, officer2, supervisor = (
        client_for(u) for u in (cast.officer_a, cast.officer_a2, cast.supervisor_a)
    )
    created = post(officer, reverse("api-cases"), lead_body(cast, stall_item))
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    case = Case.objects.get(pk=pk)
    today = timezone.localdate().isoformat()

    def step(client, action: str, expect: str, **data: Any) -> dict[str, Any]:
        response = post(client, action_url(case, action), data)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["stage"] == expect, action
        return response.json()

    for client in (officer, officer2):
        assert (
            post(client, reverse("api-case-declaration", args=[pk]), {"conflict": False}).status_code == 200
        )
    step(officer, "start_check", "checking")
    step(officer, "propose_filing", "filing_review")
    body = step(supervisor, "approve_filing", "investigating")
    assert body["number"] and body["filed_on"] == today
    fine = Decimal(str(body["recommendation"]["fine_suggested"]))
    step(
        officer, "serve_notice", "notified", penalty_kinds=["fine"], proposed_fine=str(fine), served_on=today
    )
    step(officer, "waive_rights", "notified", note="当事人书面放弃陈述申辩")
    step(officer, "submit_for_decision", "deciding")
    body = step(supervisor, "decide", "decided", penalty_kinds=["fine"], fine=str(fine), decided_on=today)
    assert Decimal(str(body["fine"])) == fine and body["service_due"]
    step(officer, "serve_decision", "served", served_on=today, method="direct")
    step(officer, "record_payment", "executed", paid_on=today, amount=str(fine), channel="bank")
    step(supervisor, "close", "closed")
    body = step(supervisor, "archive", "archived", archive_ref="档2026-001")
    assert body["available_actions"] == [] and body["archived_on"] == today

    events = officer.get(reverse("api-case-events", args=[pk])).json()
    assert [e["action"] for e in events] == [
        "create",
        "declare",
        "declare",
        "start_check",
        "propose_filing",
        "approve_filing",
        "serve_notice",
        "waive_rights",
        "submit_for_decision",
        "decide",
        "serve_decision",
        "record_payment",
        "close",
        "archive",
    ]
    assert events[-1]["actor"]["username"] == "supervisor_a" and events[-1]["to_stage"] == "archived"
    assert AuditEvent.objects.filter(action="cases.case.archive", object_id=str(pk)).count() == 1


def test_a_declared_conflict_needs_a_note_and_takes_the_officer_off(cast, client_for, make_case):
    case = make_case("investigating")
    CaseOfficer.objects.filter(case=case).update(declared_at=None)
    client = client_for(cast.officer_a2)
    response = post(client, reverse("api-case-declaration", args=[case.pk]), {"conflict": True})
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = post(
        client, reverse("api-case-declaration", args=[case.pk]), {"conflict": True, "note": "当事人是我表哥"}
    )
    assert response.status_code == 200
    assert [o["active"] for o in response.json()["officers"] if o["officer"]["username"] == "officer_a2"] == [
        False
    ]
    response = client_for(cast.supervisor_a).put(
        reverse("api-case-officers", args=[case.pk]),
        {"officers": ["officer_a", "supervisor_a"], "lead": "officer_a"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    active = {o["officer"]["username"] for o in response.json()["officers"] if o["active"]}
    assert active == {"officer_a", "supervisor_a"}


def test_evidence_and_documents_are_listed_added_and_point_to_the_checked_downloads(
    cast, client_for, make_case
):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    response = client.post(
        reverse("api-case-evidence", args=[case.pk]), {"files": [png()], "caption": "现场照片"}
    )
    assert response.status_code == 201, response.content
    row = response.json()[0]
    assert row["kind"] == "photo" and row["url"] == reverse(
        "api-case-evidence-file", args=[case.pk, row["id"]]
    )
    assert [r["id"] for r in client.get(reverse("api-case-evidence", args=[case.pk])).json()] == [row["id"]]
    assert client.get(row["url"]).status_code == 200
    assert client_for(cast.officer_b).get(row["url"]).status_code == 404
    fake = SimpleUploadedFile("fake.png", b"not a picture at all", content_type="image/png")
    response = client.post(reverse("api-case-evidence", args=[case.pk]), {"files": [fake]})
    assert response.status_code == 400 and response.json()["detail"]
    assert client.post(reverse("api-case-evidence", args=[case.pk]), {}).status_code == 400
    assert case.evidence.count() == 1

    listing = client.get(reverse("api-case-documents", args=[case.pk])).json()
    assert "filing_approval" in {d["kind"] for d in listing["available"]} and listing["documents"] == []
    response = post(client, reverse("api-case-documents", args=[case.pk]), {"kind": "decision"})
    assert response.status_code == 400 and response.json()["detail"]
    response = post(client, reverse("api-case-documents", args=[case.pk]), {"kind": "filing_approval"})
    assert response.status_code == 201, response.content
    document = response.json()
    assert document["version"] == 1 and document["url"] == reverse(
        "api-case-document-file", args=[case.pk, document["id"]]
    )
    assert [
        d["id"] for d in client.get(reverse("api-case-documents", args=[case.pk])).json()["documents"]
    ] == [document["id"]]


# --- the schema ---------------------------------------------------------------------------------------------


def test_the_case_api_is_in_the_openapi_schema(client_for, db):
    response = client_for(None).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/cases/",
        "/api/cases/{id}/",
        "/api/cases/{id}/events/",
        "/api/cases/{id}/evidence/",
        "/api/cases/{id}/documents/",
        "/api/cases/{id}/officers/",
        "/api/cases/{id}/declaration/",
    ):
        assert path in paths, path
    assert set(paths["/api/cases/"]) >= {"get", "post"} and "patch" in paths["/api/cases/{id}/"]
    from cases.workflow import Action

    for action in Action.values:
        operation = paths[f"/api/cases/{{id}}/actions/{action}/"]["post"]
        assert operation["operationId"] == f"cases_action_{action}" and operation["summary"]
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
        assert {"application/json", "multipart/form-data"} <= set(operation["requestBody"]["content"])
    notice = schema["components"]["schemas"]["CaseServeNoticeInput"]
    assert notice["required"] == ["penalty_kinds"] and "proposed_fine" in notice["properties"]
    operation_ids = [
        op["operationId"]
        for item in paths.values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    assert len(operation_ids) == len(set(operation_ids))


def test_the_api_list_costs_the_same_queries_for_5_or_25_cases(cast, make_case, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.officer_a)
    for _n in range(5):
        make_case("investigating")
    client.get("/api/cases/")  # warm the per-process caches (scope, sessions)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/api/cases/").json()["results"]) == 5
    for _n in range(20):
        make_case("notified")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/cases/").json()["results"]) == 25
    assert len(many.captured_queries) == len(few.captured_queries), [
        q["sql"][:120] for q in many.captured_queries
    ]


def test_naming_someone_outside_the_team_answers_the_same_whether_the_account_exists_or_not(
    cast, client_for, make_case
):
    """Another district's account and a name that exists nowhere get one answer, which names no id (issue
    12)."""
    from enforcement.models import Role, Unit
    from tests.factories import make_district, make_unit, make_user

    elsewhere = make_district(code="T900", name_zh="别区")
    stranger = make_user(
        make_unit(elsewhere, Unit.Kind.TOWN, code="T900-A", name_zh="别街道"),
        [Role.OFFICER],
        username="stranger_elsewhere",
    )
    case = make_case("investigating")
    url = reverse("api-case-officers", args=[case.pk])
    answers = []
    for name in (stranger.username, "nobody_anywhere", str(stranger.pk)):
        response = client_for(cast.supervisor_a).put(
            url, {"officers": ["officer_a", name], "lead": name}, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        answers.append(response.json()["errors"])
    assert answers[0] == answers[1] == answers[2]
    text = str(answers[0])
    assert str(stranger.pk) not in text and "stranger" not in text and "nobody" not in text
    assert set(CaseOfficer.objects.filter(case=case).values_list("officer__username", flat=True)) == {
        "officer_a",
        "officer_a2",
    }
