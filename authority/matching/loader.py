"""A district's compiled matcher: built from the database, versioned, shared across processes through the
cache.

Each call asks the database for a cheap fingerprint of what the matcher is compiled from (counts, the latest
change and the sum of item versions of the district's items, its rules and the lexicon: one
query). If this process already holds a matcher for that fingerprint it is used as is. Otherwise the cache
is asked, first for the version compiled from that fingerprint, then for the pickled matcher of that version;
only when another process has not built it yet is it compiled here (and put in the cache for the others). The
version is a hash of the content itself (items, rules, lexicon, engine parameters), so any process that
compiles the same content finds the same key.

Edits therefore take effect on the next match in every process, with no signal and no explicit invalidation.
The pickled matcher comes from our own cache (the same trust as sessions); it is never read from user input.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import logging
import pickle
import threading
from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.db.models import Q

from authority.models import EnforcementItem, LexiconEntry, MatchRule
from enforcement.memo import remembered

from . import engine
from .engine import ItemSpec, LexSpec, Matcher, RuleSpec, compile_matcher, content_hash
from .normalize import term_key

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
BUILTIN_LEXICON = DATA / "lexicon.csv"
CACHE_TIMEOUT = 7 * 24 * 3600
_local: dict[int, tuple[str, Matcher]] = {}
_lock = threading.Lock()


@functools.cache
def builtin_lexicon() -> tuple[tuple[LexSpec, ...], str]:
    """The built-in default lexicon (data/lexicon.csv) and a hash of the file."""
    raw = BUILTIN_LEXICON.read_bytes()
    entries = tuple(
        LexSpec(
            term=row["term"].strip(),
            canonical=split_canonical(row["canonical"]),
            lang=(row["lang"] or "zh").strip(),
        )
        for row in csv.DictReader(raw.decode("utf-8-sig").splitlines())
        if row["term"].strip() and row["canonical"].strip()
    )
    return entries, hashlib.sha256(raw).hexdigest()[:16]


def split_canonical(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.replace("｜", "|").split("|") if part.strip())


def item_specs(district_id: int) -> list[ItemSpec]:
    rows = (
        EnforcementItem.objects.filter(district_id=district_id, is_active=True)
        .order_by("code")
        .values_list(
            "id", "code", "name_zh", "name_en", "description_zh", "rule_broken", "legal_basis", "domain"
        )
    )
    return [
        ItemSpec(
            id=pk,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            description=desc,
            rule_broken=rule,
            legal_basis=basis,
            domain=domain,
        )
        for pk, code, name_zh, name_en, desc, rule, basis, domain in rows
    ]


def rule_specs(district_id: int) -> list[RuleSpec]:
    rows = MatchRule.objects.filter(
        item__district_id=district_id, item__is_active=True, is_active=True
    ).order_by("pk")
    return [
        RuleSpec(id=r.pk, item_id=r.item_id, kind=r.kind, pattern=r.pattern, weight=float(r.weight))
        for r in rows
    ]


def lexicon_specs(district_id: int) -> list[LexSpec]:
    """The built-in lexicon, overridden by the shared rows of the database, overridden by the district's own
    rows.

    A row overrides an entry of the same term (normalised) and language; an inactive row switches that entry
    off.
    """
    merged: dict[tuple[str, str], LexSpec | None] = {}
    for entry in builtin_lexicon()[0]:
        merged[(term_key(entry.term) or entry.term, entry.lang)] = entry
    rows = LexiconEntry.objects.filter(Q(district__isnull=True) | Q(district_id=district_id)).order_by(
        "district_id", "pk"
    )
    shared = [r for r in rows if r.district_id is None]
    own = [r for r in rows if r.district_id is not None]
    for row in [*shared, *own]:
        key = (term_key(row.term) or row.term, row.lang)
        merged[key] = (
            LexSpec(term=row.term, canonical=split_canonical(row.canonical), lang=row.lang)
            if row.is_active
            else None
        )
    return [spec for spec in merged.values() if spec is not None]


_FINGERPRINT_SQL = """
SELECT
  (SELECT count(*) FROM {items} WHERE district_id = %(d)s),
  (SELECT count(*) FROM {items} WHERE district_id = %(d)s AND is_active),
  (SELECT sum(version) FROM {items} WHERE district_id = %(d)s),
  (SELECT max(updated_at) FROM {items} WHERE district_id = %(d)s),
  (SELECT max(id) FROM {items} WHERE district_id = %(d)s),
  (SELECT count(*) FROM {rules} r JOIN {items} i ON i.id = r.item_id WHERE i.district_id = %(d)s),
  (SELECT count(*) FROM {rules} r JOIN {items} i ON i.id = r.item_id
    WHERE i.district_id = %(d)s AND r.is_active),
  (SELECT max(r.updated_at) FROM {rules} r JOIN {items} i ON i.id = r.item_id WHERE i.district_id = %(d)s),
  (SELECT max(r.id) FROM {rules} r JOIN {items} i ON i.id = r.item_id WHERE i.district_id = %(d)s),
  (SELECT count(*) FROM {lexicon} WHERE district_id IS NULL OR district_id = %(d)s),
  (SELECT count(*) FROM {lexicon} WHERE (district_id IS NULL OR district_id = %(d)s) AND is_active),
  (SELECT max(updated_at) FROM {lexicon} WHERE district_id IS NULL OR district_id = %(d)s),
  (SELECT max(id) FROM {lexicon} WHERE district_id IS NULL OR district_id = %(d)s)
