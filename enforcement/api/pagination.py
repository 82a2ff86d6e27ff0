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

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

from ..paging import BadCursor, keyset_page

DEFAULT_SIZE = 25
MAX_SIZE = 100


def page_size(raw: Any, *, field: str = "size") -> int:
    """The page size asked for: a whole number from 1 to MAX_SIZE, or a 400."""
    if raw in (None, ""):
        return DEFAULT_SIZE
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 3 or not 1 <= int(text) <= MAX_SIZE:
        raise ValidationError({field: [_("Give a whole number from 1 to %(max)d.") % {"max": MAX_SIZE}]})
    return int(text)


class CursorPagination(BasePagination):
    size_query_param = "size"
    cursor_query_param = "after"

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any]:
        assert isinstance(queryset, QuerySet), "keyset pagination pages a queryset"
        size = page_size(request.query_params.get(self.size_query_param))
        try:
            page = keyset_page(queryset, request.query_params.get(self.cursor_query_param, ""), size)
        except BadCursor as exc:
            raise self._invalid() from exc
        self.has_next, self.next_cursor = page.has_next, page.next_cursor
        return page.rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"results": data, "next_cursor": self.next_cursor, "has_next": self.has_next})

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
