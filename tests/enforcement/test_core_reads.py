"""What the core's reads show to whom. Who may open which route is in the site's one table
(tests/route_table.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_supervisor_reads_only_their_towns_audit_rows(cast, client_for):
    rows = client_for(cast.supervisor_a).get(reverse("api-audit"), {"size": 100}).json()["results"]
    assert rows, "the cast's creation left rows for town A"
    towns_seen = {r["object_id"] for r in rows if r["object_type"] == "enforcement.unit"}
    assert str(cast.town_b.pk) not in towns_seen
    admin_rows = client_for(cast.admin).get(reverse("api-audit"), {"size": 100}).json()["results"]
    assert str(cast.town_b.pk) in {
        r["object_id"] for r in admin_rows if r["object_type"] == "enforcement.unit"
    }


def test_units_api_is_limited_to_the_users_district(cast, client_for):
    from tests.factories import make_district, make_unit

    elsewhere = make_unit(make_district())
    codes = {
        u["code"]
        for u in client_for(cast.officer_a).get(reverse("api-units"), {"size": 100}).json()["results"]
    }
    assert cast.town_b.code in codes
    assert elsewhere.code not in codes


def test_unknown_page_is_a_friendly_404(client_for):
    response = client_for(None).get("/no-such-page/")
    assert response.status_code == 404


def test_healthz(client_for, db):
    assert client_for(None).get(reverse("healthz")).json() == {"ok": True}
