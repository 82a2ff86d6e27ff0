"""Inspections as a use of an enforcement item, for the authority usage evaluation: a town that checked a
point of an item it held on the day of the visit used that power (the item's 检查 side), whatever the
result."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max
from django.utils import timezone

from authority.usage import UsageCount
from enforcement.models import District

from .models import TaskPoint
from .workflow import PointResult


def inspection_usage(district: District, start: dt.date, end: dt.date) -> dict[tuple[int, int], UsageCount]:
    """(item, town) -> how many visits checked a point of the item the town held, between start and end."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = (
        TaskPoint.objects.filter(
            task__district=district,
            task__entered_at__gte=lo,
            task__entered_at__lt=hi,
            holder_town__isnull=False,
            result__in=[PointResult.PASS, PointResult.FAIL],
        )
        .values("point__enforcement_item_id", "holder_town_id")
        .annotate(n=Count("task_id", distinct=True), last=Max("task__entered_at"))
    )
    return {
        (row["point__enforcement_item_id"], row["holder_town_id"]): UsageCount(
            row["n"], timezone.localtime(row["last"]).date()
        )
        for row in rows
    }
