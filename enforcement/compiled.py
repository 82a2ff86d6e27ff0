"""A queryset's SQL compiled once per process and run again with other values in a few places.

Django builds a queryset and compiles it into SQL each time it is evaluated. For one case with what its
answer shows (about 150 columns over five tables, three name subqueries, the scope's filter, the officers'
prefetch) that was two thirds of what a built `GET /api/cases/<id>/` cost (issue 18), for SQL that differs
between requests only in the case's id. `Compiled` takes a queryset built with marks where those values go
(`MARK` for the case's id), compiles it once and keeps what QuerySet's iterables work out from the compiler to
turn a row into model objects (the main model's columns, the related objects of `select_related`, the
annotations, the converters) or into `values()` dicts; `objects(*values)` and `rows(*values)` run the same
SQL with the values in the marks' places and give what evaluating the queryset built with those values would.

Only for a queryset whose SQL holds nothing else that changes between the calls it serves: whoever keeps a
`Compiled` keys it by everything its SQL was built from (a user's scope, which filters are present), and
builds another for anything else. A mark reaches the SQL's parameters as the ORM prepares it for the
database: an integer or a string unchanged, a day or a moment as the connection takes it (`for_db`:
PostgreSQL a date, SQLite, the demo's database, its ISO text), and the value put in its place is prepared
the same way, so callers pass dates and aware moments as they would to `filter()`. The queryset's own
iterable is not used (people named by enforcement.people: name them on the objects returned,
`people.name_people`).

`CompiledCounts` does the same for an aggregate of counts (the home page's panels: my cases, my visits, the
town's open whistles), whose statement the ORM builds inside `QuerySet.aggregate`: it is taken from the
cursor before it is sent (nothing runs, nothing is logged). `prefetch_compiled` reads a reverse foreign key's
rows for a few objects (one mark per object, a compiled query per count) and leaves them as
`prefetch_related` would; `rows_of` gives rows read for one owner the owner, as its related manager would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

# Values a queryset is built with where the caller's go: ids no row has (negative, within any integer
# column's range), a text no one types, a date no record holds. A mark may stand in several places (a day a
# filter compares with twice, a cursor's moment): the value goes in each.
MARK = -1_987_654_321
MARK_2 = -1_987_654_322
TEXT_MARK = "\x1f\x1ecompiled mark\x1e\x1f"
DATE_MARK = dt.date(1, 2, 3)
MOMENT_MARK = dt.datetime(1, 2, 3, 4, 5, 6, tzinfo=dt.UTC)


def for_db(value: Any, using: str) -> Any:
    """A mark or the value put in its place as the ORM passes it to this database: a day or a moment through
    the connection's operations (`DateField.get_db_prep_value`, `DateTimeField`'s: a naive moment taken in
    the default time zone), anything else unchanged."""
    if isinstance(value, dt.datetime):
        if settings.USE_TZ and timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        return connections[using].ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connections[using].ops.adapt_datefield_value(value)
    return value


def _positions(params: list[Any], marks: tuple[Any, ...], using: str) -> list[list[int]]:
    """Where each mark stands among a statement's parameters (prepared as `for_db` prepares it)."""
    at = []
    for mark in marks:
        prepared = for_db(mark, using)
        found = [i for i, p in enumerate(params) if type(p) is type(prepared) and p == prepared]
        if not found:
            raise ValueError(f"{mark!r} is not among the query's parameters")
        at.append(found)
    return at


def _filled(params: list[Any], at: list[list[int]], values: tuple[Any, ...], using: str) -> list[Any]:
    """The parameters with each value, prepared for the database, in its mark's places."""
    if len(values) != len(at):
        raise TypeError(f"{len(at)} values, one for each mark; {len(values)} given")
    filled = list(params)
    for positions, value in zip(at, values, strict=True):
        value = for_db(value, using)
        for i in positions:
            filled[i] = value
    return filled


