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
A match request for a town (`matcher_and_town_fingerprint`) holds the district's part of the fingerprint under
the reference-data token (`enforcement.public_cache.public_version`, replaced by every save or delete of the
authority app's models and by every audited authority action) for at most `CATALOG_HELD_SECONDS`, and then
reads only the town's grants (one indexed aggregate): the catalog, rules and lexicon scan (five thousand
shared lexicon rows) was most of the request's database time. A write that neither signals nor is audited (a
bare `update()` in a shell) reaches those requests within that time; a grant's does at once, as before.
The pickled matcher comes from our own cache (the same trust as sessions); it is never read from user input.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import logging
import pickle
import threading
import time
from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.db.models import Q

from authority.models import AuthorityGrant, EnforcementItem, LexiconEntry, MatchRule
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


# Each table read once (one scan of its rows with several aggregates), not once per aggregate: the shared
# lexicon alone is two thousand rows, and four passes over it were most of a warm match's database time.
_FINGERPRINT_SQL = """
SELECT i.*, r.*, l.*{town_columns} FROM
  (SELECT count(*), count(*) FILTER (WHERE is_active), sum(version), max(updated_at), max(id)
     FROM {items} WHERE district_id = %(d)s) AS i,
  (SELECT count(*), count(*) FILTER (WHERE r.is_active), max(r.updated_at), max(r.id)
     FROM {rules} r JOIN {items} it ON it.id = r.item_id WHERE it.district_id = %(d)s) AS r,
  (SELECT count(*), count(*) FILTER (WHERE is_active), max(updated_at), max(id)
     FROM {lexicon} WHERE district_id IS NULL OR district_id = %(d)s) AS l{town_tables}
"""
_FINGERPRINT_COLUMNS = 13

# With a town: the same query also reads what the town's answers depend on beyond the catalog, its grants
# (a new one, an ended one, on the (town, item, valid_from) index), as the town's public list does.
_TOWN_GRANTS_SQL = """,
  (SELECT count(*), max(id), count(valid_to), max(valid_to) FROM {grants} WHERE town_id = %(t)s) AS g"""


# The town's grants alone, when the district's part is held (see the module's docstring).
_TOWN_GRANTS_ONLY_SQL = (
    "SELECT count(*), max(id), count(valid_to), max(valid_to) FROM {grants} WHERE town_id = %(t)s"
)

CATALOG_HELD_SECONDS = 60
# district id -> (reference-data token, when read (monotonic), the district's fingerprint); read only.
_held_catalog: dict[int, tuple[str, float, str]] = {}


@remembered(lambda district_id: district_id)
def fingerprint(district_id: int) -> str:
    """Changes whenever an item, a rule or a lexicon entry the district's matcher depends on changes: counts,
    the latest change and the sum of item versions, in one query that reads each table once, so a match
    request pays one round trip for it rather than three."""
    return fingerprints(district_id, None)[0]


def fingerprints(district_id: int, town_id: int | None, version: str = "") -> tuple[str, str]:
    """The district matcher's fingerprint and, with a town, one of the town's grants too (else ""), in one
    query. `version`: the reference-data token the caller has read; under it, with a town, the district's
    part read less than `CATALOG_HELD_SECONDS` ago is reused and only the town's grants are read."""
    held = _held_catalog.get(district_id) if version and town_id is not None else None
    if held is not None and held[0] == version and time.monotonic() - held[1] < CATALOG_HELD_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(_TOWN_GRANTS_ONLY_SQL.format(grants=AuthorityGrant._meta.db_table), {"t": town_id})
            grants = tuple(str(v) for v in cursor.fetchone() or ())
        return held[2], _digest((held[2], *grants))
    started = time.monotonic()
    tables = {
        "items": EnforcementItem._meta.db_table,
        "rules": MatchRule._meta.db_table,
        "lexicon": LexiconEntry._meta.db_table,
        "grants": AuthorityGrant._meta.db_table,
    }
    with_town = town_id is not None
    sql = _FINGERPRINT_SQL.format(
        town_columns=", g.*" if with_town else "",
        town_tables=_TOWN_GRANTS_SQL.format(**tables) if with_town else "",
        **tables,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"d": district_id, "t": town_id})
        row = tuple(str(v) for v in cursor.fetchone() or ())
    catalog, grants = row[:_FINGERPRINT_COLUMNS], row[_FINGERPRINT_COLUMNS:]
    district_fp = _digest(catalog)
    if version:
        _held_catalog[district_id] = (version, started, district_fp)
    return district_fp, (_digest((district_fp, *grants)) if town_id is not None else "")


def _digest(row: tuple[str, ...]) -> str:
    payload = repr(
        (
            row,
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
    return matcher_of(district_id, fingerprint(district_id))


def matcher_and_town_fingerprint(district_id: int, town_id: int, version: str = "") -> tuple[Matcher, str]:
    """`matcher_for`, and the fingerprint of what a match's answers in the town depend on beyond the
    matcher (the catalog and the town's grants), from the same single query; under the reference-data token
    `version` ("" when the cache cannot give one), from the town's grants alone while the district's part is
    held (see the module's docstring)."""
    fp, town_fp = fingerprints(district_id, town_id, version)
    return matcher_of(district_id, fp), town_fp


def matcher_of(district_id: int, fp: str) -> Matcher:
    """The district's matcher compiled from the content whose fingerprint is `fp`."""
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
    """Drop this process's copies, the held answers too (tests use it to act as a fresh process)."""
    from .selectors import forget_held

    _local.clear()
    _held_catalog.clear()
    forget_held()
