"""The page and the API meet the same rules because the rules are in the services (issue 12): a lead for an
item retired from the catalog is refused on both (the API answered 201), and only officers and supervisors of
the town's team may handle a case on both (the API took any member of the town, a legal reviewer say)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.lifecycle import case_create, case_officers_set, case_update
from cases.models import Case, CaseOfficer
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def retired_item(cast, stall_item):
    stall_item.is_active = False
    stall_item.save(update_fields=["is_active"])
    return stall_item


def lead(cast, **over: Any) -> dict[str, Any]:
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


def service_lead(cast, **over: Any) -> dict[str, Any]:
    data = lead(cast, **over)
    data["town"] = cast.town_a
    data["act_on"] = data["discovered_on"] = timezone.localdate() - dt.timedelta(days=2)
    return data


def nothing_recorded(before: tuple[int, int]) -> None:
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


def counts() -> tuple[int, int]:
    return Case.objects.count(), AuditEvent.objects.count()


# --- a retired item -----------------------------------------------------------------------------------------


def test_a_lead_for_a_retired_item_is_refused_on_the_api_as_on_the_page(cast, client_for, retired_item):
    before = counts()
    api = client_for(cast.officer_a).post(
        "/api/cases/", lead(cast, item=retired_item.code), content_type="application/json"
    )
    page = client_for(cast.officer_a).post(reverse("cases:case-new"), lead(cast, item=retired_item.code))
    assert (api.status_code, page.status_code) == (400, 400), api.content
    assert list(api.json()["errors"]) == ["item"]
    nothing_recorded(before)
    with pytest.raises(ValidationError) as caught:
        case_create(actor=cast.officer_a, data=service_lead(cast, item=retired_item))
    assert list(caught.value.message_dict) == ["item"]
    nothing_recorded(before)


def test_a_case_cannot_be_moved_to_a_retired_item(cast, client_for, make_case, stall_item):
    from tests.cases.conftest import make_held_item

    other = make_held_item(cast, code="T-RETIRED-2")
    other.is_active = False
    other.save(update_fields=["is_active"])
    case = make_case("investigating")
    api = client_for(cast.officer_a).patch(
        reverse("api-case", args=[case.pk]), {"item": other.code}, content_type="application/json"
    )
    assert api.status_code == 400 and list(api.json()["errors"]) == ["item"], api.content
    with pytest.raises(ValidationError):
        case_update(actor=cast.officer_a, case=case, data={"item": other})
    case.refresh_from_db()
    assert case.item_id == stall_item.pk
    # a case whose item was retired after it was recorded keeps being edited
    stall_item.is_active = False
    stall_item.save(update_fields=["is_active"])
    case_update(actor=cast.officer_a, case=case, data={"place": "测试路2号"})
    assert Case.objects.get(pk=case.pk).place == "测试路2号"


# --- officer candidates -------------------------------------------------------------------------------------


def test_a_legal_reviewer_is_not_a_handling_officer_on_the_api_as_on_the_page(cast, client_for, stall_item):
    before = counts()
    body = lead(cast, item=stall_item.code, officers=[cast.reviewer_a.username])
    api = client_for(cast.officer_a).post("/api/cases/", body, content_type="application/json")
    page = client_for(cast.officer_a).post(
        reverse("cases:case-new"), lead(cast, item=stall_item.code, officers=[cast.reviewer_a.pk])
    )
    assert (api.status_code, page.status_code) == (400, 400), api.content
    assert list(api.json()["errors"]) == ["officers"]
    nothing_recorded(before)
    with pytest.raises(ValidationError) as caught:
        case_create(
            actor=cast.officer_a, data=service_lead(cast, item=stall_item, officers=[cast.reviewer_a])
        )
    assert list(caught.value.message_dict) == ["officers"]
    nothing_recorded(before)


def test_officers_put_takes_only_officers_and_supervisors_of_the_team(cast, client_for, make_case):
    case = make_case("investigating")
    version = case.version
    api = client_for(cast.supervisor_a).put(
        reverse("api-case-officers", args=[case.pk]),
        {"officers": ["officer_a", cast.reviewer_a.username], "lead": "officer_a"},
        content_type="application/json",
    )
    page = client_for(cast.supervisor_a).post(
        reverse("cases:case-officers", args=[case.pk]),
        {"officers": [cast.officer_a.pk, cast.reviewer_a.pk], "lead": cast.officer_a.pk, "version": version},
    )
    assert (api.status_code, page.status_code) == (400, 400), api.content
    assert list(api.json()["errors"]) == ["officers"]
    with pytest.raises(ValidationError) as caught:
        case_officers_set(
            actor=cast.supervisor_a,
            case=case,
            officers=[cast.officer_a, cast.reviewer_a],
            lead=cast.officer_a,
        )
    assert list(caught.value.message_dict) == ["officers"]
    assert Case.objects.get(pk=case.pk).version == version
    assert not CaseOfficer.objects.filter(case=case, officer=cast.reviewer_a).exists()
