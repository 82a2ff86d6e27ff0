"""What a process keeps between requests: a bounded dict (the oldest entry dropped first), the two-level
read the reference-data caches share (this process, then the shared cache, then the source), and the version
tokens their keys carry.

Within one request the version tokens are read once, most of them together with the user's scope in one round
trip (`enforcement.access.scope_for` asks `prefetch_keys` for the keys the request will want, and `remember`s
what it read): each Redis round trip costs 0.2-0.3 ms of worker CPU, and a signed-in request used to make
three or four (issue 18). Reading a token earlier in the request is the safe direction: everything kept
under a token is read after the token, so a change between the two reads leaves the kept value under the
older token, where nobody asks for it any more. A token this process replaces (`forget`) is read again.

Entries are shared between a process's threads and must be read only. The dict is not locked: two threads
evicting at once may drop one entry more than needed, never raise.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started

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
    asks first; None when the cache cannot give one (Redis down): then nothing may be held under it. Within
    a request, the one this request already read (see the module's docstring)."""
    read = _read()
    if read is not None:
        known = read.get(key)
        if known is not None:
            return known
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    if version is None:
        return None
    if read is not None:
        read[key] = str(version)
    return str(version)


# --- the tokens one request has read ------------------------------------------------------------------------

# What the current request read, per thread (a thread serves one request at a time): key -> value, None for a
# key read and found absent. None outside a request (tasks, management commands, tests between requests):
# every read then goes to the cache.
_request = threading.local()

# Functions that name the keys a signed-in request will read besides its scope: (user, its scope as this
# process last knew it, or None) -> keys. Registered by the modules that own the keys.
_prefetchers: list[Callable[[Any, Any], Iterable[str]]] = []


def _read() -> dict[str, str | None] | None:
    read: dict[str, str | None] | None = getattr(_request, "read", None)
    return read


def register_prefetch(keys: Callable[[Any, Any], Iterable[str]]) -> None:
    if keys not in _prefetchers:
        _prefetchers.append(keys)


def prefetch_keys(user: Any, scope: Any) -> list[str]:
    """The keys this request will read, to be fetched with its scope (none outside a request)."""
    if _read() is None:
        return []
    return [key for keys in _prefetchers for key in keys(user, scope)]


def remember(found: Mapping[str, Any], keys: Iterable[str]) -> None:
    """What one read of `keys` found (a key absent from `found` was not there), kept for the request."""
    read = _read()
    if read is None:
        return
    for key in keys:
        value = found.get(key)
        read[key] = None if value is None else str(value)


def already_read(key: str) -> tuple[bool, str | None]:
    """Whether this request read `key`, and what it found (None: absent)."""
    read = _read()
    if read is None or key not in read:
        return False, None
    return True, read[key]


def forget(keys: Iterable[str]) -> None:
    """Tokens this process is replacing: the request reads them again from the cache."""
    read = _read()
    if read is not None:
        for key in keys:
            read.pop(key, None)


def _request_starts(**_kwargs: Any) -> None:
    _request.read = {}


def _request_ends(**_kwargs: Any) -> None:
    _request.read = None


request_started.connect(_request_starts, dispatch_uid="held-request-tokens-start")
request_finished.connect(_request_ends, dispatch_uid="held-request-tokens-end")
