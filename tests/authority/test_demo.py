"""The demo: the catalog for 渝中区, a historical adjustment with a delegation, a draft; idempotent."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from authority.models import Adjustment, AuthorityGrant, EnforcementItem
from authority.selectors import who_enforces
from demo import authority as demo
from demo.core import seed_core
from enforcement.models import AuditEvent, Unit

# Run today and under each of the frozen dates in tests/conftest.py (FROZEN_DAYS).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def test_demo_seed_is_realistic_and_idempotent():
    seed_core()
    demo.seed(io.StringIO())
    items = EnforcementItem.objects.filter(district__code="500103")
    assert items.count() >= 60
    assert set(items.values_list("domain", flat=True)) >= {
        "city_management",
        "fire_safety",
        "emergency",
        "water",
        "environment",
        "market",
        "agriculture",
        "natural_resources",
        "housing_construction",
        "transport",
        "health",
        "culture_tourism",
        "civil_affairs",
        "forestry",
        "public_security_admin",
    }
    jiefangbei = Unit.objects.get(code="500103-002")
    hazardous = items.get(code="CQ-XF-006")
    assert who_enforces(hazardous, jiefangbei, dt.date(2025, 6, 30)).town_holds
    recovered = who_enforces(hazardous, jiefangbei, dt.date(2025, 7, 1))
    assert not recovered.town_holds and recovered.department.code == "500103-fire_safety"
    assert who_enforces(items.get(code="CQ-CG-010"), jiefangbei, dt.date(2025, 7, 1)).town_holds
    sand = who_enforces(items.get(code="CQ-SL-003"), Unit.objects.get(code="500103-004"), dt.date(2026, 1, 1))
    assert (
        sand.kind == "delegated"
        and sand.acting_name == "重庆市渝中区水利局"
        and sand.grant.valid_to == dt.date(2027, 6, 30)
    )
    kept = who_enforces(items.get(code="CQ-XF-009"), jiefangbei, dt.date(2026, 1, 1))
    assert not kept.town_holds and kept.department.code == "500103-fire_safety"
    assert (
        Adjustment.objects.filter(status="approved").count() == 1
        and Adjustment.objects.filter(status="draft").count() == 1
    )

    state = (
        items.count(),
        AuthorityGrant.objects.count(),
        Adjustment.objects.count(),
        AuditEvent.objects.count(),
    )
    out = io.StringIO()
    demo.seed(out)
    assert (
        items.count(),
        AuthorityGrant.objects.count(),
        Adjustment.objects.count(),
        AuditEvent.objects.count(),
    ) == state
    assert "0 new items" in out.getvalue()
