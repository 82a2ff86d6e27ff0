"""One money format: pages, lists, messages and the benchmark's wording write "5,000元" / "2,000–3,500元"
(enforcement.money); documents write "人民币5,000.00元（大写：伍仟元整）" (cases.numerals.document_amount)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.numerals import document_amount
from discretion.validation import money as discretion_money
from enforcement.money import figures, yuan, yuan_range

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "text"),
    [("5000", "5,000"), ("1234.5", "1,234.50"), ("0.05", "0.05"), ("100000", "100,000"), (None, "—")],
)
def test_figures_are_written_one_way(amount, text):
    assert figures(amount) == text
    assert discretion_money(None if amount is None else Decimal(amount)) == text  # the same helper


def test_the_words_around_them_in_both_languages():
    with translation.override("zh-hans"):
        assert yuan(Decimal("5000")) == "5,000元"
        assert yuan_range(Decimal("2000"), Decimal("3500")) == "2,000–3,500元"
        assert yuan_range(None, Decimal("500")) == "500元以下"
    with translation.override("en"):
        assert yuan(Decimal("5000")) == "5,000 yuan"
        assert yuan_range(Decimal("2000"), Decimal("3500")) == "2,000–3,500 yuan"
    assert document_amount(Decimal("5000")) == "人民币5,000.00元（大写：伍仟元整）"


def test_the_case_page_writes_the_fines_in_the_one_format(cast, make_case, client_for):
    case = make_case(
        "decided",
        notice_served_on=timezone.localdate(),
        proposed_kinds=["fine"],
        proposed_fine=Decimal("3500"),
        decided_on=timezone.localdate(),
        penalty_kinds=["fine"],
        fine=Decimal("3500.00"),
    )
    html = client_for(cast.officer_a).get(reverse("cases:case", args=[case.pk]) + "?lang=zh-hans").content
    text = html.decode()
    assert "3,500元" in text
    assert not re.search(r"3500(\.00)? ?元", text)
