"""The planning, figures and registry endpoints: the same services as the pages, refusals as 400/403/404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inspections.models import AnnualPlan, InspectionItem
from inspections.services import frequency_policy_set

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quiet_days(cast):
    frequency_policy_set(actor=cast.admin, district=cast.district, values={"quiet_last_day": 0})


def test_a_plan_is_drawn_up_lined_and_approved_through_the_api(cast, setup, day, client_for, audit_count):
    cg = InspectionItem.objects.get(inspection_list=setup.listing, code="JC-CG-01")
    officer = client_for(cast.officer_a)
    created = officer.post(
        reverse("api-inspection-plans"),
        {"unit": cast.town_a.pk, "year": day.year},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    line = {"subject": setup.subject.pk, "items": [cg.pk], "visits_per_year": 2, "months": [3, 9]}
    url = reverse("api-inspection-plan-entries", args=[plan_id])
    before = audit_count()
    over = officer.post(url, line, content_type="application/json")
    assert over.status_code == 400 and "visits_per_year" in over.json()["errors"]
    assert officer.post(url, {**line, "subject": 999999}, content_type="application/json").status_code == 400
    assert client_for(cast.officer_b).post(url, line, content_type="application/json").status_code == 403
    assert audit_count() == before
    ok = officer.post(url, {**line, "visits_per_year": 1, "months": [5]}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["entries"][0]["items"] == ["JC-CG-01"]
    approve = reverse("api-inspection-plan-approve", args=[plan_id])
    assert officer.post(approve).status_code == 403
    assert client_for(cast.supervisor_a).post(approve).json()["status"] == AnnualPlan.Status.APPROVED
    listed = client_for(cast.responder).get(reverse("api-inspection-plans") + f"?year={day.year}").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [p["id"] for p in rows] == [plan_id]

    cal = officer.get(reverse("api-inspection-calendar") + f"?month={day.year}-05").json()
    assert (
        cal["rows"][0]["subject"] == setup.subject.pk
        and cal["rows"][0]["plan_lines"][0]["scheduled"] is False
    )
    assert officer.get(reverse("api-inspection-calendar") + "?month=2026-13").status_code == 400


def test_figures_and_a_business_s_record(cast, setup, client_for):
    assert client_for(cast.officer_a).get(reverse("api-inspection-figures")).status_code == 403
    figures = client_for(cast.supervisor_a).get(reverse("api-inspection-figures")).json()
    assert figures["total"]["inspections"] == 0 and "codes_scanned" in figures["total"]
    assert set(figures["per_business"]["buckets"]) == {"1", "2", "3", "4+"}
    bad = client_for(cast.supervisor_a).get(
        reverse("api-inspection-figures") + "?start=2026-05-01&end=2026-01-01"
    )
    assert bad.status_code == 400

    url = reverse("api-inspection-subject-profile", args=[setup.subject.pk])
    body = {"subject_type": "restaurant", "risk_level": "high", "latitude": "29.557", "longitude": "106.577"}
    assert client_for(cast.officer_a).post(url, body, content_type="application/json").status_code == 200
    bad_body = {**body, "longitude": None}
    assert client_for(cast.officer_a).post(url, bad_body, content_type="application/json").status_code == 400
    record = client_for(cast.responder).get(reverse("api-inspection-subject", args=[setup.subject.pk])).json()
    assert record["profile"]["risk_level"] == "high" and record["visits"] == []
    assert client_for(None).get(reverse("api-inspection-subject", args=[setup.subject.pk])).status_code == 401
