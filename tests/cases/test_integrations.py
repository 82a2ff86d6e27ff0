"""What cases register with other apps: the party's history, item use, and the whistle origin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from authority.usage import usage_sources
from cases.integrations import case_usage
from cases.lifecycle import case_act
from discretion.history import HistoryQuery, party_history
from enforcement.origins import resolve_origin
from tests.cases.test_workflow import PAID_BELOW_TIER, declared_lead

pytestmark = pytest.mark.django_db


def test_decided_cases_are_the_partys_history_across_towns(cast, stall_item):
    case = declared_lead(cast, stall_item)
    case_act(
        actor=cast.officer_a,
        case=case,
        action="on_spot",
        data=PAID_BELOW_TIER,
    )
    case.refresh_from_db()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    history = party_history(
        HistoryQuery(district_id=cast.district.pk, before=tomorrow, identifier=case.party_identifier)
    )
    assert history is not None and [p.reference for p in history] == [case.number]
    assert history[0].penalised and history[0].item_code == stall_item.code
    # the day of the decision itself is not "before"
    assert (
        party_history(
            HistoryQuery(
                district_id=cast.district.pk, before=case.decided_on, identifier=case.party_identifier
            )
        )
        == ()
    )


def test_filed_cases_count_as_use_of_the_item(cast, make_case, stall_item):
    make_case("investigating")
    make_case("lead")  # not filed: no use yet
    assert "cases" in {s.key for s in usage_sources()}
    today = timezone.localdate()
    counts = case_usage(cast.district, today - dt.timedelta(days=30), today)
    assert counts[(stall_item.pk, cast.town_a.pk)].count == 1


def test_whistle_origin_resolves_only_for_those_who_see_the_case(cast, make_case):
    case = make_case("investigating")
    origin = resolve_origin(cast.officer_a, "case", str(case.pk))
    assert origin is not None and origin.label == case.number and origin.item_id == case.item_id
    assert resolve_origin(cast.officer_b, "case", str(case.pk)) is None
