"""行政处罚的种类: the one list of penalty kinds (Administrative Penalty Law art 9), used by the catalog (what
an item's penalty clause provides), the discretion benchmarks (what a tier recommends), the cases (what is
proposed and decided), their documents, forms and API. Plain data and pure functions: no database.

Art 9 lists 警告、通报批评 (1); 罚款、没收违法所得、没收非法财物 (2); 暂扣许可证件、降低资质等级、吊销许可证件
(3);限制开展生产经营活动、责令停产停业、责令关闭、限制从业 (4); 行政拘留 (5, the police's, never a town's);
and other penalties laws and regulations provide (6), of which towns meet 限期拆除. Each is a kind of its own
here because a decision must say which one it imposes.

A fine is given in yuan, or as a multiple (倍数) of the illegal gains (违法所得) or of the value of the goods
(货值金额/违法经营额): "处违法所得二倍以上十倍以下罚款". Such clauses often add a fixed range below a
threshold ("违法所得不足二万元的，处一万元以上五万元以下罚款"). `fine_range` turns a clause and the amounts
the officer recorded into the range in yuan that applies to the case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("Warning (警告)")
    CRITICISM = "criticism", _("Circulated criticism (通报批评)")
    FINE = "fine", _("Fine (罚款)")
    CONFISCATE_GAINS = "confiscate_gains", _("Confiscation of illegal gains (没收违法所得)")
    CONFISCATE_PROPERTY = "confiscate_property", _("Confiscation of illegal property (没收非法财物)")
    SUSPEND_PERMIT = "suspend_permit", _("Suspension of a permit (暂扣许可证件)")
    LOWER_QUALIFICATION = "lower_qualification", _("Lowering of a qualification grade (降低资质等级)")
    REVOKE_PERMIT = "revoke_permit", _("Revocation of a permit (吊销许可证件)")
    LIMIT_ACTIVITY = "limit_activity", _("Limits on production or business (限制开展生产经营活动)")
    SUSPEND_BUSINESS = "suspend_business", _("Order to suspend production or business (责令停产停业)")
    ORDER_CLOSURE = "order_closure", _("Order to close (责令关闭)")
    RESTRICT_PRACTICE = "restrict_practice", _("Restriction from practising (限制从业)")
    DEMOLISH = "demolish", _("Order to demolish within a time limit (限期拆除)")


K = PenaltyKind

# How heavy each kind is, for comparing tiers and proposals (discretion): a graver tier may not recommend
# lighter kinds.
SEVERITY: dict[str, int] = {
    K.WARNING: 1,
    K.CRITICISM: 2,
    K.FINE: 3,
    K.CONFISCATE_GAINS: 4,
    K.CONFISCATE_PROPERTY: 5,
    K.DEMOLISH: 5,
    K.SUSPEND_PERMIT: 6,
    K.LIMIT_ACTIVITY: 7,
    K.LOWER_QUALIFICATION: 7,
    K.RESTRICT_PRACTICE: 7,
    K.SUSPEND_BUSINESS: 8,
    K.REVOKE_PERMIT: 9,
    K.ORDER_CLOSURE: 9,
}

# What the documents print (they are Chinese whatever the user's language).
DOCUMENT_NAMES: dict[str, str] = {
    K.WARNING: "警告",
    K.CRITICISM: "通报批评",
    K.FINE: "罚款",
    K.CONFISCATE_GAINS: "没收违法所得",
    K.CONFISCATE_PROPERTY: "没收非法财物",
    K.SUSPEND_PERMIT: "暂扣许可证件",
    K.LOWER_QUALIFICATION: "降低资质等级",
    K.REVOKE_PERMIT: "吊销许可证件",
    K.LIMIT_ACTIVITY: "限制开展生产经营活动",
    K.SUSPEND_BUSINESS: "责令停产停业",
    K.ORDER_CLOSURE: "责令关闭",
    K.RESTRICT_PRACTICE: "限制从业",
    K.DEMOLISH: "限期拆除",
}

# Kinds that give the party the right to a hearing whatever the amount (art 63: 降低资质等级、吊销许可证件; 责
# 令停产停业、责令关闭、限制从业; "other heavier penalties", which takes in suspending a permit, limiting the
# business and demolition). Large fines and confiscations of large value give it too, by amount
# (cases.checks.hearing_right).
HEARING_KINDS: frozenset[str] = frozenset(
    {
        K.SUSPEND_PERMIT,
        K.LOWER_QUALIFICATION,
        K.REVOKE_PERMIT,
        K.LIMIT_ACTIVITY,
        K.SUSPEND_BUSINESS,
        K.ORDER_CLOSURE,
        K.RESTRICT_PRACTICE,
        K.DEMOLISH,
    }
)

# The only kinds of the simple procedure, decided on the spot (art 51).
SIMPLE_PROCEDURE_KINDS: frozenset[str] = frozenset({K.WARNING, K.FINE})

# Kinds a decision must spell out: which permit, which grade, what is limited or closed, for how long. The
# officer writes the particulars; the decision prints them after the kind's name.
PARTICULAR_KINDS: dict[str, Any] = {
    K.SUSPEND_PERMIT: _("Which permit (name and number) and for how long"),
    K.LOWER_QUALIFICATION: _("Which qualification, from which grade to which"),
    K.REVOKE_PERMIT: _("Which permit (name and number)"),
    K.LIMIT_ACTIVITY: _("Which activities are limited, and for how long"),
    K.SUSPEND_BUSINESS: _("What is suspended, and for how long"),
    K.ORDER_CLOSURE: _("What is closed"),
    K.RESTRICT_PRACTICE: _("Who may not practise what, and for how long"),
    K.DEMOLISH: _("What is demolished, and by when"),
}


def kind_label(kind: str) -> str:
    """The kind's label in the active language (an unknown code as itself)."""
    return str(PenaltyKind(kind).label) if kind in PenaltyKind.values else kind


