from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

# Run today and under each of the frozen dates in tests/conftest.py (FROZEN_DAYS).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def test_banner_shows_in_demo_mode_only(client_for, db):
    with override_settings(DEMO_MODE=True, DEMO_DATABASE=True, DEMO_TASKS=True):
        assert 'data-testid="demo-banner"' in client_for(None).get(reverse("home")).content.decode()
    with override_settings(DEMO_MODE=False, DEMO_DATABASE=False, DEMO_TASKS=False):
        assert 'data-testid="demo-banner"' not in client_for(None).get(reverse("home")).content.decode()
