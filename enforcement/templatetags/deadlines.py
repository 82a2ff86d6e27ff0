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

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from enforcement.calendar import is_provisional
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
    """The deadline in words, in a span carrying its urgency (data-urgency, and a colour class)."""
    if due is None:
        return ""
    level = urgency(due, today=today, done=done)
    return format_html(
        '<span class="deadline {}" data-testid="deadline" data-urgency="{}" data-due="{}">{}{}</span>',
        "text-muted" if done else URGENCY_CLASSES.get(level, ""),
        level or "done",
        due.isoformat(),
        deadline_words(due, label, today=today, done=done),
        _provisional_badge(due) if is_provisional(due) else "",
    )
