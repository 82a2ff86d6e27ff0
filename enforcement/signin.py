"""Who is signed in, read once per request as one hand-written statement (issue 18).

Every signed-in request reads its user: by the session's user id (pages, `ModelBackend.get_user`) or by the
API token (enforcement.api.authentication). Through the ORM that is a query built and compiled for each
request, a fifth of what a held page costs; here the statement is written once per process from the model's
columns and the user made from its row as the ORM makes one (`Model.from_db`, every concrete field in order;
on PostgreSQL none of the user's fields converts its database value, tests/api/test_token_authentication.py
holds that; the demo's SQLite converts dates and booleans, as the ORM would)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

from django.contrib.auth import backends
from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models.expressions import Col
from rest_framework.authtoken.models import Token

from .models import User


@cache
def _statements() -> tuple[str, str, tuple[str, ...]]:
    """By primary key, by token key (the token's creation as the last column), and the user's attribute names
    in the order of the columns. Table and column names from the models, never from input."""
    q = connections[router.db_for_read(User)].ops.quote_name
    user, token = q(User._meta.db_table), q(Token._meta.db_table)
    pk = f"{user}.{q(str(User._meta.pk.column))}"
    fields = User._meta.concrete_fields
    columns = ", ".join(f"{user}.{q(str(f.column))}" for f in fields)
    # Written as the ORM writes them (qualified names): query logs and the tests' filters read them alike.
    by_pk = f"SELECT {columns} FROM {user} WHERE {pk} = %s"  # noqa: S608
    tables = f"{user} INNER JOIN {token} ON ({pk} = {token}.{q('user_id')})"
    by_token = f"SELECT {columns}, {token}.{q('created')} FROM {tables} WHERE {token}.{q('key')} = %s"  # noqa: S608
    return by_pk, by_token, tuple(f.attname for f in fields)


Converter = Callable[[Any, Any, Any], Any]


@cache
def _converters(alias: str) -> tuple[tuple[int, Col, tuple[Converter, ...]], ...]:
    """What the ORM would do to each selected column on this database, worked out once: nothing on
    PostgreSQL; on the demo's SQLite, text into dates and integers into booleans."""
    connection = connections[alias]
    columns = [f.get_col(User._meta.db_table) for f in User._meta.concrete_fields]
    columns.append(Token._meta.get_field("created").get_col(Token._meta.db_table))
    found = []
    for i, col in enumerate(columns):
        converters = tuple(connection.ops.get_db_converters(col) + col.get_db_converters(connection))
        if converters:
            found.append((i, col, converters))
    return tuple(found)


def _row(sql: str, param: Any) -> tuple[str, tuple[Any, ...] | None]:
    db = router.db_for_read(User)
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        row = cursor.fetchone()
    if row is None or not _converters(db):
        return db, row
    values = list(row)
    for i, col, converters in _converters(db):
        if i < len(values):
            for converter in converters:
                values[i] = converter(values[i], col, connection)
    return db, tuple(values)


def user_by_pk(pk: int) -> User | None:
    """`User.objects.get(pk=pk)`, or None where that raises DoesNotExist."""
    by_pk, _by_token, names = _statements()
    db, row = _row(by_pk, pk)
    return None if row is None else User.from_db(db, names, row)


def user_by_token(key: str) -> tuple[User, dt.datetime] | None:
    """The API token's user and the token's creation, or None for a key that is no token."""
    _by_pk, by_token, names = _statements()
    db, row = _row(by_token, key)
    return None if row is None else (User.from_db(db, names, row[:-1]), row[-1])


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, reading the signed-in user of each request with `user_by_pk`: the same user,
    None for one that is gone or may not sign in (inactive).

    A failed sign-in stops here (PermissionDenied: Django then sends `user_login_failed` and answers None, as
    when every backend declined) rather than passing the same password to Django's ModelBackend, which stays
    in AUTHENTICATION_BACKENDS after this one only to read the users of sessions signed in before it was."""

    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kwargs: Any) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            raise PermissionDenied
        return user

    def get_user(self, user_id: Any) -> User | None:
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
