"""The same submission sent twice (a phone's outbox after a weak signal) makes one record."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from cases.models import Case
from enforcement.models import SubmissionKey
from tests.cases.test_pages import _lead_data
from whistles.models import WhistleRequest

pytestmark = pytest.mark.django_db


def test_the_same_key_twice_makes_one_case_and_the_second_gets_the_firsts_result(
    cast, stall_item, client_for, audit_count
):
    client = client_for(cast.officer_a)
    data = _lead_data(cast, stall_item, submission_key=str(uuid.uuid4()))
    first = client.post(reverse("cases:case-new"), data)
    case = Case.objects.get()
    assert first.status_code == 302 and first["Location"] == case.get_absolute_url()
    audits = audit_count()

    second = client.post(reverse("cases:case-new"), data)
    assert second.status_code == 302 and second["Location"] == case.get_absolute_url()
    assert Case.objects.count() == 1 and audit_count() == audits
    row = SubmissionKey.objects.get()
    assert (row.user, row.key, row.path, row.result_url) == (
        cast.officer_a,
        data["submission_key"],
        reverse("cases:case-new"),
        case.get_absolute_url(),
    )


def test_the_outbox_gets_the_result_as_json(cast, stall_item, client_for):
    client = client_for(cast.officer_a)
    data = _lead_data(cast, stall_item, submission_key=str(uuid.uuid4()))
    headers = {"X-Zhifa-Outbox": "1"}
    first = client.post(reverse("cases:case-new"), data, headers=headers)
    again = client.post(reverse("cases:case-new"), data, headers=headers)
    case = Case.objects.get()
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == {"result": case.get_absolute_url()}


def test_another_user_with_the_same_key_is_independent(cast, stall_item, client_for):
    key = str(uuid.uuid4())
    client_for(cast.officer_a).post(
        reverse("cases:case-new"), _lead_data(cast, stall_item, submission_key=key)
    )
    other = client_for(cast.supervisor_a).post(
        reverse("cases:case-new"), _lead_data(cast, stall_item, submission_key=key, officers=[])
    )
    assert other.status_code == 302
    assert Case.objects.count() == 2
    assert SubmissionKey.objects.filter(key=key).count() == 2
    assert other["Location"] == Case.objects.get(created_by=cast.supervisor_a).get_absolute_url()


def test_a_refused_submission_keeps_no_key_and_may_be_sent_again_corrected(cast, stall_item, client_for):
    client = client_for(cast.officer_a)
    key = str(uuid.uuid4())
    refused = client.post(
        reverse("cases:case-new"), _lead_data(cast, stall_item, submission_key=key, title="")
    )
    assert refused.status_code == 400 and not SubmissionKey.objects.exists() and not Case.objects.exists()
    fixed = client.post(reverse("cases:case-new"), _lead_data(cast, stall_item, submission_key=key))
    assert fixed.status_code == 302 and Case.objects.count() == 1


def test_without_a_key_or_with_a_malformed_one_the_form_works_as_before(cast, stall_item, client_for):
    client = client_for(cast.officer_a)
    client.post(reverse("cases:case-new"), _lead_data(cast, stall_item))
    client.post(reverse("cases:case-new"), _lead_data(cast, stall_item, submission_key="<bad key!>"))
    assert Case.objects.count() == 2 and not SubmissionKey.objects.exists()


def test_a_whistle_sent_twice_is_raised_once(cast, client_for):
    data = {
        "town": cast.town_a.pk,
        "title": "商场消防通道被货物堵塞",
        "description": "负一楼消防通道堆满纸箱。",
        "reason": "expertise",
        "urgency": "normal",
        "departments": [cast.department.pk],
        "address": "解放碑步行街8号",
        "submission_key": str(uuid.uuid4()),
    }
    client = client_for(cast.officer_a)
    first = client.post(reverse("whistle-raise"), data)
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post(reverse("whistle-raise"), data)
    whistle = WhistleRequest.objects.get()
    assert first["Location"] == second["Location"] == reverse("whistle-detail", args=[whistle.pk])


@pytest.mark.django_db(transaction=True)
def test_the_same_submission_arriving_twice_at_once_makes_one_case(cast, stall_item, client_for):
    from tests.conftest import race

    data = _lead_data(cast, stall_item, submission_key=str(uuid.uuid4()))
    clients = [client_for(cast.officer_a) for _n in range(3)]
    results = race([lambda c=c: c.post(reverse("cases:case-new"), data) for c in clients])
    case = Case.objects.get()
    assert [getattr(r, "status_code", r) for r in results] == [302, 302, 302]
    assert {r["Location"] for r in results} == {case.get_absolute_url()}
    assert SubmissionKey.objects.count() == 1
