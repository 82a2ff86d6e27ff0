"""`{% deadline_status %}` kept per process (issue 18): what it keeps is what it works out afresh, in both
languages, for every distance, label and state; a calendar reloaded after an import shows at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import override

from enforcement import calendar
from enforcement.models import CalendarDay
from enforcement.templatetags import deadlines

pytestmark = pytest.mark.django_db


def test_what_is_kept_is_what_is_worked_out():
    today = dt.date(2026, 12, 7)
    deadlines._held.clear()
    for lang in ("zh-hans", "en"):
        with override(lang):
            for offset in range(-12, 45, 1):
                due = today + dt.timedelta(days=offset)
                for label in ("", "陈述申辩期限", "Statement deadline"):
                    for done in (False, True):
                        fresh = deadlines._deadline_status(due, label, done, today)
                        first = deadlines.deadline_status(due, label, done, today=today)
                        again = deadlines.deadline_status(due, label, done, today=today)
                        assert first == again == fresh
    assert deadlines.deadline_status(None) == ""


def test_today_is_the_clocks_when_not_given():
    from enforcement import clock

    due = clock.today() + dt.timedelta(days=3)
    assert deadlines.deadline_status(due, "x") == deadlines._deadline_status(due, "x", False, clock.today())


def test_a_calendar_reloaded_shows_at_once(monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(calendar, "RECHECK_SECONDS", 0.0)
    calendar.reset_calendar_cache()
    today = dt.date(2026, 12, 28)  # a Monday
    due = dt.date(2026, 12, 31)  # a Thursday no notice has touched
    before = deadlines.deadline_status(due, "", today=today)
    CalendarDay.objects.create(date=dt.date(2026, 12, 30), is_working_day=False, name="test", source="test")
    cache.set(calendar.CALENDAR_VERSION_KEY, "bumped-by-another-process", timeout=None)
    after = deadlines.deadline_status(due, "", today=today)
    assert after != before
    assert after == deadlines._deadline_status(due, "", False, today)
    calendar.reset_calendar_cache()
