"""Plain, immutable snapshots of what the pure functions need: an item's statutory range, a benchmark with its
tiers and list rows, the district's rules (policy), and the facts of a case. Loading them from the database is
`discretion.selectors`' job; computing with them never touches the database. The `*_spec(row)` functions at
the end copy one row already loaded (no query), so that the models can validate themselves without importing
the selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from authority.penalties import FineBasis, FineRange, fine_range

from .conditions import Condition, Value, conditions_from_json
from .vocabulary import LEVEL_RANK

if TYPE_CHECKING:  # the rows the `*_spec` functions copy; specs import no model at run time
    from authority.models import EnforcementItem

    from .models import BenchmarkEntry, BenchmarkTier


@dataclass(frozen=True)
class ItemSpec:
    """An enforcement item as far as discretion cares: its statutory fine range and penalty kinds."""

    code: str
    name_zh: str
    name_en: str = ""
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    penalty_kinds: tuple[str, ...] = ()
    id: int | None = None
    district_id: int | None = None
    version: int = 1
    # A fine by multiples (倍数) of the illegal gains or the value (authority.penalties): fine_min / fine_max
    # are then the clause's fixed range below `multiple_from`, and `resolved` gives the range for one case's
    # amounts.
    fine_basis: str = FineBasis.AMOUNT
    multiple_min: Decimal | None = None
    multiple_max: Decimal | None = None
    multiple_from: Decimal | None = None

    def name_for(self, lang: str) -> str:
        return self.name_en if lang.startswith("en") and self.name_en else self.name_zh

    @property
    def has_fine_range(self) -> bool:
        return self.fine_min is not None or self.fine_max is not None

    @property
    def by_multiples(self) -> bool:
        return self.fine_basis != FineBasis.AMOUNT and (
            self.multiple_min is not None or self.multiple_max is not None
        )

    def fine_range(self, values: Mapping[str, Value] | None = None) -> FineRange:
        return fine_range(
            fine_min=self.fine_min,
            fine_max=self.fine_max,
            basis=self.fine_basis,
            multiple_min=self.multiple_min,
            multiple_max=self.multiple_max,
            multiple_from=self.multiple_from,
            values=values,
        )

    def resolved(self, fines: FineRange) -> ItemSpec:
        """The item with the statutory range in yuan for one case (itself when its fines are not by
        multiples)."""
        if not fines.by_multiple:
            return self
        return replace(self, fine_min=fines.low, fine_max=fines.high)


@dataclass(frozen=True)
class TierSpec:
    level: str
    conditions_text: str = ""
    conditions: tuple[Condition, ...] = ()
    match: str = "all"  # "all" or "any"
    penalty_kinds: tuple[str, ...] = ()
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    note: str = ""
    # For an item fined by multiples: the tier's multiples of the gains or value (处违法所得二倍以上四倍以下罚
    # 款); fine_min / fine_max are then the tier's share of the fixed range that applies below the item's
    # threshold.
    multiple_min: Decimal | None = None
    multiple_max: Decimal | None = None

    @property
    def rank(self) -> int:
        return LEVEL_RANK.get(self.level, 1)

    @property
    def has_fine(self) -> bool:
        return self.fine_min is not None or self.fine_max is not None

    @property
    def has_multiples(self) -> bool:
        return self.multiple_min is not None or self.multiple_max is not None

    def resolved(self, fines: FineRange) -> TierSpec:
        """The tier with its range in yuan for one case's amount (itself unless the multiples apply)."""
        if not fines.by_multiple or not self.has_multiples or fines.base is None:
            return self
        base = fines.base

        def times(multiple: Decimal | None) -> Decimal | None:
            return None if multiple is None else (base * multiple).quantize(Decimal("0.01"))

        return replace(
            self, fine_min=times(self.multiple_min) or Decimal("0"), fine_max=times(self.multiple_max)
        )


@dataclass(frozen=True)
class EntrySpec:
    """A row of the no-penalty / first-violation / lighter / reduced lists attached to a benchmark."""

    kind: str
    conditions_text: str = ""
    conditions: tuple[Condition, ...] = ()
    match: str = "all"
    required_factors: tuple[str, ...] = ()
    measures: str = ""  # what is done instead of a penalty: 批评教育、责令改正 ...
    legal_basis: str = ""


