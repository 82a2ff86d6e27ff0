"""Small display helpers for the inspection templates."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from inspections.workflow import PointResult, TaskStatus

register = template.Library()

STATUS_CLASSES: dict[str, str] = {
    TaskStatus.DRAFT: "text-bg-light border",
    TaskStatus.PUBLISHED: "text-bg-warning",
    TaskStatus.APPROVED: "text-bg-info",
    TaskStatus.ON_SITE: "text-bg-primary",
    TaskStatus.CHECKED: "text-bg-danger",
    TaskStatus.CLOSED: "text-bg-success",
    TaskStatus.CANCELLED: "text-bg-secondary",
    TaskStatus.MERGED: "text-bg-secondary",
}
RESULT_CLASSES: dict[str, str] = {
    PointResult.PENDING: "text-bg-light border",
    PointResult.PASS: "text-bg-success",
    PointResult.FAIL: "text-bg-danger",
    PointResult.NOT_APPLICABLE: "text-bg-secondary",
    PointResult.NOT_CHECKED: "text-bg-warning",
}
ANSWER_BUTTONS: dict[str, str] = {
    PointResult.PASS: "btn-outline-success",
    PointResult.FAIL: "btn-outline-danger",
    PointResult.NOT_APPLICABLE: "btn-outline-secondary",
    PointResult.NOT_CHECKED: "btn-outline-warning",
}


@register.filter
def task_status_class(value: str) -> str:
    return STATUS_CLASSES.get(value, "text-bg-secondary")


@register.filter
def result_class(value: str) -> str:
    return RESULT_CLASSES.get(value, "text-bg-light border")


@register.filter
def answer_button(value: str) -> str:
    return ANSWER_BUTTONS.get(value, "btn-outline-secondary")


@register.filter
def holder_kind_label(value: str) -> str:
    """statutory / empowered / delegated, as the authority catalog names them; a department's own power says
    so."""
    from authority.models import GrantKind

    if value in GrantKind.values:
        return str(GrantKind(value).label)
    return ""


@register.simple_tag
def list_separator() -> str:
    """Between names in a list: the enumeration comma in Chinese, a comma and a space in English."""
    return ", " if (get_language() or "").startswith("en") else "、"


@register.filter
def attr_of(obj: object, name: str) -> object:
    """A figure by its name (the report's columns are data)."""
    return getattr(obj, name, "")
