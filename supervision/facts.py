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
from django.utils import timezone
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
    # What the sweeps write (enforcement/sweeps.py and each app's sweeps.py).
    "stage": pgettext_lazy("fence fact", "Case stage"),
    "passed": pgettext_lazy("fence fact", "Deadline passed"),
    "department": pgettext_lazy("fence fact", "Department"),
    "unit": pgettext_lazy("fence fact", "Inspecting body"),
    "previous_unit": pgettext_lazy("fence fact", "Earlier inspecting body"),
    "previous_on": pgettext_lazy("fence fact", "Earlier visit on"),
    "join_unit": pgettext_lazy("fence fact", "Body planning the other visit"),
    "join_on": pgettext_lazy("fence fact", "The other visit planned for"),
    "year": pgettext_lazy("fence fact", "Year"),
    "count": pgettext_lazy("fence fact", "Visits in the year"),
    "last_visit_on": pgettext_lazy("fence fact", "Last visit"),
    "visits_before": pgettext_lazy("fence fact", "Earlier visits"),
    "open_complaint_cases": pgettext_lazy("fence fact", "Open complaint cases"),
    "visited_on": pgettext_lazy("fence fact", "Visited on"),
    "file_due": pgettext_lazy("fence fact", "To be filed by"),
    "filed_on": pgettext_lazy("fence fact", "Filed on"),
    "task_status": pgettext_lazy("fence fact", "Inspection status"),
    "side": pgettext_lazy("fence fact", "Edge of the range"),
    "n": pgettext_lazy("fence fact", "The officer's decided fines"),
    "share": pgettext_lazy("fence fact", "The officer's share at the edge"),
    "peer_n": pgettext_lazy("fence fact", "Peers' decided fines"),
    "peer_share": pgettext_lazy("fence fact", "Peers' share at the edge"),
    "period_days": pgettext_lazy("fence fact", "Period (days)"),
    "month": pgettext_lazy("fence fact", "Month"),
    "months": pgettext_lazy("fence fact", "Months unused"),
    "held_since": pgettext_lazy("fence fact", "Held since"),
    "last_used": pgettext_lazy("fence fact", "Last used"),
    "proposal": pgettext_lazy("fence fact", "Proposed"),
    "status": pgettext_lazy("fence fact", "Use"),
}

# Row ids the sweeps keep for their own joins: the warning's object link (or `url`) already leads there.
# `message`: the name and arguments of a sweep's sentence, shown above the facts in the reader's language.
# `written_in`: the language a message raised before an action was written in (labelled with the message).
HIDDEN_KEYS = frozenset(
    {"url", "visit", "previous_visit", "task", "join_task", "assignment", "message", "written_in"}
)
# Ids of units, shown by name.
UNIT_KEYS = ("department", "unit", "previous_unit", "join_unit")


def _choice_reader(choices: Any) -> Callable[[str], str]:
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value))


def _coded_values() -> dict[str, Callable[[str], str]]:
    from cases.workflow import Stage
    from inspections.workflow import TaskStatus
    from whistles.workflow import Status

    words = {
        "top": pgettext_lazy("fence fact", "Top of the range"),
        "bottom": pgettext_lazy("fence fact", "Bottom of the range"),
        "recover": pgettext_lazy("fence fact", "Recovery of the power"),
        "never": pgettext_lazy("fence fact", "Never used"),
        "idle": pgettext_lazy("fence fact", "Not used in the months set"),
    }

    def word(value: str) -> str:
        return str(words.get(value, value))

    return {
        "stage": _choice_reader(Stage),
        "step": _choice_reader(Status),
        "task_status": _choice_reader(TaskStatus),
        "side": word,
        "proposal": word,
        "status": word,
    }


def register_labels() -> None:
    from enforcement.fences import register_fact_values

    register_fact_labels(COMMON_LABELS)
    register_fact_values(_coded_values())


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def warning_facts(warning: FenceWarning) -> list[Fact]:
    """The rule's facts, one labelled line each (in PostgreSQL's order of JSON keys: jsonb keeps no order).
    Internal row ids and the link are left out; units are named."""
    details = warning.details if isinstance(warning.details, dict) else {}
    shown = {
        key: value
        for key, value in details.items()
        if key not in HIDDEN_KEYS and not (key == "item" and isinstance(value, int))  # item_code is shown
    }
    units = _unit_names([v for k, v in shown.items() if k in UNIT_KEYS and isinstance(v, int)])
    return [
        Fact(
            _label(key),
            units.get(value, show_value(value, key))
            if key in UNIT_KEYS and isinstance(value, int)
            else show_value(value, key),
        )
        for key, value in shown.items()
    ]


def _unit_names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    from enforcement.models import Unit

    return {unit.pk: unit.name for unit in Unit.objects.filter(pk__in=ids).only("id", "name_zh", "name_en")}


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
            if timezone.is_aware(moment):  # stored in UTC: shown in the reader's time, as the message says it
                moment = timezone.localtime(moment)
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
    """The page of the object the warning is about; for an object without a page of its own (a department's
    assignment of a whistle, a town's grant of a power) the page the rule linked in its facts."""
    page = _OBJECT_PAGES.get(warning.object_type)
    if page is None or not warning.object_id.isdigit():
        return related_link(warning, None)
    name, kind = page
    try:
        return ObjectLink(kind(), reverse(name, args=[int(warning.object_id)]))
    except NoReverseMatch:
        return related_link(warning, None)


# The pages a rule links in its facts (`details["url"]`), by the start of their path.
_LINKED_PAGES: tuple[tuple[str, Callable[[], str]], ...] = (
    ("/authority/adjustments/new/", lambda: str(_("Recovery proposal"))),
    ("/whistles/", lambda: str(_("Whistle"))),
    ("/inspections/", lambda: str(_("Inspection"))),
    ("/cases/", lambda: str(_("Case"))),
)


def related_link(warning: FenceWarning, shown: ObjectLink | None) -> ObjectLink | None:
    """The page the rule linked in its facts (the visit to join, the recovery to propose, the whistle), when
    it is one of ours and not the page already shown."""
    details = warning.details if isinstance(warning.details, dict) else {}
    url = details.get("url")
    if not isinstance(url, str) or not url.startswith("/") or url.startswith("//"):
        return None
    if shown is not None and shown.url == url:
        return None
    for prefix, kind in _LINKED_PAGES:
        if url.startswith(prefix):
            return ObjectLink(kind(), url)
    return None
