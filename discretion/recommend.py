"""Recommendation and deviation.

`recommend(item, facts)` loads what it needs (the benchmark in force on the date, the district's circumstances
and rules, the party's history) and then calls `compute(snapshot, facts)`, a pure function.
`deviation(decision)` is pure too: it compares a proposed penalty with a recommendation.

How a recommendation is reached, in order:
1. History: earlier violations of the same item by the party anywhere in the district decide "first violation"
   and "repeat within 12 months" (the officer's own ticks for these are used only when the history is
   unknown).
2. Whether to punish at all: limitation (art 36), circumstances with the effect "no penalty" (arts 30, 31,
   33(2)), art 33(1) "minor, corrected in time, no harm" (shall not punish), the benchmark's no-penalty list,
   and its first-violation list (may not punish: the recommendation is education). Any aggravating
   circumstance rules out the art 33 and list routes.
3. The tier: the gravest tier above Normal whose structured conditions hold; else a tier below Normal whose
   conditions hold; else Normal.
4. Circumstances: with a 减轻 circumstance and nothing aggravating, a fine below the statutory minimum (or the
   lightest kind); otherwise more aggravating than mitigating circumstances give the upper half of the tier's
   range, more mitigating the lower half, a balance the whole tier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from authority.penalties import multiple_text
from enforcement.held import Held

from .conditions import OP_TEXT, Condition, evaluate, holds
from .defaults import generate_default
from .specs import BenchmarkSpec, EntrySpec, Facts, ItemSpec, Policy, PriorViolation, TierSpec
from .validation import level_label, money, statutory_text
from .vocabulary import (
    ART33_SHALL,
    FACT_MAP,
    FIRST_VIOLATION,
    HISTORY_FACTORS,
    KIND_SEVERITY,
    NORMAL_RANK,
    REPEAT_12M,
    STANDARD_FACTOR_MAP,
    Effect,
    FactorSpec,
    ListKind,
)

CENT = Decimal("0.01")
YUAN = Decimal("1")


# ------------------------------------------------------------------------------------------------------------
# What a recommendation says


@dataclass(frozen=True)
class Step:
    """One line of the explanation: a message code and its parameters, rendered in any language on demand."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, code: str, **params: Any) -> Step:
        return cls(code, tuple(sorted(params.items())))


@dataclass(frozen=True)
class AppliedFactor:
    code: str
    name_zh: str
    name_en: str
    effect: str
    source: str  # given / history / list
    legal_basis: str = ""
    conditions: str = ""

    def name_for(self, lang: str) -> str:
        return self.name_en if lang.startswith("en") and self.name_en else self.name_zh


@dataclass(frozen=True)
class Citation:
    """Which benchmark (and which version) the recommendation rests on."""

    benchmark_id: int | None
    version: int
    status: str
    is_generated: bool
    confirmed: bool
    document_number: str
    document_title: str
    valid_from: dt.date | None
    item_code: str
    tier_level: str = ""

    def text(self, lang: str | None = None) -> str:
        with translation.override(lang or translation.get_language() or "zh-hans"):
            tier = level_label(self.tier_level) if self.tier_level else ""
            if self.benchmark_id is None or (self.is_generated and not self.confirmed):
                base = _(
                    "Default benchmark generated from the statutory range of %(item)s by the "
                    "common rule; not yet confirmed by a person"
                ) % {"item": self.item_code}
                if self.benchmark_id is not None:
                    base = _("%(base)s (record v%(version)s)") % {"base": base, "version": self.version}
            else:
                base = _(
                    "Benchmark for %(item)s, version %(version)s: %(title)s (%(document)s), in "
                    "force from %(date)s"
                ) % {
                    "item": self.item_code,
                    "version": self.version,
                    "title": self.document_title or "—",
                    "document": self.document_number or "—",
                    "date": self.valid_from.isoformat() if self.valid_from else "—",
                }
            return _("%(base)s; tier: %(tier)s") % {"base": base, "tier": tier} if tier else base

    def as_dict(self) -> dict[str, Any]:
        return {
            "benchmark_id": self.benchmark_id,
            "version": self.version,
            "status": self.status,
            "is_generated": self.is_generated,
            "confirmed": self.confirmed,
            "document_number": self.document_number,
            "document_title": self.document_title,
            "valid_from": self.valid_from,
            "item_code": self.item_code,
            "tier": self.tier_level,
        }


