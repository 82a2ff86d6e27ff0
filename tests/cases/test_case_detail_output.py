"""The API's case is written out by hand for speed (CaseDetailSerializer.to_representation and its method
fields, issue 18): it must be what DRF's generic walk over the declared fields gives, and the officers,
deadlines and recommendation what their own serializers give, in both languages, for a case without an item,
one under investigation and one decided with its fine, paid, with coordinates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from rest_framework import serializers

from cases import rules
from cases.api.serializers.cases import (
    CaseDetailSerializer,
    CaseOfficerSerializer,
    DeadlineSerializer,
    RecommendationSerializer,
)
from cases.deadlines import deadline_rows
from cases.models import Case
from cases.selectors import case_get_for, case_recommendation

pytestmark = pytest.mark.django_db


def _cases(cast, make_case) -> list[Case]:
    lead = make_case("lead")
    Case.objects.filter(pk=lead.pk).update(item=None)
    investigating = make_case(
        "investigating", latitude=Decimal("29.5630100"), longitude=Decimal("106.5515600")
    )
    today = timezone.localdate()
    decided = make_case(
        "served",
        notice_served_on=today - dt.timedelta(days=4),
        proposed_kinds=["fine"],
        proposed_fine=Decimal("800"),
        decided_on=today - dt.timedelta(days=2),
        decided_by=cast.officer_a,
        penalty_kinds=["fine"],
        fine=Decimal("800.5"),
        served_on=today - dt.timedelta(days=1),
        service_method="direct",
        payment_due=today + dt.timedelta(days=14),
        paid_on=today,
        amount_paid=Decimal("800.50"),
        late_fee=Decimal("0"),
        facts={"factors": ["first_violation"], "values": {"illegal_gains": "120.00"}},
    )
    return [case_get_for(user=cast.officer_a, pk=c.pk) for c in (lead, investigating, decided)]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_written_out_case_equals_the_generic_serializer(cast, make_case, lang):
    with translation.override(lang):
        for case in _cases(cast, make_case):
            recommendation = case_recommendation(case, cached=True) if case.item_id else None
            context = {
                "deadlines": deadline_rows(case),
                "available_actions": rules.available_actions(cast.officer_a, case),
                "recommendation": recommendation,
                "permissions": {"edit": True, "add_evidence": False},
            }
            fast = CaseDetailSerializer(case, context=context).data
            generic_serializer = CaseDetailSerializer(case, context=context)
            generic = serializers.ModelSerializer.to_representation(generic_serializer, case)
            assert list(fast) == list(generic)
            assert dict(fast) == dict(generic)
            # The method fields, against the serializers that describe them in the schema.
            assert fast["officers"] == list(CaseOfficerSerializer(case.officers.all(), many=True).data)
            assert fast["officers"] and fast["officers"][0]["officer"]["name"]
            assert fast["deadlines"] == list(DeadlineSerializer(context["deadlines"], many=True).data)
            if recommendation is None:
                assert fast["recommendation"] is None
            else:
                assert (
                    fast["recommendation"]
                    == RecommendationSerializer(
                        {
                            "summary": recommendation.summary(),
                            "explain": recommendation.explain(),
                            "punish": recommendation.punish,
                            "tier_level": recommendation.tier_level,
                            "penalty_kinds": list(recommendation.penalty_kinds),
                            "fine_min": recommendation.fine_min,
                            "fine_max": recommendation.fine_max,
                            "fine_suggested": recommendation.fine_suggested,
                        }
                    ).data
                )
            assert fast["stage_label"] == str(case.get_stage_display())


def test_the_decided_case_carries_its_money_as_decimal_strings(cast, make_case):
    decided = _cases(cast, make_case)[2]
    data = CaseDetailSerializer(decided, context={}).data
    assert data["fine"] == "800.50" and data["amount_paid"] == "800.50"
    assert data["decided_by"] == {
        "id": cast.officer_a.pk,
        "username": cast.officer_a.username,
        "name": str(cast.officer_a),
    }
    assert data["reviewed_by"] is None and data["complaint"] is None
