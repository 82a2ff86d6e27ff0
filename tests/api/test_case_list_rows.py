"""The case list's rows are written out by hand for speed (CaseListItemSerializer.to_representation, issue
18): they must be what DRF's generic walk over the declared fields gives, in both languages, with and without
an item."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework import serializers

from cases.api.serializers.cases import CaseListItemSerializer
from cases.models import Case
from cases.selectors import case_page_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_written_out_rows_equal_the_generic_serializer(cast, make_case, lang):
    make_case("investigating")
    Case.objects.filter(pk=make_case("lead").pk).update(item=None)
    with translation.override(lang):
        rows = case_page_for(user=cast.officer_a).cases
        assert len(rows) == 2
        assert any(r.item_id is None for r in rows) and any(r.item_id is not None for r in rows)
        for case in rows:
            fast = CaseListItemSerializer(case).data
            generic = serializers.ModelSerializer.to_representation(CaseListItemSerializer(case), case)
            assert dict(fast) == dict(generic)
            assert fast["stage_label"] == str(case.get_stage_display())


def test_stage_labels_follow_the_language(cast, make_case):
    case = make_case("investigating")
    with translation.override("en"):
        english = case.get_stage_display()
    with translation.override("zh-hans"):
        chinese = case.get_stage_display()
    assert english == "Investigating" or english != chinese
    assert english != chinese
