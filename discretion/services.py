"""Every write to benchmarks: atomic, permission-checked, validated, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from authority.models import EnforcementItem
from enforcement.audit import audit_record
from enforcement.models import District, User
from enforcement.rules import require

from .defaults import generate_default
from .models import Benchmark, BenchmarkEntry, BenchmarkTier, DiscretionPolicy, LocalFactor
from .rules import (
    can_change_policy,
    can_discard_benchmark,
    can_edit_benchmark,
    can_maintain_district,
    can_maintain_item_benchmark,
    can_publish_benchmark,
    can_withdraw_benchmark,
)
from .selectors import benchmark_spec, factor_catalog, policy_for
from .specs import BenchmarkSpec, EntrySpec, Policy, TierSpec, item_spec
from .validation import Problem, validate_benchmark, validate_factor
from .vocabulary import LEVEL_RANK, STANDARD_FACTOR_MAP, FactorSpec

EDITABLE = (Benchmark.Status.DRAFT, Benchmark.Status.GENERATED)


class BenchmarkInvalid(ValidationError):
    """The table breaks the rules; `problems` says where and why, in words for the editor."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__([p.message for p in self.problems])


class StaleBenchmark(Exception):
    """Someone else changed or published the benchmark first."""


# --- helpers ------------------------------------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def benchmark_payload(benchmark: Benchmark) -> dict[str, Any]:
    """What the audit trail keeps of a benchmark: header, tiers and list rows."""
    return {
        "item": benchmark.item.code,
        "version": benchmark.version,
        "status": benchmark.status,
        "scale": benchmark.scale,
        "is_generated": benchmark.is_generated,
        "valid_from": benchmark.valid_from,
        "document_number": benchmark.document_number,
        "document_title": benchmark.document_title,
        "document_date": benchmark.document_date,
        "basis": benchmark.basis,
        "tiers": [
            {
                "level": t.level,
                "conditions_text": t.conditions_text,
                "conditions": t.conditions,
                "match": t.match,
                "penalty_kinds": t.penalty_kinds,
                "fine_min": _money(t.fine_min),
                "fine_max": _money(t.fine_max),
                **(
                    {"multiple_min": _money(t.multiple_min), "multiple_max": _money(t.multiple_max)}
                    if t.multiple_min is not None or t.multiple_max is not None
                    else {}
                ),
            }
            for t in benchmark.tiers.order_by("rank")
        ],
        "entries": [
            {
                "kind": e.kind,
                "conditions_text": e.conditions_text,
                "conditions": e.conditions,
                "required_factors": e.required_factors,
                "measures": e.measures,
            }
            for e in benchmark.entries.order_by("position", "pk")
        ],
    }


def _write_rows(benchmark: Benchmark, tiers: Sequence[TierSpec], entries: Sequence[EntrySpec]) -> None:
    benchmark.tiers.all().delete()
    benchmark.entries.all().delete()
    BenchmarkTier.objects.bulk_create(
        [
            BenchmarkTier(
                benchmark=benchmark,
                level=t.level,
                rank=LEVEL_RANK.get(t.level, 1),
                conditions_text=t.conditions_text.strip(),
                conditions=[c.as_dict() for c in t.conditions],
                match=t.match,
                penalty_kinds=list(t.penalty_kinds),
                fine_min=t.fine_min,
                fine_max=t.fine_max,
                note=t.note,
                multiple_min=t.multiple_min,
                multiple_max=t.multiple_max,
            )
            for t in tiers
        ]
    )
    BenchmarkEntry.objects.bulk_create(
        [
            BenchmarkEntry(
                benchmark=benchmark,
                kind=e.kind,
                position=n,
                conditions_text=e.conditions_text.strip(),
                conditions=[c.as_dict() for c in e.conditions],
                match=e.match,
                required_factors=list(e.required_factors),
                measures=e.measures,
                legal_basis=e.legal_basis,
            )
            for n, e in enumerate(entries)
        ]
    )