@dataclass(frozen=True)
class Recommendation:
    item: ItemSpec
    on: dt.date
    punish: bool
    tier: TierSpec | None
    penalty_kinds: tuple[str, ...]
    fine_min: Decimal | None
    fine_max: Decimal | None
    fine_suggested: Decimal | None
    factors: tuple[AppliedFactor, ...]
    citation: Citation
    steps: tuple[Step, ...]
    no_penalty_basis: str = ""  # limitation / circumstance / art33 / no_penalty_list / first_violation_list
    no_penalty_mandatory: bool = False  # True: the law says shall not; False: may not (first violation)
    education: str = ""
    reduced: bool = False
    history_known: bool = False
    missing_facts: tuple[str, ...] = ()
    unknown_factors: tuple[str, ...] = ()

    @property
    def tier_level(self) -> str:
        return self.tier.level if self.tier else ""

    @property
    def tier_rank(self) -> int:
        """-2 no penalty, -1 reduced below the minimum, else the tier's rank."""
        if not self.punish:
            return -2
        if self.reduced:
            return -1
        return self.tier.rank if self.tier else NORMAL_RANK

    def explain(self, lang: str | None = None) -> list[str]:
        language = lang or translation.get_language() or "zh-hans"
        return list(_rendered_once(self, "explain", language, lambda: tuple(self._explain(language))))

    def _explain(self, language: str) -> list[str]:
        with translation.override(language):
            return [render_step(step, language) for step in self.steps]

    def summary(self, lang: str | None = None) -> str:
        language = lang or translation.get_language() or "zh-hans"
        summary: str = _rendered_once(self, "summary", language, lambda: self._summary(language))
        return summary

    def _summary(self, language: str) -> str:
        with translation.override(language):
            if not self.punish:
                if self.no_penalty_mandatory:
                    return _("No penalty: %(measures)s") % {
                        "measures": self.education or _("education and an order to correct")
                    }
                return _("No penalty recommended (may): %(measures)s") % {
                    "measures": self.education or _("education and an order to correct")
                }
            kinds = kinds_text(self.penalty_kinds)
            if self.fine_min is not None and self.fine_max is not None:
                amount = _("%(low)s–%(high)s yuan, suggested %(mid)s yuan") % {
                    "low": money(self.fine_min),
                    "high": money(self.fine_max),
                    "mid": money(self.fine_suggested),
                }
                if self.reduced:
                    return _("Reduced below the minimum (减轻): %(kinds)s, %(amount)s") % {
                        "kinds": kinds,
                        "amount": amount,
                    }
                return _("%(tier)s tier: %(kinds)s, %(amount)s") % {
                    "tier": level_label(self.tier_level),
                    "kinds": kinds,
                    "amount": amount,
                }
            if self.reduced:
                return _("Reduced (减轻): %(kinds)s") % {"kinds": kinds}
            return _("%(tier)s tier: %(kinds)s") % {"tier": level_label(self.tier_level), "kinds": kinds}

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        language = lang or translation.get_language() or "zh-hans"
        return {
            "item": {"id": self.item.id, "code": self.item.code, "name": self.item.name_for(language)},
            "on": self.on,
            "punish": self.punish,
            "no_penalty_basis": self.no_penalty_basis,
            "no_penalty_mandatory": self.no_penalty_mandatory,
            "education": self.education,
            "tier": self.tier_level,
            "tier_label": level_label(self.tier_level) if self.tier_level else "",
            "reduced": self.reduced,
            "penalty_kinds": list(self.penalty_kinds),
            "fine_min": self.fine_min,
            "fine_max": self.fine_max,
            "fine_suggested": self.fine_suggested,
            "statutory_min": self.item.fine_min,
            "statutory_max": self.item.fine_max,
            "factors": [
                {
                    "code": f.code,
                    "name": f.name_for(language),
                    "effect": f.effect,
                    "source": f.source,
                    "legal_basis": f.legal_basis,
                }
                for f in self.factors
            ],
            "history_known": self.history_known,
            "missing_facts": list(self.missing_facts),
            "unknown_factors": list(self.unknown_factors),
            "summary": self.summary(language),
            "citation": {**self.citation.as_dict(), "text": self.citation.text(language)},
            "explanation": self.explain(language),
        }


# A recommendation's explanation and summary in each language, worked out once per recommendation object (a
# held one, discretion.selectors.recommendation_held, is asked for them by every request that shows it; issue
# 18). By the object's identity, never by equality: Decimal("1.0") and Decimal("1.00") are equal and print
# differently. The entry keeps its recommendation, so the id is not reused while it is here.
_rendered: Held[tuple[int, str, str], tuple[Recommendation, Any]] = Held(2048)


def _rendered_once(rec: Recommendation, what: str, language: str, make: Callable[[], Any]) -> Any:
    key = (id(rec), what, language)
    found = _rendered.get(key)
    if found is not None and found[0] is rec:
        return found[1]
    value = make()
    _rendered.put(key, (rec, value))
    return value


@dataclass(frozen=True)
class Snapshot:
    """Everything `compute` needs, loaded beforehand."""

    item: ItemSpec
    benchmark: BenchmarkSpec | None  # None: generate the default on the fly
    factors: Mapping[str, FactorSpec] = field(default_factory=lambda: dict(STANDARD_FACTOR_MAP))
    policy: Policy = field(default_factory=Policy)


# ------------------------------------------------------------------------------------------------------------
# Rendering


def kinds_text(kinds: tuple[str, ...] | list[str]) -> str:
    from authority.penalties import PenaltyKind

    labels = []
    for kind in kinds:
        try:
            labels.append(str(PenaltyKind(kind).label))
        except ValueError:
            labels.append(kind)
    return separator().join(labels) if labels else "—"


def separator() -> str:
    return pgettext("list separator", ", ")


def _factor_names(factors: Any, lang: str) -> str:
    return separator().join(f.name_for(lang) for f in factors)