"""


@remembered(lambda district_id: district_id)
def fingerprint(district_id: int) -> str:
    """Changes whenever an item, a rule or a lexicon entry the district's matcher depends on changes: counts,
    the latest change and the sum of item versions, in one query of scalar subqueries (each on an index), so a
    match request pays one round trip for it rather than three."""
    sql = _FINGERPRINT_SQL.format(
        items=EnforcementItem._meta.db_table,
        rules=MatchRule._meta.db_table,
        lexicon=LexiconEntry._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"d": district_id})
        row = cursor.fetchone()
    payload = repr(
        (
            tuple(str(v) for v in row or ()),
            builtin_lexicon()[1],
            engine.ENGINE_VERSION,
            engine.THRESHOLD,
            engine.SCALE,
        )
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def _fp_key(district_id: int, fp: str) -> str:
    return f"matching:fp:{district_id}:{fp}"


def _matcher_key(version: str) -> str:
    return f"matching:matcher:{version}"


def build(district_id: int) -> Matcher:
    """Compile the district's matcher from the database (no cache)."""
    items, rules, lexicon = item_specs(district_id), rule_specs(district_id), lexicon_specs(district_id)
    return compile_matcher(items, rules, lexicon, version=content_hash(items, rules, lexicon))


def matcher_for(district_id: int) -> Matcher:
    """The district's current matcher: from this process, else from the cache, else compiled (and cached)."""
    fp = fingerprint(district_id)
    held = _local.get(district_id)
    if held is not None and held[0] == fp:
        return held[1]
    with _lock:
        held = _local.get(district_id)
        if held is not None and held[0] == fp:
            return held[1]
        matcher = _from_cache(cache.get(_fp_key(district_id, fp)))
        if matcher is None:
            items, rules, lexicon = (
                item_specs(district_id),
                rule_specs(district_id),
                lexicon_specs(district_id),
            )
            version = content_hash(items, rules, lexicon)
            matcher = _from_cache(version)
            if matcher is None:
                matcher = compile_matcher(items, rules, lexicon, version=version)
                try:
                    cache.set(
                        _matcher_key(version), pickle.dumps(matcher, pickle.HIGHEST_PROTOCOL), CACHE_TIMEOUT
                    )
                except Exception:  # a cache that is down or full costs a rebuild per process, not an error
                    log.warning("matching: could not store matcher %s in the cache", version, exc_info=True)
            cache.set(_fp_key(district_id, fp), matcher.version, CACHE_TIMEOUT)
        _local[district_id] = (fp, matcher)
        return matcher


def _from_cache(version: str | None) -> Matcher | None:
    if not version:
        return None
    blob = cache.get(_matcher_key(version))
    if blob is None:
        return None
    try:
        matcher = pickle.loads(blob)  # noqa: S301  (our own cache, written by matcher_for)
    except Exception:
        log.warning("matching: unreadable matcher %s in the cache", version, exc_info=True)
        return None
    return matcher if isinstance(matcher, Matcher) and matcher.version == version else None


def forget_local() -> None:
    """Drop this process's copies (tests use it to act as a fresh process)."""
    _local.clear()
