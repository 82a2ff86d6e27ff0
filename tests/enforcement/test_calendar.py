"""Working days and legal deadlines against the State Council schedules (enforcement/holidays/cn.csv)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import logging
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from enforcement import calendar
from enforcement.calendar import (
    add_days,
    add_working_days,
    covered_until,
    is_working_day,
    reset_calendar_cache,
    working_days_between,
)
from enforcement.models import CalendarDay

CSV_PATH = Path(settings.BASE_DIR) / "enforcement" / "holidays" / "cn.csv"
D = dt.date.fromisoformat

# Run today and under each of the frozen dates in tests/conftest.py (FROZEN_DAYS).
pytestmark = pytest.mark.usefixtures("any_day")


def _import(path: Path | str) -> str:
    out = StringIO()
    call_command("import_holidays", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def holidays(db: None):
    """The shipped schedule, whatever an earlier transactional test on this worker flushed; a fresh cache each
    test."""
    reset_calendar_cache()
    _import(CSV_PATH)
    yield
    reset_calendar_cache()


def _csv_rows() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_weekends_rest_and_weekdays_work_outside_holidays():
    assert is_working_day(D("2026-11-23"))  # Monday
    assert is_working_day(D("2026-11-27"))  # Friday
    assert not is_working_day(D("2026-11-28"))  # Saturday
    assert not is_working_day(D("2026-11-29"))  # Sunday


def test_public_holidays_on_weekdays_are_rest_days():
    assert not is_working_day(D("2025-10-01"))  # National Day, Wednesday
    assert not is_working_day(D("2025-10-08"))  # last day of the 2025 National Day and Mid-Autumn holiday
    assert not is_working_day(D("2026-01-02"))  # New Year 2026, Friday
    assert not is_working_day(D("2026-02-23"))  # Spring Festival 2026, Monday
    assert is_working_day(D("2025-10-09"))


def test_make_up_saturdays_and_sundays_are_working_days():
    assert is_working_day(D("2026-02-14"))  # Saturday before Spring Festival 2026
    assert is_working_day(D("2026-02-28"))  # Saturday after it
    assert is_working_day(D("2025-01-26"))  # Sunday before Spring Festival 2025
    assert is_working_day(D("2026-10-10"))  # Saturday after National Day 2026
    assert not is_working_day(D("2026-02-21"))  # an ordinary Saturday inside the holiday stays a rest day


def test_add_working_days_across_spring_festival_2026():
    assert add_working_days(D("2026-02-13"), 0) == D("2026-02-13")
    assert add_working_days(D("2026-02-13"), 1) == D("2026-02-14")  # the make-up Saturday
    assert add_working_days(D("2026-02-13"), 2) == D("2026-02-24")  # the 15th to the 23rd are off
    # 24th to 27th Tuesday to Friday, then the make-up Saturday 28th
    assert add_working_days(D("2026-02-13"), 6) == D("2026-02-28")
    assert add_working_days(D("2026-02-13"), 7) == D("2026-03-02")


def test_add_working_days_across_national_day_2025():
    assert add_working_days(D("2025-09-26"), 1) == D("2025-09-28")  # make-up Sunday
    assert add_working_days(D("2025-09-30"), 1) == D("2025-10-09")
    assert add_working_days(D("2025-09-30"), 3) == D("2025-10-11")  # 9th, 10th, make-up Saturday 11th
    assert add_working_days(D("2025-09-30"), 7) == D("2025-10-16")


def test_add_working_days_counts_back_for_negative_n():
    assert add_working_days(D("2026-02-24"), -1) == D("2026-02-14")
    assert add_working_days(D("2025-10-09"), -1) == D("2025-09-30")


def test_working_days_between():
    assert working_days_between(D("2026-02-13"), D("2026-02-13")) == 0
    assert working_days_between(D("2026-02-13"), D("2026-02-24")) == 2
    assert working_days_between(D("2026-02-14"), D("2026-02-23")) == 0  # only holidays after the 14th
    # the 9th, the 10th and the make-up Saturday 11th
    assert working_days_between(D("2025-09-30"), D("2025-10-12")) == 3
    assert working_days_between(D("2026-02-24"), D("2026-02-13")) == -2


def test_add_days_calendar_rolls_a_last_day_off_the_holiday():
    assert add_days(D("2025-09-24"), 7, working=False) == D("2025-10-09")  # 1 Oct ends nothing; the 9th does
    assert add_days(D("2026-11-14"), 7, working=False) == D("2026-11-23")  # Saturday 21st -> Monday 23rd
    assert add_days(D("2026-02-07"), 7, working=False) == D("2026-02-14")  # a make-up Saturday ends a period
    assert add_days(D("2026-11-16"), 3, working=False) == D("2026-11-19")
    assert add_days(D("2026-11-16"), 0, working=False) == D("2026-11-16")


def test_add_days_working_is_add_working_days():
    assert add_days(D("2026-02-13"), 2, working=True) == D("2026-02-24")
    with pytest.raises(ValueError):
        add_days(D("2026-02-13"), -1, working=False)


def test_outside_the_data_only_weekends_rest_and_a_warning_is_logged_once(caplog):
    assert covered_until() == D("2026-12-31")
    with caplog.at_level(logging.WARNING, logger="enforcement.calendar"):
        assert is_working_day(D("2030-01-01"))  # Tuesday; New Year 2030 is not loaded yet
        assert not is_working_day(D("2030-01-05"))
        assert add_working_days(D("2030-01-04"), 1) == D("2030-01-07")
    warnings = [r for r in caplog.records if "2030" in r.getMessage()]
    assert len(warnings) == 1


def test_no_query_per_call_once_loaded(django_assert_num_queries):
    is_working_day(D("2026-02-14"))
    with django_assert_num_queries(0):
        for _ in range(50):
            add_working_days(D("2026-02-13"), 5)
            is_working_day(D("2026-10-01"))


def test_another_process_import_is_seen_once_the_version_changes(monkeypatch):
    monkeypatch.setattr(calendar, "RECHECK_SECONDS", 0.0)
    new_years_eve = D("2026-12-31")  # a Thursday no notice has touched
    assert is_working_day(new_years_eve)
    CalendarDay.objects.create(date=new_years_eve, is_working_day=False, name="test", source="test")
    assert is_working_day(new_years_eve)  # this process still holds its copy: no query per call
    cache.set(calendar.CALENDAR_VERSION_KEY, "bumped-by-another-process", timeout=None)
    assert not is_working_day(new_years_eve)


def test_import_is_idempotent_and_counts_changes(tmp_path):
    assert CalendarDay.objects.count() == len(_csv_rows())
    out = _import(CSV_PATH)
    assert f"0 added, 0 changed, {len(_csv_rows())} unchanged" in out

    changed = tmp_path / "changed.csv"
    changed.write_text(
        "date,is_working_day,name,source\n"
        "2026-02-14,1,春节调休上班,国办发明电〔2025〕7号\n"  # as shipped
        "2026-02-15,0,春节（更正）,国办发明电〔2025〕7号\n"  # renamed
        "2027-01-01,0,元旦,test\n",  # new
        encoding="utf-8",
    )
    out = _import(changed)
    assert "1 added, 1 changed, 1 unchanged" in out
    assert CalendarDay.objects.get(date=D("2026-02-15")).name == "春节（更正）"
    assert not is_working_day(D("2027-01-01"))  # the importing process sees it at once
    assert covered_until() == D("2027-12-31")


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("2026-02-30,0,春节,x", "line 3: date '2026-02-30'"),
        ("2027-01-04,maybe,元旦,x", "line 3: is_working_day 'maybe'"),
        ("2027-01-04,0,,x", "line 3: name"),
        ("2027-01-01,1,元旦调休上班,x", "line 3: 2027-01-01 already given on line 2"),
    ],
)
def test_import_refuses_a_bad_row_and_writes_nothing(tmp_path, bad_line, message):
    before = list(
        CalendarDay.objects.order_by("date").values_list("date", "is_working_day", "name", "source")
    )
    path = tmp_path / "bad.csv"
    path.write_text(f"date,is_working_day,name,source\n2027-01-01,0,元旦,x\n{bad_line}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported") as excinfo:
        _import(path)
    assert message in str(excinfo.value)
    assert (
        list(CalendarDay.objects.order_by("date").values_list("date", "is_working_day", "name", "source"))
        == before
    )
    assert not CalendarDay.objects.filter(date=D("2027-01-01")).exists()


def test_import_refuses_a_file_without_the_columns(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("day,working\n2027-01-01,0\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1: missing column"):
        _import(path)
    assert not CalendarDay.objects.filter(date=D("2027-01-01")).exists()


def test_the_data_migration_was_applied_and_loads_the_shipped_schedule():
    """Transactional tests on the same worker flush the tables, so the migration's rows are checked by running
    its loader again on an emptied table with the historical models, after checking it ran when the test DB
    was built."""
    executor = MigrationExecutor(connection)
    assert ("enforcement", "0004_calendar_days_data") in executor.loader.applied_migrations
    migration = importlib.import_module("enforcement.migrations.0004_calendar_days_data")
    historical = executor.loader.project_state(("enforcement", "0004_calendar_days_data")).apps
    CalendarDay.objects.all().delete()

    migration.load_calendar_days(historical, SimpleNamespace(connection=connection))

    assert CalendarDay.objects.count() == len(_csv_rows()) > 0
    assert CalendarDay.objects.get(date=D("2026-02-14")).is_working_day
    assert CalendarDay.objects.get(date=D("2025-10-08")).name == "国庆节、中秋节"


def test_the_shipped_schedule_only_holds_exceptions_as_the_notices_list_them():
    rows = _csv_rows()
    make_up = [r for r in rows if r["is_working_day"] == "1"]
    assert all(D(r["date"]).weekday() >= 5 for r in make_up)  # a make-up day is always a Saturday or Sunday
    per_year = {
        y: sum(1 for r in rows if r["date"].startswith(y) and r["is_working_day"] == "0")
        for y in ("2024", "2025", "2026")
    }
    assert per_year == {"2024": 28, "2025": 28, "2026": 33}  # days off as the three notices add up
    assert {y: sum(1 for r in make_up if r["date"].startswith(y)) for y in ("2024", "2025", "2026")} == {
        "2024": 8,
        "2025": 5,
        "2026": 6,
    }


_START = st.dates(min_value=D("2024-01-01"), max_value=D("2026-10-31"))


@hypothesis_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=_START, n=st.integers(min_value=1, max_value=40))
def test_property_add_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    end = add_working_days(start, n)
    assert end > start
    assert is_working_day(end)
    assert working_days_between(start, end) == n


@hypothesis_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=_START, n=st.integers(min_value=-40, max_value=40))
def test_property_between_inverts_add_in_both_directions(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n
