"""Plain, immutable snapshots of what the pure functions need: an item's statutory range, a benchmark with its tiers
and list rows, the district's rules (policy), and the facts of a case. Loading them from the database is
`discretion.selectors`' job; computing with them never touches the database. The `*_spec(row)` functions at the end
copy one row already loaded (no query), so that the models can validate themselves without importing the
selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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

    def name_for(self, lang: str) -> str:
        return self.name_en if lang.startswith("en") and self.name_en else self.name_zh

    @property
    def has_fine_range(self) -> bool:
        return self.fine_min is not None or self.fine_max is not None


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

    @property
    def rank(self) -> int:
        return LEVEL_RANK.get(self.level, 1)

    @property
    def has_fine(self) -> bool:
        return self.fine_min is not None or self.fine_max is not None


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


# --- one row to its spec (no query) ----------------------------------------------------------------------------


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
