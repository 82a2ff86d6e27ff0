"""POST /api/match/: the contract, who may call it, and 400 with a message for bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from enforcement.models import AuditEvent
from tests.factories import make_district, make_unit, make_user

pytestmark = pytest.mark.django_db
URL = "/api/match/?lang=en"  # messages in English for the assertions (Chinese is the default)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_contract(cast, catalog):
    response = api(cast.officer_a).post(
        URL,
        {
            "text": "电瓶车在楼道里充电，还有人占道摆摊",
            "town": cast.town_a.code,
            "date": timezone.localdate().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["no_match"] is False
    assert set(body) >= {"candidates", "no_match", "version"}
    top = body["candidates"][0]
    assert set(top) >= {"code", "name", "score", "terms", "holder"}
    assert [c["code"] for c in body["candidates"][:2]] == ["T-EBIKE", "T-STALL"] or {
        c["code"] for c in body["candidates"][:2]
    } == {"T-EBIKE", "T-STALL"}
    assert "电瓶车" in next(c for c in body["candidates"] if c["code"] == "T-EBIKE")["terms"]


def test_the_holder_is_the_town_or_the_department_on_that_date(cast, catalog):
    today = timezone.localdate()
    body = (
        api(cast.officer_a)
        .post(URL, {"text": "有人占道摆摊卖水果", "town": cast.town_a.code}, format="json")
        .json()
    )
    stall = body["candidates"][0]
    assert stall["code"] == "T-STALL"
    assert stall["holder"]["town_holds"] is True and stall["holder"]["kind"] == "statutory"
    assert stall["holder"]["unit"]["code"] == cast.town_a.code
    # town B holds nothing: the responsible department (or nobody) is named instead
    body = (
        api(cast.officer_a)
        .post(URL, {"text": "超市卖过期的牛奶", "town": cast.town_b.code}, format="json")
        .json()
    )
    food = body["candidates"][0]
    assert food["code"] == "T-FOOD" and food["holder"]["town_holds"] is False
    assert food["holder"]["unit"]["code"] == cast.department.code
    # the e-bike item was recovered from town A a month ago: held before, not today
    text = {"text": "电瓶车在楼道充电", "town": cast.town_a.code}
    then = (
        api(cast.officer_a)
        .post(URL, {**text, "date": (today - dt.timedelta(days=60)).isoformat()}, format="json")
        .json()
    )
    now = api(cast.officer_a).post(URL, text, format="json").json()
    assert then["candidates"][0]["holder"]["town_holds"] is True
    assert now["candidates"][0]["holder"]["town_holds"] is False


def test_no_match(cast, catalog):
    body = (
        api(cast.officer_a)
        .post(URL, {"text": "邻居借了我两万块钱一直不还", "town": cast.town_a.code}, format="json")
        .json()
    )
    assert body == {**body, "no_match": True, "candidates": []}


def test_no_match_names_the_words_that_point_away_from_enforcement(cast, catalog):
    body = (
        api(cast.officer_a)
        .post(URL, {"text": "表扬一下执法队，服务很好", "town": cast.town_a.code}, format="json")
        .json()
    )
    assert body["no_match"] is True
    assert "表扬" in body["off_topic"]
    violation = (
        api(cast.officer_a)
        .post(URL, {"text": "楼道里堆满杂物堵住了安全出口", "town": cast.town_a.code}, format="json")
        .json()
    )
    assert violation["off_topic"] == []


def test_english_input(cast, catalog):
    body = (
        api(cast.officer_b)
        .post(
            URL,
            {"text": "Someone keeps blocking the fire exit of the mall with boxes", "town": cast.town_b.code},
            format="json",
        )
        .json()
    )
    assert body["candidates"][0]["code"] == "T-EXIT"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"text": "占道摆摊", "town": "NOPE"}, "town", "There is no town with code"),
        ({"text": "占道摆摊", "town": "T500-MKT"}, "town", "is not a town"),
        ({"text": "占道摆摊", "town": "T500-A", "date": "2024-13-45"}, "date", "YYYY-MM-DD"),
        ({"text": "占道摆摊", "town": "T500-A", "date": "yesterday"}, "date", "YYYY-MM-DD"),
        ({"text": "", "town": "T500-A"}, "text", ""),
        ({"town": "T500-A"}, "text", ""),
        ({"text": "占道摆摊"}, "town", ""),
        ({"text": "x" * 4001, "town": "T500-A"}, "text", ""),
        ({"text": "占道摆摊", "town": "T500-A", "limit": 0}, "limit", ""),
    ],
)
def test_bad_input_is_a_400_with_a_message(cast, catalog, payload, field, message):
    before = AuditEvent.objects.count()
    response = api(cast.officer_a).post(URL, payload, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and errors[field]
    assert message in " ".join(errors[field])
    assert AuditEvent.objects.count() == before


def test_a_town_of_another_district_is_refused(cast, catalog):
    other = make_district(code="T900")
    far_town = make_unit(other, code="T900-A")
    response = api(cast.officer_a).post(URL, {"text": "占道摆摊", "town": far_town.code}, format="json")
    assert response.status_code == 400
    assert "not a town of your district" in response.json()["errors"]["town"][0]


def test_who_may_call_it(cast, catalog):
    payload = {"text": "占道摆摊", "town": cast.town_a.code}
    assert api(None).post(URL, payload, format="json").status_code == 401
    nobody = make_user(None, [], username="no_unit")
    response = api(nobody).post(URL, payload, format="json")
    assert response.status_code == 403
    for user in (cast.officer_b, cast.responder, cast.admin, cast.reviewer_a):  # any member of the district
        assert api(user).post(URL, payload, format="json").status_code == 200
    assert api(cast.officer_a).get(URL).status_code == 405


def test_session_login_works_and_csrf_is_checked(cast, catalog, client_for):
    client = client_for(cast.officer_a)
    response = client.post(
        URL, {"text": "占道摆摊", "town": cast.town_a.code}, content_type="application/json"
    )
    assert response.status_code == 200
