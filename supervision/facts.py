"""A warning's `details` as labelled facts in the reader's language, and the link to the object it is about.

Rules write plain JSON (numbers, text, dates as ISO text, lists); the desk shows each key under its label
(registered in `enforcement.fences.register_fact_labels` by the app that owns the rule, or the common ones
below) and each value as a person reads it, never as JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from enforcement.fences import fact_label, fact_value, fence_rule, register_fact_labels
from enforcement.models import FenceWarning
from enforcement.money import figures

# Keys many rules share; an app adds its own keys from its AppConfig.ready().
COMMON_LABELS = {
    "fine": pgettext_lazy("fence fact", "Proposed fine (yuan)"),
    "fine_yuan": pgettext_lazy("fence fact", "Proposed fine (yuan)"),
    "tier": pgettext_lazy("fence fact", "Benchmark tier"),
    "tier_min": pgettext_lazy("fence fact", "Lowest fine of the tier (yuan)"),
    "tier_max": pgettext_lazy("fence fact", "Highest fine of the tier (yuan)"),
    "range_min": pgettext_lazy("fence fact", "Statutory minimum (yuan)"),
    "range_max": pgettext_lazy("fence fact", "Statutory maximum (yuan)"),
    "item": pgettext_lazy("fence fact", "Enforcement item"),
    "item_code": pgettext_lazy("fence fact", "Item code"),
    "case": pgettext_lazy("fence fact", "Case"),
    "case_number": pgettext_lazy("fence fact", "Case number"),
    "party": pgettext_lazy("fence fact", "Party"),
    "business": pgettext_lazy("fence fact", "Business"),
    "visits": pgettext_lazy("fence fact", "Visits"),
    "cap": pgettext_lazy("fence fact", "Yearly cap"),
    "limit": pgettext_lazy("fence fact", "Limit"),
    "threshold": pgettext_lazy("fence fact", "Threshold"),
    "window_days": pgettext_lazy("fence fact", "Window (days)"),
    "days": pgettext_lazy("fence fact", "Days"),
    "days_late": pgettext_lazy("fence fact", "Days late"),
    "due": pgettext_lazy("fence fact", "Deadline"),
    "deadline": pgettext_lazy("fence fact", "Deadline"),
    "step": pgettext_lazy("fence fact", "Step"),
    "previous": pgettext_lazy("fence fact", "Earlier visit"),
    "previous_dates": pgettext_lazy("fence fact", "Earlier dates"),
    "dates": pgettext_lazy("fence fact", "Dates"),
    "units": pgettext_lazy("fence fact", "Units"),
    "article": pgettext_lazy("fence fact", "Legal basis"),
    "officers": pgettext_lazy("fence fact", "Officers"),
    "reviewer": pgettext_lazy("fence fact", "Legal reviewer"),
    "investigator": pgettext_lazy("fence fact", "Investigator"),
}


def register_labels() -> None:
    register_fact_labels(COMMON_LABELS)


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def warning_facts(warning: FenceWarning) -> list[Fact]:
    """The rule's facts, one labelled line each (in PostgreSQL's order of JSON keys: jsonb keeps no order)."""
    details = warning.details if isinstance(warning.details, dict) else {}
    return [Fact(_label(key), show_value(value, key)) for key, value in details.items()]


def _label(key: str) -> str:
    label = fact_label(key)
    if label is not None:
        return str(label)
    return key.replace("_", " ").strip().capitalize() or key


def show_value(value: Any, key: str = "") -> str:
    """A JSON value as a person reads it: yes/no, numbers grouped, dates in the reader's format, lists joined,
    nested objects as "label: value" pairs."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        return figures(Decimal(str(value)))
    if isinstance(value, list | tuple):
        return _("; ").join(show_value(v, key) for v in value) if value else "—"
    if isinstance(value, dict):
        return _("; ").join(f"{_label(str(k))}: {show_value(v)}" for k, v in value.items()) or "—"
    text = str(value)
    coded = fact_value(key, text) if key else None
    if coded is not None:
        return coded
    if len(text) == 10:
        day = _parse_date(text)
        if day is not None:
            return date_format(day, "DATE_FORMAT")
    if len(text) >= 19 and "T" in text:
        moment = _parse_datetime(text)
        if moment is not None:
            return date_format(moment, "DATETIME_FORMAT")
    if _is_decimal(text) and not key.endswith(("code", "number")):  # an item code is digits, not a quantity
        # Amounts come as text ("10100.00"): grouped as every amount on the site is, whatever the locale's
        # own grouping (zh-hans has none).
        return f"{int(text):,}" if text.lstrip("-").isdigit() else figures(text)
    return text


def _parse_date(text: str) -> dt.date | None:
    try:
        return parse_date(text)
    except ValueError:
        return None


def _parse_datetime(text: str) -> dt.datetime | None:
    try:
        return parse_datetime(text)
    except ValueError:
        return None


def _is_decimal(text: str) -> bool:
    if not text or not (text[0].isdigit() or text[0] == "-"):
        return False
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return text.replace(".", "", 1).lstrip("-").isdigit()


def rule_label(code: str) -> str:
    rule = fence_rule(code)
    return str(rule.label) if rule is not None else code


def rule_description(code: str) -> str:
    rule = fence_rule(code)
    return str(rule.description) if rule is not None else ""


# The object a warning is about → its page. The desk sits above every app, so it names their routes.
_OBJECT_PAGES: dict[str, tuple[str, Callable[[], str]]] = {
    "cases.case": ("cases:case", lambda: str(_("Case"))),
    "cases.complaint": ("cases:complaint", lambda: str(_("Complaint"))),
    "whistles.whistlerequest": ("whistle-detail", lambda: str(_("Whistle"))),
    "inspections.inspectiontask": ("inspection-detail", lambda: str(_("Inspection"))),
    "inspections.annualplan": ("inspection-plan", lambda: str(_("Inspection plan"))),
}


@dataclass(frozen=True)
class ObjectLink:
    kind: str
    url: str


def object_link(warning: FenceWarning) -> ObjectLink | None:
    page = _OBJECT_PAGES.get(warning.object_type)
    if page is None or not warning.object_id.isdigit():
        return None
    name, kind = page
    try:
        return ObjectLink(kind(), reverse(name, args=[int(warning.object_id)]))
    except NoReverseMatch:
        return None
