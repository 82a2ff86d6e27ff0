"""The demo's notices and decisions record the circumstances the officers found and, once, a decision below
the tier with its written reason (art 34), through the same step a user's form reaches, so the decision's
reasons read as a real town's would: not only the tier."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from cases.document_text import discretion_text, factor_names
from cases.models import Case, CaseEvent
from demo import case_replay as demo_cases

from .test_demo import demo_district  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]  # the demo is built back from today


def test_demo_decisions_give_circumstances_and_one_deviation_with_its_reason(demo_district):  # noqa: F811
    out = io.StringIO()
    demo_cases.seed(out, count=80, photos=0, documents=0)
    assert "no step was refused" in out.getvalue(), out.getvalue()
    district = Case.objects.filter(district__code=demo_cases.DISTRICT_CODE)

    notified = list(district.exclude(notice_served_on=None))
    found = [c for c in notified if c.facts.get("factors")]
    assert found and len(found) < len(notified)  # some, not all
    for case in found:
        # recorded by the notice step itself (its timeline event), as the form's ticks are
        event = CaseEvent.objects.get(case=case, action="serve_notice")
        assert event.data["factors"] == case.facts["factors"]

    decided = [c for c in found if c.decided_on and c.fine is not None]
    assert decided
    for case in decided:
        text = discretion_text(case, case.fine)
        assert "本案存在" in text and all(name in text for name in factor_names(case)), text
        assert case.deviation_reason == "" or case.deviation_reason == demo_cases.DEVIATION_REASON

    (below,) = district.filter(deviation_reason=demo_cases.DEVIATION_REASON)
    assert below.deviation_kind == "lighter"
    assert "refused_correct" not in below.facts.get("factors", [])  # the reason speaks of one who stopped
    statutory_min = below.item.fine_min or Decimal("0")  # an item may name only a maximum
    assert statutory_min <= below.fine < Decimal(str(below.recommendation["fine_min"]))
    assert below.fine <= below.proposed_fine  # never heavier than the notice (art 45)
    assert "裁量理由：" + demo_cases.DEVIATION_REASON in discretion_text(below, below.fine)

    # Every other decision follows the benchmark's tier: inside its range, and no fine where the tier names
    # none (a tier of warnings: the officer gives the warning, not the middle of the statutory range).
    outside = []
    for case in district.exclude(decided_on=None).exclude(recommendation={}):
        record = case.recommendation
        if not record.get("punish"):
            continue
        low, high = record.get("fine_min"), record.get("fine_max")
        if low is None and high is None:
            if case.fine is not None:
                outside.append((case.reference, case.fine, record.get("tier"), low, high, case.proposed_fine))
        elif case.fine is not None and not case.deviation_reason:
            above = high is not None and case.fine > Decimal(str(high))
            if above or (low is not None and case.fine < Decimal(str(low))):
                outside.append((case.reference, case.fine, record.get("tier"), low, high, case.proposed_fine))
    assert outside == [], outside
