"""Whistles as a demand signal for the authority evaluation: which items towns asked departments to handle."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max
from django.utils import timezone

from authority.usage import UsageCount
from enforcement.models import District

from .models import WhistleRequest


def whistle_usage(district: District, start: dt.date, end: dt.date) -> dict[tuple[int, int], UsageCount]:
    """(item, town) -> how many whistles the town raised for the item between start and end (local dates)."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = (
        WhistleRequest.objects.filter(
            district=district, item__isnull=False, raised_at__gte=lo, raised_at__lt=hi
        )
        .values("item_id", "town_id")
        .annotate(n=Count("pk"), last=Max("raised_at"))
    )
    return {
        (row["item_id"], row["town_id"]): UsageCount(row["n"], timezone.localtime(row["last"]).date())
        for row in rows
    }
