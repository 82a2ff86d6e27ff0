"""A warning's facts read as a person reads them: amounts grouped as on every page of the site (zh-hans has no
grouping of its own), codes left as written, dates in the reader's format."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from supervision.facts import show_value


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_amounts_are_grouped_in_both_languages_and_show_fen_only_when_there_are_any(language):
    with translation.override(language):
        assert show_value("10100.00", "fine") == "10,100"
        assert show_value("10100.50", "fine") == "10,100.50"
        assert show_value(Decimal("2500"), "tier_max") == "2,500"
        assert show_value(5000, "cap") == "5,000"
        assert show_value(3, "visits") == "3"
        assert show_value("-1200", "days") == "-1,200"


def test_codes_and_numbers_stay_as_written():
    assert show_value("500103001000", "item_code") == "500103001000"
    assert show_value("2026001", "case_number") == "2026001"


def test_dates_yes_no_and_lists():
    with translation.override("en"):
        assert show_value(True) == "Yes"
        assert show_value(None) == "—"
        assert show_value(["2026-03-01", "2026-04-02"], "dates") != "2026-03-01; 2026-04-02"
    with translation.override("zh-hans"):
        assert show_value(dt.date(2026, 3, 1).isoformat(), "on") == "2026年3月1日"
