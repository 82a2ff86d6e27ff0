from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from ..recommend import kinds_text
from ..validation import level_label, money, statutory_text

register = template.Library()


@register.filter
def kind_labels(kinds: Any) -> str:
    return kinds_text(list(kinds or []))


@register.filter
def yuan(value: Decimal | None) -> str:
    return money(value)


@register.filter
def level_name(level: str) -> str:
    return level_label(level) if level else ""


@register.filter
def fine_range(obj: Any) -> str:
    low, high = getattr(obj, "fine_min", None), getattr(obj, "fine_max", None)
    if low is None and high is None:
        return "—"
    return f"{money(low) if low is not None else '0'}–{money(high) if high is not None else '…'}"


@register.filter
def statutory(item: Any) -> str:
    """An item's statutory fine range in words: 50–500 yuan, up to 5,000 yuan, at least 10,000 yuan."""
    from ..specs import item_spec

    return statutory_text(item_spec(item))


STATUS_CLASSES = {
    "published": "text-bg-success",
    "generated": "text-bg-warning",
    "draft": "text-bg-info",
    "withdrawn": "text-bg-secondary",
    "retired": "text-bg-light border",
}
LEVEL_CLASSES = {
    "minor": "tier-minor",
    "lighter": "tier-minor",
    "normal": "tier-normal",
    "serious": "tier-serious",
    "heavier": "tier-grave",
    "grave": "tier-grave",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-secondary")


@register.filter
def level_class(level: str) -> str:
    return LEVEL_CLASSES.get(level, "tier-normal")
