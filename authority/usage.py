"""Where items are used, for the usage evaluation (赋权事项使用效果评估).

Apps that use enforcement items register a source: cases filed, inspections that checked an item, whistles that asked
a department for an item. The evaluation adds them up per (item, town); no app here imports the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from enforcement.models import District


@dataclass(frozen=True)
class UsageCount:
    count: int
    last_used: dt.date | None


# (district, start, end) -> {(item_id, town_id): UsageCount}, counting uses with start <= date <= end.
UsageFn = Callable[[District, dt.date, dt.date], dict[tuple[int, int], UsageCount]]


@dataclass(frozen=True)
class UsageSource:
    key: str  # "cases", "inspections", "whistles", ...
    label: str | Promise
    fn: UsageFn
    counts_as_use: bool = True  # False for demand signals, e.g. whistles asking a department for an item


_SOURCES: dict[str, UsageSource] = {}


def register_usage_source(source: UsageSource) -> None:
    _SOURCES[source.key] = source


def usage_sources() -> list[UsageSource]:
    return sorted(_SOURCES.values(), key=lambda s: s.key)
