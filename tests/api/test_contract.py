"""The API keeps its own contract: one pagination, one error shape, answers that match /api/schema/, files a
token can download, codes accepted alike, messages in the user's language, status codes as documented."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from enforcement.models import Unit
from enforcement.selectors import audit_events_for
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


def token_client(user, language: str = "en") -> Client:
    """A script's client: a token, no session (the pages' login does not help it)."""
    key = Token.objects.get_or_create(user=user)[0].key
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    client.cookies["django_language"] = language
    return client


def png() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile("scene.png", buffer.getvalue(), content_type="image/png")


LISTS = [  # (url name, who may read it)
    ("api-units", "officer_a"),
    ("api-audit", "supervisor_a"),
    ("api-complaints", "officer_a"),
    ("api-whistle-list", "officer_a"),
    ("api-whistle-notifications", "officer_a"),
    ("api-discretion-benchmarks", "officer_a"),
    ("api-authority-items", "officer_a"),
    ("api-authority-grants", "officer_a"),
    ("api-whistle-inbox", "responder"),
    ("api-whistle-returns", "admin"),
    ("api-cases", "officer_a"),
]


# --- one pagination -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "role"), LISTS)
def test_every_list_pages_alike_and_bad_page_parameters_are_400_never_500(cast, name, role):
    client = token_client(getattr(cast, role))
    url = reverse(name)
    first = client.get(url)
    assert first.status_code == 200, first.content
    assert set(first.json()) == {"results", "next_cursor", "has_next"}
    # limit/offset are no longer read: the 20-digit limit that overflowed bigint (a 500) now changes nothing.
    assert (
        client.get(url, {"limit": "99999999999999999999", "offset": "99999999999999999999"}).status_code
        == 200
    )
    for bad in (
        {"size": "99999999999999999999"},
        {"size": "-1"},
        {"size": "0"},
        {"size": "abc"},
        {"size": "101"},
        {"after": "garbage"},
        {"after": "99999999999999999999"},
    ):
        response = client.get(url, bad)
        assert response.status_code == 400, (bad, response.status_code, response.content[:200])
        assert set(response.json()) == {"detail", "errors"} and set(response.json()["errors"]) == set(bad)


def test_keyset_and_position_cursors_cover_every_row_once(cast):
    from enforcement.audit import audit_record

    for _ in range(7):
        audit_record(actor=cast.admin, action="enforcement.unit.create", obj=cast.town_a, town=cast.town_a)
    for n in range(5):
        make_unit(cast.district, Unit.Kind.TOWN, code=f"T500-P{n}", name_zh=f"分页镇{n}")
    client = token_client(cast.admin)
    for name, key, expected in (
        ("api-audit", "id", list(audit_events_for(user=cast.admin).values_list("id", flat=True))),
        ("api-units", "code", None),
    ):
        seen: list[Any] = []
        after, pages = "", 0
        while True:
            body = client.get(reverse(name), {"size": "2", "after": after}).json()
            seen += [row[key] for row in body["results"]]
            pages += 1
            if not body["has_next"]:
                assert body["next_cursor"] == ""
                break
            after = body["next_cursor"]
        assert len(seen) == len(set(seen)) and pages == (len(seen) + 1) // 2
        if expected is not None:
            assert seen == expected
        else:
            assert set(seen) == set(
                Unit.objects.filter(district=cast.district).values_list("code", flat=True)
            )


# --- one error shape, documented ----------------------------------------------------------------------------


def test_every_error_has_detail_and_errors(cast, client_for):
    town = token_client(cast.officer_a)
    bad_whistle = town.post(reverse("api-whistle-list"), {"title": ""}, content_type="application/json")
    assert bad_whistle.status_code == 400
    assert set(bad_whistle.json()) == {"detail", "errors"} and "title" in bad_whistle.json()["errors"]
    bad_complaint = town.post(reverse("api-complaints"), {}, content_type="application/json")
    assert bad_complaint.status_code == 400 and set(bad_complaint.json()) == {"detail", "errors"}
    missing = town.get(reverse("api-whistle-detail", args=[999999]))
    assert missing.status_code == 404 and missing.json()["errors"] == {} and missing.json()["detail"]
    forbidden = town.get(reverse("api-audit"))
    assert forbidden.status_code == 403 and set(forbidden.json()) == {"detail", "errors"}
    anonymous = Client().get(reverse("api-me"))
    assert anonymous.status_code == 401 and set(anonymous.json()) == {"detail", "errors"}
    for address in ("/api/cases/-1/", "/api/no-such-thing/", "/api/whistles/null,null/"):
        unknown = town.get(address)
        assert unknown.status_code == 404 and unknown["Content-Type"] == "application/json", address
        assert set(unknown.json()) == {"detail", "errors"}


def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_documents_the_error_shape_and_the_answers_of_every_operation():
    schema = _schema()
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "errors"]
    for path in (
        "/api/whistles/assignments/{id}/confirm/",
        "/api/whistles/{id}/withdraw/",
        "/api/discretion/benchmarks/{id}/publish/",
        "/api/cases/{id}/",
    ):
        operation = schema["paths"][path].get("post") or schema["paths"][path]["patch"]
        assert "409" in operation["responses"], path
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            for code, answer in operation["responses"].items():
                if code.startswith("4"):
                    ref = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
                    assert {"detail", "errors"} <= set(schema["components"]["schemas"][ref]["required"]), (
                        method,
                        path,
                        code,
                    )


def test_nullable_fields_are_declared_nullable():
    components = _schema()["components"]["schemas"]
    expected = {
        "Assignment": ["acknowledged_by", "on_site_by", "handled_by", "rated_by"],
        "AssignmentDetail": ["acknowledged_by", "on_site_by", "handled_by", "rated_by"],
        "Whistle": ["item"],
        "WhistleDetail": ["item"],
        "Event": ["actor"],
        "Return": ["decided_by"],
        "AuthorityGrant": ["delegating_department", "granted_by", "ended_by"],
        "AdjustmentLine": ["delegating_department"],
        "BenchmarkOut": ["statutory_min", "statutory_max"],
    }
    for component, fields in expected.items():
        for field in fields:
            spec = components[component]["properties"][field]
            nullable = spec.get("nullable") or any(
                part.get("nullable") for part in spec.get("allOf", []) + spec.get("oneOf", [])
            )
            assert nullable, (component, field, spec)


def test_the_recommendations_fines_are_decimal_strings_like_the_rest_of_the_api(cast, make_case):
    case = make_case("filing_review")
    body = token_client(cast.supervisor_a).get(reverse("api-case", args=[case.pk])).json()
    recommendation = body["recommendation"]
    for field in ("fine_min", "fine_max", "fine_suggested"):
        assert isinstance(recommendation[field], str) and re.fullmatch(r"\d+\.\d\d", recommendation[field]), (
            recommendation
        )


# --- files with a token -------------------------------------------------------------------------------------


def test_evidence_documents_and_photos_download_with_a_token_and_only_for_who_may_see_them(
    cast, make_case, raise_whistle
):
    case = make_case("investigating")
    officer = token_client(cast.officer_a)
    evidence = officer.post(reverse("api-case-evidence", args=[case.pk]), {"files": [png()]}).json()[0]
    document = officer.post(
        reverse("api-case-documents", args=[case.pk]),
        {"kind": "filing_approval"},
        content_type="application/json",
    ).json()
    whistle = raise_whistle(photos=[png()])
    photo = officer.get(reverse("api-whistle-detail", args=[whistle.pk])).json()["photos"][0]

    assert evidence["url"] == reverse("api-case-evidence-file", args=[case.pk, evidence["id"]])
    assert document["url"] == reverse("api-case-document-file", args=[case.pk, document["id"]])
    for url, content_type in (
        (evidence["url"], "image/png"),
        (document["url"], "application/pdf"),
        (photo["url"], "image/png"),
    ):
        response = officer.get(url, HTTP_ACCEPT=content_type)
        assert response.status_code == 200, (url, response.content[:200])
        assert response["Content-Type"] == content_type and response.getvalue()
        outsider = token_client(cast.officer_b).get(url)
        assert outsider.status_code == 404 and outsider["Content-Type"] == "application/json"
        assert Client().get(url).status_code == 401
    pdf = officer.get(document["url"])
    assert pdf.getvalue().startswith(b"%PDF") and pdf["X-Document-SHA256"] == document["sha256"]
    assert officer.get(reverse("api-case-document-file", args=[case.pk, 999999])).status_code == 404


# --- the town's officers ------------------------------------------------------------------------------------


def test_a_town_lists_its_officers_with_their_certificates(cast):
    import datetime as dt

    from tests.factories import make_certificate

    lapsed = make_user(cast.town_a, ["officer"], username="lapsed_a", full_name="证件过期")
    make_certificate(lapsed, valid_from=dt.date(2015, 1, 1), valid_to=dt.date(2016, 1, 1))
    body = token_client(cast.officer_a).get(reverse("api-officers")).json()
    assert body["town"]["code"] == "T500-A"
    rows = {row["username"]: row for row in body["officers"]}
    assert {"officer_a", "officer_a2", "supervisor_a", "lapsed_a"} <= set(rows) and "officer_b" not in rows
    assert (
        rows["officer_a"]["valid"]
        and rows["officer_a"]["may_act"]
        and rows["officer_a"]["certificate"]["number"]
    )
    assert not rows["lapsed_a"]["valid"] and not rows["lapsed_a"]["may_act"]
    assert rows["lapsed_a"]["certificate"]["valid_to"] == "2016-01-01"
    on_2015 = token_client(cast.officer_a).get(reverse("api-officers"), {"on": "2015-06-01"}).json()
    assert {r["username"]: r for r in on_2015["officers"]}["lapsed_a"]["valid"] is True
    # Scoped like the pages: another town's team is a 404; the district administrator sees every town.
    assert token_client(cast.officer_b).get(reverse("api-officers"), {"town": "T500-A"}).status_code == 404
    assert token_client(cast.admin).get(reverse("api-officers"), {"town": "T500-A"}).status_code == 200
    assert token_client(cast.admin).get(reverse("api-officers")).status_code == 400
    assert token_client(cast.officer_a).get(reverse("api-officers"), {"on": "someday"}).status_code == 400
    assert Client().get(reverse("api-officers")).status_code == 401


# --- codes alike, messages translated, status codes as documented -------------------------------------------


def test_whistles_take_codes_as_the_case_api_does(cast, stall_item):
    body = {
        "title": "占道经营",
        "description": "商户占道",
        "reason": "no_power",
        "address": "解放路1号",
        "town": "T500-A",
        "departments": ["T500-MKT"],
        "item": stall_item.code,
    }
    created = token_client(cast.officer_a).post(
        reverse("api-whistle-list"), body, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert (
        created.json()["town"]["id"] == cast.town_a.pk and created.json()["item"]["code"] == stall_item.code
    )
    assert created.json()["assignments"][0]["department"]["id"] == cast.department.pk
    # ids still work where they were taken; an unknown code is a 400 naming the field
    by_id = dict(body, town=cast.town_a.pk, departments=[cast.department.pk], item=stall_item.pk)
    assert (
        token_client(cast.officer_a)
        .post(reverse("api-whistle-list"), by_id, content_type="application/json")
        .status_code
        == 201
    )
    unknown = token_client(cast.officer_a).post(
        reverse("api-whistle-list"), dict(body, departments=["NOPE"]), content_type="application/json"
    )
    assert unknown.status_code == 400 and "departments" in unknown.json()["errors"]
    listed = (
        token_client(cast.officer_a).get(reverse("api-whistle-list"), {"town": "T500-A"}).json()["results"]
    )
    assert len(listed) == 2
    assert (
        token_client(cast.officer_a).get(reverse("api-whistle-list"), {"town": "NOPE"}).json()["results"]
        == []
    )
    suggestion = token_client(cast.officer_a).get(reverse("api-whistle-suggest"), {"item": stall_item.code})
    assert suggestion.status_code == 200, suggestion.content


def test_whistle_conflicts_answer_in_the_users_language_with_the_states_label(cast, raise_whistle):
    assignment = raise_whistle().assignments.get()
    url = reverse("api-whistle-confirm", args=[assignment.pk])
    response = token_client(cast.officer_a, "zh-hans").post(
        url, {"rating": 5}, content_type="application/json"
    )
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "sent" not in detail and "Not possible" not in detail and "待报到" in detail, detail


def test_editing_a_case_after_the_notice_is_a_stage_conflict(cast, make_case):
    notified = make_case("notified")
    version = notified.version
    response = token_client(cast.officer_a).patch(
        reverse("api-case", args=[notified.pk]), {"place": "别处"}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["detail"]
    notified.refresh_from_db()
    assert notified.version == version and notified.place != "别处"
    # someone with no part in the case is still refused as such (403)
    assert (
        token_client(cast.officer_b)
        .patch(reverse("api-case", args=[notified.pk]), {"place": "别处"}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        token_client(cast.reviewer_a)
        .patch(reverse("api-case", args=[notified.pk]), {"place": "别处"}, content_type="application/json")
        .status_code
        == 403
    )


@pytest.mark.parametrize(("name", "role"), LISTS)
def test_a_nul_byte_in_a_filter_is_never_a_500(cast, name, role):
    """PostgreSQL refuses NUL in text: schemathesis found `?item=\\x00` answering 500 on the benchmark
    list."""
    client = token_client(getattr(cast, role))
    for param in ("q", "item", "town", "domain", "status", "department", "kind", "action", "object_type"):
        response = client.get(reverse(name), {param: "a\x00b"})
        assert response.status_code in (200, 400, 404), (param, response.status_code)