def render_step(step: Step, lang: str) -> str:
    p = dict(step.params)
    code = step.code
    if code == "history_unknown":
        return _(
            "The party's history is not known (no earlier-case source); first violation and repeat "
            "are taken as entered."
        )
    if code == "history_first":
        return _(
            "History: no earlier record of this violation by the party in the district: first violation."
        )
    if code == "history_repeat":
        return _(
            "History: %(count)s earlier penalty(ies) for this violation within %(months)s months "
            "(last on %(last)s): repeat."
        ) % {"count": p["count"], "months": p["months"], "last": p["last"]}
    if code == "history_old":
        return _(
            "History: %(count)s earlier record(s) of this violation, none penalised within "
            "%(months)s months: neither first nor repeat."
        ) % {
            "count": p["count"],
            "months": p["months"],
        }
    if code == "history_overrode":
        return _("The entered %(names)s was replaced by what the history shows.") % {
            "names": _factor_names(p["factors"], lang)
        }
    if code == "unknown_factors":
        return _("Ignored unknown circumstance code(s): %(codes)s.") % {"codes": ", ".join(p["codes"])}
    if code == "limitation":
        return _(
            "No penalty: the act (%(act)s) was discovered on %(found)s, more than %(years)s years "
            "later (art 36)."
        ) % {"act": p["act"], "found": p["found"], "years": p["years"]}
    if code == "no_penalty_factor":
        return _("No penalty: %(name)s (%(basis)s).") % {
            "name": p["factor"].name_for(lang),
            "basis": p["factor"].legal_basis,
        }
    if code == "art33_shall":
        return _(
            "No penalty: the violation is minor, was corrected in time and caused no harm (art "
            "33(1)). Educate the party."
        )
    if code == "list_no_penalty":
        return _("No penalty under the benchmark's no-penalty list: %(conditions)s") % {
            "conditions": p["conditions"]
        }
    if code == "list_first_violation":
        return _(
            "First violation with minor harm, corrected in time: under the first-violation list "
            "the party may go unpunished (art 33(1)): %(conditions)s"
        ) % {"conditions": p["conditions"]}
    if code == "lists_blocked":
        return _(
            "The no-penalty routes do not apply because of the aggravating circumstance(s): %(names)s."
        ) % {"names": _factor_names(p["factors"], lang)}
    if code == "list_factor":
        return _("The benchmark's %(list)s applies: %(conditions)s") % {
            "list": str(ListKind(p["kind"]).label),
            "conditions": p["conditions"],
        }
    if code == "tier_conditions":
        matched = separator().join(describe_condition(c, p["catalog"], lang) for c in p["matched"])
        return _("Tier %(tier)s, because %(matched)s. The table says: %(conditions)s") % {
            "tier": level_label(p["level"]),
            "matched": matched,
            "conditions": p["conditions"],
        }
    if code == "tier_default":
        return _("Tier %(tier)s: no other tier's conditions hold. The table says: %(conditions)s") % {
            "tier": level_label(p["level"]),
            "conditions": p["conditions"],
        }
    if code == "missing_facts":
        labels = [str(FACT_MAP[f].label) if f in FACT_MAP else f for f in p["facts"]]
        return _("Not given, and could change the tier: %(facts)s.") % {"facts": separator().join(labels)}
    if code == "mitigating":
        return _("Mitigating (从轻): %(names)s.") % {"names": _factor_names(p["factors"], lang)}
    if code == "aggravating":
        return _("Aggravating (从重): %(names)s.") % {"names": _factor_names(p["factors"], lang)}
    if code == "reducing":
        return _("Reducing (减轻): %(names)s. Conditions: %(conditions)s") % {
            "names": _factor_names(p["factors"], lang),
            "conditions": p["conditions"],
        }
    if code == "reduced_range":
        return _("Reduced below the statutory minimum of %(min)s yuan: %(low)s–%(high)s yuan.") % {
            "min": money(p["min"]),
            "low": money(p["low"]),
            "high": money(p["high"]),
        }
    if code == "reduced_kind":
        return _("Reduced to the lightest penalty kind of the table: %(kinds)s.") % {
            "kinds": kinds_text(p["kinds"])
        }
    if code == "reduced_blocked":
        return _(
            "No reduction below the minimum because of the aggravating circumstance(s); the "
            "reducing ones count as mitigating."
        )
    if code == "reduced_no_minimum":
        return _("The law sets no minimum fine, so 减轻 is applied as 从轻 in the lightest tier.")
    if code == "upper_half":
        return _(
            "More aggravating than mitigating circumstances: the upper half of the tier, "
            "%(low)s–%(high)s yuan."
        ) % {
            "low": money(p["low"]),
            "high": money(p["high"]),
        }
    if code == "lower_half":
        return _(
            "More mitigating than aggravating circumstances: the lower half of the tier, "
            "%(low)s–%(high)s yuan."
        ) % {
            "low": money(p["low"]),
            "high": money(p["high"]),
        }
    if code == "whole_tier":
        return _("Circumstances balance out (or none): the whole tier, %(low)s–%(high)s yuan.") % {
            "low": money(p["low"]),
            "high": money(p["high"]),
        }
    if code == "clamped":
        return _(
            "The benchmark's tier (%(tier_range)s) reaches outside the current statutory range "
            "(%(range)s); limited to it."
        ) % {
            "tier_range": p["tier_range"],
            "range": statutory_text(p["item"]),
        }
    if code == "penalty":
        return _("Recommended penalty: %(kinds)s.") % {"kinds": kinds_text(p["kinds"])}
    if code in ("by_multiple", "multiple_base_missing"):
        fines = p["fines"]
        times = _("%(low)s to %(high)s times") % {
            "low": multiple_text(fines.multiple_min) or "0",
            "high": multiple_text(fines.multiple_max) or "—",
        }
        base = str(FACT_MAP[fines.fact].label) if fines.fact in FACT_MAP else fines.fact
        if code == "by_multiple":
            return _("The fine is %(times)s the %(base)s of %(amount)s yuan.") % {
                "times": times,
                "base": base,
                "amount": money(fines.base),
            }
        return _(
            "The fine is %(times)s the %(base)s, which is not recorded: the range in yuan is not known yet."
        ) % {
            "times": times,
            "base": base,
        }
    if code == "statutory":
        return _("Statutory range: %(range)s.") % {"range": statutory_text(p["item"])}
    if code == "generated":
        return _(
            "No confirmed benchmark is in force for this item on %(date)s: a default generated "
            "from the statutory range is used."
        ) % {"date": p["date"]}
    if code == "citation":
        return _("Basis: %(citation)s.") % {"citation": p["citation"].text(lang)}
    return code


