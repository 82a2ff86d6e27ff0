"""The lists that grow without bound page by keyset on the pages too (issue 18): no page count, a next link
that carries a cursor, the filters kept, and a cursor that does not verify starts from the top (never a
500)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.complaints import complaint_create
from enforcement.audit import audit_record

pytestmark = pytest.mark.django_db


def _next(body: str) -> str | None:
    found = re.search(r'data-testid="next-page"', body)
    if not found:
        return None
    href = re.search(r'href="\?([^"]*)" data-testid="next-page"', body)
    assert href
    return href.group(1).replace("&amp;", "&")


def test_the_complaint_list_pages_by_cursor(cast, client_for):
    for n in range(35):
        complaint_create(actor=cast.officer_a, town=cast.town_a, text=f"投诉第{n:02d}号")
    client = client_for(cast.officer_a)
    first = client.get(reverse("cases:complaints")).content.decode()
    assert "投诉第34号" in first and "投诉第04号" not in first
    query = _next(first)
    assert query and "after=" in query
    second = client.get(reverse("cases:complaints") + "?" + query).content.decode()
    assert "投诉第04号" in second and "投诉第34号" not in second
    assert _next(second) is None
    assert 'data-testid="first-page"' in second


def test_the_audit_page_pages_by_cursor_and_keeps_its_filter(cast, client_for):
    for n in range(55):
        complaint_create(actor=cast.officer_a, town=cast.town_a, text=f"审计{n}")
    client = client_for(cast.admin)
    first = client.get(reverse("audit-list"), {"action": "cases."}).content.decode()
    query = _next(first)
    assert query and "action=cases." in query
    second = client.get(reverse("audit-list") + "?" + query)
    assert second.status_code == 200
    assert 'data-testid="first-page"' in second.content.decode()


@pytest.mark.parametrize("route", ["audit-list", "cases:complaints", "whistle-list", "whistle-notifications"])
def test_a_cursor_the_list_did_not_give_starts_from_the_top(cast, client_for, route):
    user = cast.admin if route == "audit-list" else cast.officer_a
    response = client_for(user).get(reverse(route), {"after": "forged"})
    assert response.status_code == 200


def test_audit_rows_of_the_district_reach_its_administrator(cast, client_for):
    audit_record(actor=cast.officer_b, action="enforcement.unit.create", obj=cast.town_b, summary="乙镇改名")
    body = client_for(cast.admin).get(reverse("audit-list")).content.decode()
    assert "乙镇改名" in body