@dataclass(frozen=True)
class BenchmarkSpec:
    scale: str
    tiers: tuple[TierSpec, ...]
    entries: tuple[EntrySpec, ...] = ()
    id: int | None = None
    version: int = 0
    status: str = "generated"
    is_generated: bool = False
    confirmed: bool = False
    valid_from: dt.date | None = None
    document_number: str = ""
    document_title: str = ""
    item_version: int | None = None

    def sorted_tiers(self) -> list[TierSpec]:
        return sorted(self.tiers, key=lambda t: t.rank)

    def resolved(self, fines: FineRange) -> BenchmarkSpec:
        """The table with its tiers in yuan for one case's gains or value (itself unless multiples apply)."""
        if not fines.by_multiple:
            return self
        return replace(self, tiers=tuple(t.resolved(fines) for t in self.tiers))


@dataclass(frozen=True)
class Policy:
    """A district's numbers for discretion (DOMAIN: every number is data, with these defaults)."""

    repeat_window_months: int = 12
    limitation_years: int = 2
    limitation_years_grave: int = 5
    max_only_lighter_pct: int = 20
    max_only_normal_low_pct: int = 40
    max_only_normal_high_pct: int = 60
    span_lighter_pct: int = 30
    span_heavier_pct: int = 70
    reduced_floor_pct: int = 0


@dataclass(frozen=True)
class PriorViolation:
    """An earlier violation of the same party, anywhere in the district (from the cases app, or given)."""

    decided_on: dt.date
    item_code: str = ""
    item_id: int | None = None
    penalised: bool = True  # False: closed with education only (首违不罚 / 不予处罚)
    town_id: int | None = None
    reference: str = ""


@dataclass(frozen=True)
class Facts:
    """What is known about one case when asking for a recommendation.

    `values`: measurable facts (see vocabulary.FACTS). `factors`: circumstance codes found by the officer.
    `history`: the party's earlier violations; None means unknown (no provider and none given), and then the
    officer's own `first_violation` / `repeat_12m` are used as given.
    """

    on: dt.date
    values: Mapping[str, Value] = field(default_factory=dict)
    factors: frozenset[str] = frozenset()
    act_date: dt.date | None = None  # the act, or its end for a continuing act (art 36)
    discovered_on: dt.date | None = None
    history: tuple[PriorViolation, ...] | None = None
    subject_id: int | None = None
    identifier: str = ""


# --- one row to its spec (no query) -------------------------------------------------------------------------


def item_spec(item: EnforcementItem) -> ItemSpec:
    return ItemSpec(
        code=item.code,
        name_zh=item.name_zh,
        name_en=item.name_en,
        fine_min=item.fine_min,
        fine_max=item.fine_max,
        penalty_kinds=tuple(item.penalty_kinds or ()),
        id=item.pk,
        district_id=item.district_id,
        version=item.version,
        fine_basis=item.fine_basis,
        multiple_min=item.fine_multiple_min,
        multiple_max=item.fine_multiple_max,
        multiple_from=item.fine_multiple_from,
    )


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def tier_spec(tier: BenchmarkTier) -> TierSpec:
    return TierSpec(
        level=tier.level,
        conditions_text=tier.conditions_text or "",
        conditions=tuple(conditions_from_json(tier.conditions)),
        match=tier.match,
        penalty_kinds=tuple(tier.penalty_kinds or ()),
        fine_min=_decimal(tier.fine_min),
        fine_max=_decimal(tier.fine_max),
        note=tier.note,
        multiple_min=_decimal(tier.multiple_min),
        multiple_max=_decimal(tier.multiple_max),
    )


def entry_spec(entry: BenchmarkEntry) -> EntrySpec:
    return EntrySpec(
        kind=entry.kind,
        conditions_text=entry.conditions_text or "",
        conditions=tuple(conditions_from_json(entry.conditions)),
        match=entry.match,
        required_factors=tuple(entry.required_factors or ()),
        measures=entry.measures,
        legal_basis=entry.legal_basis,
    )