# ------------------------------------------------------------------------------------------------------------
# The pure computation


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 - months, 12)
    year, month = day.year + year, month + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _same_item(prior: PriorViolation, item: ItemSpec) -> bool:
    if prior.item_id is not None and item.id is not None:
        return prior.item_id == item.id
    return bool(prior.item_code) and prior.item_code == item.code


def _quantize_mid(low: Decimal, high: Decimal) -> Decimal:
    mid = ((low + high) / 2).quantize(CENT, rounding=ROUND_HALF_UP)
    return max(low, min(high, mid))


def _suggest(low: Decimal, high: Decimal) -> Decimal:
    mid = ((low + high) / 2).quantize(YUAN, rounding=ROUND_HALF_UP)
    return max(low, min(high, mid))


def _clamp_tier(item: ItemSpec, tier: TierSpec, steps: list[Step]) -> tuple[Decimal | None, Decimal | None]:
    low, high = tier.fine_min, tier.fine_max
    if low is None or high is None:
        return low, high
    new_low, new_high = low, high
    if item.fine_min is not None:
        new_low, new_high = max(new_low, item.fine_min), max(new_high, item.fine_min)
    if item.fine_max is not None:
        new_low, new_high = min(new_low, item.fine_max), min(new_high, item.fine_max)
    if new_low > new_high:
        new_low = new_high
    if (new_low, new_high) != (low, high):
        steps.append(Step.of("clamped", tier_range=f"{money(low)}–{money(high)}", item=item))
    return new_low, new_high


def _entry_applies(entry: EntrySpec, values: Mapping[str, Any], active: frozenset[str]) -> bool:
    if not (entry.required_factors or entry.conditions):
        return False
    if not set(entry.required_factors) <= active:
        return False
    if entry.conditions:
        ok, _missing = holds(entry.conditions, entry.match, values, active)
        return ok
    return True