def check_table(
    item: EnforcementItem, scale: str, tiers: Sequence[TierSpec], entries: Sequence[EntrySpec]
) -> list[Problem]:
    spec = BenchmarkSpec(scale=scale, tiers=tuple(tiers), entries=tuple(entries))
    return validate_benchmark(item_spec(item), spec, factor_catalog(item.district_id, item.pk))


def _next_version(item: EnforcementItem) -> int:
    EnforcementItem.objects.select_for_update().filter(
        pk=item.pk
    ).first()  # serialise version numbers per item
    return (Benchmark.objects.filter(item=item).aggregate(m=Max("version"))["m"] or 0) + 1


def _lock(benchmark: Benchmark) -> Benchmark:
    locked = Benchmark.objects.select_for_update().select_related("item").filter(pk=benchmark.pk).first()
    if locked is None:
        raise StaleBenchmark(benchmark.pk)
    return locked


# --- generated defaults -------------------------------------------------------------------------------------


def _create_generated(item: EnforcementItem, actor: User | None, policy: Policy) -> Benchmark:
    spec = generate_default(item_spec(item), policy)
    benchmark = Benchmark.objects.create(
        item=item,
        version=_next_version(item),
        scale=spec.scale,
        status=Benchmark.Status.GENERATED,
        is_generated=True,
        item_version=item.version,
        basis=_("Generated from the statutory range by the common rule"),
        created_by=actor,
        updated_by=actor,
    )
    _write_rows(benchmark, spec.tiers, spec.entries)
    audit_record(
        actor=actor, action="discretion.benchmark.generate", obj=benchmark, after=benchmark_payload(benchmark)
    )
    return benchmark


@transaction.atomic
def benchmark_generate(*, actor: User | None, item: EnforcementItem) -> Benchmark:
    """A generated default for an item that has no benchmark yet (returns the existing default if there is
    one)."""
    if actor is not None:
        require(
            can_maintain_item_benchmark(actor, item),
            _("only supervisors and district administrators maintain benchmarks"),
        )
    existing = Benchmark.objects.filter(item=item, status=Benchmark.Status.GENERATED).first()
    if existing is not None:
        return existing
    return _create_generated(item, actor, policy_for(item.district_id))


@transaction.atomic
def benchmarks_generate_missing(*, actor: User | None, district: District) -> list[Benchmark]:
    """Generated defaults for every active item of the district that has no benchmark at all. Idempotent."""
    if actor is not None:
        require(
            can_maintain_district(actor, district.pk),
            _("only supervisors and district administrators maintain benchmarks"),
        )
    policy = policy_for(district.pk)
    missing = EnforcementItem.objects.filter(
        district=district, is_active=True, benchmarks__isnull=True
    ).order_by("code")
    created = []
    for item in missing:
        if actor is not None and not can_maintain_item_benchmark(actor, item):
            continue
        created.append(_create_generated(item, actor, policy))
    return created


# --- drafts -------------------------------------------------------------------------------------------------


@transaction.atomic
def benchmark_draft_create(
    *, actor: User | None, item: EnforcementItem, source: Benchmark | None = None
) -> Benchmark:
    """A new draft version, copied from `source` (default: the version in force, else the generated
    default)."""
    if actor is not None:
        require(
            can_maintain_item_benchmark(actor, item),
            _("only supervisors and district administrators maintain benchmarks"),
        )
    if Benchmark.objects.filter(item=item, status=Benchmark.Status.DRAFT).exists():
        raise BenchmarkInvalid(
            [Problem("benchmark", _("This item already has a draft; edit or discard it first."))]
        )
    if source is None:
        from .selectors import benchmark_in_force

        source = benchmark_in_force(item)
    if source is not None and source.item_id != item.pk:
        raise BenchmarkInvalid([Problem("benchmark", _("The source table belongs to another item."))])
    spec = (
        benchmark_spec(source)
        if source is not None
        else generate_default(item_spec(item), policy_for(item.district_id))
    )
    try:
        with transaction.atomic():
            benchmark = Benchmark.objects.create(
                item=item,
                version=_next_version(item),
                scale=spec.scale,
                status=Benchmark.Status.DRAFT,
                is_generated=False,
                item_version=item.version,
                basis=source.basis if source is not None else "",
                created_by=actor,
                updated_by=actor,
            )
    except IntegrityError as exc:  # a concurrent draft for the same item
        raise StaleBenchmark(item.pk) from exc
    _write_rows(benchmark, spec.tiers, spec.entries)
    audit_record(
        actor=actor,
        action="discretion.benchmark.draft",
        obj=benchmark,
        summary=f"from v{source.version}" if source is not None else "from the common rule",
        after=benchmark_payload(benchmark),
    )
    return benchmark


