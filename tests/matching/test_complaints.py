"""Complaint intake: recorded one by one or in bulk, matched by a task that is idempotent, scoped to the
user's town."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from cases.complaints import BATCH_SIZE, complaint_rematch, complaints_import, complaints_match
from cases.models import Complaint
from cases.tasks import complaint_match_task
from enforcement.models import AuditEvent
from tests.conftest import batches

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


ROWS = [
    {"text": "电瓶车在楼道里充电", "external_id": "12345-001"},
    {"text": "邻居借了两万块钱不还", "external_id": "12345-002"},
    {"text": "Someone keeps blocking the fire exit of the mall", "external_id": "12345-003"},
    {"text": "夜市有人占道摆摊，旁边工地半夜还在打桩", "external_id": "12345-004"},
]


def test_bulk_api_records_complaints_and_the_task_stores_the_matches(
    cast, catalog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api(cast.officer_a).post(
            "/api/complaints/bulk/?lang=en", {"complaints": ROWS}, format="json"
        )
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 4
    assert len(batches(callbacks)) == 1  # one batch queued on commit
    by_ticket = {c.external_id: c for c in Complaint.objects.filter(town=cast.town_a)}
    assert {c.match_status for c in by_ticket.values()} == {"matched", "no_match"}
    ebike = by_ticket["12345-001"]
    assert ebike.match_status == "matched"
    assert ebike.match_result["candidates"][0]["code"] == "T-EBIKE"
    assert (
        ebike.match_result["candidates"][0]["holder"]["town_holds"] is False
    )  # recovered from the town last month
    assert ebike.matcher_version and ebike.matched_at
    assert (
        by_ticket["12345-002"].match_status == "no_match"
        and by_ticket["12345-002"].match_result["candidates"] == []
    )
    exit_item = by_ticket["12345-003"].match_result["candidates"][0]
    assert exit_item["code"] == "T-EXIT" and exit_item["holder"]["unit"]["code"] == cast.town_a.code
    several = [c["code"] for c in by_ticket["12345-004"].match_result["candidates"]]
    assert {"T-STALL", "T-NIGHT"} <= set(several[:3])
    assert AuditEvent.objects.filter(action="cases.complaint.match").count() == 4


def test_the_task_is_idempotent(cast, catalog):
    report = complaints_import(actor=cast.officer_a, town=cast.town_a, rows=ROWS[:2])
    assert complaint_match_task(report.created) == 2
    audit = AuditEvent.objects.count()
    snapshot = list(Complaint.objects.order_by("pk").values("match_status", "match_result", "matched_at"))
    assert complaint_match_task(report.created) == 0
    assert (
        list(Complaint.objects.order_by("pk").values("match_status", "match_result", "matched_at"))
        == snapshot
    )
    assert AuditEvent.objects.count() == audit


def test_batches_are_bounded(cast, catalog, django_capture_on_commit_callbacks):
    rows = [{"text": f"第{n}号投诉：电瓶车在楼道充电"} for n in range(BATCH_SIZE * 2 + 3)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = complaints_import(actor=cast.officer_a, town=cast.town_a, rows=rows)
    assert len(report.created) == BATCH_SIZE * 2 + 3
    assert len(batches(callbacks)) == 1
    # matching a long list does at most BATCH_SIZE now and queues the rest
    with django_capture_on_commit_callbacks(execute=False):
        assert complaints_match(ids=report.created) == BATCH_SIZE
    assert Complaint.objects.filter(match_status="pending").count() == BATCH_SIZE + 3


def test_invalid_and_duplicate_rows_are_skipped_with_a_reason(cast, catalog):
    complaints_import(actor=cast.officer_a, town=cast.town_a, rows=ROWS[:1])
    response = api(cast.officer_a).post(
        "/api/complaints/bulk/?lang=en",
        {
            "complaints": [
                ROWS[0],
                {"text": ""},
                {"text": "占道摆摊", "received_at": "not a date"},
                {"text": "占道摆摊", "channel": "pigeon"},
                {"text": "占道摆摊", "external_id": "X-1"},
                {"text": "又占道", "external_id": "X-1"},
            ]
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 1
    reasons = {row["row"]: row["reason"] for row in body["skipped"]}
    assert set(reasons) == {1, 2, 3, 4, 6}
    assert "already recorded" in reasons[1] and "no text" in reasons[2] and "not a date" in reasons[3]
    assert "Unknown channel" in reasons[4]


def test_nothing_valid_is_a_400(cast, catalog):
    before = (Complaint.objects.count(), AuditEvent.objects.count())
    response = api(cast.officer_a).post(
        "/api/complaints/bulk/?lang=en", {"complaints": [{"text": ""}]}, format="json"
    )
    assert response.status_code == 400 and "No row could be imported" in str(response.json())
    response = api(cast.officer_a).post("/api/complaints/bulk/?lang=en", {"complaints": []}, format="json")
    assert response.status_code == 400
    assert (Complaint.objects.count(), AuditEvent.objects.count()) == before


def test_complaints_are_scoped_to_the_users_town(cast, catalog):
    before = (Complaint.objects.count(), AuditEvent.objects.count())
    response = api(cast.officer_a).post(
        "/api/complaints/bulk/?lang=en", {"town": cast.town_b.code, "complaints": ROWS}, format="json"
    )
    assert response.status_code == 400 and "do not record complaints" in response.json()["errors"]["town"][0]
    response = api(cast.responder).post("/api/complaints/?lang=en", {"text": "占道摆摊"}, format="json")
    assert response.status_code == 400  # a department responder records no town's complaints
    response = api(cast.officer_a).post(
        "/api/complaints/?lang=en", {"text": "占道摆摊", "town": "NOPE"}, format="json"
    )
    assert response.status_code == 400 and "no town" in response.json()["errors"]["town"][0]
    assert (Complaint.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(PermissionDenied):
        complaints_import(actor=cast.officer_b, town=cast.town_a, rows=ROWS)
    # reads: town B's officer does not see town A's complaints; the district administrator does
    report = complaints_import(actor=cast.officer_a, town=cast.town_a, rows=ROWS[:1])
    pk = report.created[0]
    assert api(cast.officer_b).get(f"/api/complaints/{pk}/").status_code == 404
    assert api(cast.officer_b).get("/api/complaints/").json()["results"] == []
    assert api(cast.admin).get(f"/api/complaints/{pk}/").status_code == 200
    response = api(cast.admin).post(
        "/api/complaints/?lang=en", {"text": "占道摆摊", "town": cast.town_b.code}, format="json"
    )
    assert response.status_code == 201 and response.json()["town"] == cast.town_b.code


def test_rematch_is_for_supervisors(cast, catalog):
    report = complaints_import(actor=cast.officer_a, town=cast.town_a, rows=ROWS[:1])
    complaint_match_task(report.created)
    complaint = Complaint.objects.get(pk=report.created[0])
    before = AuditEvent.objects.count()
    assert api(cast.officer_a).post(f"/api/complaints/{complaint.pk}/rematch/").status_code == 403
    assert api(cast.officer_b).post(f"/api/complaints/{complaint.pk}/rematch/").status_code == 404
    complaint.refresh_from_db()
    assert complaint.match_status == "matched" and AuditEvent.objects.count() == before
    complaint_rematch(actor=cast.supervisor_a, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.match_status == "pending" and complaint.match_result is None
    assert AuditEvent.objects.filter(action="cases.complaint.rematch").count() == 1


def test_the_entry_form_and_the_csv_import_pages(
    cast, catalog, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.officer_a)
    page = client.get("/complaints/new/").content.decode()
    assert 'data-testid="suggest-box"' in page and "/matching/suggest/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/complaints/new/", {"town": cast.town_a.code, "text": "超市卖过期牛奶", "channel": "hotline"}
        )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "T-FOOD" in detail and 'data-testid="match-result"' in detail
    csv_bytes = (
        "投诉内容,工单号,受理时间\n电瓶车在楼道充电,A-1,2025-05-01\n邻居借钱不还,A-2,2025-05-02 "
        "10:30\n,A-3,\n"
    ).encode("gb18030")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/complaints/import/",
            {"town": cast.town_a.code, "file": SimpleUploadedFile("tickets.csv", csv_bytes, "text/csv")},
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-report"' in html
    imported = Complaint.objects.filter(external_id__in=["A-1", "A-2"]).order_by("external_id")
    assert [c.match_status for c in imported] == ["matched", "no_match"]
    assert timezone.localtime(imported[0].received_at).date().isoformat() == "2025-05-01"
    assert client.get("/complaints/").status_code == 200
    assert client_for(cast.responder).get("/complaints/new/").status_code == 403
    bad = client.post(
        "/complaints/import/",
        {"town": cast.town_a.code, "file": SimpleUploadedFile("x.csv", b"foo,bar\n1,2\n")},
    )
    assert bad.status_code == 400 and "text" in bad.content.decode()


def test_the_list_names_each_complaints_item_in_the_readers_language(cast, catalog, client_for):
    """The list's item column: the engine's first suggestion by name (not a bare code) with its confidence in
    words and how many more, until an officer labels it; then what the officer confirmed, or why none."""
    from cases.labels import complaint_label

    report = complaints_import(actor=cast.officer_a, town=cast.town_a, rows=ROWS)
    complaint_match_task(report.created)
    by_ticket = {c.external_id: c for c in Complaint.objects.filter(pk__in=report.created)}
    ebike, debt, stalls = by_ticket["12345-001"], by_ticket["12345-002"], by_ticket["12345-004"]
    more = len(stalls.match_result["candidates"]) - 1
    assert more >= 1
    complaint_label(actor=cast.officer_a, complaint=ebike, codes=["T-EBIKE", "T-EXIT"])
    complaint_label(actor=cast.officer_a, complaint=debt, none_reason="not_violation")

    def rows(lang: str) -> dict[int, str]:
        page = client_for(cast.officer_a).get(f"/complaints/?lang={lang}").content.decode()
        cut = {c.pk: page.split(f'data-complaint="{c.pk}"', 1)[1] for c in by_ticket.values()}
        return {pk: rest.split("</tr>", 1)[0] for pk, rest in cut.items()}

    zh, en = rows("zh-hans"), rows("en")
    first = stalls.match_result["candidates"][0]
    assert 'data-testid="row-suggestion"' in zh[stalls.pk]
    assert first["name"][:20] in zh[stalls.pk] and first["code"] in zh[stalls.pk]
    assert "可信度：" in zh[stalls.pk] and f"另有{more}项建议" in zh[stalls.pk]
    assert first["name_en"][:20] in en[stalls.pk] and "confidence" in en[stalls.pk]
    assert f"and {more} more suggestion" in en[stalls.pk] and first["name"][:20] not in en[stalls.pk]
    # labelled: both confirmed items by name, no suggestion; "none" with its reason
    assert 'data-testid="row-suggestion"' not in zh[ebike.pk]
    assert zh[ebike.pk].count("✓") == 2 and "T-EBIKE" in zh[ebike.pk] and "T-EXIT" in zh[ebike.pk]
    assert "Penalty for parking or charging e-bikes" in en[ebike.pk]
    assert "清单中无对应违法行为：不构成违法" in zh[debt.pk]
    assert "No violation in our list: Not a violation" in en[debt.pk]
    assert 'data-testid="row-suggestion"' not in en[debt.pk]


def test_the_list_passes_each_stored_result_on_as_the_detail_reads_it(
    cast, catalog, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The list hands the database's JSON text through undecoded (issue 18): the same values as the detail,
    a complaint not yet matched reads null, the browsable API still renders, and no query per row."""
    with django_capture_on_commit_callbacks(execute=True):
        api(cast.officer_a).post("/api/complaints/bulk/?lang=en", {"complaints": ROWS}, format="json")
    Complaint.objects.filter(external_id="12345-004").update(match_result=None, match_status="pending")
    client = api(cast.officer_a)
    client.get("/api/complaints/")  # warm: the scope and the session
    with django_assert_num_queries(1):  # the page; the user is forced in, the scope held
        listed = client.get("/api/complaints/")
    assert listed.status_code == 200 and listed["Content-Type"] == "application/json"
    rows = listed.json()["results"]
    assert len(rows) == 4
    for row in rows:
        detail = client.get(f"/api/complaints/{row['id']}/").json()
        assert row == detail
        stored = Complaint.objects.get(pk=row["id"]).match_result
        assert row["match_result"] == stored
    assert next(r for r in rows if r["external_id"] == "12345-004")["match_result"] is None
    page = client.get("/api/complaints/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and "T-EBIKE" in page.content.decode()
