"""The published inspection-item list on a date (清单之外无检查), the items and points a plan or a visit may
use, and a unit's checklists in use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from enforcement.models import District, Unit

from ..models import (
    CheckPoint,
    InspectionItem,
    InspectionTask,
    lists_in_force_on,
)

# --- the published list -------------------------------------------------------------------------------------


def items_on_list(district: District | int, on: dt.date) -> QuerySet[InspectionItem]:
    district_id = district if isinstance(district, int) else district.pk
    return InspectionItem.objects.filter(inspection_list__in=_lists_in_force(district_id, on))


def _lists_in_force(district_id: int, on: dt.date) -> Any:
    from ..models import InspectionList

    return InspectionList.objects.filter(lists_in_force_on(on), district_id=district_id).values("pk")


def points_off_list(points: Iterable[CheckPoint], district_id: int, on: dt.date) -> list[CheckPoint]:
    """The check points whose item is not on the district's list published and in force on `on` (art 14)."""
    points = list(points)
    if not points:
        return []
    ok = set(
        CheckPoint.objects.filter(
            pk__in=[p.pk for p in points], item__inspection_list__in=_lists_in_force(district_id, on)
        ).values_list("pk", flat=True)
    )
    return [p for p in points if p.pk not in ok]


def items_published(district: District | int, on: dt.date) -> QuerySet[InspectionItem]:
    """The items of the district's list in force on `on`, or published to come into force later (a plan may be
    made ahead of a new list; the services check the list in force on the planned day)."""
    from ..models import InspectionList

    district_id = district if isinstance(district, int) else district.pk
    lists = InspectionList.objects.filter(district_id=district_id, published_on__isnull=False).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
    )
    return (
        InspectionItem.objects.filter(inspection_list__in=lists)
        .select_related("inspection_list", "inspecting_unit")
        .order_by("code")
    )


def points_addable_on_site(task: InspectionTask, on: dt.date) -> QuerySet[CheckPoint]:
    """Check points of the list in force today that are not on the task yet (an ad hoc point on site)."""
    return (
        CheckPoint.objects.filter(item__in=items_on_list(task.district_id, on))
        .exclude(pk__in=task.points.values("point_id"))
        .select_related("item")
        .order_by("item__code", "code")
    )


def active_templates(unit: Unit | int) -> QuerySet[Any]:
    from ..models import ChecklistTemplate

    unit_id = unit if isinstance(unit, int) else unit.pk
    return ChecklistTemplate.objects.filter(unit_id=unit_id, status=ChecklistTemplate.Status.ACTIVE).order_by(
        "scenario", "name"
    )
