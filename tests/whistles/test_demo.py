"""The demo whistles: months of realistic history through the real services, idempotent, with or without the
authority catalog."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from demo import whistles as demo
from demo.core import seed_core
from enforcement.audit import audit_verify
from enforcement.models import AuditEvent
from whistles.models import Notification, WhistleAssignment, WhistleEvent, WhistleRequest, WhistleReturn

# Run today and under each of the frozen dates in tests/conftest.py (FROZEN_DAYS).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def test_demo_whistles_are_idempotent_and_tell_a_story(settings, tmp_path):
    seed_core()
    out = io.StringIO()
    demo.seed(out)
    assert "without catalog items" in out.getvalue()  # authority's demo did not run here
    counts = (
        WhistleRequest.objects.count(),
        WhistleEvent.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )
    demo.seed(out)
    assert (
        WhistleRequest.objects.count(),
        WhistleEvent.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert "already present" in out.getvalue()

    whistles = WhistleRequest.objects.all()
    assert whistles.count() >= 50
    first = whistles.order_by("raised_at").first().raised_at
    assert (timezone.now() - first).days >= 120  # a few months of history
    assert WhistleReturn.objects.filter(decision="overruled").count() == 1
    assert WhistleReturn.objects.filter(decision="upheld").count() >= 2
    assert WhistleReturn.objects.filter(decision="pending").exists()
    assert whistles.filter(status="withdrawn").count() == 1
    statuses = set(WhistleAssignment.objects.values_list("status", flat=True))
    assert {"closed", "sent", "acknowledged", "on_site", "handled", "returned", "return_upheld"} <= statuses
    late = [
        a
        for a in WhistleAssignment.objects.exclude(acknowledged_at=None)
        if a.acknowledged_at > a.check_in_due
    ]
    assert late, "some departments check in late"
    ratings = set(WhistleAssignment.objects.exclude(rating=None).values_list("rating", flat=True))
    assert len(ratings) >= 3
    assert WhistleEvent.objects.filter(at__gt=timezone.now()).count() == 0  # nothing happens in the future
    assert audit_verify().ok
