"""Ids in, one service call: the refresh after a change and the nightly recount (beat)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task

from .services import figures_reconcile, figures_refresh, figures_refresh_for_change


@shared_task(acks_late=True)
def figures_refresh_task(object_type: str, object_id: str, seen: list[list[Any]] | None = None) -> int:
    """Recompute the (town, month) rows the object's change can move; idempotent (a recount, not a delta)."""
    return figures_refresh_for_change(object_type=object_type, object_id=object_id, seen=seen)


@shared_task(acks_late=True)
def figures_reconcile_task() -> int:
    """Every row from the raw tables (beat, nightly): puts right what no change announced (a deadline that
    passed, a date moved to another month)."""
    return figures_reconcile().rows


@shared_task(acks_late=True)
def figures_refresh_rows_task(pairs: list[list[Any]]) -> int:
    """Recompute the named (town, month) rows (ISO month dates): the rows of warnings a sweep raised."""
    return figures_refresh(pairs=[(int(town), dt.date.fromisoformat(month)) for town, month in pairs])
