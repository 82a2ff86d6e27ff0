"""The legal hard checks of the penalty procedure (DOMAIN.md "Hard rules"). Each returns the problems it finds
as messages that name the rule and what to do; `lifecycle.case_act` runs the ones an action needs and refuses
the action with all of them at once (ValidationError, code "legal_check"). Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from authority.models import EnforcementItem
from authority.penalties import (
    HEARING_KINDS,
    PARTICULAR_KINDS,
    SIMPLE_PROCEDURE_KINDS,
    FineBasis,
    FineRange,
    PenaltyKind,
    kind_label,
    multiple_text,
)
from authority.selectors import who_enforces
from discretion.validation import money
from enforcement.officers import officer_may_act

from .models import Case, CaseOfficer, CasePolicy, PartyKind
from .workflow import DECIDED_STAGES

# Penalties whose weight gives the party a hearing (art 63) and needs legal review (art 58) whatever the fine.
HEAVY_KINDS = HEARING_KINDS


class Problems(list[str]):
    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(list(self), code="legal_check")


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def item_problems(case: Case) -> list[str]:
    if case.item_id is None:
        return [_("Confirm the enforcement item first: the act must match an item the town enforces.")]
    return []


def holding_problems(case: Case) -> list[str]:
    """The town must hold the item on the date of the act (arts 20-24); otherwise transfer or whistle."""
    if case.item is None:
        return []
    holder = who_enforces(case.item, case.town, case.act_on)
    if holder.town_holds:
        return []
    return [
        _("%(town)s did not hold “%(item)s” on %(date)s (the date of the act). %(advice)s")
        % {
            "town": case.town.name,
            "item": case.item.name,
            "date": case.act_on,
            "advice": holder.explain() if holder.department else _("Transfer the case."),
        }
    ]


def officer_problems(case: Case, on: dt.date, officers: Iterable[CaseOfficer] | None = None) -> list[str]:
    """At least two officers of the town with certificates valid on `on`, with distinct numbers (art 42)."""
    active = [
        o for o in (officers if officers is not None else case.officers.select_related("officer")) if o.active
    ]
    problems: list[str] = []
    valid_numbers: set[str] = set()
    for row in active:
        eligibility = officer_may_act(row.officer, on, town=case.town)
        if not eligibility.ok:
            problems.append(eligibility.reason)
        elif eligibility.certificate is not None:
            valid_numbers.add(eligibility.certificate.number)
    if len(valid_numbers) < 2:
        problems.insert(
            0,
            _(
                "At least two enforcement officers with valid certificates must handle the case (art 42); "
                "%(count)d of the assigned officers qualify on %(date)s."
            )
            % {"count": len(valid_numbers), "date": on},
        )
    return problems


def recusal_problems(case: Case, officers: Iterable[CaseOfficer] | None = None) -> list[str]:
    """Each handling officer has declared whether they have a conflict; one who has must step aside (art
    43)."""
    problems = []
    for row in officers if officers is not None else case.officers.select_related("officer"):
        if not row.active:
            continue
        name = row.officer.get_full_name() or row.officer.username
        if row.declared_at is None:
            problems.append(
                _("%(name)s has not declared whether they must recuse themselves (art 43).") % {"name": name}
            )
        elif row.conflict:
            problems.append(
                _("%(name)s declared a conflict of interest and must be replaced (art 43).") % {"name": name}
            )
    return problems


def limitation_problems(case: Case, policy: CasePolicy) -> list[str]:
    """No penalty for an act not discovered within 2 years of it (or of its end), 5 where life, health or
    financial safety was harmed (art 36)."""
    years = policy.limitation_years_harm if case.harm_to_life_or_finance else policy.limitation_years
    end = case.act_end
    if case.discovered_on > years_after(end, years):
        return [
            _(
                "Time-barred (art 36): the act ended on %(end)s and was discovered on %(found)s, "
                "more than %(years)d years "
                "later. It cannot be penalised; do not file it, or decide no penalty."
            )
            % {"end": end, "found": case.discovered_on, "years": years}
        ]
    return []


def camera_problems(case: Case) -> list[str]:
    """A camera or automatic detection counts as evidence only once a person has reviewed what it recorded
    (art 41):
    the officer attaches the record to the case before proposing to file it."""
    if case.source == "camera" and not case.evidence.exists():
        return [
            _(
                "A lead from a camera or automatic detection needs its record attached and "
                "reviewed by an officer "
                "before filing (art 41)."
            )
        ]
    return []


def age_problems(case: Case, kinds: Iterable[str]) -> list[str]:
    if (
        case.party_kind == PartyKind.PERSON
        and case.party_age is not None
        and case.party_age < 14
        and list(kinds)
    ):
        return [
            _(
                "The party is under 14: no penalty may be imposed (art 30); order the guardian to "
                "supervise instead."
            )
        ]
    return []


def _multiples_text(fines: FineRange) -> str:
    base = _("illegal gains") if fines.basis == FineBasis.GAINS else _("value of the goods")
    return _("%(low)s to %(high)s times the %(base)s") % {
        "low": multiple_text(fines.multiple_min) or "0",
        "high": multiple_text(fines.multiple_max) or "—",
        "base": base,
    }


def fine_range_problems(
    item: EnforcementItem,
    fine: Decimal | None,
    *,
    reduced: bool = False,
    values: dict[str, Decimal] | None = None,
) -> list[str]:
    """Inside the statutory range of the penalty clause (art 34); below the minimum only where the benchmark
    finds a reduction (减轻, art 32) applies. A clause by multiples (倍数) gives the range from the illegal
    gains or the value of the goods the officer recorded (`values`: `Case.amounts`)."""
    if fine is None:
        return []
    fines = item.fine_range(values)
    if fines.missing:
        return [
            _(
                "The fine for this item is %(multiples)s: record the %(base)s so that its range "
                "can be worked out."
            )
            % {
                "multiples": _multiples_text(fines),
                "base": _("illegal gains") if fines.basis == FineBasis.GAINS else _("value of the goods"),
            }
        ]
    how = (
        _(" (%(multiples)s of %(base)s yuan)")
        % {"multiples": _multiples_text(fines), "base": money(fines.base)}
        if fines.by_multiple
        else ""
    )
    if fines.high is not None and fine > fines.high:
        return [
            _("%(fine)s yuan is above the statutory maximum of %(max)s yuan for this item%(how)s.")
            % {"fine": money(fine), "max": money(fines.high), "how": how}
        ]
    if fines.low is not None and fine < fines.low and not reduced:
        return [
            _(
                "%(fine)s yuan is below the statutory minimum of %(min)s yuan%(how)s. Going below "
                "it (减轻, art 32) "
                "needs the circumstances that allow it."
            )
            % {"fine": money(fine), "min": money(fines.low), "how": how}
        ]
    return []


def kinds_problems(item: EnforcementItem, kinds: Iterable[str]) -> list[str]:
    unknown = [k for k in kinds if k not in PenaltyKind.values]
    if unknown:
        return [_("Unknown penalty kind(s): %(kinds)s.") % {"kinds": "、".join(unknown)}]
    allowed = set(item.penalty_kinds or [])
    extra = [k for k in kinds if allowed and k not in allowed and k != PenaltyKind.WARNING]
    if extra:
        return [
            _("The penalty clause of this item does not provide for: %(kinds)s.")
            % {"kinds": "、".join(kind_label(k) for k in extra)}
        ]
    return []


def content_problems(kinds: Iterable[str], data: dict[str, object]) -> dict[str, list[str]]:
    """What a penalty must say, by field: the gains confiscated, the property and its value, and for each kind
    that needs them the particulars (which permit, what is closed, for how long). Empty when complete."""
    chosen = set(kinds)
    problems: dict[str, list[str]] = {}
    if PenaltyKind.CONFISCATE_GAINS in chosen and data.get("illegal_gains") in (None, ""):
        problems["illegal_gains"] = [_("Record the illegal gains to be confiscated (yuan).")]
    if PenaltyKind.CONFISCATE_PROPERTY in chosen:
        if not str(data.get("confiscated_property") or "").strip():
            problems["confiscated_property"] = [_("List the illegal property to be confiscated.")]
        if data.get("confiscated_value") in (None, ""):
            problems["confiscated_value"] = [_("Give the value of the property to be confiscated (yuan).")]
    for kind in PARTICULAR_KINDS:
        if kind in chosen and not str(data.get(f"particulars_{kind}") or "").strip():
            problems[f"particulars_{kind}"] = [
                _("Say what “%(kind)s” applies to: %(what)s.")
                % {"kind": kind_label(kind), "what": str(PARTICULAR_KINDS[kind]).lower()}
            ]
    return problems


def hearing_threshold(case: Case, policy: CasePolicy) -> Decimal:
    return (
        policy.hearing_fine_organisation
        if case.party_kind == PartyKind.ORGANISATION
        else policy.hearing_fine_person
    )


def confiscated_amount(case: Case, kinds: Iterable[str]) -> Decimal:
    """What a confiscation takes, in yuan: the illegal gains and the value of the illegal property."""
    chosen = set(kinds)
    total = Decimal("0")
    if PenaltyKind.CONFISCATE_GAINS in chosen:
        total += case.illegal_gains or Decimal("0")
    if PenaltyKind.CONFISCATE_PROPERTY in chosen:
        total += case.confiscated_value or Decimal("0")
    return total


def hearing_right(case: Case, kinds: Iterable[str], fine: Decimal | None, policy: CasePolicy) -> bool:
    """A large fine (Chongqing: 5,000 yuan for a person, 50,000 for an organisation), the confiscation of
    gains or property of as large a value, a permit suspended, lowered or revoked, or a business limited,
    suspended or closed gives the right to a hearing (art 63)."""
    kinds = list(kinds)
    threshold = hearing_threshold(case, policy)
    return (
        bool(HEAVY_KINDS & set(kinds))
        or (fine is not None and fine >= threshold)
        or confiscated_amount(case, kinds) >= threshold
    )


def review_reasons(
    case: Case, kinds: Iterable[str], fine: Decimal | None, policy: CasePolicy, *, major: bool = False
) -> list[str]:
    """Why the decision needs legal review first (art 58), as codes: after a hearing, a heavy penalty or a
    large fine (major rights of the party), or marked major / complex by the officers."""
    reasons = []
    if case.hearing_held_on is not None:
        reasons.append("hearing")
    if hearing_right(case, kinds, fine, policy):
        reasons.append("major_penalty")
    if major:
        reasons.append("major_or_complex")
    return reasons


def heard_problems(case: Case, today: dt.date) -> list[str]:
    """No decision without the notice (art 44) and the chance to be heard (art 62), unless the party waived
    it."""
    if case.notice_served_on is None:
        return [
            _(
                "No decision without first serving the notice of the proposed penalty with the "
                "party's rights (arts 44, 62)."
            )
        ]
    if case.rights_waived or case.statement_made or case.hearing_held_on is not None:
        return []
    if case.reply_due is not None and today <= case.reply_due:
        return [
            _(
                "The party may still make a statement or ask for a hearing until %(date)s. Wait, "
                "or record their "
                "statement or written waiver."
            )
            % {"date": case.reply_due}
        ]
    return []


def heavier_problems(case: Case, kinds: Iterable[str], fine: Decimal | None) -> list[str]:
    """The decision may not be heavier than the notice (art 45: not because the party defended themselves)."""
    problems = []
    proposed = set(case.proposed_kinds or [])
    new = [k for k in kinds if k not in proposed and k != PenaltyKind.WARNING]
    if new:
        problems.append(
            _(
                "The decision adds penalties the notice did not propose (%(kinds)s). A heavier "
                "decision needs a new notice "
                "(arts 44-45)."
            )
            % {"kinds": "、".join(kind_label(k) for k in new)}
        )
    if fine is not None and case.proposed_fine is not None and fine > case.proposed_fine:
        problems.append(
            _(
                "The fine of %(fine)s yuan is heavier than the %(proposed)s yuan in the notice. "
                "The penalty may not be "
                "increased after the party's statement or defence (art 45); serve a new notice if "
                "the facts changed."
            )
            % {"fine": money(fine), "proposed": money(case.proposed_fine)}
        )
    return problems


def review_problems(case: Case) -> list[str]:
    if case.review_required and case.reviewed_by_id is None:
        return [_("This decision needs legal review first (art 58).")]
    return []


def reviewer_problems(case: Case, reviewer_id: int) -> list[str]:
    """The reviewer may not be someone who investigated the case (art 58)."""
    involved = set(case.officers.values_list("officer_id", flat=True)) | {case.created_by_id}
    if reviewer_id in involved:
        return [_("A legal reviewer may not review a case they investigated or handled (art 58).")]
    return []


def simple_procedure_problems(
    case: Case, kinds: Iterable[str], fine: Decimal | None, policy: CasePolicy
) -> list[str]:
    """On the spot only for a warning or a fine up to 200 yuan (person) / 3,000 yuan (organisation) (art
    51)."""
    kinds = set(kinds)
    problems = []
    if kinds - SIMPLE_PROCEDURE_KINDS:
        problems.append(_("Simple procedure allows only a warning or a small fine (art 51)."))
    limit = (
        policy.simple_fine_organisation
        if case.party_kind == PartyKind.ORGANISATION
        else policy.simple_fine_person
    )
    if fine is not None and fine > limit:
        problems.append(
            _(
                "Simple procedure allows fines up to %(limit)s yuan for this party (art 51); "
                "%(fine)s yuan needs the "
                "normal procedure: file the case."
            )
            % {"limit": money(limit), "fine": money(fine)}
        )
    return problems


def one_fine_problems(case: Case, fine: Decimal | None) -> list[str]:
    """One act, one fine (art 29): no second fine on the same party for the same act (same item, same day)."""
    if not fine or not case.party_identifier:
        return []
    items = {case.item_id, *case.other_items.values_list("pk", flat=True)}
    other = (
        Case.objects.filter(
            district_id=case.district_id,
            party_identifier=case.party_identifier,
            act_on=case.act_on,
            item_id__in=items,
            stage__in=DECIDED_STAGES,
            fine__gt=0,
        )
        .exclude(pk=case.pk)
        .first()
    )
    if other is not None:
        return [
            _("The party was already fined for this act in case %(number)s (art 29: one act, one fine).")
            % {"number": other.reference}
        ]
    return []


def heavier_item(case: Case) -> EnforcementItem | None:
    """Where one act breaks several rules, the heavier fine applies (art 29): the item with the highest
    maximum (for a clause by multiples, on the amounts recorded)."""
    items = [case.item, *case.other_items.all()] if case.item is not None else []
    if not items:
        return None
    values = case.amounts

    def weight(item: EnforcementItem) -> tuple[Decimal, Decimal]:
        fines = item.fine_range(values)
        return (fines.high or Decimal("0"), fines.low or Decimal("0"))

    return max(items, key=weight)


def payment_problems(
    case: Case, amount: Decimal, channel: str, due_total: Decimal, policy: CasePolicy
) -> list[str]:
    problems = []
    if channel == "on_spot" and (case.fine or 0) > policy.on_spot_collection:
        problems.append(
            _(
                "Officers may collect on the spot only fines up to %(limit)s yuan (art 68); this "
                "one is paid to the bank "
                "or online."
            )
            % {"limit": money(policy.on_spot_collection)}
        )
    if amount < due_total:
        problems.append(
            _("%(amount)s yuan is less than the %(due)s yuan due (fine and late fee).")
            % {"amount": money(amount), "due": money(due_total)}
        )
    return problems
