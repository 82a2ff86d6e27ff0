"""The one calendar for legal deadlines: working days and calendar days, with China's holidays as data.

行政处罚法 art 85: the days in its "2/3/5/7 days" rules are working days (工作日), not counting public
holidays. Which days are holidays, and which Saturdays and Sundays are worked instead (调休), is not a rule
but a schedule the State
Council publishes each year; it lives in `CalendarDay` rows (loaded from enforcement/holidays/cn.csv by a
migration and `manage.py import_holidays`), never in code. Every deadline in the project is counted here, so a
schedule fixed once is fixed everywhere.

Outside the years the data covers, the default week applies (Saturday and Sunday rest) and a warning is logged
once per year: a deadline computed without the holidays may be early, and someone should load the new
schedule.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache import cache

from .held import forget
from .models import CalendarDay

logger = logging.getLogger(__name__)

CALENDAR_VERSION_KEY = "enforcement.calendar.version"
# How long a process trusts its copy before it asks the shared cache whether an import happened elsewhere.
# Asking on every call would put a cache round trip into each loop step of a deadline count; a minute of
# staleness after an import is harmless (the importing process itself resets at once).
RECHECK_SECONDS = 60.0

_TRUE = frozenset({"1", "true", "yes", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "n", "f"})
CSV_COLUMNS = ("date", "is_working_day", "name", "source")
NAME_MAX = 100  # CalendarDay.name
SOURCE_MAX = 200  # CalendarDay.source


def _weekdays_through(ordinal: int) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday, ordinal 1) up to and including the day."""
    return 5 * (ordinal // 7) + min(ordinal % 7, 5)


@dataclass(frozen=True)
class _Calendar:
    exceptions: Mapping[dt.date, bool]
    years: frozenset[int]
    version: str | None
    checked_at: float = field(compare=False)
    # The exceptions that change the default week, as sorted day ordinals and the running sum of what each
    # changes (+1 a worked Saturday or Sunday, -1 a weekday holiday): counting working days over a range is
    # then the weekdays in it plus the sum of its changes, two bisections instead of a walk over each day.
    _changed: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _running: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        changed, running, total = [], [0], 0
        for day, working in sorted(self.exceptions.items()):
            if working != (day.weekday() < 5):
                changed.append(day.toordinal())
                total += 1 if working else -1
                running.append(total)
        object.__setattr__(self, "_changed", tuple(changed))
        object.__setattr__(self, "_running", tuple(running))

    def is_working(self, day: dt.date) -> bool:
        known = self.exceptions.get(day)
        if known is not None:
            return known
        if day.year not in self.years:
            _warn_uncovered(day.year)
        return day.weekday() < 5

    def working_after_through(self, first: dt.date, last: dt.date) -> int:
        """The working days after `first` up to and including `last` (last >= first), as a walk over them
        calling is_working would count them, warnings for years without a schedule included."""
        if last > first:
            for year in range((first + dt.timedelta(days=1)).year, last.year + 1):
                if year not in self.years:
                    _warn_uncovered(year)
        a, b = first.toordinal(), last.toordinal()
        changes = (
            self._running[bisect.bisect_right(self._changed, b)]
            - self._running[bisect.bisect_right(self._changed, a)]
        )
        return _weekdays_through(b) - _weekdays_through(a) + changes


_calendar: _Calendar | None = None
_lock = threading.Lock()
_warned_years: set[int] = set()


def _warn_uncovered(year: int) -> None:
    if year in _warned_years:
        return
    _warned_years.add(year)
    logger.warning(
        "No holiday schedule for %s: counting Saturdays and Sundays as the only rest days. "
        "Load the State Council notice with `manage.py import_holidays`.",
        year,
    )


_UNREADABLE = object()


def _shared_version() -> object:
    """The version last set by an import anywhere, None if never, _UNREADABLE if the cache is down."""
    try:
        value = cache.get(CALENDAR_VERSION_KEY)
    except Exception:  # a cache outage must not stop deadlines; the copy we hold stays valid
        logger.warning(
            "Cannot read the calendar version from the cache; keeping the loaded calendar", exc_info=True
        )
        return _UNREADABLE
    return None if value is None else str(value)


def _load(version: str | None) -> _Calendar:
    exceptions = dict(CalendarDay.objects.values_list("date", "is_working_day"))
    return _Calendar(
        exceptions=exceptions,
        years=frozenset(day.year for day in exceptions),
        version=version,
        checked_at=time.monotonic(),
    )


def _current() -> _Calendar:
    """The process's copy of all CalendarDay rows; reloaded when another process bumped the version."""
    global _calendar
    cal = _calendar
    now = time.monotonic()
    if cal is not None and now - cal.checked_at < RECHECK_SECONDS:
        return cal
    with _lock:
        cal = _calendar
        if cal is not None and now - cal.checked_at < RECHECK_SECONDS:
            return cal
        version = _shared_version()
        if cal is not None and (version is _UNREADABLE or version == cal.version):
            _calendar = _Calendar(cal.exceptions, cal.years, cal.version, now)
        else:
            # The version is read before the rows: an import landing in between leaves us with new rows under
            # the old version, so we reload once more later rather than keep old rows under the new version.
            _calendar = _load(version if isinstance(version, str) else None)
        return _calendar


def rows_in_use() -> tuple[Mapping[dt.date, bool], frozenset[int]]:
    """The exceptions and the covered years this process counts with, as the objects it holds: a copy
    reloaded (an import here or elsewhere) gives new objects, so what was worked out from the old ones can
    be told apart by identity."""
    cal = _current()
    return cal.exceptions, cal.years


def loaded_version() -> str | None:
    """The version of the rows this process counts with (None: no import has set one). It may lag the shared
    version by up to RECHECK_SECONDS: an answer built meanwhile must not be kept under the new one."""
    return _current().version


def reset_calendar_cache() -> None:
    """Forget this process's copy (tests, and the process that just imported a schedule)."""
    global _calendar
    with _lock:
        _calendar = None
        _warned_years.clear()


def bump_calendar_version() -> None:
    """Tell every process that the CalendarDay rows changed, then reload here at once."""
    cache.set(CALENDAR_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    forget([CALENDAR_VERSION_KEY])
    reset_calendar_cache()


def covered_until() -> dt.date | None:
    """The last day of the last year with holiday data, or None with none at all.

    Pages that show a deadline beyond it can say it was counted without the holidays.
    """
    years = _current().years
    return dt.date(max(years), 12, 31) if years else None


def is_provisional(day: dt.date | None) -> bool:
    """A date counted without the holiday schedule of its year: it may move once that year's notice is loaded.

    Any deadline whose count ran into such a year is provisional; checking its last day is enough, since a
    count reaches its last day through every year in between. Pages mark such a date as provisional (暂定).
    """
    if day is None:
        return False
    return day.year not in _current().years


def schedule_missing_for(today: dt.date) -> int | None:
    """The year whose holiday schedule administrators should load now, or None when nothing is missing.

    The current year, if it has no schedule; from 1 November (the State Council publishes the next year's
    notice late in the year), also the next year, so that deadlines running into January are not counted
    without it.
    """
    years = _current().years
    if today.year not in years:
        return today.year
    if today.month >= 11 and today.year + 1 not in years:
        return today.year + 1
    return None


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, unless the schedule makes it a holiday; a make-up Saturday or Sunday is working."""
    return _current().is_working(day)


def _add_working_days(cal: _Calendar, start: dt.date, n: int) -> dt.date:
    step = dt.timedelta(days=1 if n > 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        if cal.is_working(day):
            left -= 1
    return day


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The last day of "within n working days of start": the n-th working day after start.

    The day of the event itself never counts (a notice served on Friday before a holiday starts the count on
    the next working day), so the result is always a working day for n > 0, and n = 0 gives start. A negative
    n counts back: the n-th working day before start, for "at least n working days before" rules.
    """
    if n == 0:
        return start
    return _add_working_days(_current(), start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days have passed since start: those after start up to and including end.

    With end before start the answer is negative: minus the working days from end up to but not including
    start, so that working_days_between(start, add_working_days(start, n)) == n for every n, negative too.
    """
    cal = _current()
    if end >= start:
        return cal.working_after_through(start, end)
    return -cal.working_after_through(end - dt.timedelta(days=1), start - dt.timedelta(days=1))


def add_days(start: dt.date, n: int, *, working: bool) -> dt.date:
    """The last day of a period of n days from start, counted as the rule says.

    working=True: n working days (行政处罚法 art 85 for its 2/3/5/7-day rules). working=False: n calendar
    days, the first day not counted (start + n); if that last day is a rest day (a weekend or public holiday,
    法定休假日), the period ends on the next working day instead. That is the rule of 民事诉讼法 art 85 (期间
    届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期), which administrative procedure
    follows for periods it does not define itself (行政诉讼法 art 102, 行政复议法 art 88). A make-up Saturday
    is a working day, so it ends a period.
    Periods run forwards only: n must not be negative.
    """
    if n < 0:
        raise ValueError("a legal period cannot be negative")
    if working:
        return add_working_days(start, n)
    if n == 0:
        return start
    cal = _current()
    end = start + dt.timedelta(days=n)
    while not cal.is_working(end):
        end += dt.timedelta(days=1)
    return end


@dataclass(frozen=True)
class CalendarRow:
    date: dt.date
    is_working_day: bool
    name: str
    source: str


class CalendarFileError(ValueError):
    """A schedule file that cannot be loaded; the message names the line."""


def read_calendar_csv(path: Path | str) -> list[CalendarRow]:
    """Parse and check a whole schedule file before anything is written (the importer is all-or-nothing).

    Columns: date (YYYY-MM-DD), is_working_day (1/0, true/false, yes/no), name, source. Line numbers in errors
    are the file's lines, the header being line 1. Rest days that fall on a weekend inside a holiday may be
    listed (the notices count them in the holiday); they change nothing.
    """
    rows: list[CalendarRow] = []
    seen: dict[dt.date, int] = {}
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise CalendarFileError(f"line 1: missing column(s) {', '.join(missing)}")
            for record in reader:
                line = reader.line_num
                rows.append(_parse_row(record, line, seen))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CalendarFileError(f"cannot read {path}: {exc}") from exc
    return rows


def _parse_row(record: dict[str, str | None], line: int, seen: dict[dt.date, int]) -> CalendarRow:
    raw_date = (record.get("date") or "").strip()
    try:
        day = dt.date.fromisoformat(raw_date)
    except ValueError:
        raise CalendarFileError(f"line {line}: date {raw_date!r} is not YYYY-MM-DD") from None
    if day in seen:
        raise CalendarFileError(f"line {line}: {day} already given on line {seen[day]}")
    seen[day] = line
    raw_flag = (record.get("is_working_day") or "").strip().lower()
    if raw_flag in _TRUE:
        working = True
    elif raw_flag in _FALSE:
        working = False
    else:
        raise CalendarFileError(f"line {line}: is_working_day {raw_flag!r} is not 1/0 or true/false")
    name = (record.get("name") or "").strip()
    if not name or len(name) > NAME_MAX:
        raise CalendarFileError(f"line {line}: name must be 1 to {NAME_MAX} characters")
    source = (record.get("source") or "").strip()
    if len(source) > SOURCE_MAX:
        raise CalendarFileError(f"line {line}: source is longer than {SOURCE_MAX} characters")
    return CalendarRow(date=day, is_working_day=working, name=name, source=source)


# --- how near a deadline is ---------------------------------------------------------------------------------

SOON_WORKING_DAYS = 2  # "due within 2 working days": the queues' amber band and the officers' reminder
# How near a deadline is, as the API says it ("" where there is none or it is met).
URGENCIES = ("overdue", "soon", "later", "")


@dataclass(frozen=True)
class DeadlineDistance:
    """Where today stands against a deadline, in working days: `left` until it (0 on the day itself),
    `late` past it (0 unless overdue). `urgency` is one of overdue, soon (within SOON_WORKING_DAYS working
    days), later."""

    due: dt.date
    left: int
    late: int

    @property
    def urgency(self) -> str:
        if self.late > 0:
            return "overdue"
        return "soon" if self.left <= SOON_WORKING_DAYS else "later"


def deadline_distance(due: dt.date, today: dt.date) -> DeadlineDistance:
    """Working days left until `due` (those after today up to and including due), or working days late (those
    after due up to and including today; a deadline passed over a weekend is 1 day late on Monday)."""
    if due >= today:
        return DeadlineDistance(due, working_days_between(today, due), 0)
    return DeadlineDistance(due, 0, max(working_days_between(due, today), 1))