class Compiled(Generic[M]):
    sql: str
    params: list[Any]
    at: list[list[int]]  # where each mark's value goes among the parameters
    names: list[str]  # of a values() query's columns; empty for model objects

    def __init__(self, queryset: models.QuerySet[M], marks: tuple[Any, ...] = (MARK,)) -> None:
        if getattr(queryset, "_known_related_objects", None) or getattr(
            queryset, "_prefetch_related_lookups", None
        ):
            raise ValueError("no prefetches or known related objects: they are not run here")
        if queryset._iterable_class not in (ValuesIterable,) and not issubclass(
            queryset._iterable_class, ModelIterable
        ):
            raise ValueError(f"model objects or values() dicts, not {queryset._iterable_class.__name__}")
        db = queryset.db
        query = queryset.query
        compiler = query.get_compiler(using=db)
        self.db, self.at, self.names = db, [], []
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a filter no row can pass (`pk__in=[]`): what the ORM answers without asking
            self.empty = True
            return
        self.empty, self.sql, self.params = False, sql, list(params)
        self.at = _positions(self.params, marks, db)
        select, klass_info = compiler.select, compiler.klass_info
        self.width = compiler.col_count
        # Each converter is called with the connection of the thread that runs the query (below); a backend
        # converter is a method of the operations of the connection that compiled, which on every backend
        # reads only settings shared by all connections to the same database.
        self.converters = list(compiler.get_converters([s[0] for s in select[: self.width]]).items())
        if queryset._iterable_class is ValuesIterable:
            self.names = (
                list(query.selected)
                if query.selected
                else [*query.extra_select, *query.values_select, *query.annotation_select]
            )
            return
        assert klass_info is not None
        self.model: type[M] = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        # (django-stubs describe a later Django's signature, with a fetch mode)
        self.populators = get_related_populators(klass_info, select, db)  # type: ignore[call-arg]
        self.annotations = list(compiler.annotation_col_map.items())

    def _fetch(self, values: tuple[Any, ...]) -> list[list[Any]]:
        if self.empty:
            return []
        params = _filled(self.params, self.at, values, self.db)
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        rows = []
        for raw in fetched:
            row = list(raw[: self.width])
            for pos, (convs, expression) in self.converters:
                v = row[pos]
                for convert in convs:
                    v = convert(v, expression, connection)
                row[pos] = v
            rows.append(row)
        return rows

    def objects(self, *values: Any) -> list[M]:
        """The model objects the queryset gives when built with these values for its marks."""
        if self.empty:
            return []
        if self.names:
            raise TypeError("a values() query: rows()")
        out = []
        for row in self._fetch(values):
            obj = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, pos in self.annotations:
                setattr(obj, name, row[pos])
            out.append(obj)
        return out

    def rows(self, *values: Any) -> list[dict[str, Any]]:
        """The dicts the values() queryset gives when built with these values for its marks."""
        if self.empty:
            return []
        if not self.names:
            raise TypeError("a query of model objects: objects()")
        names = self.names
        return [dict(zip(names, row, strict=False)) for row in self._fetch(values)]


class _Captured(Exception):
    """Raised in place of sending a statement whose SQL is all that was wanted."""


def _capture(run: Callable[[], object], using: str) -> tuple[str, list[Any]] | None:
    """The first statement `run` sends to the database, taken before it is sent (nothing runs); None when it
    sends none (a filter no row can pass, which the ORM answers itself)."""
    connection = connections[using]
    seen: list[tuple[str, list[Any]]] = []

    def intercept(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, list(params or ())))
        raise _Captured

    log = connection.queries_log
    last = log[-1] if log else None
    with connection.execute_wrapper(intercept):
        try:
            run()
        except _Captured:
            pass
    if seen and log and log[-1] is not last:  # a debug cursor logged the statement it did not send
        log.pop()
    return seen[0] if seen else None


class CompiledCounts:
    """`queryset.aggregate(**counts)` of `Count`s, its statement compiled once and run again with other values
    at its marks: `counts(*values)` gives the dict the aggregate built with those values would; the same
    rules as for `Compiled` (key it by everything else its SQL was built from)."""

    def __init__(
        self, queryset: models.QuerySet[Any], counts: dict[str, models.Count], marks: tuple[Any, ...]
    ) -> None:
        if not all(isinstance(c, models.Count) for c in counts.values()):
            raise ValueError("Counts only: their values need no converter")
        self.db, self.names = queryset.db, list(counts)
        answer: dict[str, int] = {}
        statement = _capture(lambda: answer.update(queryset.aggregate(**counts)), self.db)
        self.empty: dict[str, int] | None = None
        if statement is None:  # no row can pass: the ORM's answer without a query, whatever the marks
            self.empty = answer
            return
        self.sql, self.params = statement
        self.at = _positions(self.params, marks, self.db)

    def __call__(self, *values: Any) -> dict[str, int]:
        if self.empty is not None:
            return dict(self.empty)
        params = _filled(self.params, self.at, values, self.db)
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        return dict(zip(self.names, row, strict=True))


def marks(n: int) -> tuple[int, ...]:
    """`n` distinct id marks (MARK, MARK_2, ...): a query over up to a few ids compiled once per count."""
    return tuple(MARK - i for i in range(n))


def prefetch_compiled(
    instances: list[Any], name: str, related: models.QuerySet[Any], compiled: Compiled[Any]
) -> None:
    """What `prefetch_related(Prefetch(name, queryset=related))` leaves on `instances` (a reverse foreign
    key's rows), read with `compiled`: `related` filtered `<foreign key>__in` `marks(len(instances))`."""
    if not instances:
        return
    field = getattr(type(instances[0]), name).field  # the foreign key on the related rows
    owners: dict[Any, list[Any]] = {}
    for obj in instances:
        owners.setdefault(obj.pk, []).append(obj)
    found: dict[Any, list[Any]] = {pk: [] for pk in owners}
    for row in compiled.objects(*owners):
        key = getattr(row, field.attname)
        field.set_cached_value(row, owners[key][0])  # as the prefetch sets it
        found[key].append(row)
    for obj in instances:
        # What prefetch_related leaves: the related manager's queryset holding the rows.
        held = getattr(obj, name)._apply_rel_filters(related)
        held._result_cache, held._prefetch_done = found[obj.pk], True
        if not hasattr(obj, "_prefetched_objects_cache"):
            obj._prefetched_objects_cache = {}
        obj._prefetched_objects_cache[field.remote_field.cache_name] = held


def rows_of(owner: models.Model, rows: list[M], field: str) -> list[M]:
    """Rows read by a compiled query for one owner (`owner.<related>` with MARK for its id), each holding the
    owner as the related manager's queryset sets it."""
    if rows:
        foreign_key = type(rows[0])._meta.get_field(field)
        for row in rows:
            foreign_key.set_cached_value(row, owner)  # type: ignore[union-attr]
    return rows
