"""Fence sweeps: the asynchronous, time-based and set-based side of the electronic fences (电子围栏).

A sweep is one rule's SQL: a SELECT that finds the facts the rule objects to, wrapped here in
``INSERT INTO enforcement_fencewarning … SELECT … ON CONFLICT (rule, key) DO NOTHING``. The database does the
work in one statement per batch (window functions, aggregates, index lookups), never a Python loop over rows.
The unique (rule, key) makes a sweep idempotent: the key names the facts (the visit, the case and the deadline
it missed, the officer and the month), so running a sweep twice, or a retried batch after a worker died, adds
nothing.

Each feature app registers its sweeps from its ``AppConfig.ready()`` (``register_sweep``); the core imports no
feature app. A sweep's SELECT may use:

- ``p``: one row per district where the rule is enabled on the day, with ``district_id``, ``severity`` (the
  district's or the rule's default) and one column per scalar parameter of the rule (the district's value from
  its ``FenceRuleSetting`` in force on the day, else the rule's default), plus the columns the sweep's
  ``district_values`` computes in Python (dates counted with the working-day calendar, a frequency cap);
- ``%(lo)s`` / ``%(hi)s``: the batch, a half-open range of ``batch_column`` values;
- ``%(today)s`` (date) and ``%(now)s`` (timestamp);
- ``%(msg_<name>)s``: the sweep's message templates, as PostgreSQL ``format()`` strings taking the arguments
  in the order the spec ``"name:arg1,arg2"`` declares. The runner passes a language-neutral one (the name and
  the arguments, see ``_encoding``); its INSERT stores the sentence in the default language (the gettext
  template, ``{name}`` placeholders turned into positional ``%N$s`` by ``pg_format``) and keeps the name and
  arguments in ``details["message"]``, so ``warning_message`` renders it in the reader's language.

It must yield the columns of ``FOUND_COLUMNS``.

Parameters: ``district_params`` reads ``FenceRuleSetting`` directly (the latest row with effective_from <= the
day for (district, rule), overlaid on the rule's defaults). The synchronous side (enforcement.fences) may grow
its own reader; both read the same rows.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation
from django.utils.functional import Promise

from . import clock
from .audit import audit_record
from .fences import WRITTEN_IN_KEY, FenceRule, param_or_default, register_fence_rule, rule_config
from .models import District, FenceRuleSetting, FenceWarning
from .unit_names import reads_other_language, unit_name

FOUND_COLUMNS = (
    "key",
    "town_id",
    "district_id",
    "officer_id",
    "subject_id",
    "object_type",
    "object_id",
    "severity",
    "message",
    "details",
)

DEFAULT_BATCH = 200_000
# Memory for one batch's sorts and hashes (SET LOCAL: this transaction only), so a window over a batch of a
# few hundred thousand rows sorts in memory, not on disk.
WORK_MEM = "128MB"

# (district_id, effective params, day) -> extra columns of `p` for that district
DistrictValues = Callable[[int, Mapping[str, Any], dt.date], Mapping[str, Any]]


@dataclass(frozen=True)
class Sweep:
    """One rule's periodic check. `table` and `batch_column` split the work: each batch covers a half-open
    range of `batch_column` values of `table` (a partition key such as the subject, so a window function sees
    a whole partition inside one batch)."""

    rule: FenceRule
    table: str
    select: str
    batch_column: str = "id"
    batch_size: int = DEFAULT_BATCH
    messages: Mapping[str, str | Promise] = field(default_factory=dict, hash=False, compare=False)
    # alias -> URL name of a page taking one id; the SQL builds the link with url_sql(alias, id expression)
    urls: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    district_values: DistrictValues | None = field(default=None, hash=False, compare=False)
    # Computed in Python instead of SQL (e.g. from an evaluation the app already has): (day, p rows) ->
    # rows of FOUND_COLUMNS; inserted with one statement. Used when the facts come from an existing report.
    rows: Callable[[dt.date, list[dict[str, Any]]], list[dict[str, Any]]] | None = field(
        default=None, hash=False, compare=False
    )
    # Message arguments that are a unit's name as the SQL wrote it (in Chinese): argument -> the details key
    # holding that unit's id ("" for the warning's own town). An English reader sees the unit's English name
    # where the data has one (`warning_message`); a business's name stays as registered.
    unit_args: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def code(self) -> str:
        return self.rule.code


_SWEEPS: dict[str, Sweep] = {}


def register_sweep(sweep: Sweep) -> Sweep:
    """Register the sweep and its rule (a rule swept here is registered once, with its definition)."""
    register_fence_rule(sweep.rule)
    existing = _SWEEPS.get(sweep.code)
    if existing is not None and existing != sweep:
        raise ValueError(f"sweep {sweep.code!r} registered twice with different definitions")
    _SWEEPS[sweep.code] = sweep
    return sweep


def sweeps() -> list[Sweep]:
    return sorted(_SWEEPS.values(), key=lambda s: s.code)


def sweep_for(code: str) -> Sweep | None:
    return _SWEEPS.get(code)


# --- parameters ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictParams:
    district_id: int
    enabled: bool
    severity: str
    params: dict[str, Any]


def district_params(rule: FenceRule, day: dt.date) -> list[DistrictParams]:
    """The rule's parameters in every district on `day`, as `fences.rule_config` reads them before an action
    (the latest setting not after the day over the rule's defaults; a locked rule stays on at its severity).
    One query for all districts."""
    latest: dict[int, FenceRuleSetting] = {}
    rows = FenceRuleSetting.objects.filter(rule=rule.code, effective_from__lte=day).order_by(
        "district_id", "-effective_from"
    )
    for row in rows:
        latest.setdefault(row.district_id, row)
    result = []
    for district_id in District.objects.order_by("pk").values_list("pk", flat=True):
        setting = latest.get(district_id)
        config = rule_config(rule, district_id, day, in_force={rule.code: setting} if setting else {})
        params = {name: param_or_default(rule.params[name], value) for name, value in config.params.items()}
        result.append(
            DistrictParams(
                district_id=district_id, enabled=config.enabled, severity=config.severity, params=params
            )
        )
    return result


_PG_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "double precision"),
    (dt.datetime, "timestamptz"),
    (dt.date, "date"),
    (str, "text"),
)


def _pg_type(value: Any) -> str | None:
    for kind, name in _PG_TYPES:
        if isinstance(value, kind):
            return name
    return None  # lists, dicts: not a column of p


def _p_rows(sweep: Sweep, day: dt.date) -> list[dict[str, Any]]:
    out = []
    for dp in district_params(sweep.rule, day):
        if not dp.enabled:
            continue
        row: dict[str, Any] = {"district_id": dp.district_id, "severity": dp.severity}
        row.update({k: v for k, v in dp.params.items() if _pg_type(v) is not None})
        if sweep.district_values is not None:
            row.update(sweep.district_values(dp.district_id, dp.params, day))
        out.append(row)
    return out


def _p_cte(rows: list[dict[str, Any]], params: dict[str, Any]) -> str:
    """`p (district_id, severity, …) AS (VALUES (%(p0_district_id)s::bigint, …), …)`; the types come from the
    first row (every row has the same keys)."""
    names = list(rows[0])
    for name in names:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"parameter name {name!r} is not a column name")
    values = []
    for i, row in enumerate(rows):
        cells = []
        for name in names:
            value = row[name]
            kind = _pg_type(rows[0][name]) or "text"
            params[f"p{i}_{name}"] = value
            cells.append(f"%(p{i}_{name})s::{kind}")
        values.append("(" + ", ".join(cells) + ")")
    return f"p ({', '.join(names)}) AS (VALUES {', '.join(values)})"


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def pg_format(template: str, names: Sequence[str]) -> str:
    """Turn a translated "{subject} … {date}" into PostgreSQL format()'s "%1$s … %2$s", by the position of
    each name in `names` (the order the sweep's SQL passes the arguments). A translation may reorder the
    placeholders; a literal % is doubled."""
    escaped = template.replace("%", "%%")
    return _PLACEHOLDER.sub(lambda m: f"%{names.index(m.group(1)) + 1}$s", escaped)


# Each sweep declares its message arguments in the order its SQL passes them to format(), in the message
# mapping's key: "name:arg1,arg2,…".
def message_specs(sweep: Sweep) -> dict[str, tuple[list[str], str | Promise]]:
    """name -> (the argument names in the SQL's order, the gettext template)."""
    out = {}
    for spec, template in sweep.messages.items():
        name, _sep, args = spec.partition(":")
        out[name] = ([a for a in args.split(",") if a], template)
    return out


# The sweep's SQL formats `%(msg_<name>)s` with its arguments. The runner passes a language-neutral template
# instead: the name and each argument separated by the unit separator, "name␟a␟b␟c". The INSERT turns that
# into the stored message (the template in the default language, formatted by PostgreSQL as before) and keeps
# the name and the arguments in `details["message"]`, so a reader sees the sentence in their own language
# (`warning_message`). No sweep's SQL changes.
SEP = chr(31)
MESSAGE_KEY = "message"


def _encoding(name: str, count: int) -> str:
    return SEP.join([name, *(f"%{i}$s" for i in range(1, count + 1))])


def _messages(sweep: Sweep) -> dict[str, str]:
    return {f"msg_{name}": _encoding(name, len(args)) for name, (args, _t) in message_specs(sweep).items()}


def _stored_templates(sweep: Sweep) -> dict[str, str]:
    """`zh_<name>`: each template in the default language as a PostgreSQL format() string."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            f"zh_{name}": pg_format(str(template), args)
            for name, (args, template) in message_specs(sweep).items()
        }


def _message_sql(sweep: Sweep) -> tuple[str, str]:
    """SQL for the stored message and for the details (with the message's name and arguments) of `found`'s
    row f. A message the runner did not encode (no separator) is stored as the SQL wrote it."""
    names = list(message_specs(sweep))
    if not names:
        return "f.message", "f.details"
    parts = "string_to_array(f.message, chr(31))"
    head = "split_part(f.message, chr(31), 1)"
    cases = " ".join(
        f"WHEN {head} = '{name}' THEN format(%(zh_{name})s, VARIADIC ({parts})[2:])" for name in names
    )
    for name in names:
        if not re.fullmatch(r"[a-z_]+", name):
            raise ValueError(f"message name {name!r} is not a plain word")
    quoted = ", ".join(f"'{n}'" for n in names)
    encoded = f"strpos(f.message, chr(31)) > 0 AND {head} IN ({quoted})"
    message = f"CASE WHEN NOT ({encoded}) THEN f.message {cases} ELSE f.message END"
    details = (
        f"CASE WHEN {encoded} THEN coalesce(f.details, '{{}}'::jsonb) || jsonb_build_object("
        f"'{MESSAGE_KEY}', jsonb_build_object('name', {head}, 'args', to_jsonb(({parts})[2:]))) "
        "ELSE f.details END"
    )
    return message, details


def message_args(warning: FenceWarning) -> tuple[str, list[str]] | None:
    """The message's name and arguments a sweep kept in the warning's details, if it did."""
    details = warning.details if isinstance(warning.details, dict) else {}
    kept = details.get(MESSAGE_KEY)
    if not isinstance(kept, dict):
        return None
    name, args = kept.get("name"), kept.get("args")
    if not isinstance(name, str) or not isinstance(args, list):
        return None
    return name, ["" if a is None else str(a) for a in args]


def _language(code: str) -> str:
    return code.lower().split("-")[0]


def _written_in(warning: FenceWarning) -> str:
    """The stored message, labelled with the language it was written in when the reader's differs (a warning
    raised before an action is written in the acting person's language)."""
    details = warning.details if isinstance(warning.details, dict) else {}
    written = details.get(WRITTEN_IN_KEY)
    reading = translation.get_language()
    if not isinstance(written, str) or not reading or _language(written) == _language(reading):
        return warning.message
    try:
        name = translation.get_language_info(written)["name_translated"]
    except KeyError:
        return warning.message
    return translation.gettext("Written in %(language)s: %(message)s") % {
        "language": name,
        "message": warning.message,
    }


def _units_in_language(
    warning: FenceWarning, values: dict[str, str], unit_args: Mapping[str, str]
) -> dict[str, str]:
    """The units named in the arguments, in the active language where the data has their name in it: only
    an argument still reading the unit's Chinese name is replaced (a unit renamed since keeps its words)."""
    if not unit_args or not reads_other_language():
        return values
    details = warning.details if isinstance(warning.details, dict) else {}
    for arg, key in unit_args.items():
        if arg not in values:
            continue
        pk = warning.town_id if not key else details.get(key)
        if isinstance(pk, int):
            values[arg] = unit_name(values[arg], pk)  # one read of all units' names per process and minute
    return values


def warning_message(warning: FenceWarning) -> str:
    """The warning's sentence in the active language: a sweep's warning from the rule's template and the
    arguments its SQL computed; any other warning (raised before an action, or before the arguments were
    kept) as it was stored."""
    kept = message_args(warning)
    sweep = _SWEEPS.get(warning.rule) if kept else None
    if kept is None or sweep is None:
        return _written_in(warning)
    name, args = kept
    spec = message_specs(sweep).get(name)
    if spec is None or len(spec[0]) != len(args):
        return warning.message
    values = _units_in_language(warning, dict(zip(spec[0], args, strict=True)), sweep.unit_args)
    template = spec[1]
    text = str(template) if isinstance(template, Promise) else translation.gettext(template)
    if "%(" in text:  # a sweep computing its rows in Python may keep Python's named placeholders
        try:
            return text % values
        except (KeyError, ValueError, TypeError):
            return warning.message
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


# --- running ------------------------------------------------------------------------------------------------

_INSERT = """
INSERT INTO enforcement_fencewarning
    (rule, key, town_id, district_id, officer_id, subject_id, object_type, object_id, severity, message,
     details, status, raised_at, reason, review_note, follow_up, resolution_note, escalation)
SELECT %(rule)s, f.key, f.town_id, f.district_id, f.officer_id, f.subject_id, f.object_type,
       f.object_id::text, f.severity, left({message}, 500), {details}, 'open', %(now)s, '', '', '', '', ''
FROM found f
WHERE NOT EXISTS (SELECT 1 FROM enforcement_fencewarning w WHERE w.rule = %(rule)s AND w.key = f.key)
ON CONFLICT (rule, key) DO NOTHING
RETURNING id, severity
"""

_COUNT_NEW = """
SELECT count(DISTINCT f.key) FROM found f
WHERE NOT EXISTS (SELECT 1 FROM enforcement_fencewarning w WHERE w.rule = %(rule)s AND w.key = f.key)
"""


@dataclass
class SweepResult:
    rule: str
    raised: int = 0
    batches: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    skipped: str = ""


def batch_bounds(sweep: Sweep) -> list[tuple[int, int]]:
    """Half-open ranges of `batch_column` covering the table's rows today."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min({sweep.batch_column}), max({sweep.batch_column}) FROM {sweep.table}")
        low, high = cursor.fetchone()
    if low is None:
        return []
    return [(lo, min(lo + sweep.batch_size, high + 1)) for lo in range(low, high + 1, sweep.batch_size)]


_PROBE_ID = 987654321


def url_sql(alias: str, id_expression: str) -> str:
    """SQL for the link to a page taking one id (the sweep names the page in `urls`)."""
    return f"(%(url_{alias}_0)s || ({id_expression})::text || %(url_{alias}_1)s)"


def _urls(sweep: Sweep) -> dict[str, str]:
    from django.urls import reverse

    out = {}
    for alias, name in sweep.urls.items():
        before, _sep, after = reverse(name, args=[_PROBE_ID]).partition(str(_PROBE_ID))
        out[f"url_{alias}_0"], out[f"url_{alias}_1"] = before, after
    return out


def _statement(
    sweep: Sweep, body: str, p_rows: list[dict[str, Any]], day: dt.date
) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"rule": sweep.code, "today": day, "now": clock.now(), "tz": settings.TIME_ZONE}
    params.update(_messages(sweep))
    params.update(_stored_templates(sweep))
    params.update(_urls(sweep))
    message, details = _message_sql(sweep)
    body = body.replace("{message}", message).replace("{details}", details)
    sql = f"WITH {_p_cte(p_rows, params)},\nfound AS (\n{sweep.select}\n)\n{body}"
    return sql, params


def run_batch(sweep: Sweep, lo: int, hi: int, *, day: dt.date | None = None, dry_run: bool = False) -> int:
    """One batch of one sweep, in one statement: the number of warnings raised (or that would be)."""
    if not sweeps_supported():
        return 0
    day = day or clock.today()
    p_rows = _p_rows(sweep, day)
    if not p_rows:
        return 0
    sql, params = _statement(sweep, _COUNT_NEW if dry_run else _INSERT, p_rows, day)
    params.update(lo=lo, hi=hi)
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute(sql, params)
        if dry_run:
            return int(cursor.fetchone()[0])
        return _announce(cursor.fetchall())


_INSERT_ROWS = """
INSERT INTO enforcement_fencewarning
    (rule, key, town_id, district_id, officer_id, subject_id, object_type, object_id, severity, message,
     details, status, raised_at, reason, review_note, follow_up, resolution_note, escalation)
SELECT %(rule)s, r.key, r.town_id, r.district_id, r.officer_id, r.subject_id, r.object_type, r.object_id,
       r.severity, left(r.message, 500), r.details, 'open', %(now)s, '', '', '', '', ''
FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(key text, town_id bigint, district_id bigint, officer_id bigint,
     subject_id bigint, object_type text, object_id text, severity text, message text, details jsonb)
ON CONFLICT (rule, key) DO NOTHING
RETURNING id, severity
"""


def sweeps_supported() -> bool:
    """The sweeps are PostgreSQL statements (window functions, jsonb, ON CONFLICT on the unique key). The
    demo's SQLite file has the fences evaluated before actions but no sweeps: they raise nothing there."""
    return connection.vendor == "postgresql"


def _run_rows(sweep: Sweep, day: dt.date, dry_run: bool) -> int:
    if not sweeps_supported():
        return 0
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    assert sweep.rows is not None
    p_rows = _p_rows(sweep, day)
    if not p_rows:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        rows = sweep.rows(day, p_rows)
    if not rows:
        return 0
    if dry_run:
        keys = {r["key"] for r in rows}
        return len(keys) - FenceWarning.objects.filter(rule=sweep.code, key__in=keys).count()
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_ROWS,
            {"rule": sweep.code, "now": clock.now(), "rows": json.dumps(rows, cls=DjangoJSONEncoder)},
        )
        return _announce(cursor.fetchall())


def _announce(inserted: Sequence[tuple[int, str]]) -> int:
    """Tell the listeners (the desk's notifications) about the warnings this statement raised, in its
    transaction, as `fence_warning_raise` does for one: a warning is inserted once, so it is announced once.
    Prompts are announced too; listeners decide what they act on."""
    from . import fences

    ids = [row[0] for row in inserted]
    if ids:
        fences.warnings_event(
            fences.RAISED, list(FenceWarning.objects.filter(pk__in=ids).select_related("town"))
        )
    return len(ids)


def run_sweep(
    sweep: Sweep,
    *,
    day: dt.date | None = None,
    dry_run: bool = False,
    bounds: Sequence[tuple[int, int]] | None = None,
) -> SweepResult:
    """Run every batch (or the given ones), each in its own transaction, then write one audit row for the
    run (not one per warning)."""
    day = day or clock.today()
    result = SweepResult(rule=sweep.code, dry_run=dry_run)
    started = time.perf_counter()
    if sweep.rows is not None:
        with transaction.atomic():
            result.raised = _run_rows(sweep, day, dry_run)
            result.batches = 1
    else:
        for lo, hi in bounds if bounds is not None else batch_bounds(sweep):
            with transaction.atomic():
                result.raised += run_batch(sweep, lo, hi, day=day, dry_run=dry_run)
            result.batches += 1
    result.seconds = time.perf_counter() - started
    if not dry_run:
        sweep_audit(result, day)
    return result


def sweep_audit(result: SweepResult, day: dt.date) -> None:
    """One summary row per run (or per task batch): the rule, the day, how many warnings were raised."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action="enforcement.fence.sweep",
            object_type="fence.sweep",
            object_id=result.rule,
            summary=f"{result.rule}: {result.raised} raised in {result.batches} batch(es)",
            after={
                "rule": result.rule,
                "day": day.isoformat(),
                "raised": result.raised,
                "batches": result.batches,
            },
        )


def run_all(
    *, codes: Sequence[str] | None = None, day: dt.date | None = None, dry_run: bool = False
) -> Iterator[SweepResult]:
    for sweep in sweeps():
        if codes and sweep.code not in codes:
            continue
        yield run_sweep(sweep, day=day, dry_run=dry_run)


def sweep_on_commit(code: str, value: int) -> None:
    """After a change (a visit recorded, a plan drawn up), evaluate the sweep for the batch holding `value` of
    its batch column (e.g. the subject) once the transaction commits, through the outbox: the same SQL as the
    periodic run, on one partition. Idempotent like every run."""
    from .outbox import enqueue
    from .tasks import fence_sweep_batch_task

    if code in _SWEEPS:
        enqueue(fence_sweep_batch_task, code, value, value + 1)


def json_details(**pairs: str) -> str:
    """SQL for a details object: jsonb_build_object('name', expression, …)."""
    return "jsonb_build_object(" + ", ".join(f"'{k}', {v}" for k, v in pairs.items()) + ")"
