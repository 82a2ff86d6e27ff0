"""Cross-town access is denied everywhere. The site's one table (tests/route_table.py) holds every GET: an
officer of town B and a department responder (nothing was transferred to them) get 404 on each URL of a town-A
case. Here: their POSTs are 404 too and change nothing (no event, audit row, evidence or document), the 404
page names nothing of the case, the lists hold none of its rows, and a transfer is what opens the case to the
department."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.documents import document_generate
from cases.evidence import evidence_add
from cases.models import Case, CaseDocument, CaseEvent, Evidence
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("scene.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def town_a_case(cast, make_case):
    case = make_case(
        "decided",
        fine=300,
        penalty_kinds=["fine"],
        decided_on=None,
        proposed_fine=300,
        proposed_kinds=["fine"],
    )
    evidence = evidence_add(actor=cast.officer_a, case=case, upload=png(), caption="现场")
    document = document_generate(actor=cast.officer_a, case=case, kind=CaseDocument.Kind.FILING_APPROVAL)
    return case, evidence, document


def urls(case: Case, evidence: Evidence, document: CaseDocument) -> dict[str, list[str]]:
    pk = case.pk
    return {
        "get": [
            f"/cases/{pk}/",
            f"/cases/{pk}/edit/",
            f"/cases/{pk}/officers/",
            f"/cases/{pk}/evidence/{evidence.pk}/",
            f"/cases/{pk}/documents/{document.pk}/",
            f"/api/cases/{pk}/",
            f"/api/cases/{pk}/events/",
            f"/api/cases/{pk}/evidence/",
            f"/api/cases/{pk}/documents/",
        ],
        "post": [
            f"/cases/{pk}/act/serve_decision/",
            f"/cases/{pk}/declare/",
            f"/cases/{pk}/evidence/upload/",
            f"/cases/{pk}/documents/new/",
            f"/api/cases/{pk}/actions/serve_decision/",
            f"/api/cases/{pk}/documents/",
        ],
    }


@pytest.mark.parametrize("who", ["officer_b", "responder"])
def test_another_towns_case_refuses_every_post_and_changes_nothing(cast, client_for, town_a_case, who):
    case, evidence, document = town_a_case
    client = client_for(getattr(cast, who))
    state = (
        Case.objects.get(pk=case.pk).version,
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Evidence.objects.count(),
        CaseDocument.objects.count(),
    )
    table = urls(case, evidence, document)
    for url in table["get"]:
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert "甲街道" not in response.content.decode(errors="ignore") or url.startswith("/api/"), url
    for url in table["post"]:
        data = {
            "served_on": "2026-01-01",
            "method": "direct",
            "kind": "decision",
            "files": png(),
            "conflict": "",
        }
        response = client.post(url, data)
        assert response.status_code == 404, (url, response.status_code)
    after = (
        Case.objects.get(pk=case.pk).version,
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Evidence.objects.count(),
        CaseDocument.objects.count(),
    )
    assert after == state


def test_the_lists_of_another_town_hold_none_of_its_cases(cast, client_for, town_a_case):
    case, _evidence, _document = town_a_case
    for who in ("officer_b", "responder"):
        client = client_for(getattr(cast, who))
        page = client.get("/cases/").content.decode()
        assert case.number not in page
        api = client.get("/api/cases/").json()
        assert all(row["id"] != case.pk for row in api["results"])


def test_the_department_sees_a_case_once_it_was_transferred_to_it(cast, client_for, make_case):
    from cases.lifecycle import case_act

    case = make_case("investigating")
    case_act(
        actor=cast.supervisor_a,
        case=case,
        action="transfer",
        data={"department": cast.department, "note": "需要检测"},
    )
    assert client_for(cast.responder).get(f"/cases/{case.pk}/").status_code == 200
    assert client_for(cast.officer_b).get(f"/cases/{case.pk}/").status_code == 404