def select_tier(
    tiers: list[TierSpec], values: Mapping[str, Any], active: frozenset[str]
) -> tuple[TierSpec, bool, list[str], tuple[Condition, ...]]:
    """The tier for these facts: (tier, chosen by its conditions, facts missing for the decision, conditions
    that held)."""
    missing: set[str] = set()

    def held(tier: TierSpec) -> tuple[Condition, ...]:
        return tuple(c for c in tier.conditions if evaluate(c, values, active) is True)

    graver = sorted((t for t in tiers if t.rank > NORMAL_RANK), key=lambda t: -t.rank)
    for tier in graver:
        ok, miss = holds(tier.conditions, tier.match, values, active)
        missing.update(miss)
        if ok:
            return tier, True, sorted(missing), held(tier)
    lighter = sorted((t for t in tiers if t.rank < NORMAL_RANK), key=lambda t: -t.rank)
    for tier in lighter:
        ok, miss = holds(tier.conditions, tier.match, values, active)
        missing.update(miss)
        if ok:
            return tier, True, sorted(missing), held(tier)
    normal = next((t for t in tiers if t.rank == NORMAL_RANK), None)
    if normal is None:  # not a valid table; the middle one
        normal = sorted(tiers, key=lambda t: t.rank)[len(tiers) // 2]
    return normal, False, sorted(missing), ()


def describe_condition(condition: Condition, catalog: Mapping[str, FactorSpec], lang: str) -> str:
    """A condition in words: the circumstance's name, or the fact's label, comparison and value with its
    unit."""
    if condition.op == "has":
        spec = catalog.get(condition.fact)
        return spec.name_for(lang) if spec else condition.fact
    fact = FACT_MAP.get(condition.fact)
    if fact is None:
        return condition.text()
    value: Any = condition.value
    if isinstance(value, bool):
        if value == (condition.op == "eq"):
            return str(fact.label)
        return _("%(fact)s: no") % {"fact": fact.label}
    elif fact.choices:
        value = next((str(label) for code, label in fact.choices if code == value), value)
    elif isinstance(value, Decimal):
        value = money(value)
    unit = f" {fact.unit}" if fact.unit else ""
    return f"{fact.label} {OP_TEXT[condition.op]} {value}{unit}"


@dataclass
class _Reckoning:
    """What `compute` works on while it goes through its steps: the inputs, the facts' values, the
    circumstances applied so far and the explanation written so far (in order)."""

    item: ItemSpec
    policy: Policy
    catalog: Mapping[str, FactorSpec]
    benchmark: BenchmarkSpec
    facts: Facts
    values: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    applied: dict[str, AppliedFactor] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    history_known: bool = False
    # the statutory range in yuan (authority.penalties.FineRange), by multiples when the item says so
    fines: Any = None

    def apply(self, spec: FactorSpec, source: str) -> None:
        self.applied.setdefault(
            spec.code,
            AppliedFactor(
                spec.code, spec.name_zh, spec.name_en, spec.effect, source, spec.legal_basis, spec.conditions
            ),
        )

    def citation(self, tier_level: str = "") -> Citation:
        benchmark = self.benchmark
        return Citation(
            benchmark.id,
            benchmark.version,
            benchmark.status,
            benchmark.is_generated,
            benchmark.confirmed,
            benchmark.document_number,
            benchmark.document_title,
            benchmark.valid_from,
            self.item.code,
            tier_level,
        )

    def no_penalty(self, basis: str, mandatory: bool, education: str) -> Recommendation:
        cite = self.citation()
        self.steps.append(Step.of("citation", citation=cite))
        return Recommendation(
            item=self.item,
            on=self.facts.on,
            punish=False,
            tier=None,
            penalty_kinds=(),
            fine_min=None,
            fine_max=None,
            fine_suggested=None,
            factors=tuple(self.applied.values()),
            citation=cite,
            steps=tuple(self.steps),
            no_penalty_basis=basis,
            no_penalty_mandatory=mandatory,
            education=education,
            history_known=self.history_known,
            unknown_factors=self.unknown,
        )


def _history(r: _Reckoning, given: set[str]) -> set[str]:
    """Step 1: earlier violations of the same item decide "first violation" and "repeat within 12 months" (the
    officer's own ticks for these count only when the history is unknown). Returns the circumstances given."""
    facts, policy = r.facts, r.policy
    r.history_known = facts.history is not None
    if facts.history is None:
        r.steps.append(Step.of("history_unknown"))
        return given
    reference = facts.act_date or facts.on
    window_start = months_before(reference, policy.repeat_window_months)
    earlier = [p for p in facts.history if _same_item(p, r.item) and p.decided_on < reference]
    within = sorted(
        (p for p in earlier if p.penalised and p.decided_on >= window_start), key=lambda p: p.decided_on
    )
    r.values["prior_total"] = Decimal(len(earlier))
    r.values["prior_12m"] = Decimal(len(within))
    overridden = given & HISTORY_FACTORS
    given = given - HISTORY_FACTORS
    if not earlier:
        given.add(FIRST_VIOLATION)
        r.steps.append(Step.of("history_first"))
    elif within:
        given.add(REPEAT_12M)
        r.steps.append(
            Step.of(
                "history_repeat",
                count=len(within),
                months=policy.repeat_window_months,
                last=within[-1].decided_on.isoformat(),
            )
        )
    else:
        r.steps.append(Step.of("history_old", count=len(earlier), months=policy.repeat_window_months))
    dropped = overridden - given
    if dropped:
        r.steps.append(Step.of("history_overrode", factors=tuple(r.catalog[c] for c in sorted(dropped))))
    return given


def _not_punished(
    r: _Reckoning, active: frozenset[str], aggravating: list[FactorSpec]
) -> Recommendation | None:
    """Step 2: whether to punish at all: limitation (art 36), a "no penalty" circumstance, art 33(1), the
    benchmark's no-penalty and first-violation lists. Any aggravating circumstance rules out art 33 and the
    lists. None: punish."""
    facts, values = r.facts, r.values
    if facts.act_date is not None:
        found = facts.discovered_on or facts.on
        years = (
            r.policy.limitation_years_grave
            if values.get("endangers_life_or_finance") is True
            else r.policy.limitation_years
        )
        if found > years_after(facts.act_date, years):
            r.steps.append(
                Step.of("limitation", act=facts.act_date.isoformat(), found=found.isoformat(), years=years)
            )
            return r.no_penalty("limitation", True, "")
    for spec in (r.catalog[c] for c in sorted(active)):
        if spec.effect == Effect.NO_PENALTY:
            r.steps.append(Step.of("no_penalty_factor", factor=spec))
            return r.no_penalty("circumstance", True, "")
    entries = list(r.benchmark.entries)
    if aggravating:
        if set(ART33_SHALL) <= active or any(
            e.kind in (ListKind.NO_PENALTY, ListKind.FIRST_VIOLATION)
            and _entry_applies(e, values, active | {FIRST_VIOLATION})
            for e in entries
        ):
            r.steps.append(Step.of("lists_blocked", factors=tuple(aggravating)))
        return None
    if set(ART33_SHALL) <= active:
        r.steps.append(Step.of("art33_shall"))
        return r.no_penalty("art33", True, "批评教育、责令改正")
    for entry in entries:
        if entry.kind == ListKind.NO_PENALTY and _entry_applies(entry, values, active):
            r.steps.append(Step.of("list_no_penalty", conditions=entry.conditions_text))
            return r.no_penalty("no_penalty_list", True, entry.measures or "批评教育、责令改正")
    for entry in entries:
        if (
            entry.kind == ListKind.FIRST_VIOLATION
            and FIRST_VIOLATION in active
            and _entry_applies(entry, values, active)
        ):
            r.steps.append(Step.of("list_first_violation", conditions=entry.conditions_text))
            return r.no_penalty("first_violation_list", False, entry.measures or "批评教育、责令改正")
    return None


def _list_factors(r: _Reckoning, active: frozenset[str]) -> list[FactorSpec]:
    """The benchmark's lighter / reduced list rows that apply, as circumstances of this item."""
    list_factors: list[FactorSpec] = []
    for index, entry in enumerate(r.benchmark.entries):
        if entry.kind in (ListKind.LIGHTER, ListKind.REDUCED) and _entry_applies(entry, r.values, active):
            effect = Effect.REDUCED if entry.kind == ListKind.REDUCED else Effect.LIGHTER
            spec = FactorSpec(
                f"list:{index}",
                entry.conditions_text,
                entry.conditions_text,
                effect,
                entry.legal_basis,
                entry.conditions_text,
            )
            list_factors.append(spec)
            r.applied[spec.code] = AppliedFactor(
                spec.code, spec.name_zh, spec.name_en, effect, "list", entry.legal_basis, spec.conditions
            )
            r.steps.append(Step.of("list_factor", kind=entry.kind, conditions=entry.conditions_text))
    return list_factors


def _tier(r: _Reckoning, tiers: list[TierSpec], active: frozenset[str]) -> tuple[TierSpec, list[str]]:
    """Step 3: the gravest tier above Normal whose conditions hold, else a lighter one whose conditions hold,
    else
    Normal. Returns the tier and the facts missing to decide."""
    tier, by_conditions, missing, matched = select_tier(tiers, r.values, active)
    if r.fines is not None and r.fines.missing and r.fines.fact not in missing:
        missing = [*missing, r.fines.fact]
    if by_conditions:
        r.steps.append(
            Step.of(
                "tier_conditions",
                level=tier.level,
                conditions=tier.conditions_text or "—",
                matched=matched,
                catalog=r.catalog,
            )
        )
    else:
        r.steps.append(Step.of("tier_default", level=tier.level, conditions=tier.conditions_text or "—"))
    if missing:
        r.steps.append(Step.of("missing_facts", facts=tuple(missing)))
    return tier, missing


@dataclass(frozen=True)
class _Range:
    tier: TierSpec
    kinds: tuple[str, ...]
    low: Decimal | None
    high: Decimal | None
    reduced: bool = False


def _reduced_range(r: _Reckoning, lightest: TierSpec) -> _Range:
    """A 减轻 circumstance and nothing aggravating: a fine below the statutory minimum, or the lightest
    kind."""
    item = r.item
    if not lightest.has_fine:
        lightest_kind = (
            min(lightest.penalty_kinds, key=lambda k: KIND_SEVERITY.get(k, 0))
            if lightest.penalty_kinds
            else "warning"
        )
        kinds: tuple[str, ...] = (lightest_kind,)
        r.steps.append(Step.of("reduced_kind", kinds=kinds))
        return _Range(lightest, kinds, None, None, reduced=True)
    if item.fine_min is not None and item.fine_min > 0:
        high = item.fine_min
        low = (item.fine_min * Decimal(r.policy.reduced_floor_pct) / 100).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        low = min(low, high)
        kinds = (
            tuple(
                k
                for k in lightest.penalty_kinds
                if KIND_SEVERITY.get(k, 0) <= KIND_SEVERITY["confiscate_property"]
            )
            or lightest.penalty_kinds
        )
        r.steps.append(Step.of("reduced_range", min=item.fine_min, low=low, high=high))
        return _Range(lightest, kinds, low, high, reduced=True)
    low_, high_ = _clamp_tier(item, lightest, r.steps)
    if low_ is not None and high_ is not None:
        high_ = _quantize_mid(low_, high_)
    r.steps.append(Step.of("reduced_no_minimum"))
    if low_ is not None and high_ is not None:
        r.steps.append(Step.of("lower_half", low=low_, high=high_))
    return _Range(lightest, lightest.penalty_kinds, low_, high_)


def _circumstances(
    r: _Reckoning,
    tier: TierSpec,
    tiers: list[TierSpec],
    active: frozenset[str],
    aggravating: list[FactorSpec],
    list_factors: list[FactorSpec],
) -> _Range:
    """Step 4: the circumstances move the range: a 减轻 one with nothing aggravating goes below the statutory
    minimum (or to the lightest kind); otherwise more aggravating than mitigating ones give the upper half of
    the tier's range, more mitigating the lower half, a balance the whole tier."""
    considered = [r.catalog[c] for c in sorted(active)] + list_factors
    mitigating = [f for f in considered if f.effect == Effect.LIGHTER]
    reducing = [f for f in considered if f.effect == Effect.REDUCED]
    if mitigating:
        r.steps.append(Step.of("mitigating", factors=tuple(mitigating)))
    if aggravating:
        r.steps.append(Step.of("aggravating", factors=tuple(aggravating)))
    if reducing:
        r.steps.append(Step.of("reducing", factors=tuple(reducing), conditions=reducing[0].conditions or "—"))
    r.steps.append(Step.of("statutory", item=r.item))
    if reducing and not aggravating:
        return _reduced_range(r, tiers[0])
    if reducing:
        r.steps.append(Step.of("reduced_blocked"))
    net = len(aggravating) - len(mitigating) - len(reducing)
    low, high = _clamp_tier(r.item, tier, r.steps)
    if low is not None and high is not None:
        mid = _quantize_mid(low, high)
        if net > 0:
            low = mid
            r.steps.append(Step.of("upper_half", low=low, high=high))
        elif net < 0:
            high = mid
            r.steps.append(Step.of("lower_half", low=low, high=high))
        else:
            r.steps.append(Step.of("whole_tier", low=low, high=high))
    return _Range(tier, tier.penalty_kinds, low, high)


def compute(snapshot: Snapshot, facts: Facts) -> Recommendation:
    """The recommendation for these facts under this snapshot. Pure: no database, no clock, no I/O."""
    item, catalog = snapshot.item, snapshot.factors
    benchmark = snapshot.benchmark or generate_default(item, snapshot.policy)
    values: dict[str, Any] = dict(facts.values)
    # A fine by multiples (倍数): the statutory range and the tiers in yuan follow from the gains or value
    # recorded.
    fines = item.fine_range(values)
    item, benchmark = item.resolved(fines), benchmark.resolved(fines)
    r = _Reckoning(
        item=item,
        policy=snapshot.policy,
        catalog=catalog,
        benchmark=benchmark,
        facts=facts,
        values=values,
        fines=fines,
    )
    if fines.by_multiple:
        r.steps.append(Step.of("by_multiple", fines=fines))
    elif fines.missing:
        r.steps.append(Step.of("multiple_base_missing", fines=fines))
    r.unknown = tuple(sorted(c for c in facts.factors if c not in catalog))
    if r.unknown:
        r.steps.append(Step.of("unknown_factors", codes=r.unknown))
    given = _history(r, {c for c in facts.factors if c in catalog})  # 1. history
    for code in sorted(given):
        r.apply(catalog[code], "history" if r.history_known and code in HISTORY_FACTORS else "given")
    active = frozenset(given)
    aggravating = [catalog[c] for c in sorted(active) if catalog[c].aggravating]
    tiers = r.benchmark.sorted_tiers()
    if r.benchmark.is_generated and not r.benchmark.confirmed:
        r.steps.append(Step.of("generated", date=facts.on.isoformat()))
    not_punished = _not_punished(r, active, aggravating)  # 2. whether to punish at all
    if not_punished is not None:
        return not_punished
    list_factors = _list_factors(r, active)
    tier, missing = _tier(r, tiers, active)  # 3. the tier
    chosen = _circumstances(r, tier, tiers, active, aggravating, list_factors)  # 4. circumstances
    r.steps.append(Step.of("penalty", kinds=chosen.kinds))
    cite = r.citation(chosen.tier.level)
    r.steps.append(Step.of("citation", citation=cite))
    low, high = chosen.low, chosen.high
    return Recommendation(
        item=item,
        on=facts.on,
        punish=True,
        tier=chosen.tier,
        penalty_kinds=tuple(chosen.kinds),
        fine_min=low,
        fine_max=high,
        fine_suggested=_suggest(low, high) if low is not None and high is not None else None,
        factors=tuple(r.applied.values()),
        citation=cite,
        steps=tuple(r.steps),
        reduced=chosen.reduced,
        history_known=r.history_known,
        missing_facts=tuple(missing),
        unknown_factors=r.unknown,
    )


# ------------------------------------------------------------------------------------------------------------
# Deviation


class DeviationKind:
    INSIDE = "inside"
    LIGHTER = "lighter"
    HEAVIER = "heavier"
    OUTSIDE = "outside_statutory"


@dataclass(frozen=True)
class ProposedPenalty:
    punish: bool
    kinds: tuple[str, ...] = ()
    fine: Decimal | None = None
    reason: str = ""  # the written reason for departing from the benchmark (art 34)


@dataclass(frozen=True)
class Decision:
    """A proposed decision and the recommendation it is compared with."""

    recommendation: Recommendation
    proposed: ProposedPenalty


@dataclass(frozen=True)
class Deviation:
    kind: str
    steps: tuple[Step, ...]
    needs_reason: bool
    reason_given: bool
    delta: Decimal | None = None  # yuan below (negative) or above (positive) the recommended range

    @property
    def inside(self) -> bool:
        return self.kind == DeviationKind.INSIDE

    def explain(self, lang: str | None = None) -> list[str]:
        language = lang or translation.get_language() or "zh-hans"
        with translation.override(language):
            return [render_deviation_step(s) for s in self.steps]

    def label(self, lang: str | None = None) -> str:
        with translation.override(lang or translation.get_language() or "zh-hans"):
            return str(DEVIATION_LABELS[self.kind])

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label(lang),
            "needs_reason": self.needs_reason,
            "reason_given": self.reason_given,
            "delta": self.delta,
            "explanation": self.explain(lang),
        }


