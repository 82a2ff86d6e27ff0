"""The dashboards' reads: a handful of aggregate rows per request (never the raw tables), combined into the
figures of a town, a district or a city, month by month and per unit, with the previous period to compare."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Max
from django.http import Http404

from enforcement.models import City, District, Unit, User

from .compute import COUNT_FIELDS, month_start, next_month
from .models import Reconciliation, TownMonth
from .rules import (
    can_view_city_figures,
    can_view_district_figures,
    can_view_town_figures,
    city_of,
    district_of,
    towns_of,
)

LEVELS = ("town", "district", "city")


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _percentile(histogram: Counter[int], share: float) -> float | None:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    n = sum(histogram.values())
    if not n:
        return None
    rank, seen = max(math.ceil(share * n), 1), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return float(value)
    return None  # pragma: no cover


def _median(histogram: Counter[int]) -> float | None:
    """The middle value; the mean of the two middle values for an even count."""
    n = sum(histogram.values())
    if not n:
        return None
    wanted = {(n - 1) // 2, n // 2}
    values: list[int] = []
    seen = 0
    for value in sorted(histogram):
        first, seen = seen, seen + histogram[value]
        values += [value for index in wanted if first <= index < seen]
    return sum(values) / len(values)


@dataclass
class Figures:
    """The headline figures of any set of (town, month) rows."""

    counts: Counter[str] = field(default_factory=Counter)
    histogram: Counter[int] = field(default_factory=Counter)

    def __getattr__(self, name: str) -> Any:
        if name in COUNT_FIELDS:
            return self.counts.get(name, 0)
        raise AttributeError(name)

    @property
    def median_days(self) -> float | None:
        return _median(self.histogram)

    @property
    def p90_days(self) -> float | None:
        return _percentile(self.histogram, 0.9)

    @property
    def steps_per_case(self) -> float | None:
        return _ratio(self.counts["steps_total"], self.counts["cases_closed"])

    @property
    def online_share(self) -> float | None:
        return _ratio(self.counts["online"], self.counts["served_closed"])

    @property
    def match_rate(self) -> float | None:
        return _ratio(self.counts["decisions_inside"], self.counts["decisions_benchmarked"])

    @property
    def deviation_rate(self) -> float | None:
        benchmarked = self.counts["decisions_benchmarked"]
        return _ratio(benchmarked - self.counts["decisions_inside"], benchmarked)

    @property
    def joint_share(self) -> float | None:
        return _ratio(self.counts["joint_inspections"], self.counts["inspections"])

    @property
    def repeat_rate(self) -> float | None:
        return _ratio(self.counts["repeat_visits"], self.counts["visits"])

    @property
    def whistle_on_time_rate(self) -> float | None:
        return _ratio(self.counts["whistle_on_time"], self.counts["whistle_due"])

    def as_dict(self) -> dict[str, Any]:
        derived = {name: getattr(self, name) for name in DERIVED}
        return {**{name: self.counts.get(name, 0) for name in COUNT_FIELDS}, **derived}


DERIVED = [
    "median_days",
    "p90_days",
    "steps_per_case",
    "online_share",
    "match_rate",
    "deviation_rate",
    "joint_share",
    "repeat_rate",
    "whistle_on_time_rate",
]
# The figures whose change against the previous period is shown (relative: -0.5 is "halved").
CHANGED = ["median_days", "p90_days", "steps_per_case", "repeat_rate"]


def change(current: Figures, previous: Figures) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for name in CHANGED:
        now, before = getattr(current, name), getattr(previous, name)
        out[name] = (now - before) / before if now is not None and before else None
    return out


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day of the first month
    end: dt.date  # first day of the last month
    months: int

    @classmethod
    def ending(cls, end: dt.date, months: int) -> Period:
        start = month_start(end)
        for _ in range(months - 1):
            start = month_start(start - dt.timedelta(days=1))
        return cls(start=start, end=month_start(end), months=months)

    @property
    def previous(self) -> Period:
        return Period.ending(self.start - dt.timedelta(days=1), self.months)

    def month_list(self) -> list[dt.date]:
        out, month = [], self.start
        while month <= self.end:
            out.append(month)
            month = next_month(month)
        return out


@dataclass
class UnitLine:
    kind: str  # "town" or "district"
    pk: int
    name: str
    figures: Figures


@dataclass
class Dashboard:
    level: str
    pk: int
    name: str
    period: Period
    total: Figures
    previous: Figures
    change: dict[str, float | None]
    months: list[tuple[dt.date, Figures]]
    units: list[UnitLine]
    updated_at: dt.datetime | None
    reconciled_at: dt.datetime | None
    parent: tuple[str, int, str] | None  # the level above, when the user may open it


def home_for(user: User | AnonymousUser | None) -> tuple[str, int] | None:
    """The widest dashboard the user may open."""
    city = city_of(user)
    if city is not None:
        return "city", city
    district = district_of(user)
    if district is not None:
        return "district", district
    towns = sorted(towns_of(user))
    return ("town", towns[0]) if towns else None


def _scope(user: User | AnonymousUser | None, level: str, pk: int) -> tuple[Any, dict[str, Any]]:
    """The object and the aggregate rows' filter; 404 when missing or not the user's to read."""
    if level == "city":
        city = City.objects.filter(pk=pk).first()
        if city is None or not can_view_city_figures(user, city.pk):
            raise Http404
        return city, {"district__city_id": city.pk}
    if level == "district":
        district = District.objects.filter(pk=pk).select_related("city").first()
        if district is None or not can_view_district_figures(user, district):
            raise Http404
        return district, {"district_id": district.pk}
    if level == "town":
        town = Unit.objects.filter(pk=pk).select_related("district").first()
        if town is None or not can_view_town_figures(user, town):
            raise Http404
        return town, {"town_id": town.pk}
    raise Http404


def _parent(user: User | AnonymousUser | None, level: str, obj: Any) -> tuple[str, int, str] | None:
    if level == "town" and can_view_district_figures(user, obj.district):
        return "district", obj.district_id, obj.district.name
    if level == "district" and obj.city_id and can_view_city_figures(user, obj.city_id):
        return "city", obj.city_id, obj.city.name
    return None


def _grouped_portable(level: str, obj: Any, period: Period) -> list[tuple[Any, ...]]:
    """`_grouped` summed in Python, for databases without GROUPING SETS and jsonb (the demo's SQLite)."""
    where = {
        "city": {"district__city_id": obj.pk},
        "district": {"district_id": obj.pk},
        "town": {"town_id": obj.pk},
    }
    unit_key = "district_id" if level == "city" else "town_id"
    counts: dict[tuple[Any, ...], list[Any]] = {}
    hist: dict[tuple[Any, ...], Counter[int]] = {}
    rows = TownMonth.objects.filter(**where[level], month__gte=period.previous.start, month__lte=period.end)
    for row in rows.values("month", "handling_days", "refreshed_at", unit_key, *COUNT_FIELDS):
        current = row["month"] >= period.start
        for key in (
            (3, current, None, None),
            (1, current, row["month"], None),
            (2, current, None, row[unit_key]),
        ):
            sums = counts.setdefault(key, [None] + [0] * len(COUNT_FIELDS))
            sums[0] = max(sums[0], row["refreshed_at"]) if sums[0] else row["refreshed_at"]
            for i, name in enumerate(COUNT_FIELDS, start=1):
                sums[i] += row[name]
            hist.setdefault(key, Counter()).update({int(d): n for d, n in row["handling_days"].items()})
    return [("c", *key, *sums) for key, sums in counts.items()] + [
        ("h", *key, days, n) for key, histogram in hist.items() for days, n in histogram.items()
    ]


def _grouped(level: str, obj: Any, period: Period) -> list[tuple[Any, ...]]:
    """The rows of the scope summed in PostgreSQL, in three groupings at once: the period and the previous
    one (part), each month, each unit below (a city's districts, a district's towns); then the handling-time
    histograms summed the same way. The page's work no longer grows with the number of towns or months."""
    if connection.vendor != "postgresql":
        return _grouped_portable(level, obj, period)
    table, district = TownMonth._meta.db_table, District._meta.db_table
    scope = {
        "city": f"district_id IN (SELECT id FROM {district} WHERE city_id = %s)",
        "district": "district_id = %s",
        "town": "town_id = %s",
    }[level]
    unit = "district_id" if level == "city" else "town_id"
    sums = ", ".join(f"sum({name})" for name in COUNT_FIELDS)
    rows = f"""
        WITH r AS (
            SELECT *, month >= %s AS in_period FROM {table}
            WHERE {scope} AND month >= %s AND month <= %s
        )"""
    params = [period.start, obj.pk, period.previous.start, period.end]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""{rows}
            SELECT GROUPING(month, {unit}), in_period, month, {unit}, max(refreshed_at), {sums}
            FROM r GROUP BY GROUPING SETS ((in_period), (in_period, month), (in_period, {unit}))
            """,
            params,
        )
        counts = cursor.fetchall()
        cursor.execute(
            f"""{rows}
            SELECT GROUPING(month, {unit}), in_period, month, {unit}, h.key::int, sum(h.value::int)
            FROM r CROSS JOIN LATERAL jsonb_each_text(r.handling_days) h
            GROUP BY GROUPING SETS (
                (in_period, h.key), (in_period, month, h.key), (in_period, {unit}, h.key)
            )
            """,
            params,
        )
        histograms = cursor.fetchall()
    return [("c", *row) for row in counts] + [("h", *row) for row in histograms]


def dashboard_for(*, user: User | AnonymousUser | None, level: str, pk: int, period: Period) -> Dashboard:
    """A town's, district's or city's figures over the period, by month and by unit below it (a district's
    towns, a city's districts), with the previous period's total: four queries, the sums made by
    PostgreSQL."""
    obj, _where = _scope(user, level, pk)
    total, previous = Figures(), Figures()
    by_month: dict[dt.date, Figures] = {m: Figures() for m in period.month_list()}
    by_unit: dict[int, Figures] = {}
    updated: dt.datetime | None = None
    for kind, grouping, current, month, unit, *rest in _grouped(level, obj, period):
        # GROUPING(month, unit): 3 = neither (the period's total), 1 = by month, 2 = by unit
        if grouping == 3:
            target = total if current else previous
        elif not current:
            continue
        elif grouping == 1:
            target = by_month.setdefault(month, Figures())
        else:
            target = by_unit.setdefault(unit, Figures())
        if kind == "c":
            refreshed, *sums = rest
            for name, value in zip(COUNT_FIELDS, sums, strict=True):
                target.counts[name] += int(value or 0)
            if grouping == 3 and current and refreshed:
                updated = refreshed
        else:
            days, n = rest
            target.histogram[int(days)] += int(n)
    units = _unit_lines(level, obj, by_unit)
    reconciled = Reconciliation.objects.aggregate(at=Max("finished_at"))["at"]
    return Dashboard(
        level=level,
        pk=obj.pk,
        name=obj.name,
        period=period,
        total=total,
        previous=previous,
        change=change(total, previous),
        months=list(by_month.items()),
        units=units,
        updated_at=updated or reconciled,
        reconciled_at=reconciled,
        parent=_parent(user, level, obj),
    )


def _unit_lines(level: str, obj: Any, by_unit: dict[int, Figures]) -> list[UnitLine]:
    """Every town of the district (every district of the city), with or without figures; none for a town."""
    units: Iterable[Any]
    if level == "district":
        units = Unit.objects.filter(district=obj, kind=Unit.Kind.TOWN).order_by("code")
        kind = "town"
    elif level == "city":
        units = District.objects.filter(city=obj).order_by("code")
        kind = "district"
    else:
        return []
    return [UnitLine(kind, u.pk, u.name, by_unit.get(u.pk) or Figures()) for u in units]
