"""Validation of a benchmark table (pure). Used by the models' clean(), by the services before any write, by
the importer and by the editor, so every path refuses the same things with the same words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from enforcement.money import figures

from .specs import BenchmarkSpec, EntrySpec, ItemSpec, TierSpec
from .vocabulary import (
    KIND_SEVERITY,
    LEVELS_OF_SCALE,
    NORMAL_RANK,
    Effect,
    FactorSpec,
    Level,
    ListKind,
    Scale,
)


@dataclass(frozen=True)
class Problem:
    """One reason a table is refused. `section`: benchmark / tier / entry; `index`: position in the input."""

    section: str
    message: str
    index: int | None = None
    field: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"section": self.section, "index": self.index, "field": self.field, "message": self.message}


def money(value: Decimal | None) -> str:
    """The figures of an amount as every page writes them (enforcement.money.figures)."""
    return figures(value)


def level_label(level: str) -> str:
    try:
        return str(Level(level).label)
    except ValueError:
        return level


def range_text(tier: TierSpec) -> str:
    return _("%(low)s–%(high)s yuan") % {"low": money(tier.fine_min), "high": money(tier.fine_max)}


def statutory_text(item: ItemSpec) -> str:
    if item.fine_min is not None and item.fine_max is not None:
        return _("%(low)s–%(high)s yuan") % {"low": money(item.fine_min), "high": money(item.fine_max)}
    if item.fine_max is not None:
        return _("up to %(high)s yuan") % {"high": money(item.fine_max)}
    if item.fine_min is not None:
        return _("at least %(low)s yuan") % {"low": money(item.fine_min)}
    return _("no fixed amount")


def validate_tier(item: ItemSpec, tier: TierSpec, index: int | None = None) -> list[Problem]:
    """Checks of one tier against the item alone (used by BenchmarkTier.clean too)."""
    problems: list[Problem] = []
    label = level_label(tier.level)

    def add(message: str, field: str = "") -> None:
        problems.append(Problem("tier", message, index, field))

    if tier.level not in Level.values:
        add(_("Unknown tier level %(level)r.") % {"level": tier.level}, "level")
    if not tier.conditions_text.strip():
        add(
            _("The %(tier)s tier needs the conditions that place a case in it (情形), in words.")
            % {"tier": label},
            "conditions_text",
        )
    if tier.match not in ("all", "any"):
        add(_("Say whether all or any of the conditions must hold."), "match")
    if not tier.penalty_kinds:
        add(_("The %(tier)s tier needs at least one penalty kind.") % {"tier": label}, "penalty_kinds")
    unknown = [k for k in tier.penalty_kinds if k not in KIND_SEVERITY]
    if unknown:
        add(_("Unknown penalty kind(s): %(kinds)s.") % {"kinds": ", ".join(unknown)}, "penalty_kinds")
    elif item.penalty_kinds:
        not_provided = [k for k in tier.penalty_kinds if k not in item.penalty_kinds]
        if not_provided:
            add(
                _("The penalty clause of %(item)s does not provide %(kinds)s; it provides %(allowed)s.")
                % {
                    "item": item.code,
                    "kinds": ", ".join(not_provided),
                    "allowed": ", ".join(item.penalty_kinds),
                },
                "penalty_kinds",
            )
    fines = "fine" in tier.penalty_kinds
    for name, value in (("fine_min", tier.fine_min), ("fine_max", tier.fine_max)):
        if value is not None and value < 0:
            add(_("A fine cannot be negative."), name)
    if tier.has_fine and not fines:
        add(
            _("The %(tier)s tier gives a fine range but not the penalty kind 'fine'.") % {"tier": label},
            "penalty_kinds",
        )
    if fines and item.has_fine_range and (tier.fine_min is None or tier.fine_max is None):
        add(
            _(
                "The %(tier)s tier fines, so it needs both a lowest and a highest amount "
                "(statutory range: %(range)s)."
            )
            % {"tier": label, "range": statutory_text(item)},
            "fine_min" if tier.fine_min is None else "fine_max",
        )
    if tier.fine_min is not None and tier.fine_max is not None and tier.fine_min > tier.fine_max:
        add(
            _("In the %(tier)s tier the lowest fine (%(low)s) is above the highest (%(high)s).")
            % {"tier": label, "low": money(tier.fine_min), "high": money(tier.fine_max)},
            "fine_min",
        )
    if tier.fine_min is not None and item.fine_min is not None and tier.fine_min < item.fine_min:
        add(
            _(
                "The %(tier)s tier starts at %(low)s yuan, below the statutory minimum of %(min)s "
                "yuan (%(range)s)."
            )
            % {
                "tier": label,
                "low": money(tier.fine_min),
                "min": money(item.fine_min),
                "range": statutory_text(item),
            },
            "fine_min",
        )
    if tier.fine_max is not None and item.fine_max is not None and tier.fine_max > item.fine_max:
        add(
            _(
                "The %(tier)s tier goes up to %(high)s yuan, above the statutory maximum of "
                "%(max)s yuan (%(range)s)."
            )
            % {
                "tier": label,
                "high": money(tier.fine_max),
                "max": money(item.fine_max),
                "range": statutory_text(item),
            },
            "fine_max",
        )
    if tier.fine_min is not None and item.fine_max is not None and tier.fine_min > item.fine_max:
        add(
            _("The %(tier)s tier starts above the statutory maximum (%(range)s).")
            % {"tier": label, "range": statutory_text(item)},
            "fine_min",
        )
    problems.extend(_multiple_problems(item, tier, label, index))
    return problems


def _multiple_problems(item: ItemSpec, tier: TierSpec, label: str, index: int | None) -> list[Problem]:
    """A tier of an item fined by multiples (倍数) gives its multiples inside the clause's; other tiers give
    none."""
    if not tier.has_multiples and not (item.by_multiples and "fine" in tier.penalty_kinds):
        return []
    if not item.by_multiples:
        return [Problem("tier", _("This item's fine is not given as multiples."), index, "multiple_min")]
    if tier.multiple_min is None or tier.multiple_max is None:
        return [
            Problem(
                "tier",
                _("The %(tier)s tier fines by multiples, so it needs its lowest and highest multiple.")
                % {"tier": label},
                index,
                "multiple_min" if tier.multiple_min is None else "multiple_max",
            )
        ]
    low = item.multiple_min if item.multiple_min is not None else Decimal("0")
    high = item.multiple_max
    if (
        tier.multiple_min > tier.multiple_max
        or tier.multiple_min < low
        or (high is not None and tier.multiple_max > high)
    ):
        return [
            Problem(
                "tier",
                _(
                    "The %(tier)s tier's multiples (%(tier_low)s–%(tier_high)s) are not inside the "
                    "clause's (%(low)s–%(high)s)."
                )
                % {
                    "tier": label,
                    "tier_low": tier.multiple_min,
                    "tier_high": tier.multiple_max,
                    "low": low,
                    "high": high if high is not None else "—",
                },
                index,
                "multiple_min",
            )
        ]
    return []


def _condition_problems(
    conditions: tuple,
    factors: Mapping[str, FactorSpec],
    *,
    lighter: bool,
    graver: bool,
    section: str,
    index: int,
    label: str,
) -> list[Problem]:
    problems = []
    for condition in conditions:
        if condition.op != "has":
            continue
        spec = factors.get(condition.fact)
        if spec is None:
            problems.append(
                Problem(
                    section,
                    _("Unknown circumstance %(code)r in the conditions.") % {"code": condition.fact},
                    index,
                    "conditions",
                )
            )
        elif lighter and spec.aggravating:
            problems.append(
                Problem(
                    section,
                    _("%(where)s cannot depend on the aggravating circumstance %(name)s.")
                    % {"where": label, "name": spec.name_zh},
                    index,
                    "conditions",
                )
            )
        elif graver and spec.mitigating:
            problems.append(
                Problem(
                    section,
                    _("%(where)s cannot depend on the mitigating circumstance %(name)s.")
                    % {"where": label, "name": spec.name_zh},
                    index,
                    "conditions",
                )
            )
    return problems


def validate_entry(entry: EntrySpec, factors: Mapping[str, FactorSpec], index: int) -> list[Problem]:
    problems: list[Problem] = []
    try:
        kind_label = str(ListKind(entry.kind).label)
    except ValueError:
        return [Problem("entry", _("Unknown list %(kind)r.") % {"kind": entry.kind}, index, "kind")]

    def add(message: str, field: str = "") -> None:
        problems.append(Problem("entry", message, index, field))

    if not entry.conditions_text.strip():
        add(_("The %(list)s row needs its conditions in words.") % {"list": kind_label}, "conditions_text")
    if entry.kind in (ListKind.NO_PENALTY, ListKind.FIRST_VIOLATION) and not (
        entry.required_factors or entry.conditions
    ):
        add(
            _(
                "The %(list)s row needs at least one required circumstance or structured "
                "condition, or it would excuse every case."
            )
            % {"list": kind_label},
            "required_factors",
        )
    if entry.kind in (ListKind.LIGHTER, ListKind.REDUCED) and not (
        entry.required_factors or entry.conditions
    ):
        add(
            _("The %(list)s row needs a required circumstance or a structured condition.")
            % {"list": kind_label},
            "required_factors",
        )
    for code in entry.required_factors:
        spec = factors.get(code)
        if spec is None:
            add(_("Unknown circumstance %(code)r.") % {"code": code}, "required_factors")
        elif spec.aggravating:
            add(
                _("The %(list)s row cannot require the aggravating circumstance %(name)s.")
                % {"list": kind_label, "name": spec.name_zh},
                "required_factors",
            )
    problems += _condition_problems(
        entry.conditions, factors, lighter=True, graver=False, section="entry", index=index, label=kind_label
    )
    if entry.match not in ("all", "any"):
        add(_("Say whether all or any of the conditions must hold."), "match")
    return problems


def validate_benchmark(
    item: ItemSpec, benchmark: BenchmarkSpec, factors: Mapping[str, FactorSpec]
) -> list[Problem]:
    """Every reason the table cannot be saved or published; empty when it is sound."""
    problems: list[Problem] = []
    if benchmark.scale not in Scale.values:
        return [Problem("benchmark", _("Choose three or four tiers."), None, "scale")]
    allowed = LEVELS_OF_SCALE[benchmark.scale]
    scale_label = str(Scale(benchmark.scale).label)
    seen: dict[str, int] = {}
    for index, tier in enumerate(benchmark.tiers):
        problems += validate_tier(item, tier, index)
        if tier.level not in allowed:
            problems.append(
                Problem(
                    "tier",
                    _("%(tier)s is not a level of a table with %(scale)s.")
                    % {"tier": level_label(tier.level), "scale": scale_label},
                    index,
                    "level",
                )
            )
        if tier.level in seen:
            problems.append(
                Problem(
                    "tier",
                    _("The %(tier)s tier appears twice.") % {"tier": level_label(tier.level)},
                    index,
                    "level",
                )
            )
        seen.setdefault(tier.level, index)
        rank = tier.rank
        problems += _condition_problems(
            tier.conditions,
            factors,
            lighter=rank < NORMAL_RANK,
            graver=rank > NORMAL_RANK,
            section="tier",
            index=index,
            label=_("The %(tier)s tier") % {"tier": level_label(tier.level)},
        )
    if len(benchmark.tiers) < 3:
        problems.append(
            Problem(
                "benchmark",
                _("A benchmark needs at least three tiers (lighter, normal, heavier)."),
                None,
                "tiers",
            )
        )
    if Level.NORMAL not in seen:
        problems.append(
            Problem(
                "benchmark",
                _("A benchmark needs a Normal (一般) tier: it applies when no other tier's conditions hold."),
                None,
                "tiers",
            )
        )

    ordered = sorted(
        ((t.rank, i, t) for i, t in enumerate(benchmark.tiers) if t.level in allowed),
        key=lambda x: (x[0], x[1]),
    )
    for (_r1, _i1, lower), (_r2, i2, upper) in zip(ordered, ordered[1:], strict=False):
        lower_label, upper_label = level_label(lower.level), level_label(upper.level)
        if lower.has_fine and not upper.has_fine and "fine" in lower.penalty_kinds:
            problems.append(
                Problem(
                    "tier",
                    _("The %(upper)s tier has no fine although the lighter %(lower)s tier has one.")
                    % {"upper": upper_label, "lower": lower_label},
                    i2,
                    "fine_min",
                )
            )
        if (
            lower.fine_min is not None
            and lower.fine_max is not None
            and upper.fine_min is not None
            and upper.fine_max is not None
            and lower.fine_min <= lower.fine_max
            and upper.fine_min <= upper.fine_max
        ):
            if upper.fine_min < lower.fine_max:
                problems.append(
                    Problem(
                        "tier",
                        _(
                            "The %(upper)s tier (%(upper_range)s) overlaps the %(lower)s tier "
                            "(%(lower_range)s): "
                            "a graver tier must start at or above the highest fine of the lighter one."
                        )
                        % {
                            "upper": upper_label,
                            "upper_range": range_text(upper),
                            "lower": lower_label,
                            "lower_range": range_text(lower),
                        },
                        i2,
                        "fine_min",
                    )
                )
        lower_kinds = [KIND_SEVERITY.get(k, 0) for k in lower.penalty_kinds]
        upper_kinds = [KIND_SEVERITY.get(k, 0) for k in upper.penalty_kinds]
        if lower_kinds and upper_kinds and max(upper_kinds) < max(lower_kinds):
            problems.append(
                Problem(
                    "tier",
                    _("The %(upper)s tier's heaviest penalty is lighter than that of the %(lower)s tier.")
                    % {"upper": upper_label, "lower": lower_label},
                    i2,
                    "penalty_kinds",
                )
            )
        if (
            lower.conditions
            and upper.conditions
            and set(lower.conditions) == set(upper.conditions)
            and lower.match == upper.match
        ):
            problems.append(
                Problem(
                    "tier",
                    _(
                        "The %(upper)s and %(lower)s tiers have the same structured conditions, so "
                        "a case would fit both."
                    )
                    % {"upper": upper_label, "lower": lower_label},
                    i2,
                    "conditions",
                )
            )
    for index, entry in enumerate(benchmark.entries):
        problems += validate_entry(entry, factors, index)
    return problems


def validate_factor(spec: FactorSpec, standard: Mapping[str, FactorSpec]) -> list[Problem]:
    problems = []
    if spec.code in standard:
        problems.append(
            Problem(
                "factor",
                _("%(code)r is a standard circumstance; choose another code.") % {"code": spec.code},
                None,
                "code",
            )
        )
    if spec.effect not in Effect.values:
        problems.append(Problem("factor", _("Unknown legal effect."), None, "effect"))
    if spec.effect == Effect.REDUCED and not spec.conditions.strip():
        problems.append(
            Problem(
                "factor",
                _(
                    "A circumstance that reduces a penalty below the minimum (减轻) must state its "
                    "conditions."
                ),
                None,
                "conditions",
            )
        )
    if not spec.name_zh.strip():
        problems.append(Problem("factor", _("Give the circumstance a Chinese name."), None, "name_zh"))
    return problems
