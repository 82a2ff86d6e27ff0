"""Small display helpers for the whistle templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from whistles import clock
from whistles.workflow import Status, Urgency, WhistleStatus

register = template.Library()

STATUS_CLASSES: dict[str, str] = {
    Status.SENT: "text-bg-warning",
    Status.ACKNOWLEDGED: "text-bg-info",
    Status.ON_SITE: "text-bg-primary",
    Status.HANDLED: "text-bg-success",
    Status.CLOSED: "text-bg-secondary",
    Status.RETURNED: "text-bg-danger",
    Status.RETURN_UPHELD: "text-bg-dark",
    Status.CANCELLED: "text-bg-light border",
    WhistleStatus.OPEN: "text-bg-primary",
    WhistleStatus.WITHDRAWN: "text-bg-light border",
}
URGENCY_CLASSES: dict[str, str] = {
    Urgency.EMERGENCY: "text-bg-danger",
    Urgency.URGENT: "text-bg-warning",
    Urgency.NORMAL: "text-bg-light border",
}


@register.filter
def status_class(value: str) -> str:
    return STATUS_CLASSES.get(value, "text-bg-secondary")


@register.filter
def urgency_class(value: str) -> str:
    return URGENCY_CLASSES.get(value, "text-bg-light")


def _span(minutes: float) -> str:
    minutes = abs(int(minutes))
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        rest = minutes % 60
        if rest and hours < 10:
            return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


@register.filter
def duration_text(value: Any) -> str:
    """A timedelta or a number of minutes, in words."""
    if value is None or value == "":
        return "—"
    minutes = value.total_seconds() / 60 if isinstance(value, dt.timedelta) else float(value)
    return _span(minutes)


@register.filter
def hours_text(value: Any) -> str:
    if value is None:
        return "—"
    return _span(float(value) * 60)


@register.filter
def percent(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.0f}%"


@register.simple_tag
def due_text(due: Any) -> str:
    """'in 25 minutes' / 'overdue by 2 hours' for a selectors.Due."""
    if due is None:
        return ""
    delta = (due.at - clock.now()).total_seconds() / 60
    if delta >= 0:
        return _("in %(span)s") % {"span": _span(delta)}
    return _("overdue by %(span)s") % {"span": _span(delta)}


@register.filter
def stars(value: Any) -> str:
    if not value:
        return ""
    n = int(value)
    return "★" * n + "☆" * (5 - n)


@register.filter
def lookup(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def alert_text(data: Any) -> str:
    """'Deadline passed: check-in' for an alert event's data."""
    from whistles.workflow import AlertLevel, Step

    try:
        return _("%(level)s: %(step)s") % {
            "level": AlertLevel(data.get("level")).label,
            "step": Step(data.get("step")).label,
        }
    except (ValueError, AttributeError):
        return ""


@register.filter
def notification_text(notification: Any) -> str:
    from whistles.notifications import render

    return render(notification)
