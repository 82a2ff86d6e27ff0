"""The people a row names (who acknowledged, decided, reviewed it): by their names through a scalar subquery
each, instead of a join of their whole user row.

A list or a page shows such a person by name (`__str__`, `get_full_name`). Joined whole, each one added a
table to PostgreSQL's join search (an 8-table join was planned for every inbox request: 7-9 ms of planning
for a 0.4 ms query) and ~15 columns for Django to compile (issue 18). Here each person comes as a user
holding only their id and names (login, first, last and full name); anything else read from them loads
from the database as a deferred field would. The subqueries name the query's own table, so a queryset made
here is for fetching rows, not for use inside another query.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable

from .models import User

M = TypeVar("M", bound=models.Model)

PREFIX = "person_names_"
SEPARATOR = "\x1f"  # the unit separator


@functools.cache
def name_fields() -> tuple[str, ...]:
    """What names a person (`__str__` and `get_full_name` read nothing else), in the model's order of columns
    (the order `Model.from_db` takes them in)."""
    named = {"username", "first_name", "last_name", "full_name"}
    return tuple(f.attname for f in User._meta.concrete_fields if f.attname in named)


@functools.cache
def _names_of(table: str, column: str) -> RawSQL:
    """The subquery, written once per table and column rather than compiled by the ORM per request."""
    q = connection.ops.quote_name
    user = User._meta
    fields = name_fields()
    names = " || %s || ".join(f"p.{q(f)}" for f in fields)  # attnames; these are their own columns
    where = f"p.{q(str(user.pk.column))} = {q(table)}.{q(column)}"
    # Only the models' own table and column names, quoted: nothing from a request. The names are joined by a
    # control character no name holds (the same SQL on PostgreSQL and on the demo's SQLite).
    sql = f"SELECT {names} FROM {q(user.db_table)} p WHERE {where}"  # noqa: S608
    return RawSQL(sql, [SEPARATOR] * (len(fields) - 1), output_field=models.CharField())  # noqa: S611


def _to_user(model: type[models.Model], name: str) -> models.ForeignKey[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.ForeignKey) or field.related_model is not User:
        raise TypeError(f"{model.__name__}.{name} is not a foreign key to User")
    return field


class _PeopleByName(ModelIterable[Any]):
    """Rows with each named person set as a user holding their names (from the annotations below)."""

    def __iter__(self) -> Iterator[Any]:
        model = self.queryset.model
        people = [
            (name, _to_user(model, name.removeprefix(PREFIX)))
            for name in self.queryset.query.annotations
            if name.startswith(PREFIX)
        ]
        for row in super().__iter__():
            _set_people(row, people)
            yield row


def name_people(rows: list[M], *people: str) -> list[M]:
    """Rows of a `with_people_named` queryset fetched another way (enforcement.compiled), each holding the
    annotations: each person set as a user holding their names, as fetching the queryset would."""
    if rows:
        model = type(rows[0])
        named = [(f"{PREFIX}{p}", _to_user(model, p)) for p in people]
        for row in rows:
            _set_people(row, named)
    return rows


def _set_people(row: models.Model, people: list[tuple[str, models.ForeignKey[Any, Any]]]) -> None:
    loaded = ["id", *name_fields()]
    for name, field in people:
        names = row.__dict__.pop(name)
        if names is not None:
            values = [getattr(row, field.attname), *names.split(SEPARATOR, len(loaded) - 2)]
            person = User.from_db(row._state.db, loaded, values)
            field.set_cached_value(row, person)


def with_people_named(queryset: models.QuerySet[M], *people: str) -> models.QuerySet[M]:
    """The queryset's rows with these foreign keys to User loaded as users holding their names only."""
    model = queryset.model
    named: models.QuerySet[M] = queryset.annotate(
        **{f"{PREFIX}{p}": _names_of(model._meta.db_table, str(_to_user(model, p).column)) for p in people}
    )
    named._iterable_class = _PeopleByName
    return named
