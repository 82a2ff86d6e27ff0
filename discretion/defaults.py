"""A default benchmark from an item's statutory range, by the common local rule (pure).

Where the law gives only a maximum: lighter up to 20 % of it, normal 40-60 %, heavier from 60 % to the
maximum.
Where it gives a minimum and a maximum: lighter in the lowest 30 % of the span, normal 30-70 %, heavier the
top 30 %.
Where it gives only a minimum: 1-1.5x, 1.5-2.5x and 2.5-5x the minimum. Without amounts, the tiers differ by
penalty kind. A fine by multiples of the gains or value (倍数) is banded the same way on its multiples (to a
tenth), beside the fixed range that applies below its threshold. The percentages are the district's policy. A
generated table is marked as such until a person confirms it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .specs import BenchmarkSpec, ItemSpec, Policy, TierSpec
from .vocabulary import KIND_SEVERITY, Level, Scale

YUAN = Decimal("1")
TENTH = Decimal("0.1")
EXTRAS = ("confiscate_gains", "confiscate_property")  # 没收: goes with the fine in every tier where provided


def _yuan(value: Decimal, quantum: Decimal = YUAN) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def _pct(base: Decimal, pct: int, quantum: Decimal = YUAN) -> Decimal:
    return _yuan(base * Decimal(pct) / Decimal(100), quantum)


def _clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def _bands(
    low: Decimal | None, high: Decimal | None, policy: Policy, quantum: Decimal = YUAN
) -> list[tuple[Decimal, Decimal]] | None:
    if high is not None and (low is None or low == 0):
        floor = low or Decimal(0)
        normal_low = _clamp(_pct(high, policy.max_only_normal_low_pct, quantum), floor, high)
        normal_high = _clamp(_pct(high, policy.max_only_normal_high_pct, quantum), normal_low, high)
        lighter_high = _clamp(_pct(high, policy.max_only_lighter_pct, quantum), floor, normal_low)
        return [(floor, lighter_high), (normal_low, normal_high), (normal_high, high)]
    if low is not None and high is not None:
        span = high - low
        a = _clamp(low + _pct(span, policy.span_lighter_pct, quantum), low, high)
        b = _clamp(low + _pct(span, policy.span_heavier_pct, quantum), a, high)
        return [(low, a), (a, b), (b, high)]
    if low is not None:
        return [
            (low, _yuan(low * Decimal("1.5"), quantum)),
            (_yuan(low * Decimal("1.5"), quantum), _yuan(low * Decimal("2.5"), quantum)),
            (_yuan(low * Decimal("2.5"), quantum), low * 5),
        ]
    return None


def fine_bands(item: ItemSpec, policy: Policy) -> list[tuple[Decimal, Decimal]] | None:
    """Three (low, high) bands, or None when the item has no amounts."""
    return _bands(item.fine_min, item.fine_max, policy)


def multiple_bands(item: ItemSpec, policy: Policy) -> list[tuple[Decimal, Decimal]] | None:
    """Three (low, high) bands of multiples, or None when the item's fine is not by multiples."""
    if not item.by_multiples:
        return None
    return _bands(item.multiple_min, item.multiple_max, policy, TENTH)


def _by_severity(kinds: list[str]) -> list[str]:
    return sorted(dict.fromkeys(kinds), key=lambda k: KIND_SEVERITY.get(k, 0))


def generate_default(item: ItemSpec, policy: Policy | None = None) -> BenchmarkSpec:
    policy = policy or Policy()
    levels = (Level.LIGHTER, Level.NORMAL, Level.HEAVIER)
    kinds = list(item.penalty_kinds)
    bands = fine_bands(item, policy)
    texts = (
        "违法情节轻微、危害后果较小，或者具有从轻处罚情形的。",
        "不具有从轻、从重情形的一般违法行为。",
        "违法情节较重、危害后果较大，或者具有从重处罚情形的。",
    )
    multiples = multiple_bands(item, policy)
    tiers: list[TierSpec] = []
    if bands is not None or multiples is not None:
        if "fine" not in kinds:
            kinds.append("fine")
        extras = [k for k in kinds if k in EXTRAS]
        heavy = [k for k in kinds if KIND_SEVERITY.get(k, 0) > KIND_SEVERITY["confiscate_property"]]
        lighter_kinds = (["warning"] if "warning" in kinds else []) + ["fine"] + extras
        tier_kinds = [lighter_kinds, ["fine", *extras], ["fine", *extras, *heavy]]
        for n, (level, text, these) in enumerate(zip(levels, texts, tier_kinds, strict=True)):
            low, high = bands[n] if bands is not None else (None, None)
            times_low, times_high = multiples[n] if multiples is not None else (None, None)
            tiers.append(
                TierSpec(
                    level,
                    text,
                    (),
                    "all",
                    tuple(_by_severity(these)),
                    low,
                    high,
                    multiple_min=times_low,
                    multiple_max=times_high,
                )
            )
    else:
        ordered = _by_severity(kinds) or ["warning"]
        tier_kinds = [ordered[:1], ordered[: max(1, len(ordered) - 1)], ordered]
        for level, text, these in zip(levels, texts, tier_kinds, strict=True):
            tiers.append(TierSpec(level, text, (), "all", tuple(these)))
    return BenchmarkSpec(
        scale=Scale.THREE,
        tiers=tuple(tiers),
        status="generated",
        is_generated=True,
        item_version=item.version,
    )
