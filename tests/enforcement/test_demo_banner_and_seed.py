from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from enforcement.audit import audit_verify
from enforcement.models import AuditEvent, Certificate, Secondment, Unit, User

# Run today and under each of the frozen dates in tests/conftest.py (FROZEN_DAYS).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def test_banner_shows_in_demo_mode_only(client_for, db):
    with override_settings(DEMO_MODE=True, DEMO_DATABASE=True, DEMO_TASKS=True):
        assert 'data-testid="demo-banner"' in client_for(None).get(reverse("home")).content.decode()
    with override_settings(DEMO_MODE=False, DEMO_DATABASE=False, DEMO_TASKS=False):
        assert 'data-testid="demo-banner"' not in client_for(None).get(reverse("home")).content.decode()


# The whole demo takes minutes to seed twice: it runs on one date, the one where its months of history cross a
# year into one with no holiday schedule; the per-app demo tests run under every date.
@pytest.mark.parametrize("any_day", ["new-years-eve"], indirect=True)
def test_seed_demo_is_idempotent_and_believable(capsys):
    call_command("seed_demo")
    counts = (
        Unit.objects.count(),
        User.objects.count(),
        Certificate.objects.count(),
        AuditEvent.objects.count(),
    )
    call_command("seed_demo")
    assert (
        Unit.objects.count(),
        User.objects.count(),
        Certificate.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert Unit.objects.filter(kind=Unit.Kind.TOWN).count() >= 4
    assert Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).count() >= 8
    assert Secondment.objects.exists()
    officer = User.objects.get(username="shiyoulu_officer")
    assert officer.has_role("officer")
    from django.utils import timezone

    from enforcement.officers import officer_may_act

    assert officer_may_act(officer, timezone.localdate())
    assert not officer_may_act(User.objects.get(username="shiyoulu_officer3"), timezone.localdate())
    assert "shiyoulu_officer" in capsys.readouterr().out
    assert audit_verify().ok
