"""Labelled data that people make while they work (issue 15): a higher app that keeps officers' labels (the
complaint inbox, in cases) registers a source here, and `match_eval --from-labels` reads every source, so the
evaluation runs on a district's real complaints without this app importing the one that keeps them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .evaluate import Example

# (district id, since, until (exclusive)) -> the labelled examples received in that period
LabelSource = Callable[[int, dt.date | None, dt.date | None], list[Example]]

_SOURCES: list[LabelSource] = []


def register_label_source(source: LabelSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def labelled_examples(
    district_id: int, since: dt.date | None = None, until: dt.date | None = None
) -> list[Example]:
    out: list[Example] = []
    for source in _SOURCES:
        out.extend(source(district_id, since, until))
    return out
