"""The demo cases: replayed through the services over eight months, every stage reached, idempotent."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.workflow import Stage
from demo import case_replay as demo_cases

# Run today and under each of the frozen dates in tests/conftest.py (FROZEN_DAYS).
pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("any_day")]


@pytest.fixture
def demo_district(db):
    """The core demo district, its catalog and its benchmarks (what runs before the cases in seed_demo)."""
    import demo.authority
    import demo.discretion
    from demo.core import seed_core

    seed_core()
    out = io.StringIO()
    demo.authority.seed(out)
    demo.discretion.seed(out)


def test_seeding_twice_gives_the_same_cases_every_stage_in_order_in_the_past(demo_district):
    out = io.StringIO()
    demo_cases.seed(out, count=40, photos=3, documents=1)
    report = out.getvalue()
    district_cases = Case.objects.filter(district__code=demo_cases.DISTRICT_CODE)
    count = district_cases.count()
    assert count == 40, report
    stages = set(district_cases.values_list("stage", flat=True))
    # Transfers raise whistles, so they are made only when the whistle demo ran first (not here).
    assert stages == set(Stage.values) - {Stage.TRANSFERRED}, report
    assert district_cases.filter(procedure="simple").exists()
    assert district_cases.filter(evidence__isnull=False).distinct().count() >= 1
    assert district_cases.filter(documents__isnull=False).count() == 1
    assert "no step was refused" in report, report

    out = io.StringIO()
    demo_cases.seed(out)
    assert district_cases.count() == count
    assert "already has 40 cases" in out.getvalue()
    _happened_in_order_and_in_the_past()


def _happened_in_order_and_in_the_past() -> None:
    now = timezone.now()
    cases = list(Case.objects.filter(district__code=demo_cases.DISTRICT_CODE))
    oldest = min(c.created_at for c in cases)
    assert (now - oldest).days > 120  # months of history, not one afternoon
    for case in cases:
        moments = list(
            CaseEvent.objects.filter(case=case)
            .exclude(action__in=["evidence", "document"])
            .order_by("pk")
            .values_list("at", flat=True)
        )
        assert moments == sorted(moments) and moments[-1] <= now, case.pk
        assert moments[0] == case.created_at
    # Numbers are given in the order the cases were filed (or decided on the spot), per town and year: the
    # history crosses New Year whenever the suite runs in the first months of a year (the frozen dates make
    # sure it does).
    for town_id in {c.town_id for c in cases}:
        numbered = sorted(
            (c for c in cases if c.town_id == town_id and c.sequence), key=lambda c: (c.year, c.sequence)
        )
        days = [c.filed_on or c.decided_on for c in numbered]
        assert days == sorted(days), [c.number for c in numbered]
        assert all(str(c.year) in c.number and (c.filed_on or c.decided_on).year == c.year for c in numbered)


def test_the_demo_labels_its_hotline_tickets_through_the_service_once(demo_district):
    """Issue 15: the demo officer labels ten of the twelve tickets (two conducts on the night market, the loan
    and the praise name no item), each with an audit row; seeding again labels nothing more."""
    from django.core.management import call_command

    import demo.cases
    from cases.models import ComplaintLabel
    from enforcement.models import AuditEvent

    demo.cases.seed_matching(io.StringIO())
    demo.cases._seed_complaints(io.StringIO())
    demo.cases._seed_labels(io.StringIO())
    labels = {
        label.complaint.external_id: label for label in ComplaintLabel.objects.select_related("complaint")
    }
    assert len(labels) == 10 and not set(labels) & demo.cases.UNLABELLED
    assert labels["12345-DEMO-0007"].codes == ["CQ-CG-001", "CQ-HJ-002"]
    assert {labels[t].none_reason for t in demo.cases.NONE} == {"not_violation"}
    assert all(label.labelled_by.username == demo.cases.OFFICER for label in labels.values())
    assert AuditEvent.objects.filter(action="cases.complaint.label").count() == 10
    demo.cases._seed_labels(io.StringIO())
    assert ComplaintLabel.objects.count() == 10
    out = io.StringIO()
    call_command("match_eval", from_labels=True, district="500103", stdout=out)
    assert "10 descriptions" in out.getvalue() and "top-1" in out.getvalue()