def _labels() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy

    return {
        DeviationKind.INSIDE: gettext_lazy("Inside the benchmark"),
        DeviationKind.LIGHTER: gettext_lazy("Lighter than the benchmark"),
        DeviationKind.HEAVIER: gettext_lazy("Heavier than the benchmark"),
        DeviationKind.OUTSIDE: gettext_lazy("Outside the statutory range"),
    }


DEVIATION_LABELS = _labels()


def render_deviation_step(step: Step) -> str:
    p = dict(step.params)
    code = step.code
    if code == "punish_barred":
        return _("The law says no penalty here, but a penalty is proposed.")
    if code == "punish_optional":
        return _("The first-violation list allows no penalty, but a penalty is proposed.")
    if code == "above_max":
        return _("The fine of %(fine)s yuan is above the statutory maximum of %(max)s yuan.") % {
            "fine": money(p["fine"]),
            "max": money(p["max"]),
        }
    if code == "below_min":
        return _(
            "The fine of %(fine)s yuan is below the statutory minimum of %(min)s yuan, and no "
            "reducing circumstance (减轻) applies."
        ) % {
            "fine": money(p["fine"]),
            "min": money(p["min"]),
        }
    if code == "kind_not_provided":
        return _("The penalty clause does not provide %(kinds)s.") % {"kinds": kinds_text(p["kinds"])}
    if code == "not_punished":
        return _("No penalty is proposed, but the benchmark recommends one.")
    if code == "below_range":
        return _("The fine of %(fine)s yuan is below the recommended %(low)s–%(high)s yuan.") % {
            "fine": money(p["fine"]),
            "low": money(p["low"]),
            "high": money(p["high"]),
        }
    if code == "above_range":
        return _("The fine of %(fine)s yuan is above the recommended %(low)s–%(high)s yuan.") % {
            "fine": money(p["fine"]),
            "low": money(p["low"]),
            "high": money(p["high"]),
        }
    if code == "no_fine":
        return _("No fine is proposed, but the benchmark recommends one.")
    if code == "heavier_kind":
        return _("%(kinds)s is heavier than the recommended penalty.") % {"kinds": kinds_text(p["kinds"])}
    if code == "inside":
        return _("The proposed penalty is inside the recommendation.")
    if code == "no_penalty_agrees":
        return _("No penalty is proposed, as recommended.")
    if code == "reason_needed":
        return _("A written reason is required for departing from the benchmark (art 34).")
    if code == "reason_given":
        return _("Reason given: %(reason)s") % {"reason": p["reason"]}
    return code