@transaction.atomic
def benchmark_save(
    *,
    actor: User | None,
    benchmark: Benchmark,
    scale: str,
    tiers: Sequence[TierSpec],
    entries: Sequence[EntrySpec] = (),
    basis: str | None = None,
    note: str | None = None,
    expected_updated_at: dt.datetime | None = None,
) -> Benchmark:
    """Replace a draft's (or generated default's) table. Raises BenchmarkInvalid with every problem found."""
    if actor is not None:
        require(can_edit_benchmark(actor, benchmark), _("you may not edit this benchmark"))
    locked = _lock(benchmark)
    if locked.status not in EDITABLE or (
        expected_updated_at is not None and locked.updated_at != expected_updated_at
    ):
        raise StaleBenchmark(benchmark.pk)
    problems = check_table(locked.item, scale, tiers, entries)
    if problems:
        raise BenchmarkInvalid(problems)
    before = benchmark_payload(locked)
    _write_rows(locked, tiers, entries)
    locked.scale = scale
    if basis is not None:
        locked.basis = basis
    if note is not None:
        locked.note = note
    locked.item_version = locked.item.version
    locked.updated_by = actor
    locked.updated_at = timezone.now()
    locked.save(update_fields=["scale", "basis", "note", "item_version", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="discretion.benchmark.save",
        obj=locked,
        before=before,
        after=benchmark_payload(locked),
    )
    return locked


@transaction.atomic
def benchmark_discard(*, actor: User | None, benchmark: Benchmark) -> None:
    if actor is not None:
        require(can_discard_benchmark(actor, benchmark), _("only a draft can be discarded"))
    locked = _lock(benchmark)
    if locked.status != Benchmark.Status.DRAFT:
        raise StaleBenchmark(benchmark.pk)
    audit_record(
        actor=actor, action="discretion.benchmark.discard", obj=locked, before=benchmark_payload(locked)
    )
    locked.delete()


# --- publication --------------------------------------------------------------------------------------------


@transaction.atomic
def benchmark_publish(
    *,
    actor: User | None,
    benchmark: Benchmark,
    document_number: str,
    document_title: str,
    valid_from: dt.date,
    document_date: dt.date | None = None,
) -> Benchmark:
    """Publish a draft, or confirm a generated default, with its document (art 34). Refuses an unsound
    table."""
    if actor is not None:
        require(
            can_publish_benchmark(actor, benchmark), _("only the district administrator publishes benchmarks")
        )
    locked = _lock(benchmark)
    if locked.status not in EDITABLE:
        raise StaleBenchmark(benchmark.pk)
    item = locked.item
    problems: list[Problem] = []
    if not document_number.strip():
        problems.append(
            Problem(
                "benchmark",
                _("Give the number of the document that publishes the benchmark (art 34)."),
                None,
                "document_number",
            )
        )
    if not document_title.strip():
        problems.append(
            Problem("benchmark", _("Give the title of the publishing document."), None, "document_title")
        )
    if valid_from is None:
        problems.append(
            Problem("benchmark", _("Give the date the benchmark takes effect."), None, "valid_from")
        )
    if document_date and valid_from and valid_from < document_date:
        problems.append(
            Problem(
                "benchmark",
                _("It cannot take effect before the document that publishes it is dated."),
                None,
                "valid_from",
            )
        )
    if valid_from is not None:
        later = (
            Benchmark.objects.filter(item=item, status=Benchmark.Status.PUBLISHED, valid_from__gte=valid_from)
            .order_by("valid_from")
            .first()
        )
        if later is not None:
            problems.append(
                Problem(
                    "benchmark",
                    _(
                        "Version %(version)s already takes effect on %(date)s; a new version must "
                        "take effect after it."
                    )
                    % {"version": later.version, "date": later.valid_from},
                    None,
                    "valid_from",
                )
            )
    spec = benchmark_spec(locked)
    problems += validate_benchmark(item_spec(item), spec, factor_catalog(item.district_id, item.pk))
    if problems:
        raise BenchmarkInvalid(problems)
    before = benchmark_payload(locked)
    now = timezone.now()
    was_generated = locked.status == Benchmark.Status.GENERATED
    changes: dict[str, Any] = {
        "status": Benchmark.Status.PUBLISHED,
        "document_number": document_number.strip(),
        "document_title": document_title.strip(),
        "document_date": document_date,
        "valid_from": valid_from,
        "published_by": actor,
        "published_at": now,
        "updated_by": actor,
        "updated_at": now,
    }
    if was_generated:
        changes.update(confirmed_by=actor, confirmed_at=now)
    moved = Benchmark.objects.filter(pk=locked.pk, status=locked.status).update(**changes)
    if moved != 1:
        raise StaleBenchmark(benchmark.pk)
    locked.refresh_from_db()
    retired = list(
        Benchmark.objects.filter(item=item, status=Benchmark.Status.GENERATED).exclude(pk=locked.pk)
    )
    for old in retired:
        Benchmark.objects.filter(pk=old.pk, status=Benchmark.Status.GENERATED).update(
            status=Benchmark.Status.RETIRED, updated_at=now
        )
        audit_record(
            actor=actor,
            action="discretion.benchmark.retire",
            obj=old,
            summary=f"replaced by v{locked.version}",
            before={"status": Benchmark.Status.GENERATED},
            after={"status": Benchmark.Status.RETIRED},
        )
    audit_record(
        actor=actor,
        action="discretion.benchmark.confirm" if was_generated else "discretion.benchmark.publish",
        obj=locked,
        summary=f"{locked.document_number} from {valid_from}",
        before=before,
        after=benchmark_payload(locked),
    )
    return locked


@transaction.atomic
def benchmark_withdraw(*, actor: User | None, benchmark: Benchmark, reason: str) -> Benchmark:
    """Withdraw a published version (an error found); the previous version applies again from its own date."""
    if actor is not None:
        require(
            can_withdraw_benchmark(actor, benchmark),
            _("only the district administrator withdraws benchmarks"),
        )
    if not reason.strip():
        raise BenchmarkInvalid(
            [Problem("benchmark", _("Say why the benchmark is withdrawn."), None, "reason")]
        )
    now = timezone.now()
    moved = Benchmark.objects.filter(pk=benchmark.pk, status=Benchmark.Status.PUBLISHED).update(
        status=Benchmark.Status.WITHDRAWN,
        withdrawn_by=actor,
        withdrawn_at=now,
        withdrawn_reason=reason.strip(),
        updated_at=now,
    )
    if moved != 1:
        raise StaleBenchmark(benchmark.pk)
    benchmark.refresh_from_db()
    audit_record(
        actor=actor,
        action="discretion.benchmark.withdraw",
        obj=benchmark,
        summary=reason.strip()[:200],
        before={"status": Benchmark.Status.PUBLISHED},
        after={"status": Benchmark.Status.WITHDRAWN, "reason": reason.strip()},
    )
    return benchmark


# --- local circumstances and rules --------------------------------------------------------------------------


@transaction.atomic
def local_factor_save(
    *,
    actor: User | None,
    district: District,
    code: str,
    name_zh: str,
    effect: str,
    name_en: str = "",
    legal_basis: str = "",
    conditions: str = "",
    item: EnforcementItem | None = None,
    is_active: bool = True,
) -> LocalFactor:
    if actor is not None:
        require(
            can_maintain_district(actor, district.pk),
            _("only supervisors and district administrators maintain circumstances"),
        )
    spec = FactorSpec(code, name_zh, name_en, effect, legal_basis, conditions, local=True)
    problems = validate_factor(spec, STANDARD_FACTOR_MAP)
    if item is not None and item.district_id != district.pk:
        problems.append(Problem("factor", _("The item belongs to another district."), None, "item"))
    if problems:
        raise BenchmarkInvalid(problems)
    row = LocalFactor.objects.select_for_update().filter(district=district, code=code).first()
    before = None
    if row is None:
        row = LocalFactor(district=district, code=code)
    else:
        before = {
            "name_zh": row.name_zh,
            "effect": row.effect,
            "conditions": row.conditions,
            "is_active": row.is_active,
        }
    row.name_zh, row.name_en, row.effect = name_zh, name_en, effect
    row.legal_basis, row.conditions, row.item, row.is_active = legal_basis, conditions, item, is_active
    row.updated_at = timezone.now()
    row.save()
    audit_record(
        actor=actor,
        action="discretion.factor.save",
        obj=row,
        before=before,
        after={
            "code": code,
            "name_zh": name_zh,
            "effect": effect,
            "conditions": conditions,
            "is_active": is_active,
            "item": item.code if item else None,
        },
    )
    return row


POLICY_FIELDS = (
    "repeat_window_months",
    "limitation_years",
    "limitation_years_grave",
    "max_only_lighter_pct",
    "max_only_normal_low_pct",
    "max_only_normal_high_pct",
    "span_lighter_pct",
    "span_heavier_pct",
    "reduced_floor_pct",
)


@transaction.atomic
def policy_update(*, actor: User | None, district: District, **values: int) -> DiscretionPolicy:
    if actor is not None:
        require(
            can_change_policy(actor, district.pk),
            _("only the district administrator changes the discretion rules"),
        )
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"unknown policy fields: {sorted(unknown)}")
    row, _created = DiscretionPolicy.objects.select_for_update().get_or_create(district=district)
    before = {f: getattr(row, f) for f in POLICY_FIELDS}
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = timezone.now()
    problems = []
    if not (row.max_only_lighter_pct <= row.max_only_normal_low_pct <= row.max_only_normal_high_pct <= 100):
        problems.append(
            Problem(
                "policy",
                _(
                    "Percentages where only a maximum is given must rise: lighter ≤ normal from ≤ "
                    "normal to ≤ 100."
                ),
            )
        )
    if not (row.span_lighter_pct <= row.span_heavier_pct <= 100):
        problems.append(
            Problem("policy", _("The lighter share of the span must not exceed the heavier one, nor 100."))
        )
    if (
        row.reduced_floor_pct > 100
        or row.repeat_window_months < 1
        or row.limitation_years < 1
        or row.limitation_years_grave < row.limitation_years
    ):
        problems.append(
            Problem(
                "policy",
                _(
                    "Check the numbers: windows and limits must be positive and the grave "
                    "limitation at least the normal one."
                ),
            )
        )
    if problems:
        raise BenchmarkInvalid(problems)
    row.save()
    audit_record(
        actor=actor,
        action="discretion.policy.update",
        obj=row,
        before=before,
        after={f: getattr(row, f) for f in POLICY_FIELDS},
    )
    return row


