"""working_days_between is arithmetic over the schedule's exceptions (issue 18): it answers as the day-by-day
walk it replaced did. Independent of today, so these run once rather than under each frozen day."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from enforcement.calendar import is_working_day, working_days_between

D = dt.date.fromisoformat

pytestmark = pytest.mark.usefixtures("shipped_holiday_schedule")


def _walked(start: dt.date, end: dt.date) -> int:
    """The day-by-day count working_days_between made before."""
    if end >= start:
        return sum(is_working_day(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))
    return -sum(is_working_day(end + dt.timedelta(days=i)) for i in range((start - end).days))


def test_counts_as_the_day_by_day_walk_did():
    """Every start from December 2023 to January 2027 (three Spring Festivals and National Days with their
    make-up weekends, and the years without a schedule on either side), every distance up to five weeks each
    way, and some a year or two long."""
    first, last = D("2023-12-01"), D("2027-01-31")
    compared = 0
    for offset in range((last - first).days + 1):
        start = first + dt.timedelta(days=offset)
        for n in [*range(-35, 36), -800, -370, 370, 800] if offset % 7 == 0 else range(-35, 36):
            end = start + dt.timedelta(days=n)
            assert working_days_between(start, end) == _walked(start, end), (start, end)
            compared += 1
    assert compared > 80_000


def test_spring_festival_and_its_make_up_days():
    # 2026: rest 15-23 February, worked Saturday 14 and Saturday 28 February.
    assert working_days_between(D("2026-02-13"), D("2026-02-14")) == 1  # the make-up Saturday
    assert working_days_between(D("2026-02-14"), D("2026-02-23")) == 0
    assert working_days_between(D("2026-02-13"), D("2026-03-02")) == 7  # 14, 24-27, 28, 2 March


def test_warns_for_the_years_the_walk_reached(caplog):
    with caplog.at_level(logging.WARNING, logger="enforcement.calendar"):
        assert working_days_between(D("2026-12-31"), D("2026-12-31")) == 0
        assert working_days_between(D("2027-01-01"), D("2026-12-31")) == -1  # counts the 31st only
        assert not caplog.records
        assert working_days_between(D("2026-12-31"), D("2027-01-04")) == 2  # the 1st and the 4th
    assert len(caplog.records) == 1
    assert "2027" in caplog.records[0].getMessage()