# --- fines as multiples -------------------------------------------------------------------------------------


class FineBasis(models.TextChoices):
    AMOUNT = "amount", _("Amounts in yuan")
    GAINS = "gains", _("Multiples of the illegal gains (违法所得)")
    VALUE = "value", _("Multiples of the value of the goods (货值金额/违法经营额)")


# The measurable fact (discretion.vocabulary.FACTS) each basis multiplies; a case records it, a benchmark may
# test it.
BASIS_FACT: dict[str, str] = {FineBasis.GAINS: "gains_yuan", FineBasis.VALUE: "value_yuan"}
BASIS_WORDS: dict[str, str] = {FineBasis.GAINS: "违法所得", FineBasis.VALUE: "货值金额"}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class FineRange:
    """The fine range in yuan that applies to one case.

    `base`: the illegal gains or value the multiples were applied to (None for a clause in yuan, or while the
    amount is not recorded: then `missing` says so and low/high are the clause's fixed range, if any)."""

    low: Decimal | None
    high: Decimal | None
    basis: str = FineBasis.AMOUNT
    base: Decimal | None = None
    multiple_min: Decimal | None = None
    multiple_max: Decimal | None = None
    missing: bool = False

    @property
    def by_multiple(self) -> bool:
        return self.base is not None

    @property
    def fact(self) -> str:
        return BASIS_FACT.get(self.basis, "")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def fine_range(
    *,
    fine_min: Decimal | None,
    fine_max: Decimal | None,
    basis: str = FineBasis.AMOUNT,
    multiple_min: Decimal | None = None,
    multiple_max: Decimal | None = None,
    multiple_from: Decimal | None = None,
    values: Mapping[str, Any] | None = None,
) -> FineRange:
    """The range for a clause on the amounts recorded (`values`: discretion facts, `gains_yuan` /
    `value_yuan`).

    A clause by multiples applies them to the recorded amount when it is above zero and at least
    `multiple_from`; below that, or with no amount, the clause's fixed range (fine_min / fine_max) applies, if
    it has one."""
    if basis not in BASIS_FACT or (multiple_min is None and multiple_max is None):
        return FineRange(fine_min, fine_max)
    base = _decimal((values or {}).get(BASIS_FACT[basis]))
    if base is None:
        return FineRange(fine_min, fine_max, basis, None, multiple_min, multiple_max, missing=True)
    if base <= 0 or (multiple_from is not None and base < multiple_from):
        return FineRange(fine_min, fine_max, basis, None, multiple_min, multiple_max)

    def times(multiple: Decimal | None) -> Decimal | None:
        return None if multiple is None else (base * multiple).quantize(CENT, rounding=ROUND_HALF_UP)

    low = times(multiple_min)
    return FineRange(
        low if low is not None else Decimal("0"),
        times(multiple_max),
        basis,
        base,
        multiple_min,
        multiple_max,
    )


def multiple_text(multiple: Decimal | None) -> str:
    """2 → "2", 1.5 → "1.5"."""
    if multiple is None:
        return ""
    text = format(multiple.normalize(), "f")
    return text
