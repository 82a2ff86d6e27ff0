"""What the authority endpoints show to whom: public things are public, drafts and usage are scoped. Who may
open which route is in the site's one table (tests/route_table.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from authority.models import AdjustmentLine
from authority.services import adjustment_create, adjustment_line_add
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cast, catalog):
    adjustment = adjustment_create(
        actor=cast.admin,
        district=cast.district,
        title="草案",
        document_number="测府发（拟）",
        document_date=dt.date(2026, 1, 1),
        effective_from=dt.date(2027, 1, 1),
    )
    adjustment_line_add(
        actor=cast.admin,
        adjustment=adjustment,
        action=AdjustmentLine.Action.RECOVER,
        item=catalog["T-XF-001"],
        towns=[cast.town_a],
    )
    return adjustment


def test_public_endpoints_show_the_catalog_and_the_grants_without_login(cast, catalog, client_for):
    anonymous = client_for(None)
    audit = AuditEvent.objects.count()
    item = catalog["T-CG-001"]
    items = anonymous.get(
        reverse("api-authority-items"), {"district": cast.district.code, "q": "采砂"}
    ).json()["results"]
    assert [i["code"] for i in items] == ["T-SL-001"] and items[0]["holder"] == "district"
    detail = anonymous.get(reverse("api-authority-item", args=[item.pk])).json()
    assert detail["versions"][0]["content"]["fine_max"] == "500"
    grants = anonymous.get(
        reverse("api-authority-grants"), {"town": cast.town_a.code, "on": "2024-06-01"}
    ).json()["results"]
    assert len(grants) == 3
    assert AuditEvent.objects.count() == audit


def test_drafts_are_visible_to_the_districts_administrators_only(cast, draft, client_for):
    assert [a["id"] for a in client_for(cast.admin).get(reverse("api-authority-adjustments")).json()] == [
        draft.pk
    ]
    for user in (cast.officer_a, cast.officer_b, cast.supervisor_a, cast.responder):
        assert client_for(user).get(reverse("api-authority-adjustments")).json() == []
        assert client_for(user).get(reverse("api-authority-adjustment", args=[draft.pk])).status_code == 404
        assert client_for(user).get(reverse("authority-adjustment", args=[draft.pk])).status_code == 404


def test_officer_of_town_b_cannot_read_town_a_usage(cast, catalog, client_for):
    outsider = client_for(cast.officer_b)
    assert outsider.get(reverse("api-authority-usage"), {"town": cast.town_a.code}).status_code == 404
    rows = outsider.get(reverse("api-authority-usage")).json()["rows"]
    assert rows and {r["town"]["code"] for r in rows} == {cast.town_b.code}
    page = outsider.get(reverse("authority-usage")).content.decode()
    assert f'data-row="T-CG-001:{cast.town_b.code}"' in page and f':{cast.town_a.code}"' not in page
    admin_rows = client_for(cast.admin).get(reverse("api-authority-usage")).json()["rows"]
    assert {r["town"]["code"] for r in admin_rows} == {cast.town_a.code, cast.town_b.code}


def test_bad_parameters_are_400_not_500(cast, catalog, client_for):
    admin = client_for(cast.admin)
    assert admin.get(reverse("api-authority-usage"), {"months": "many"}).status_code == 400
    assert admin.get(reverse("api-authority-usage"), {"months": "0"}).status_code == 400
    assert admin.get(reverse("api-authority-usage"), {"on": "2025-13-01"}).status_code == 400
    assert client_for(None).get(reverse("api-authority-items"), {"district": "NOPE"}).status_code == 404


def test_schema_documents_the_authority_endpoints(client_for, db):
    schema = client_for(None).get(reverse("api-schema")).content.decode()
    for path in (
        "/api/authority/items/",
        "/api/authority/grants/",
        "/api/authority/adjustments/",
        "/api/authority/towns/{code}/items/",
        "/api/authority/who-enforces/",
        "/api/authority/usage/",
    ):
        assert path in schema
