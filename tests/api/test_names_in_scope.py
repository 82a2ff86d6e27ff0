"""Names and codes in API input are resolved only inside the user's scope (issue 12): a username, item,
department or town of another district (or a town the user does not work for) gets the answer a name that
exists nowhere gets, byte for byte but the request id, and the answer names no id.

Each test sends the same request twice, once with a value that exists elsewhere and once with one that exists
nowhere, by code and by id."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from authority.models import EnforcementItem
from enforcement.models import Role, Unit
from tests.factories import make_district, make_unit, make_user

pytestmark = pytest.mark.django_db

NOWHERE_ID = 987654321


@pytest.fixture
def elsewhere(cast):
    """Another district with a town, a department, a stranger and an item of its catalog."""
    district = make_district(code="T900", name_zh="别区")
    town = make_unit(district, Unit.Kind.TOWN, code="T900-A", name_zh="别街道")
    department = make_unit(
        district, Unit.Kind.DEPARTMENT, code="T900-MKT", name_zh="别区市场监管局", domain="market"
    )
    stranger = make_user(town, [Role.OFFICER], username="stranger_elsewhere")
    item = EnforcementItem.objects.create(
        district=district, code="T900-ITEM-1", name_zh="别区事项", domain="market"
    )
    return {"district": district, "town": town, "department": department, "user": stranger, "item": item}


def answer(response) -> tuple[int, dict[str, Any]]:
    body = response.json()
    body.pop("request_id", None)
    return response.status_code, body


def same_answer(
    send, foreign: Any, nowhere: Any, *, leaks: tuple[str, ...] = ()
) -> tuple[int, dict[str, Any]]:
    """Send with each value; the answers must be identical, a 4xx, and hold none of `leaks`."""
    first, second = answer(send(foreign)), answer(send(nowhere))
    assert first == second, (first, second)
    status, body = first
    assert 400 <= status < 500, first
    text = str(body)
    for leak in leaks:
        assert leak not in text, (leak, text)
    return first


def lead_body(cast, **over: Any) -> dict[str, Any]:
    day = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    body = {
        "town": cast.town_a.code,
        "source": "patrol",
        "title": "占道经营",
        "description": "店外占道摆放货架经营约3平方米。",
        "place": "甲街道测试路1号",
        "act_on": day,
        "discovered_on": day,
        "party_kind": "person",
        "party_name": "张三",
    }
    body.update(over)
    return body


def post_json(client, url: str, body: dict[str, Any]):
    return client.post(url, body, content_type="application/json")


# --- cases --------------------------------------------------------------------------------------------------


def test_case_lead_officers(cast, client_for, elsewhere):
    client = client_for(cast.officer_a)
    stranger = elsewhere["user"]

    def send(value):
        return post_json(client, "/api/cases/", lead_body(cast, officers=[value]))

    same_answer(send, stranger.username, "nobody_anywhere", leaks=(str(stranger.pk), "stranger"))
    same_answer(send, stranger.pk, NOWHERE_ID, leaks=(stranger.username,))
    # someone of the same district but not of the town's team is not a candidate either
    same_answer(send, cast.officer_b.username, "nobody_anywhere", leaks=(str(cast.officer_b.pk),))


def test_case_lead_item(cast, client_for, elsewhere, stall_item):
    client = client_for(cast.officer_a)
    item = elsewhere["item"]

    def send(value):
        return post_json(client, "/api/cases/", lead_body(cast, item=value))

    same_answer(send, item.code, "NO-SUCH-ITEM", leaks=(str(item.pk),))
    same_answer(send, item.pk, NOWHERE_ID, leaks=(item.code,))


def test_case_lead_town(cast, client_for, elsewhere):
    client = client_for(cast.officer_a)
    town = elsewhere["town"]

    def send(value):
        return post_json(client, "/api/cases/", lead_body(cast, town=value))

    same_answer(send, town.code, "T999-NONE", leaks=(str(town.pk),))
    same_answer(send, town.pk, NOWHERE_ID, leaks=(town.code,))
    same_answer(
        send, cast.town_b.code, "T999-NONE", leaks=(str(cast.town_b.pk),)
    )  # a town of the district, not hers


def test_case_update_item(cast, client_for, elsewhere, make_case):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    item = elsewhere["item"]

    def send(value):
        return client.patch(
            reverse("api-case", args=[case.pk]), {"item": value}, content_type="application/json"
        )

    same_answer(send, item.code, "NO-SUCH-ITEM", leaks=(str(item.pk),))
    same_answer(send, item.pk, NOWHERE_ID, leaks=(item.code,))


def test_case_officers(cast, client_for, elsewhere, make_case):
    case = make_case("investigating")
    client = client_for(cast.supervisor_a)
    stranger = elsewhere["user"]

    def send(value):
        return client.put(
            reverse("api-case-officers", args=[case.pk]),
            {"officers": ["officer_a", value], "lead": value},
            content_type="application/json",
        )

    same_answer(send, stranger.username, "nobody_anywhere", leaks=(str(stranger.pk), "stranger"))
    same_answer(send, stranger.pk, NOWHERE_ID, leaks=(stranger.username,))


def test_case_transfer_department(cast, client_for, elsewhere, make_case):
    case = make_case("investigating")
    client = client_for(cast.supervisor_a)
    department = elsewhere["department"]

    def send(value):
        return post_json(
            client, reverse("api-case-transfer", args=[case.pk]), {"department": value, "note": "移送"}
        )

    same_answer(send, department.code, "T999-NONE", leaks=(str(department.pk),))
    same_answer(send, department.pk, NOWHERE_ID, leaks=(department.code,))


def test_case_list_filters(cast, client_for, elsewhere):
    client = client_for(cast.officer_a)
    for name, foreign, nowhere, leak in (
        ("town", elsewhere["town"].code, "T999-NONE", str(elsewhere["town"].pk)),
        ("town", cast.town_b.code, "T999-NONE", str(cast.town_b.pk)),
        ("item", elsewhere["item"].code, "NO-SUCH-ITEM", str(elsewhere["item"].pk)),
        ("item", str(elsewhere["item"].pk), str(NOWHERE_ID), elsewhere["item"].code),
    ):

        def send(value, name=name):
            return client.get("/api/cases/", {name: value})

        same_answer(send, foreign, nowhere, leaks=(leak,))


# --- whistles -----------------------------------------------------------------------------------------------


def whistle_body(**over: Any) -> dict[str, Any]:
    body = {
        "title": "商铺占用消防通道",
        "description": "商铺货物堆放堵塞疏散通道",
        "reason": "expertise",
        "urgency": "normal",
        "address": "民主路5号",
    }
    body.update(over)
    return body


def test_whistle_departments_item_and_town(cast, client_for, elsewhere):
    client = client_for(cast.officer_a)
    department, item, town = elsewhere["department"], elsewhere["item"], elsewhere["town"]

    def send_department(value):
        return post_json(client, reverse("api-whistle-list"), whistle_body(departments=[value]))

    same_answer(send_department, department.code, "T999-NONE", leaks=(str(department.pk),))
    same_answer(send_department, department.pk, NOWHERE_ID, leaks=(department.code,))

    def send_item(value):
        return post_json(
            client, reverse("api-whistle-list"), whistle_body(departments=[cast.department.code], item=value)
        )

    same_answer(send_item, item.code, "NO-SUCH-ITEM", leaks=(str(item.pk),))
    same_answer(send_item, item.pk, NOWHERE_ID, leaks=(item.code,))

    def send_town(value):
        return post_json(
            client, reverse("api-whistle-list"), whistle_body(departments=[cast.department.code], town=value)
        )

    same_answer(send_town, town.code, "T999-NONE", leaks=(str(town.pk),))
    same_answer(send_town, town.pk, NOWHERE_ID, leaks=(town.code,))


def test_whistle_suggestion_and_list_filters(cast, client_for, elsewhere):
    client = client_for(cast.officer_a)

    def suggest(value):
        return client.get(reverse("api-whistle-suggest"), {"item": value})

    same_answer(suggest, elsewhere["item"].code, "NO-SUCH-ITEM", leaks=(str(elsewhere["item"].pk),))
    same_answer(suggest, str(elsewhere["item"].pk), str(NOWHERE_ID), leaks=(elsewhere["item"].code,))
    for name, foreign in (("town", elsewhere["town"].code), ("department", elsewhere["department"].code)):
        first = client.get(reverse("api-whistle-list"), {name: foreign})
        second = client.get(reverse("api-whistle-list"), {name: "T999-NONE"})
        assert (first.status_code, first.json()) == (second.status_code, second.json())


# --- inspections --------------------------------------------------------------------------------------------


def test_inspection_units_and_officers(cast, client_for, elsewhere):
    """Inspections take ids and resolve them in the district: one answer already; kept so."""
    from enforcement.models import Subject

    client = client_for(cast.supervisor_a)
    subject = Subject.objects.create(
        district=cast.district, kind="organisation", name="某餐馆", identifier="91500103MA5U000001"
    )

    def send(value):
        body = {
            "lead_unit": value,
            "town": cast.town_a.pk,
            "subject": subject.pk,
            "kind": "routine",
            "title": "例行检查",
            "planned_on": timezone.localdate().isoformat(),
        }
        return post_json(client, reverse("api-inspection-list"), body)

    same_answer(send, elsewhere["department"].pk, NOWHERE_ID, leaks=(elsewhere["department"].code,))
