"""The demo: every item of 渝中区 gets a benchmark; hand-written tables are sound; running twice changes
nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from authority.models import EnforcementItem
from demo import discretion as demo
from discretion.models import Benchmark
from discretion.recommend import recommend
from enforcement.audit import audit_verify

# Run today and under each of the frozen dates in tests/conftest.py (FROZEN_DAYS).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def test_seed_without_items_seeds_nothing(db):
    from demo.core import seed_core

    seed_core()
    out = io.StringIO()
    demo.seed(out)
    assert "nothing seeded" in out.getvalue() and not Benchmark.objects.exists()


# The whole demo takes minutes to seed twice: this one runs today only (the core's seed test takes a frozen
# date).
@pytest.mark.parametrize("any_day", ["today"], indirect=True)
def test_every_demo_item_has_a_benchmark_and_the_seed_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    items = EnforcementItem.objects.filter(district__code="500103")
    assert items.count() >= 90
    without = [
        i.code
        for i in items
        if not Benchmark.objects.filter(item=i, status__in=["published", "generated"]).exists()
    ]
    assert without == []
    written = Benchmark.objects.filter(
        item__district__code="500103", status="published", is_generated=False
    ).values_list("item__code", flat=True)
    assert {t["code"] for t in demo.TABLES} <= set(written)  # every hand-written table fits its item
    assert Benchmark.objects.filter(status="published", is_generated=True).count() == len(
        demo.CONFIRM_GENERATED
    )
    assert Benchmark.objects.filter(status="generated").count() >= 50
    assert Benchmark.objects.filter(item__code="CQ-CG-001", status="published").count() == 2
    assert Benchmark.objects.filter(item__code="CQ-CG-003", status="draft").exists()
    counts = (Benchmark.objects.count(), Benchmark.objects.filter(status="published").count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Benchmark.objects.count(), Benchmark.objects.filter(status="published").count()) == counts
    assert audit_verify().ok
    rec = recommend(
        EnforcementItem.objects.get(district__code="500103", code="CQ-XF-001"), {"values": {"quantity": 3}}
    )
    assert rec.tier.level == "grave" and rec.citation.document_number == "渝中司发〔2024〕15号"
