"""What a process keeps between requests: a bounded dict (the oldest entry dropped first), the two-level
read the reference-data caches share (this process, then the shared cache, then the source), and the version
tokens their keys carry.

Entries are shared between a process's threads and must be read only. The dict is not locked: two threads
evicting at once may drop one entry more than needed, never raise.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache

K = TypeVar("K")
V = TypeVar("V")


class Held(Generic[K, V]):
    """At most `limit` values, the one put longest ago dropped first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._values: dict[K, V] = {}

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: K) -> V | None:
        return self._values.get(key)

    def put(self, key: K, value: V) -> None:
        self._values.pop(key, None)
        while len(self._values) >= self.limit:
            try:
                del self._values[next(iter(self._values))]
            except (StopIteration, KeyError, RuntimeError):  # another thread emptied it meanwhile
                break
        self._values[key] = value

    def clear(self) -> None:
        self._values.clear()


def held_or_cached(held: Held[str, V], key: str, make: Callable[[], V], *, kind: type[V], ttl: int) -> V:
    """The value under `key`: from this process, else from the shared cache (when it holds a `kind`), else
    made and stored in both. The key must name everything the value depends on (a version token with it)."""
    value = held.get(key)
    if value is None:
        value = cache.get(key)
        if not isinstance(value, kind):
            value = make()
            cache.set(key, value, ttl)
        held.put(key, value)
    return value


def version_token(key: str) -> str | None:
    """The version token stored under `key`, made on first use (or after an eviction) by whichever process
    asks first; None when the cache cannot give one (Redis down): then nothing may be held under it."""
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return None if version is None else str(version)