def deviation(decision: Decision) -> Deviation:
    """How a proposed penalty compares with its recommendation. Pure."""
    rec, proposed = decision.recommendation, decision.proposed
    item = rec.item
    steps: list[Step] = []
    kind = DeviationKind.INSIDE
    delta: Decimal | None = None
    fine = proposed.fine if proposed.punish else None
    kinds = tuple(proposed.kinds) if proposed.punish else ()
    if proposed.punish and fine is not None and fine > 0 and "fine" not in kinds:
        kinds = (*kinds, "fine")

    outside: list[Step] = []
    if proposed.punish and not rec.punish and rec.no_penalty_mandatory:
        outside.append(Step.of("punish_barred"))
    if fine is not None and item.fine_max is not None and fine > item.fine_max:
        outside.append(Step.of("above_max", fine=fine, max=item.fine_max))
    if fine is not None and item.fine_min is not None and fine < item.fine_min and not rec.reduced:
        outside.append(Step.of("below_min", fine=fine, min=item.fine_min))
    if item.penalty_kinds:
        foreign = tuple(k for k in kinds if k not in item.penalty_kinds)
        if foreign:
            outside.append(Step.of("kind_not_provided", kinds=foreign))
    if outside:
        kind = DeviationKind.OUTSIDE
        steps += outside
        if fine is not None and item.fine_max is not None and fine > item.fine_max:
            delta = fine - item.fine_max
        elif fine is not None and item.fine_min is not None and fine < item.fine_min:
            delta = fine - item.fine_min
    elif not proposed.punish:
        if rec.punish:
            kind = DeviationKind.LIGHTER
            steps.append(Step.of("not_punished"))
        else:
            steps.append(Step.of("no_penalty_agrees"))
    elif not rec.punish:
        kind = DeviationKind.HEAVIER
        steps.append(Step.of("punish_optional"))
    else:
        recommended_max = max((KIND_SEVERITY.get(k, 0) for k in rec.penalty_kinds), default=0)
        heavier_kinds = tuple(k for k in kinds if KIND_SEVERITY.get(k, 0) > recommended_max)
        if fine is not None and rec.fine_min is not None and fine < rec.fine_min:
            kind = DeviationKind.LIGHTER
            delta = fine - rec.fine_min
            steps.append(Step.of("below_range", fine=fine, low=rec.fine_min, high=rec.fine_max))
        elif fine is not None and rec.fine_max is not None and fine > rec.fine_max:
            kind = DeviationKind.HEAVIER
            delta = fine - rec.fine_max
            steps.append(Step.of("above_range", fine=fine, low=rec.fine_min, high=rec.fine_max))
        elif heavier_kinds:
            kind = DeviationKind.HEAVIER
            steps.append(Step.of("heavier_kind", kinds=heavier_kinds))
        elif fine is None and rec.fine_min is not None and rec.fine_min > 0 and "fine" in rec.penalty_kinds:
            kind = DeviationKind.LIGHTER
            steps.append(Step.of("no_fine"))
        else:
            steps.append(Step.of("inside"))
    needs_reason = kind != DeviationKind.INSIDE
    reason_given = bool(proposed.reason.strip())
    if needs_reason:
        steps.append(
            Step.of("reason_given", reason=proposed.reason.strip())
            if reason_given
            else Step.of("reason_needed")
        )
    return Deviation(kind, tuple(steps), needs_reason, reason_given, delta)


