"""One pagination for every API list: `?size=` (1–100, default 25) and `?after=` (the `next_cursor` of the
previous page); every page answers `{"results": [...], "next_cursor": "...", "has_next": bool}`. The cases
list (cases.selectors.case_page_for) answers the same way with a cursor of its own.

The cursor is opaque and signed, so a client cannot forge one (a bad one is a 400, never a query). Where the
list's order is on the table's own non-null columns (the audit trail, complaints, notifications, whistles),
the cursor holds the last row's values and the next page is a keyset query (`WHERE (a, pk) < (x, y)`), which
stays fast at any depth, as bench/case_list_bench.py measured for the million-case list. The small reference
lists ordered across joins (units, the catalog, grants, benchmarks, inboxes) keep their order and carry a
position in the cursor instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

DEFAULT_SIZE = 25
MAX_SIZE = 100
SALT = "zhifa.api.cursor"


def page_size(raw: Any, *, field: str = "size") -> int:
    """The page size asked for: a whole number from 1 to MAX_SIZE, or a 400."""
    if raw in (None, ""):
        return DEFAULT_SIZE
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 3 or not 1 <= int(text) <= MAX_SIZE:
        raise ValidationError({field: [_("Give a whole number from 1 to %(max)d.") % {"max": MAX_SIZE}]})
    return int(text)


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


class CursorPagination(BasePagination):
    size_query_param = "size"
    cursor_query_param = "after"

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any]:
        assert isinstance(queryset, QuerySet), "keyset pagination pages a queryset"
        size = page_size(request.query_params.get(self.size_query_param))
        cursor = self._decode(request.query_params.get(self.cursor_query_param, ""))
        fields = _keyset_fields(queryset)
        if fields is not None:
            if cursor.get("k") is not None:
                if len(cursor["k"]) != len(fields):
                    raise self._invalid()
                queryset = queryset.filter(_after(fields, cursor["k"]))
            rows = list(queryset[: size + 1])
            self.has_next = len(rows) > size
            rows = rows[:size]
            self.next_cursor = (
                self._encode({"k": [_plain(getattr(rows[-1], f)) for f, _d in fields]})
                if self.has_next
                else ""
            )
        else:
            offset = cursor.get("o", 0)
            if not isinstance(offset, int) or offset < 0:
                raise self._invalid()
            rows = list(queryset[offset : offset + size + 1])
            self.has_next = len(rows) > size
            rows = rows[:size]
            self.next_cursor = self._encode({"o": offset + size}) if self.has_next else ""
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"results": data, "next_cursor": self.next_cursor, "has_next": self.has_next})

    def _encode(self, value: dict[str, Any]) -> str:
        return signing.dumps(value, salt=SALT, compress=True)

    def _decode(self, token: str) -> dict[str, Any]:
        if not token:
            return {}
        try:
            value = signing.loads(token[:2000], salt=SALT)
        except signing.BadSignature as exc:
            raise self._invalid() from exc
        if not isinstance(value, dict):
            raise self._invalid()
        return value

    def _invalid(self) -> ValidationError:
        return ValidationError(
            {self.cursor_query_param: [_("This is not a cursor this list gave; start from the first page.")]}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results", "next_cursor", "has_next"],
            "properties": {
                "results": schema,
                "next_cursor": {
                    "type": "string",
                    "description": "Pass as `after` for the next page; empty on the last page.",
                },
                "has_next": {"type": "boolean"},
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_SIZE} (default {DEFAULT_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_SIZE},
            },
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The `next_cursor` of the previous page.",
                "schema": {"type": "string"},
            },
        ]


def _plain(value: Any) -> Any:
    """A keyset value as JSON (dates and times as ISO text, which the ORM reads back)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int | str | bool) or value is None:
        return value
    return str(value)
