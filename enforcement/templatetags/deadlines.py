"""`{{ day|deadline }}`: a deadline as shown on every page, marked provisional (暂定) when it was counted
without the holiday schedule of its year."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from enforcement.calendar import is_provisional

register = template.Library()


@register.filter
def deadline(day: dt.date | None) -> SafeString | str:
    if day is None:
        return ""
    if not is_provisional(day):
        return f"{day:%Y-%m-%d}"
    return format_html(
        '{} <span class="badge text-bg-secondary" title="{}" data-testid="provisional">{}</span>',
        f"{day:%Y-%m-%d}",
        _("Counted without the holiday schedule of %(year)s, which is not loaded yet: it may move.")
        % {"year": day.year},
        _("provisional"),
    )
