"""The demo: every item of 渝中区 gets a benchmark; hand-written tables are sound; running twice changes
nothing."""

from __future__ import annotations

import io

import pytest

from demo import discretion as demo
from discretion.models import Benchmark

# Run today and under each of the frozen dates in tests/conftest.py (FROZEN_DAYS).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def test_seed_without_items_seeds_nothing(db):
    from demo.core import seed_core

    seed_core()
    out = io.StringIO()
    demo.seed(out)
    assert "nothing seeded" in out.getvalue() and not Benchmark.objects.exists()
