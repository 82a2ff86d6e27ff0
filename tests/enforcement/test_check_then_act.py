"""Two check-then-act races that were 500s under concurrency (issue 12): the party registry's get-or-create
and the complaint intake's duplicate-ticket check. Each now settles on the unique constraint: one row, and the
losers get the existing row (subjects) or the duplicate answer (complaints), never an IntegrityError."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from rest_framework.test import APIClient

from cases.complaints import complaint_create
from cases.models import Complaint
from enforcement.models import AuditEvent, Subject
from enforcement.services import subject_get_or_create
from tests.conftest import race

pytestmark = pytest.mark.django_db(transaction=True)

N = 4


def test_registering_one_party_at_once_makes_one_subject(cast):
    before = AuditEvent.objects.filter(action="enforcement.subject.create").count()
    results = race(
        [
            lambda: subject_get_or_create(
                actor=cast.officer_a,
                district=cast.district,
                kind="person",
                name="张三",
                identifier="500103198001017777",
            )
            for _ in range(N)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.pk for r in results}) == 1
    assert Subject.objects.filter(identifier="500103198001017777").count() == 1
    assert AuditEvent.objects.filter(action="enforcement.subject.create").count() == before + 1


def test_one_ticket_filed_at_once_is_recorded_once(cast):
    results = race(
        [
            lambda: complaint_create(
                actor=cast.officer_a, town=cast.town_a, text="楼道堆物", external_id="T-RACE-1"
            )
            for _ in range(N)
        ]
    )
    assert not [r for r in results if isinstance(r, IntegrityError)], results
    assert sum(isinstance(r, Complaint) for r in results) == 1, results
    duplicates = [r for r in results if isinstance(r, ValidationError)]
    assert len(duplicates) == N - 1 and all("external_id" in d.message_dict for d in duplicates)
    assert Complaint.objects.filter(external_id="T-RACE-1").count() == 1


def test_one_ticket_posted_at_once_answers_201_once_and_400_for_the_rest(cast):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=cast.officer_a).key

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        body = {"town": cast.town_a.code, "text": "电瓶车在楼道里充电", "external_id": "T-RACE-2"}
        return client.post("/api/complaints/", body, format="json").status_code

    statuses = race([post for _ in range(N)])
    assert sorted(statuses) == [201] + [400] * (N - 1), statuses
