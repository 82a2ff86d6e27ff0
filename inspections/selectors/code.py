"""The public view of an inspection code (执法码): who is coming, for which task, under which items and basis,
and whether each officer's certificate is valid today. Nothing else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from enforcement.access import access_or_404
from enforcement.models import Unit

from ..models import (
    InspectionTask,
)
from ..workflow import TaskStatus
from .tasks import participants

# --- the inspection code (执法码) ---------------------------------------------------------------------------

CODE_VISIBLE = frozenset({TaskStatus.APPROVED, TaskStatus.ON_SITE, TaskStatus.CHECKED, TaskStatus.CLOSED})


@dataclass(frozen=True)
class CodeOfficer:
    name: str
    unit: str
    certificate_number: str
    valid_today: bool


@dataclass(frozen=True)
class CodeItem:
    code: str
    name: str
    legal_basis: str
    points: list[str]


@dataclass(frozen=True)
class CodeView:
    """What the business sees when it scans the code, and nothing more: who is coming, for which task, under
    which items and basis, and whether each officer's certificate is valid today. No subject data, no
    results."""

    title: str
    kind: str
    lead_unit: str
    units: list[str]
    planned_on: dt.date
    approved_on: dt.date | None
    approved_afterwards: bool
    officers: list[CodeOfficer]
    items: list[CodeItem]


def code_view(code: str, today: dt.date) -> CodeView:
    """The public view of a task's code; an unknown, unapproved, cancelled or merged task's code is a 404."""
    from django.http import Http404
    from django.utils import timezone

    from enforcement.officers import officer_may_act

    if not code or len(code) > 64:
        raise Http404
    task = access_or_404(
        InspectionTask.objects.select_related("lead_unit").filter(status__in=CODE_VISIBLE).exclude(code=""),
        code=code,
    )
    units = [str(Unit.objects.get(pk=pk)) for pk in participants(task)]
    officers = [
        CodeOfficer(str(o.officer), str(o.unit), o.certificate_number, officer_may_act(o.officer, today).ok)
        for o in task.officers.select_related("officer", "unit").order_by("pk")
    ]
    items: dict[int, CodeItem] = {}
    for row in task.points.select_related("point__item").order_by("point__item__code", "point__code"):
        item = row.point.item
        entry = items.setdefault(item.pk, CodeItem(item.code, item.name_zh, item.legal_basis, []))
        entry.points.append(row.point.text_zh)
    return CodeView(
        title=task.title,
        kind=task.get_kind_display(),
        lead_unit=str(task.lead_unit),
        units=units,
        planned_on=task.planned_on,
        approved_on=timezone.localdate(task.approved_at) if task.approved_at else None,
        approved_afterwards=task.approved_afterwards,
        officers=officers,
        items=list(items.values()),
    )
