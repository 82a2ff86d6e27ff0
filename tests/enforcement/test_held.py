"""enforcement.held: the bounded dict and the two-level read the reference-data caches share."""

from __future__ import annotations

import uuid

from django.core.cache import cache

from enforcement.held import Held, held_or_cached, version_token


def test_held_keeps_at_most_its_limit_and_drops_the_value_put_longest_ago():
    held: Held[str, int] = Held(2)
    held.put("a", 1)
    held.put("b", 2)
    held.put("a", 3)  # put again: now the newest
    held.put("c", 4)
    assert (held.get("a"), held.get("b"), held.get("c"), len(held)) == (3, None, 4, 2)
    held.clear()
    assert not held


def test_held_or_cached_reads_this_process_then_the_cache_then_makes_it():
    key, made = f"test-held:{uuid.uuid4()}", []

    def make():
        made.append(1)
        return {"n": len(made)}

    first: Held[str, dict] = Held(4)
    assert held_or_cached(first, key, make, kind=dict, ttl=60) == {"n": 1}
    assert cache.get(key) == {"n": 1}
    another_process: Held[str, dict] = Held(4)
    assert held_or_cached(another_process, key, make, kind=dict, ttl=60) == {"n": 1}  # from the cache
    cache.set(key, "not a dict", 60)  # what the cache gives is checked, not trusted
    assert held_or_cached(first, key, make, kind=dict, ttl=60) == {"n": 1}  # this process still holds it
    assert held_or_cached(Held(4), key, make, kind=dict, ttl=60) == {"n": 2}
    assert len(made) == 2


def test_a_version_token_is_made_once_and_then_read_by_everyone():
    key = f"test-version:{uuid.uuid4()}"
    first = version_token(key)
    assert first and version_token(key) == first == cache.get(key)
    cache.delete(key)  # evicted: a new token, so nothing held under the old one is served
    assert version_token(key) not in (None, first)
