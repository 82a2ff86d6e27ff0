"""The case services' clock. In production it is `timezone.now()`. The demo seeder replays months of cases
through the real workflow by setting the time for a block of calls (`at(...)`); nothing else sets it."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_override: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("cases_clock", default=None)


def now() -> dt.datetime:
    return _override.get() or timezone.now()


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError("the clock takes aware datetimes")
    token = _override.set(moment)
    try:
        yield
    finally:
        _override.reset(token)


def today() -> dt.date:
    return timezone.localdate(now())
