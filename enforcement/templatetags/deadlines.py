"""Deadlines as every page shows them.

`{{ day|deadline }}`: the date alone, marked provisional (暂定) when it was counted without the holiday
schedule of its year.

`{% deadline_status due label %}`: which deadline, when, and how far off in working days, in the words of
enforcement.deadline_text ("陈述申辩期限 12月11日，还剩2个工作日"). The urgency (overdue, soon: within 2
working days, later) is said in words and given as `data-urgency` for the colour, so colour is never the only
sign.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from enforcement import clock
from enforcement.calendar import is_provisional, rows_in_use
from enforcement.deadline_text import deadline_words, urgency
from enforcement.markup import format_html

register = template.Library()

URGENCY_CLASSES = {
    "overdue": "text-danger fw-semibold",
    "soon": "text-warning-emphasis fw-semibold",
    "later": "",
}


def _provisional_badge(day: dt.date) -> SafeString:
    return format_html(
        ' <span class="badge text-bg-secondary" title="{}" data-testid="provisional">{}</span>',
        _("Counted without the holiday schedule of %(year)s, which is not loaded yet: it may move.")
        % {"year": day.year},
        _("provisional"),
    )


@register.filter
def deadline(day: dt.date | None) -> SafeString | str:
    if day is None:
        return ""
    if not is_provisional(day):
        return f"{day:%Y-%m-%d}"
    return format_html("{}{}", f"{day:%Y-%m-%d}", _provisional_badge(day))


@register.simple_tag
def deadline_status(
    due: dt.date | None, label: str = "", done: bool = False, today: dt.date | None = None
) -> SafeString | str:
    """The deadline in words, in a span carrying its urgency (data-urgency, and a colour class).

    Kept per process for the day, the deadline, its label, the language and the calendar's rows in use (a
    list page writes one per row, each tens of microseconds of translations and counting, issue 18); a
    calendar reloaded after an import forgets them all."""
    if due is None:
        return ""
    day = today or clock.today()
    exceptions, years = rows_in_use()
    if _held_rows[0] is not exceptions or _held_rows[1] is not years:
        _held.clear()
        _held_rows[:] = [exceptions, years]
    key = (due, str(label), done, day, get_language())
    found = _held.get(key)
    if found is None:
        if len(_held) >= HELD_MAX:
            _held.clear()
        found = _held[key] = _deadline_status(due, label, done, day)
    return found


HELD_MAX = 4096
_held: dict[tuple[Any, ...], SafeString] = {}
_held_rows: list[Any] = [None, None]


def _deadline_status(due: dt.date, label: str, done: bool, today: dt.date) -> SafeString:
    level = urgency(due, today=today, done=done)
    return format_html(
        '<span class="deadline {}" data-testid="deadline" data-urgency="{}" data-due="{}">{}{}</span>',
        "text-muted" if done else URGENCY_CLASSES.get(level, ""),
        level or "done",
        due.isoformat(),
        deadline_words(due, label, today=today, done=done),
        _provisional_badge(due) if is_provisional(due) else "",
    )
