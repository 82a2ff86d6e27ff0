"""How the figures read: names and formats in the user's language, the headline cards, the charts, the
tables, and the rows of the CSV/XLSX export (the same numbers the page shows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from enforcement.spreadsheets import table_download

from .charts import bar_chart
from .selectors import Dashboard, Figures


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _days(value: float | None) -> str:
    return "–" if value is None else _("%(n)s d") % {"n": f"{value:g}"}


def _dec(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _int(value: float | None) -> str:
    return "–" if value is None else f"{int(value):,}"


def _chart_percent(value: float) -> str:
    return f"{value:.0f}%"


def _chart_number(value: float) -> str:
    return f"{value:.0f}" if value >= 100 or float(value).is_integer() else f"{value:.1f}"


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any
    show: Callable[[float | None], str]
    percent: bool = False  # exported as a percentage number


METRICS = [
    Metric("median_days", _lazy("Handling time, median (days)"), _days),
    Metric("p90_days", _lazy("Handling time, 90th percentile (days)"), _days),
    Metric("cases_closed", _lazy("Cases closed"), _int),
    Metric("steps_per_case", _lazy("Procedure steps per case"), _dec),
    Metric("online_share", _lazy("Handled fully online"), _pct, True),
    Metric("match_rate", _lazy("Discretion match rate"), _pct, True),
    Metric("deviation_rate", _lazy("Deviation from the benchmark"), _pct, True),
    Metric("decisions_benchmarked", _lazy("Decisions with a benchmark"), _int),
    Metric("inspections", _lazy("Inspections made"), _int),
    Metric("repeat_rate", _lazy("Repeat-inspection rate"), _pct, True),
    Metric("joint_share", _lazy("Joint-inspection share"), _pct, True),
    Metric("visits_saved", _lazy("Visits saved"), _int),
    Metric("whistle_on_time_rate", _lazy("Whistles handled on time"), _pct, True),
    Metric("warnings_raised", _lazy("Warnings raised"), _int),
    Metric("warnings_confirmed", _lazy("Warnings confirmed"), _int),
    Metric("warnings_resolved", _lazy("Warnings resolved"), _int),
]
BY_KEY = {m.key: m for m in METRICS}
CHARTS = [
    "median_days",
    "steps_per_case",
    "online_share",
    "match_rate",
    "repeat_rate",
    "joint_share",
    "whistle_on_time_rate",
    "warnings_raised",
]
# The headline cards: a figure, what it is out of, and its change against the previous period.
CARDS = [
    ("median_days", "p90_days"),
    ("steps_per_case", "cases_closed"),
    ("online_share", None),
    ("match_rate", "deviation_rate"),
    ("repeat_rate", "inspections"),
    ("joint_share", "visits_saved"),
    ("whistle_on_time_rate", None),
    ("warnings_raised", "warnings_confirmed"),
]
LEVEL_NAMES = {
    "town": _lazy("Town figures"),
    "district": _lazy("District figures"),
    "city": _lazy("City figures"),
}


def month_label(month: dt.date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def short_month(month: dt.date, first: bool) -> str:
    english = (get_language() or "").startswith("en")
    text = month.strftime("%b") if english else f"{month.month}月"
    if first or month.month == 1:
        text = f"{text} {month:%y}" if english else f"{month:%y}年{text}"
    return text


def change_text(value: float | None) -> str:
    if value is None:
        return ""
    return f"{'+' if value > 0 else '−' if value < 0 else '±'}{abs(value) * 100:.1f}%"


def figures_url(level: str, pk: int) -> str:
    return reverse(f"figures:{level}", args=[pk])


def dashboard_context(board: Dashboard) -> dict[str, Any]:
    first_month = board.months[0][0] if board.months else None
    labels = [short_month(m, m == first_month) for m, _f in board.months]
    cards = []
    for key, aside in CARDS:
        metric = BY_KEY[key]
        cards.append(
            {
                "key": key,
                "label": metric.label,
                "value": metric.show(getattr(board.total, key)),
                "aside": (BY_KEY[aside].label, BY_KEY[aside].show(getattr(board.total, aside)))
                if aside
                else None,
                "change": change_text(board.change.get(key)),
                # every figure with a change is one the reform wants lower
                "better": (board.change.get(key) or 0) < 0,
            }
        )
    charts = []
    for key in CHARTS:
        metric = BY_KEY[key]
        values = [getattr(f, key) for _m, f in board.months]
        shown = [metric.show(v) for v in values]
        charts.append(
            {
                "key": key,
                "title": metric.label,
                "svg": bar_chart(
                    chart_id=f"chart-{key}",
                    title=str(metric.label),
                    labels=labels,
                    values=[v * 100 if v is not None and metric.percent else v for v in values],
                    show=_chart_percent if metric.percent else _chart_number,
                    description=", ".join(
                        f"{month_label(m)}: {s}" for (m, _f), s in zip(board.months, shown, strict=True)
                    ),
                ),
            }
        )
    return {
        "board": board,
        "title": LEVEL_NAMES[board.level],
        "cards": cards,
        "charts": charts,
        "metrics": METRICS,
        "month_rows": [
            (month_label(m), [metric.show(getattr(f, metric.key)) for metric in METRICS])
            for m, f in board.months
        ],
        "unit_rows": [
            (
                line.name,
                figures_url(line.kind, line.pk),
                [metric.show(getattr(line.figures, metric.key)) for metric in METRICS],
            )
            for line in board.units
        ],
        "total_row": [metric.show(getattr(board.total, metric.key)) for metric in METRICS],
        "previous_row": [metric.show(getattr(board.previous, metric.key)) for metric in METRICS],
        "parent_url": figures_url(board.parent[0], board.parent[1]) if board.parent else "",
        "unit_heading": _("District") if board.level == "city" else _("Town"),
    }


# --- export -------------------------------------------------------------------------------------------


def _number(metric: Metric, figures: Figures) -> Any:
    value = getattr(figures, metric.key)
    if value is None:
        return ""
    if metric.percent:
        return round(value * 100, 1)
    return round(value, 2) if isinstance(value, float) else value


def export_rows(board: Dashboard) -> list[list[Any]]:
    """A header, then the scope's months, the period's total, and each unit's total over the period."""
    header = [str(_("Unit")), str(_("Month")), *[str(m.label) + (" %" if m.percent else "") for m in METRICS]]
    period = f"{board.period.start:%Y-%m}–{board.period.end:%Y-%m}"
    lines = [[board.name, f"{m:%Y-%m}", *[_number(k, f) for k in METRICS]] for m, f in board.months]
    lines.append([board.name, period, *[_number(k, board.total) for k in METRICS]])
    lines += [[u.name, period, *[_number(k, u.figures) for k in METRICS]] for u in board.units]
    return [header, *lines]


def export_response(board: Dashboard, fmt: str) -> HttpResponse:
    rows = export_rows(board)
    name = f"figures-{board.level}-{board.pk}-{board.period.start:%Y%m}-{board.period.end:%Y%m}"
    return table_download(rows, name=name, fmt=fmt)
