"""The services' clock. In production it is `timezone.now()`. The demo seeders replay months of whistles and
cases through the real services by setting the time for a block of calls (`at(...)`); nothing else sets it.
One clock for every app, so that a step of one app that causes a step of another (a case transferred raises a
whistle) happens at the same moment in both."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.utils import timezone

_override: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("zhifa_clock", default=None)


class Watch(Protocol):
    read: bool


# Set while a held answer is built (enforcement.work_cache): an answer that read the time (an overdue flag)
# is held only for the minute it was built in.
_watch: contextvars.ContextVar[Watch | None] = contextvars.ContextVar("zhifa_clock_watch", default=None)


def now() -> dt.datetime:
    watch = _watch.get()
    if watch is not None:
        watch.read = True
    return _override.get() or timezone.now()


def today() -> dt.date:
    return timezone.localdate(_override.get() or timezone.now())


@contextmanager
def watching(watch: Watch) -> Iterator[None]:
    """Note in `watch` whether anything asks for the time (not the date) meanwhile."""
    token = _watch.set(watch)
    try:
        yield
    finally:
        _watch.reset(token)


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError("the clock takes aware datetimes")
    token = _override.set(moment)
    try:
        yield
    finally:
        _override.reset(token)
