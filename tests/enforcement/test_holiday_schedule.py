"""From 1 November, district administrators are told to load next year's State Council holiday schedule."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from enforcement.calendar import is_provisional, schedule_missing_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_holiday_schedule")]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI), tick=False)


def _load_2027(tmp_path) -> None:
    schedule = tmp_path / "2027.csv"
    schedule.write_text("date,is_working_day,name,source\n2027-01-01,0,元旦,测试通知\n", encoding="utf-8")
    call_command("import_holidays", str(schedule))


def test_which_year_is_missing_and_which_dates_are_provisional(tmp_path):
    assert schedule_missing_for(dt.date(2026, 10, 31)) is None
    assert schedule_missing_for(dt.date(2026, 11, 1)) == 2027
    assert schedule_missing_for(dt.date(2026, 12, 31)) == 2027
    assert schedule_missing_for(dt.date(2028, 2, 29)) == 2028  # the current year itself has no schedule
    assert not is_provisional(dt.date(2026, 12, 31)) and is_provisional(dt.date(2027, 1, 4))
    assert not is_provisional(None)
    _load_2027(tmp_path)
    assert schedule_missing_for(dt.date(2026, 11, 1)) is None
    assert not is_provisional(dt.date(2027, 1, 4))


@pytest.mark.parametrize(
    "day, shown",
    [(dt.date(2026, 10, 31), False), (dt.date(2026, 11, 1), True), (dt.date(2026, 12, 31), True)],
)
def test_the_banner_shows_district_administrators_from_november(cast, client_for, day, shown):
    with _at(day):
        page = client_for(cast.admin).get(reverse("home"), {"lang": "zh-hans"}).content.decode()
    assert ('data-testid="holiday-banner"' in page) is shown
    if shown:
        assert "2027年国务院节假日安排尚未导入" in page and "import_holidays" in page


def test_officers_and_the_public_do_not_see_the_banner(cast, client_for):
    with _at(dt.date(2026, 12, 6)):
        for user in (cast.officer_a, cast.supervisor_a, cast.responder, None):
            page = client_for(user).get(reverse("home")).content.decode()
            assert 'data-testid="holiday-banner"' not in page


def test_the_banner_goes_once_next_years_schedule_is_loaded(cast, client_for, tmp_path):
    _load_2027(tmp_path)
    with _at(dt.date(2026, 12, 6)):
        page = client_for(cast.admin).get(reverse("home")).content.decode()
    assert 'data-testid="holiday-banner"' not in page