# --- import -------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    dry_run: bool
    publish: bool
    errors: list[Any] = field(default_factory=list)  # tables.RowError
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _problem_rows(table: Any, problems: Sequence[Problem]) -> list[Any]:
    from .tables import RowError

    errors = []
    for problem in problems:
        if problem.section == "tier" and problem.index is not None and problem.index < len(table.tier_rows):
            row = table.tier_rows[problem.index]
        elif (
            problem.section == "entry" and problem.index is not None and problem.index < len(table.entry_rows)
        ):
            row = table.entry_rows[problem.index]
        else:
            row = table.first_row
        errors.append(RowError(row, f"{table.item.code}: {problem.message}"))
    return errors


@transaction.atomic
def benchmark_table_import(
    *,
    actor: User | None,
    district: District,
    content: bytes,
    filename: str,
    publish: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Load benchmark tables from a CSV/XLSX file into drafts (and publish them if asked).

    All or nothing: with any error nothing is kept, and the report lists every error with its row. A dry run
    does the same work and then rolls it back, so it checks exactly what a real import would.
    """
    from .tables import RowError, parse_rows, read_table

    if actor is not None:
        require(
            can_maintain_district(actor, district.pk),
            _("only supervisors and district administrators import benchmarks"),
        )
    report = ImportReport(dry_run=dry_run, publish=publish)
    try:
        rows = read_table(content, filename)
    except ValueError as exc:
        report.errors.append(RowError(1, str(exc)))
        return report
    codes = {values.get("item_code", "").strip() for _n, values in rows}
    items = {i.code: i for i in EnforcementItem.objects.filter(district=district, code__in=codes)}
    catalogs = {item.pk: factor_catalog(district.pk, item.pk) for item in items.values()}
    tables, errors = parse_rows(rows, items, catalogs)
    report.errors += errors
    if not tables and not errors:
        report.errors.append(RowError(1, _("The file has no data rows.")))
    for table in tables:
        item = table.item
        if actor is not None and not can_maintain_item_benchmark(actor, item):
            report.errors.append(
                RowError(
                    table.first_row,
                    _("You may not maintain the benchmark of %(code)s.") % {"code": item.code},
                )
            )
            continue
        problems = check_table(item, table.header["scale"], table.tiers, table.entries)
        if problems:
            report.errors += _problem_rows(table, problems)
            continue
        if report.errors:
            continue  # nothing will be kept; go on checking the other items only
        try:
            with transaction.atomic():
                draft = Benchmark.objects.filter(item=item, status=Benchmark.Status.DRAFT).first()
                action = "updated"
                if draft is None:
                    draft = benchmark_draft_create(actor=actor, item=item)
                    action = "created"
                draft = benchmark_save(
                    actor=actor,
                    benchmark=draft,
                    scale=table.header["scale"],
                    tiers=table.tiers,
                    entries=table.entries,
                    basis=table.header["basis"] or None,
                )
                if publish:
                    draft = benchmark_publish(
                        actor=actor,
                        benchmark=draft,
                        document_number=table.header["document_number"],
                        document_title=table.header["document_title"],
                        document_date=table.header["document_date"],
                        valid_from=table.header["valid_from"],
                    )
                    action = "published"
        except BenchmarkInvalid as exc:
            report.errors += _problem_rows(table, exc.problems)
            continue
        except PermissionDenied:
            report.errors.append(
                RowError(
                    table.first_row, _("You may not publish the benchmark of %(code)s.") % {"code": item.code}
                )
            )
            continue
        report.results.append(
            {"item": item.code, "version": draft.version, "action": action, "status": draft.status}
        )
    if report.errors or dry_run:
        transaction.set_rollback(True)
        if report.errors:
            report.results = []
    elif report.results:
        audit_record(
            actor=actor,
            action="discretion.table.import",
            summary=f"{filename}: {len(report.results)} item(s)",
            object_type="enforcement.district",
            object_id=str(district.pk),
            after={"file": filename, "results": report.results, "publish": publish},
        )
    return report
