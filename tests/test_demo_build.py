"""The whole demo, built once through `seed_demo --small` (every seeder, every case stage, fewer cases) and
checked app by app, then built again: the second run changes nothing and the audit chain holds.

One build serves every app's checks: building the demo is the slowest thing the suite does. It runs on the
frozen date where its months of history cross into a year with no holiday schedule; the per-app demo tests run
under every date."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from authority.models import EnforcementItem
from demo import discretion as demo_discretion
from discretion.models import Benchmark
from discretion.recommend import recommend
from enforcement.audit import audit_verify
from enforcement.models import AuditEvent, Certificate, Secondment, Unit, User
from enforcement.officers import officer_may_act

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def _counts() -> tuple[int, ...]:
    return (
        Unit.objects.count(),
        User.objects.count(),
        Certificate.objects.count(),
        AuditEvent.objects.count(),
        Benchmark.objects.count(),
        Benchmark.objects.filter(status="published").count(),
    )


def _check_core(out: str) -> None:
    assert Unit.objects.filter(kind=Unit.Kind.TOWN).count() >= 4
    assert Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).count() >= 8
    assert Secondment.objects.exists()
    officer = User.objects.get(username="shiyoulu_officer")
    assert officer.has_role("officer")
    assert officer_may_act(officer, timezone.localdate())
    assert not officer_may_act(User.objects.get(username="shiyoulu_officer3"), timezone.localdate())
    assert "shiyoulu_officer" in out  # the logins are printed


def _check_discretion() -> None:
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
    assert {t["code"] for t in demo_discretion.TABLES} <= set(
        written
    )  # every hand-written table fits its item
    assert Benchmark.objects.filter(status="published", is_generated=True).count() == len(
        demo_discretion.CONFIRM_GENERATED
    )
    assert Benchmark.objects.filter(status="generated").count() >= 50
    assert Benchmark.objects.filter(item__code="CQ-CG-001", status="published").count() == 2
    assert Benchmark.objects.filter(item__code="CQ-CG-003", status="draft").exists()
    rec = recommend(
        EnforcementItem.objects.get(district__code="500103", code="CQ-XF-001"), {"values": {"quantity": 3}}
    )
    assert rec.tier.level == "grave" and rec.citation.document_number == "渝中司发〔2024〕15号"


@pytest.mark.parametrize("any_day", ["new-years-eve"], indirect=True)
def _check_figures() -> None:
    """The demo district's dashboard has figures to show: the aggregates were counted when the demo was built,
    and its city supervisor reads them."""
    from figures.selectors import Period, dashboard_for

    city_supervisor = User.objects.get(username="city_supervisor")
    district = Unit.objects.get(code="500103-SFJ").district
    assert district.city is not None
    board = dashboard_for(
        user=city_supervisor,
        level="district",
        pk=district.pk,
        period=Period.ending(timezone.localdate(), 12),
    )
    assert board.total.cases_closed > 0 and board.total.median_days is not None
    assert board.total.decisions_benchmarked > 0 and board.total.inspections > 0
    assert board.reconciled_at is not None


def _check_fences(out: str) -> None:
    """The supervisor's desk is not empty: the real sweeps ran over the demo (late deadlines and whistle
    responses, unused items), the fences before an action left their rows while the cases were replayed, the
    town supervisors reviewed a few, and the warnings reached the supervisors' bell and the figures."""
    from enforcement.models import FenceWarning
    from supervision.selectors import desk_queue
    from whistles.models import Notification

    assert "fences: the sweeps raised" in out
    rules = set(FenceWarning.objects.values_list("rule", flat=True))
    assert {"cases.review_without_evidence", "authority.zombie_item"} <= rules
    assert any(r.startswith("cases.deadline.") for r in rules)
    # The small demo may decide no fine outside the tier; what there is was reviewed as the full demo does.
    deviations = FenceWarning.objects.filter(rule="discretion.deviation").exclude(reason="")
    assert not deviations.exists() or deviations.filter(status="justified").exists()
    late_payments = FenceWarning.objects.filter(rule="cases.deadline.payment", severity="warning")
    assert not late_payments.exists() or late_payments.filter(status="confirmed").count() == 1
    supervisor = User.objects.get(username="shiyoulu_supervisor")
    assert desk_queue(user=supervisor).filter(severity="warning").exists()
    assert Notification.objects.filter(recipient=supervisor, kind="fence_raised").exists()


def test_the_demo_builds_believably_and_a_second_build_changes_nothing(capsys):
    call_command("seed_demo", small=True)
    out = capsys.readouterr().out
    _check_core(out)
    _check_discretion()
    _check_figures()
    _check_fences(out)
    counts = _counts()
    call_command("seed_demo", small=True)
    assert _counts() == counts
    assert audit_verify().ok
