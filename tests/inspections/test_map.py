"""Joint inspections on the town map (issue 17): a task is placed where its subject's profile says, and is
seen by whoever sees it on the task board (the town, the lead unit, the departments invited)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.models import InspectionTask, SubjectProfile
from inspections.workflow import Scenario

pytestmark = pytest.mark.django_db


def _ids(client, **params):
    response = client.get(reverse("api-map-markers"), {"kind": "inspection", **params})
    assert response.status_code == 200, response.content
    return [m["id"] for m in response.json()["markers"]]


def test_an_inspection_is_where_its_subject_is_and_scoped_as_the_board(cast, setup, make_task, client_for):
    unplaced = make_task()
    assert _ids(client_for(cast.officer_a)) == []  # the subject has no place yet
    SubjectProfile.objects.create(
        subject=setup.subject,
        subject_type=Scenario.RESTAURANT,
        latitude=Decimal("29.541000"),
        longitude=Decimal("106.520000"),
    )
    seen = client_for(cast.officer_a).get(reverse("api-map-markers"), {"kind": "inspection"}).json()
    assert [m["id"] for m in seen["markers"]] == [unplaced.pk]
    marker = seen["markers"][0]
    assert (marker["lat"], marker["lng"]) == (29.541, 106.52)
    assert marker["url"] == reverse("inspection-detail", args=[unplaced.pk]) and marker["open"] is True
    assert _ids(client_for(cast.officer_b)) == []
    board = set(InspectionTask.objects.visible_to(cast.responder).values_list("pk", flat=True))
    assert set(_ids(client_for(cast.responder))) == board
    assert _ids(client_for(cast.admin)) == [unplaced.pk]
    assert _ids(client_for(cast.officer_a), state="closed") == []
    assert _ids(client_for(cast.officer_a), stage=f"inspection:{unplaced.status}") == [unplaced.pk]
