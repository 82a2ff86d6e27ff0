"""Authorisation matrix for the core's routes: who gets what, and that denials change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db

# route name -> {cast member: expected status}; None is the anonymous public.
PAGES = {
    "home": {None: 200, "officer_a": 200, "responder": 200, "admin": 200},
    "team": {None: 302, "officer_a": 200, "responder": 200, "admin": 200},
    "audit-list": {
        None: 302,
        "officer_a": 403,
        "officer_b": 403,
        "responder": 403,
        "supervisor_a": 200,
        "admin": 200,
    },
    "officers": {None: 302, "officer_a": 403, "supervisor_a": 403, "responder": 403, "admin": 200},
    "api-me": {None: 401, "officer_a": 200},
    "api-units": {None: 401, "officer_a": 200, "responder": 200},
    "api-audit": {None: 401, "officer_a": 403, "responder": 403, "supervisor_a": 200, "admin": 200},
    "api-schema": {None: 200, "officer_a": 200},
    "admin:index": {None: 302, "officer_a": 302, "admin": 302},
}


@pytest.mark.parametrize(
    ("route", "who", "status"), [(r, w, s) for r, m in PAGES.items() for w, s in m.items()]
)
def test_route_matrix(cast, client_for, route, who, status):
    user = getattr(cast, who) if who else None
    before = AuditEvent.objects.count()
    response = client_for(user).get(reverse(route))
    assert response.status_code == status
    assert AuditEvent.objects.count() == before


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
