"""Keyset pages for lists that grow without bound, shared by the API's pagination and the pages.

The cursor is opaque and signed, so a client cannot forge one. Where the list's order is on the table's own
non-null columns (the audit trail, complaints, notifications, whistles), the cursor holds the last row's
values and the next page is a keyset query (`WHERE (a, pk) < (x, y)`), which costs what the first page costs
at any depth and counts nothing (issue 18: the audit page counted 3M rows and paged by OFFSET). The small
reference lists ordered across joins (units, the catalog, grants, benchmarks, inboxes) keep their order and
carry a position instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet

SALT = "zhifa.api.cursor"


class BadCursor(ValueError):
    """A cursor this list did not give."""


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    next_cursor: str
    has_next: bool


def keyset_page(queryset: QuerySet[Any], after: str, size: int) -> KeysetPage:
    """One page of `size` rows after the cursor `after` ("" for the first page); BadCursor for a cursor this
    list did not give."""
    cursor = _decode(after)
    fields = _keyset_fields(queryset)
    if fields is not None:
        if cursor.get("k") is not None:
            if not isinstance(cursor["k"], list) or len(cursor["k"]) != len(fields):
                raise BadCursor
            queryset = queryset.filter(_after(fields, cursor["k"]))
        rows = list(queryset[: size + 1])
        has_next = len(rows) > size
        rows = rows[:size]
        token = _encode({"k": [_plain(getattr(rows[-1], f)) for f, _d in fields]}) if has_next else ""
        return KeysetPage(rows, token, has_next)
    offset = cursor.get("o", 0)
    if not isinstance(offset, int) or offset < 0:
        raise BadCursor
    rows = list(queryset[offset : offset + size + 1])
    has_next = len(rows) > size
    return KeysetPage(rows[:size], _encode({"o": offset + size}) if has_next else "", has_next)


def page_keyset(queryset: QuerySet[Any], after: str, size: int) -> KeysetPage:
    """For a page: a cursor that does not verify starts from the top instead of failing."""
    try:
        return keyset_page(queryset, after[:2000], size)
    except (BadCursor, ValueError, TypeError):
        return keyset_page(queryset, "", size)


def _encode(value: dict[str, Any]) -> str:
    return signing.dumps(value, salt=SALT, compress=True)


def _decode(token: str) -> dict[str, Any]:
    if not token:
        return {}
    try:
        value = signing.loads(token[:2000], salt=SALT)
    except signing.BadSignature as exc:
        raise BadCursor from exc
    if not isinstance(value, dict):
        raise BadCursor
    return value


def _keyset_fields(queryset: QuerySet[Any]) -> list[tuple[str, bool]] | None:
    """(field, descending) of the queryset's order with the primary key last, when every part is a non-null
    column of the table itself; None otherwise (then the cursor carries a position)."""
    order = [part for part in queryset.query.order_by if isinstance(part, str)]
    if not order or len(order) != len(queryset.query.order_by):
        return None
    meta = queryset.model._meta
    fields: list[tuple[str, bool]] = []
    for part in order:
        name = part.lstrip("-")
        if "__" in name or name == "?":
            return None
        field = (
            meta.pk
            if name == "pk"
            else next((f for f in meta.concrete_fields if f.name == name or f.attname == name), None)
        )
        if field is None or field.null:
            return None
        fields.append((field.attname, part.startswith("-")))
    if fields[-1][0] != meta.pk.attname:
        fields.append((meta.pk.attname, fields[-1][1]))
    return fields


def _after(fields: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows strictly after `values` in the order of `fields` (lexicographic)."""
    condition = Q(pk__in=[])
    for i, (name, descending) in enumerate(fields):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[i]})
        for prior, value in zip(fields[:i], values[:i], strict=False):
            step &= Q(**{prior[0]: value})
        condition |= step
    # The first column alone bounds the scan, so PostgreSQL can use it as an index condition.
    first, descending = fields[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & condition


def _plain(value: Any) -> Any:
    """A keyset value as JSON (dates and times as ISO text, which the ORM reads back)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int | str | bool) or value is None:
        return value
    return str(value)


def page_context(get: Any, queryset: QuerySet[Any], size: int) -> dict[str, Any]:
    """What templates/keyset_pagination.html needs, from the request's GET: the page, the cursor it was asked
    with and the query string without it (the filters kept by the links)."""
    after = get.get("after", "")
    kept = get.copy()
    kept.pop("after", None)
    kept.pop("page", None)
    return {
        "page": page_keyset(queryset, after, size),
        "after": after,
        "query_without_cursor": kept.urlencode(),
    }
