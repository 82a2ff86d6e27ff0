"""The discretion fences (裁量围栏): checks of a proposed penalty against the benchmark's recommendation, run
before the notice and the decision. They see only the recommendation and the proposed penalty (the case app
builds the context), so one definition serves the notice, the decision and the worker.

Context: `recommendation` (discretion.recommend.Recommendation or None), `kinds`, `fine`, `reason`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from enforcement.fences import FenceContext, FenceRule, Finding, register_fence_check, register_fence_rule

from .recommend import Decision, DeviationKind, ProposedPenalty, deviation
from .validation import money
from .vocabulary import REPEAT_12M

OUTSIDE_TIER = FenceRule(
    code="discretion.deviation",
    label=gettext_lazy("Penalty departs from the discretion benchmark"),
    description=gettext_lazy(
        "The proposed penalty departs from the discretion benchmark's recommended tier; the officer must "
        "give the written reason to go on."
    ),
    severity="warning",
    article=gettext_lazy("Administrative Penalty Law art 34"),
)
HISTORY_NOT_APPLIED = FenceRule(
    code="discretion.history_not_applied",
    label=gettext_lazy("Earlier violations not applied"),
    description=gettext_lazy(
        "The party was penalised for the same item within the repeat window, but the proposed penalty is "
        "below the range that takes the repeat into account as an aggravating circumstance."
    ),
    severity="warning",
    article=gettext_lazy("Administrative Penalty Law art 34"),
)
FIRST_VIOLATION_FINED = FenceRule(
    code="discretion.first_violation_fined",
    label=gettext_lazy("First violation eligible for no penalty was penalised"),
    description=gettext_lazy(
        "The benchmark's first-violation list allows no penalty (education and an order to correct), but a "
        "penalty is proposed."
    ),
    severity="warning",
    article=gettext_lazy("Administrative Penalty Law art 33"),
)
RULES = (OUTSIDE_TIER, HISTORY_NOT_APPLIED, FIRST_VIOLATION_FINED)


def _proposed(context: FenceContext) -> tuple[Any, ProposedPenalty] | None:
    recommendation = context.get("recommendation")
    if recommendation is None:
        return None
    kinds = tuple(context.get("kinds") or ())
    fine = context.get("fine")
    penalty = ProposedPenalty(
        punish=bool(kinds) or bool(fine), kinds=kinds, fine=fine, reason=str(context.get("reason") or "")
    )
    return recommendation, penalty


def _facts(recommendation: Any, penalty: ProposedPenalty) -> dict[str, Any]:
    return {
        "fine": str(penalty.fine) if penalty.fine is not None else None,
        "kinds": list(penalty.kinds),
        "tier": recommendation.tier_level,
        "recommended_min": str(recommendation.fine_min) if recommendation.fine_min is not None else None,
        "recommended_max": str(recommendation.fine_max) if recommendation.fine_max is not None else None,
        "suggested": (
            str(recommendation.fine_suggested) if recommendation.fine_suggested is not None else None
        ),
        "benchmark": recommendation.citation.text("zh-hans"),
    }


def outside_tier(context: FenceContext) -> Iterator[Finding]:
    """A departure from the benchmark needs the written reason (art 34). The statutory range is the cases
    app's block; a first violation penalised is its own rule."""
    proposed = _proposed(context)
    if proposed is None:
        return
    recommendation, penalty = proposed
    result = deviation(Decision(recommendation, penalty))
    if not result.needs_reason:
        return
    if any(step.code == "punish_optional" for step in result.steps):
        return  # discretion.first_violation_fined says it better
    yield Finding(
        rule=OUTSIDE_TIER.code,
        message=_(
            "The penalty departs from the benchmark (%(label)s: %(summary)s). "
            "Give the written reason (art 34)."
        )
        % {"label": result.label(), "summary": recommendation.summary()},
        facts={**_facts(recommendation, penalty), "deviation": result.kind, "delta": str(result.delta or "")},
    )