# ------------------------------------------------------------------------------------------------------------
# The public entry points that load data first


def recommend(
    item: Any,
    facts: Facts | Mapping[str, Any] | None = None,
    *,
    on: dt.date | None = None,
    cached: bool = False,
) -> Recommendation:
    """The recommendation for `item` (an EnforcementItem) on `facts`.

    Loads the benchmark in force on `facts.on`, the district's circumstances and rules and, when the facts
    name the party but carry no history, the party's history from the registered providers. Then computes
    (pure). `cached`: the benchmark, circumstances and rules from the cache while nothing of them changed
    (`selectors.item_reference`; pages that show a recommendation, issue 18) and the recommendation held for
    the same reference data, item, day and facts (`selectors.recommendation_held`); the history is always
    read.
    """
    from .selectors import facts_with_history, recommendation_held, snapshot_for

    facts = coerce_facts(facts, on=on)
    if cached:
        return recommendation_held(item, facts)
    snapshot = snapshot_for(item, on=facts.on, cached=cached)
    facts = facts_with_history(facts, district_id=item.district_id)
    return compute(snapshot, facts)


def recommend_and_compare(
    item: Any, facts: Facts | Mapping[str, Any] | None, proposed: ProposedPenalty
) -> tuple[Recommendation, Deviation]:
    rec = recommend(item, facts)
    return rec, deviation(Decision(rec, proposed))


def coerce_facts(facts: Facts | Mapping[str, Any] | None, *, on: dt.date | None = None) -> Facts:
    """Accept a Facts or a plain mapping {on, values, factors, act_date, discovered_on, history, subject_id,
    identifier}."""
    from django.utils import timezone

    if isinstance(facts, Facts):
        return facts
    data = dict(facts or {})
    day = data.get("on") or on or timezone.localdate()
    history = data.get("history")
    if history is not None:
        history = tuple(p if isinstance(p, PriorViolation) else PriorViolation(**p) for p in history)
    return Facts(
        on=day,
        values=dict(data.get("values") or {}),
        factors=frozenset(data.get("factors") or ()),
        act_date=data.get("act_date"),
        discovered_on=data.get("discovered_on"),
        history=history,
        subject_id=data.get("subject_id"),
        identifier=data.get("identifier") or "",
    )
