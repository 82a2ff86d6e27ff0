"""Who sees and reviews which warnings: the town's supervisors their town's, the district office its
district's, the city every district of the city (and reviews only what reached the city); denials change
nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcement.access import scope_for
from enforcement.models import AuditEvent, FenceWarning
from enforcement.services import city_create, district_set_city
from whistles.models import Notification

pytestmark = pytest.mark.django_db
S = FenceWarning.Status


def test_a_town_supervisor_cannot_see_or_review_another_towns_warning(
    cast, client_for, raise_warning, supervisor_b
):
    theirs = raise_warning(town=cast.town_b, officer=cast.officer_b)
    client = client_for(cast.supervisor_a)
    audits = AuditEvent.objects.count()
    assert client.get(reverse("desk-warning", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("api-desk-warning", args=[theirs.pk])).status_code == 404
    review = client.post(
        reverse("api-desk-review", args=[theirs.pk]),
        {"outcome": "acknowledged"},
        content_type="application/json",
    )
    assert review.status_code == 404
    page = client.post(reverse("desk-warning", args=[theirs.pk]), {"outcome": "acknowledged"})
    assert page.status_code == 404
    listed = client.get(reverse("api-desk-warnings") + "?status=all").json()["results"]
    assert theirs.pk not in [r["id"] for r in listed]
    theirs.refresh_from_db()
    assert theirs.status == S.OPEN and AuditEvent.objects.count() == audits
    # Town B's own supervisor does see and review it.
    assert client_for(supervisor_b).get(reverse("desk-warning", args=[theirs.pk])).status_code == 200


def test_officers_and_responders_have_no_desk(cast, client_for, raise_warning):
    warning = raise_warning()
    for person in (cast.officer_a, cast.reviewer_a, cast.responder):
        client = client_for(person)
        assert client.get(reverse("desk")).status_code == 403
        assert client.get(reverse("api-desk-warnings")).status_code == 403
        assert client.get(reverse("desk-team")).status_code == 403
        answer = client.post(
            reverse("api-desk-review", args=[warning.pk]),
            {"outcome": "acknowledged"},
            content_type="application/json",
        )
        assert answer.status_code == 403
    warning.refresh_from_db()
    assert warning.status == S.OPEN


def test_a_district_admin_cannot_see_another_districts_warnings(
    cast, client_for, raise_warning, other_district
):
    theirs = raise_warning(town=other_district["town"], officer=other_district["officer"])
    ours = raise_warning()
    client = client_for(cast.admin)
    listed = [r["id"] for r in client.get(reverse("api-desk-warnings")).json()["results"]]
    assert ours.pk in listed and theirs.pk not in listed
    assert client.get(reverse("desk-warning", args=[theirs.pk])).status_code == 404
    answer = client.post(
        reverse("api-desk-acknowledge"), {"warnings": [theirs.pk]}, content_type="application/json"
    )
    assert answer.json() == {"acknowledged": [], "skipped": [theirs.pk]}
    theirs.refresh_from_db()
    assert theirs.status == S.OPEN


def test_a_city_supervisor_sees_every_district_and_reviews_only_what_reached_the_city(
    cast, client_for, raise_warning, other_district, city_supervisor
):
    ours = raise_warning()
    theirs = raise_warning(town=other_district["town"], officer=other_district["officer"])
    client = client_for(city_supervisor)
    listed = [r["id"] for r in client.get(reverse("api-desk-warnings")).json()["results"]]
    assert sorted(listed) == sorted([ours.pk, theirs.pk])
    assert client.get(reverse("desk")).status_code == 200
    assert client.get(reverse("desk-team")).status_code == 200
    refused = client.post(
        reverse("api-desk-review", args=[ours.pk]),
        {"outcome": "acknowledged"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    FenceWarning.objects.filter(pk=ours.pk).update(escalation=FenceWarning.Escalation.CITY)
    allowed = client.post(
        reverse("api-desk-review", args=[ours.pk]),
        {"outcome": "confirmed", "follow_up": "区司法局督促整改"},
        content_type="application/json",
    )
    assert allowed.status_code == 200


def test_a_city_supervisor_reads_cases_but_cannot_change_one(cast, client_for, make_case, city_supervisor):
    case = make_case()
    client = client_for(city_supervisor)
    assert client.get(reverse("api-case", args=[case.pk])).status_code == 200
    before = (case.title, case.version)
    answer = client.patch(
        reverse("api-case", args=[case.pk]), {"title": "市级改的"}, content_type="application/json"
    )
    assert answer.status_code in (403, 404), answer.content
    page = client.post(reverse("cases:case-edit", args=[case.pk]), {"title": "市级改的"})
    assert page.status_code in (403, 404)
    case.refresh_from_db()
    assert (case.title, case.version) == before
    assert not AuditEvent.objects.filter(actor=city_supervisor).exists()


def test_a_district_joining_the_city_reaches_the_cached_scope(cast, city_supervisor):
    """The scope cache's version token is replaced when a district changes city, so the city's people see it
    at once (and stop seeing a district that left)."""
    assert cast.district.pk in scope_for(city_supervisor).district_ids
    elsewhere = city_create(actor=None, code="T999999", name_zh="别的市")
    district_set_city(actor=None, district=cast.district, city=elsewhere)
    fresh = type(city_supervisor).objects.get(pk=city_supervisor.pk)  # a new request: no per-object cache
    assert cast.district.pk not in scope_for(fresh).district_ids


def test_no_notification_reaches_another_town(cast, raise_warning, supervisor_b):
    raise_warning()
    assert not Notification.objects.filter(recipient=supervisor_b).exists()