def history_not_applied(context: FenceContext) -> Iterator[Finding]:
    """The party's earlier violations (from the history, not the officer's ticks) make it a repeat, and the
    proposed fine sits below the range that reflects it."""
    proposed = _proposed(context)
    if proposed is None:
        return
    recommendation, penalty = proposed
    if not recommendation.punish:
        return
    repeat = next((f for f in recommendation.factors if f.code == REPEAT_12M and f.source == "history"), None)
    if repeat is None:
        return
    step = next((s for s in recommendation.steps if s.code == "history_repeat"), None)
    params = dict(step.params) if step is not None else {}
    low = recommendation.fine_min
    lighter = (penalty.fine is None and low is not None and low > 0) or (
        penalty.fine is not None and low is not None and penalty.fine < low
    )
    if not lighter or not penalty.punish:
        return
    yield Finding(
        rule=HISTORY_NOT_APPLIED.code,
        message=_(
            "The party was penalised for this item %(count)s time(s) in the last %(months)s months (last on "
            "%(last)s), an aggravating circumstance; the proposed fine of %(fine)s yuan is below the "
            "%(low)s yuan that takes it into account. Give the reason."
        )
        % {
            "count": params.get("count", "?"),
            "months": params.get("months", "?"),
            "last": params.get("last", "?"),
            "fine": money(penalty.fine) if penalty.fine is not None else "0",
            "low": money(low),
        },
        facts={
            **_facts(recommendation, penalty),
            "prior_12m": params.get("count"),
            "last": params.get("last"),
        },
    )


def first_violation_fined(context: FenceContext) -> Iterator[Finding]:
    """The first-violation list allows no penalty (may, art 33(2)) and a penalty is proposed."""
    proposed = _proposed(context)
    if proposed is None:
        return
    recommendation, penalty = proposed
    if recommendation.punish or recommendation.no_penalty_mandatory or not penalty.punish:
        return
    if recommendation.no_penalty_basis != "first_violation_list":
        return
    yield Finding(
        rule=FIRST_VIOLATION_FINED.code,
        message=_(
            "A first violation that the benchmark's first-violation list allows to go unpunished "
            "(education and an order to correct, art 33) is penalised. Give the reason, or order correction "
            "instead."
        ),
        facts={**_facts(recommendation, penalty), "education": recommendation.education},
    )


FACT_LABELS = {
    "kinds": pgettext_lazy("fence fact", "Penalties proposed"),
    "recommended_min": pgettext_lazy("fence fact", "Lowest recommended fine (yuan)"),
    "recommended_max": pgettext_lazy("fence fact", "Highest recommended fine (yuan)"),
    "suggested": pgettext_lazy("fence fact", "Suggested fine (yuan)"),
    "benchmark": pgettext_lazy("fence fact", "Benchmark"),
    "deviation": pgettext_lazy("fence fact", "Departure"),
    "delta": pgettext_lazy("fence fact", "Outside the range by (yuan)"),
    "prior_12m": pgettext_lazy("fence fact", "Penalties in the repeat window"),
    "last": pgettext_lazy("fence fact", "Last penalised on"),
    "education": pgettext_lazy("fence fact", "Measures the list allows"),
}


def _deviation_label(kind: str) -> str:
    labels = {
        DeviationKind.INSIDE: _("inside the recommended tier"),
        DeviationKind.LIGHTER: _("below the recommended tier"),
        DeviationKind.HEAVIER: _("above the recommended tier"),
        DeviationKind.OUTSIDE: _("outside the statutory range"),
    }
    return str(labels.get(kind, kind))


def register() -> None:
    from authority.penalties import kind_label
    from enforcement.fences import register_fact_labels, register_fact_values

    from .validation import level_label

    register_fact_labels(FACT_LABELS)
    register_fact_values({"tier": level_label, "kinds": kind_label, "deviation": _deviation_label})
    for rule in RULES:
        register_fence_rule(rule)
    # On the spot too: the simple procedure's cap (200 / 3,000 yuan) does not lift the benchmark (art 34).
    for action in ("cases.notice", "cases.decision", "cases.on_spot"):
        register_fence_check(action, outside_tier)
        register_fence_check(action, history_not_applied)
        register_fence_check(action, first_violation_fined)
