"""The API's token authentication: DRF's, with its look-up written as one SQL statement."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.db import connections
from django.db.models.expressions import Col
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from ..models import User


@cache
def _token_user_sql() -> str:
    user, token = User._meta, Token._meta
    # Table and column names from the models, never from input; the key is a parameter.
    tables = f'"{user.db_table}" u JOIN "{token.db_table}" t ON t."user_id" = u."{user.pk.column}"'
    columns = ", ".join(f'u."{field.column}"' for field in user.concrete_fields)
    return f'SELECT {columns}, t."created" FROM {tables} WHERE t."key" = %s'  # noqa: S608


Converter = Callable[[Any, Any, Any], Any]


@cache
def _converters(alias: str) -> tuple[tuple[Col, tuple[Converter, ...]], ...]:
    """What the ORM would do to each selected column on this database (none on PostgreSQL; SQLite's dates
    and booleans), worked out once rather than by a query compiler per request."""
    connection = connections[alias]
    columns = [field.get_col(User._meta.db_table) for field in User._meta.concrete_fields]
    columns.append(Token._meta.get_field("created").get_col(Token._meta.db_table))
    return tuple(
        (col, tuple(connection.ops.get_db_converters(col) + col.get_db_converters(connection)))
        for col in columns
    )


class TokenAuthentication(authentication.TokenAuthentication):
    """The same answers as DRF's TokenAuthentication (the token's user, 401 for an unknown token or an
    inactive user), from the same one query. DRF builds that query through the ORM on every API request
    (`select_related("user").get(key=...)`): compiling it was half of what an authenticated API request costs
    beyond the bare hello view (issue 18); this statement is written once, and its row becomes the user as
    the ORM would make it (`Model.from_db`, the fields' converters) without a raw queryset's per-request
    column resolution."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        alias = User.objects.db
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(_token_user_sql(), [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        values = list(row)
        for i, (col, converters) in enumerate(_converters(alias)):
            for converter in converters:
                values[i] = converter(values[i], col, connection)
        user = User.from_db(alias, [f.attname for f in User._meta.concrete_fields], values[:-1])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token(key=key, user=user, created=values[-1])
        token._state.adding, token._state.db = False, alias
        return user, token
