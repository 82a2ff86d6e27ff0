"""The case list's rows are written out by hand for speed (CaseListItemSerializer.to_representation, issue
18): they must be what DRF's generic walk over the declared fields gives, in both languages, with and without
an item."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation
from rest_framework import serializers

from cases.api.serializers.cases import CaseListItemSerializer, case_list_rows
from cases.models import Case
from cases.selectors import case_page_for, case_rows_page_for

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


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_rows_from_values_equal_the_serializer_page_by_page(cast, make_case, lang, zone):
    """The API's list writes its rows from plain values (case_rows_page_for, case_list_rows): the same rows,
    order and cursors as the serializer over case_page_for's cases, a lead (no number) and a case without an
    item included, in both languages and in and out of UTC."""
    for stage in ("investigating", "decided", "lead", "filing_review", "investigating"):
        make_case(stage)
    Case.objects.filter(pk=make_case("lead").pk).update(item=None, number="")
    with translation.override(lang), timezone.override(zone):
        after, pages = "", 0
        while True:
            models = case_page_for(user=cast.officer_a, after=after, size=2)
            values = case_rows_page_for(user=cast.officer_a, after=after, size=2)
            assert case_list_rows(values.rows) == [dict(CaseListItemSerializer(c).data) for c in models.cases]
            assert (values.next_cursor, values.has_next) == (models.next_cursor, models.has_next)
            pages += 1
            if not models.has_next:
                break
            after = models.next_cursor
    assert pages == 3
    assert any(not c.number for c in Case.objects.all()) and Case.objects.filter(item=None).exists()
