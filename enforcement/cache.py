"""Django's Redis cache, made safe to lose.

Everything this app keeps in the cache can be rebuilt (compiled matchers, the calendar version, throttle
counters), so a Redis that is down or slow must cost a rebuild, never an error page. Every call that fails
with a connection or
Redis error is logged and answered as a miss (`get` returns its default, `add` False, writes do nothing).
After a failure the backend stops asking Redis for `RETRY_AFTER` seconds, so a dead Redis costs one short
connect timeout per process every few seconds, not one per cache call. `incr` on a missing key still raises
ValueError as Django's does.
"""

from __future__ import annotations

import logging
import time
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRY_AFTER = 5.0  # seconds without asking Redis after it failed
FAILURES = (
    RedisError,
    OSError,
)  # redis-py's ConnectionError and TimeoutError are RedisErrors; sockets raise OSError


class FailSoftRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0

    def _call(self, name: str, miss: T, *args: Any, **kwargs: Any) -> T:
        """Redis's answer to `name(*args, **kwargs)` (of the type of `miss`), or `miss` while Redis is
        down."""
        if time.monotonic() < self._down_until:
            return miss
        try:
            answer: T = getattr(super(), name)(*args, **kwargs)
            return answer
        except FAILURES as exc:
            self._down_until = time.monotonic() + RETRY_AFTER
            log.warning(
                "cache: Redis unavailable on %s (%s); answering as a miss for %.0fs", name, exc, RETRY_AFTER
            )
            return miss

    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", default, key, default, version)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._call("get_many", {}, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call("has_key", False, key, version)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("add", False, key, value, timeout, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call("set", None, key, value, timeout, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("touch", False, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call("delete", False, key, version)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", None, keys, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        if time.monotonic() < self._down_until:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        try:
            return super().incr(key, delta, version)
        except FAILURES as exc:
            self._down_until = time.monotonic() + RETRY_AFTER
            log.warning("cache: Redis unavailable on incr (%s)", exc)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from exc

    def clear(self) -> None:
        self._call("clear", None)
