"""What the penalty-case pages share: the user of the request, stage badges, list rows, the towns a user files
for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from authority.models import EnforcementItem
from enforcement.access import scope_for
from enforcement.models import Unit, User
from enforcement.templatetags.deadlines import deadline_status

from .. import rules
from ..deadlines import next_due_label
from ..models import Case
from ..selectors import items_for_cases
from ..workflow import Stage

# Stage badges: where the case waits on someone else (approval, review) it is yellow; finished is grey.
STAGE_BADGES: dict[str, str] = {
    Stage.LEAD: "text-bg-light border",
    Stage.CHECKING: "text-bg-info",
    Stage.FILING_REVIEW: "text-bg-warning",
    Stage.INVESTIGATING: "text-bg-primary",
    Stage.CORRECTING: "text-bg-info",
    Stage.NOTIFIED: "text-bg-primary",
    Stage.HEARING: "text-bg-primary",
    Stage.LEGAL_REVIEW: "text-bg-warning",
    Stage.DECIDING: "text-bg-warning",
    Stage.DECIDED: "text-bg-primary",
    Stage.SERVED: "text-bg-primary",
    Stage.EXECUTED: "text-bg-success",
    Stage.CLOSED: "text-bg-success",
    Stage.ARCHIVED: "text-bg-secondary",
    Stage.NOT_FILED: "text-bg-secondary",
    Stage.TRANSFERRED: "text-bg-secondary",
    Stage.WITHDRAWN: "text-bg-secondary",
}


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def stage_badge(stage: str) -> str:
    return STAGE_BADGES.get(stage, "text-bg-light border")


def case_row(case: Case, today: dt.date) -> dict[str, Any]:
    """A list row, with its link, stage badge and deadline already written: the list shows each row twice
    (cards on a phone, a table from md), and two includes and two URL lookups per row and layout were most of
    the page's time (issue 18). The markup is that of cases/_case_stage.html; the deadline that of
    `{% deadline_status %}`."""
    overdue = case.next_due is not None and case.next_due < today and case.is_open
    badge = stage_badge(case.stage)
    return {
        "case": case,
        "badge": badge,
        "overdue": overdue,
        "url": reverse("cases:case", args=[case.pk]),
        "stage_html": format_html(
            '<span class="badge {}" data-stage="{}" data-testid="stage-badge">{}</span>',
            badge,
            case.stage,
            case.get_stage_display(),
        ),
        "due_html": _due_html(case, today, overdue),
    }


def _due_html(case: Case, today: dt.date, overdue: bool) -> SafeString:
    if case.next_due is None or not case.is_open:
        return mark_safe('<span class="text-muted">—</span>')  # noqa: S308  (a constant)
    return format_html(
        '<span data-testid="next-due"{}>{}</span>',
        mark_safe(' data-overdue="1"') if overdue else "",  # noqa: S308  (a constant)
        deadline_status(case.next_due, next_due_label(case), today=today),
    )


def district_items(district_ids: Any) -> QuerySet[EnforcementItem]:
    return items_for_cases(district_ids)


def towns_for_case_filing(user: User) -> list[Unit]:
    scope = scope_for(user)
    if not scope.town_ids:
        return []
    towns = Unit.objects.filter(pk__in=scope.town_ids, kind=Unit.Kind.TOWN, is_active=True).order_by("code")
    return [t for t in towns if rules.can_file_case(user, t)]
