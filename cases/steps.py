"""The step handlers of `lifecycle.case_act`: one per workflow action, each running the legal checks its
action needs and computing the case's new fields, the timeline event's data and (for some) a different target
stage. They only compute on the locked case held by the `_Step`; `case_act` saves, records the event and the
audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from authority.penalties import PARTICULAR_KINDS, PenaltyKind
from authority.selectors import Holder, who_enforces
from enforcement.access import share_with_unit
from enforcement.audit import json_safe
from enforcement.fences import BLOCK, Finding, fence_gate
from enforcement.models import Unit, User
from enforcement.referrals import Referral, refer

from . import checks, clock, publication, review
from . import deadlines as dl
from .document_text import findings_draft
from .fences import case_evaluate
from .models import Case, CasePolicy, CaseSequence, Procedure
from .selectors import case_recommendation
from .workflow import Action, Stage


def _number(case: Case, today: dt.date) -> None:
    """Give the case its number: per town and year, under a row lock, never reused (a withdrawn case keeps
    it)."""
    sequence, _created = CaseSequence.objects.select_for_update().get_or_create(
        town=case.town, year=today.year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    prefix = case.town.case_prefix or f"{case.town.name_zh}执"
    case.year, case.sequence = today.year, sequence.last
    case.number = f"{prefix}〔{today.year}〕{sequence.last}号"


@dataclass
class _Step:
    case: Case
    actor: User
    data: Mapping[str, Any]
    today: dt.date
    policy: CasePolicy
    target: str | None
    event: dict[str, Any] = field(default_factory=dict)
    problems: checks.Problems = field(default_factory=checks.Problems)
    # What the fences said (cases/fences.py, discretion/fences.py): blocks refuse with the other problems;
    # `passed` holds what `lifecycle.case_act` records once the step is saved (warnings with the reason).
    findings: list[Finding] = field(default_factory=list)
    fence_action: str = ""
    passed: list[Finding] = field(default_factory=list)
    fence_reason: str = ""

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self.case, name, value)

    def fence(self, action: str, **data: Any) -> None:
        """Evaluate the fences of `action` on the locked case; blocks refuse at the next check."""
        self.fence_action = action
        self.findings.extend(
            case_evaluate(action, self.case, policy=self.policy, today=self.today, actor=self.actor, **data)
        )

    def raise_if_any(self) -> None:
        """Refuse with every problem and every block found so far (a block names its rule and article)."""
        blocks = [f for f in self.findings if f.severity == BLOCK]
        if blocks:
            fence_gate(blocks, reason="", reason_field="", problems=self.problems)
        self.problems.raise_if_any()

    def check(self, *groups: list[str]) -> None:
        for group in groups:
            self.problems.extend(group)
        self.raise_if_any()

    def gate(self, reason_field: str) -> None:
        """After the checks: warnings without the reason in `reason_field` refuse; otherwise keep what passed
        (prompts, warnings with the reason) for the record."""
        reason = str(self.data.get(reason_field) or "").strip()
        self.passed = fence_gate(
            self.findings, reason=reason, reason_field=reason_field, problems=self.problems
        )
        self.fence_reason = reason


def _date_not_future(step: _Step, name: str) -> dt.date:
    day = step.data.get(name) or step.today
    if day > step.today:
        raise ValidationError({name: [_("This date cannot be in the future.")]})
    return day


def _filing_checks(step: _Step) -> None:
    case = step.case
    officers = list(case.officers.select_related("officer"))
    step.fence(
        "cases.file", on=step.today, officers=officers
    )  # item held, two certified officers, limitation
    step.check(
        checks.item_problems(case),
        checks.recusal_problems(case, officers),
        checks.camera_problems(case),
    )


def _record_checks(step: _Step, on: dt.date) -> None:
    officers = list(step.case.officers.select_related("officer"))
    step.check(checks.officer_problems(step.case, on, officers), checks.recusal_problems(step.case, officers))


def _holder(case: Case) -> Holder:
    """Who enforces the case's item in its town on the date of the act, once the step's checks required the
    item."""
    assert case.item is not None, "checked by checks.item_problems"
    return who_enforces(case.item, case.town, case.act_on)


def _do_propose_filing(step: _Step) -> None:
    _filing_checks(step)


def _do_approve_filing(step: _Step) -> None:
    _filing_checks(step)
    case = step.case
    holder = _holder(case)
    _number(case, step.today)
    step.set(filed_on=step.today, acting_name=holder.acting_name, grant_kind=holder.kind)
    step.set(decision_due=dl.decision_due(case, step.policy))
    step.event.update(number=case.number, acting_name=holder.acting_name, decision_due=case.decision_due)


def _do_close_lead(step: _Step) -> None:
    step.set(closed_on=step.today, outcome=str(step.data.get("note") or "")[:200])


def _prior_violations(case: Case, today: dt.date) -> list[Any]:
    from discretion.history import HistoryQuery, party_history

    history = party_history(
        HistoryQuery(
            district_id=case.district_id,
            before=today,
            subject_id=case.subject_id,
            identifier=case.party_identifier,
        )
    )
    return [
        p
        for p in history or ()
        if p.item_id == case.item_id or (p.item_code and case.item and p.item_code == case.item.code)
    ]


def _first_violation_check(step: _Step, basis: str) -> None:
    """Art 33 "first violation, no penalty" only for a party with no earlier violation of the item in the
    district."""
    if basis != "art33_first":
        return
    case = step.case
    prior = [p for p in _prior_violations(case, step.today) if p.reference != case.number]
    if prior:
        step.check(
            [
                _(
                    "Not a first violation: the party was dealt with for this item before "
                    "(%(refs)s), so art 33 "
                    "(first violation, no penalty) does not apply."
                )
                % {"refs": "、".join(p.reference or str(p.decided_on) for p in prior[:3])}
            ]
        )


def _do_order_correction(step: _Step) -> None:
    _record_checks(step, step.today)
    basis = step.data["basis"]
    _first_violation_check(step, basis)
    step.set(correction_due=step.data["correction_due"], no_penalty_basis=basis)
    step.event.update(basis=basis, correction_due=step.data["correction_due"])


def _do_confirm_correction(step: _Step) -> None:
    checked = _date_not_future(step, "checked_on")
    step.set(
        closed_on=step.today,
        decided_on=checked,
        outcome=str(_("Corrected in time: no penalty (art 33); education recorded.")),
    )
    step.event.update(checked_on=checked)


def _do_correction_failed(step: _Step) -> None:
    step.set(no_penalty_basis="")
    step.event.update(checked_on=_date_not_future(step, "checked_on"))


def _penalty_content(step: _Step, kinds: list[str]) -> dict[str, Any]:
    """Record what the proposed or decided penalty says beyond its kinds and fine: the illegal gains and the
    value of the goods found (kept once recorded; the bases of a fine by multiples and of a confiscation), the
    property confiscated with its value, and the particulars of the kinds that need them. Refuses, by field,
    what a chosen kind lacks. Returns what was recorded, for the timeline."""
    data, case = step.data, step.case
    for name in ("illegal_gains", "goods_value"):
        if data.get(name) is not None:
            step.set(**{name: data[name]})
    chosen = set(kinds)
    confiscates = PenaltyKind.CONFISCATE_PROPERTY in chosen
    step.set(
        confiscated_property=str(data.get("confiscated_property") or "").strip() if confiscates else "",
        confiscated_value=data.get("confiscated_value") if confiscates else None,
        penalty_particulars={
            kind: str(data.get(f"particulars_{kind}") or "").strip()
            for kind in PARTICULAR_KINDS
            if kind in chosen and str(data.get(f"particulars_{kind}") or "").strip()
        },
    )
    recorded = {
        "illegal_gains": case.illegal_gains,
        "goods_value": case.goods_value,
        "confiscated_property": case.confiscated_property,
        "confiscated_value": case.confiscated_value,
        **{f"particulars_{kind}": text for kind, text in case.penalty_particulars.items()},
    }
    problems = checks.content_problems(kinds, recorded)
    if problems:
        raise ValidationError(problems)
    return {k: v for k, v in recorded.items() if v not in (None, "")}


def _penalty_checks(step: _Step, action: str, kinds: list[str], fine: Decimal | None, on: dt.date) -> Any:
    """Checks shared by the notice, the decision and the on-the-spot decision; returns the recommendation.
    The fences of `action` (item held, officers, limitation, statutory range, the benchmark's) are
    evaluated here; their warnings wait for `step.gate`."""
    case = step.case
    officers = list(case.officers.select_related("officer"))
    item = checks.heavier_item(case)
    step.problems.extend(checks.item_problems(case))
    step.problems.extend(checks.recusal_problems(case, officers))
    step.problems.extend(checks.age_problems(case, kinds))
    if not kinds:
        step.problems.append(_("Choose the penalty."))
    recommendation = None
    if item is not None:
        step.problems.extend(checks.kinds_problems(item, kinds))
        recommendation = case_recommendation(case, step.data.get("factors"), on=on) if case.item_id else None
    step.fence(
        action,
        on=on,
        kinds=kinds,
        fine=fine,
        recommendation=recommendation,
        officers=officers,
        reason=str(step.data.get("deviation_reason") or ""),
    )
    step.raise_if_any()
    return recommendation


def _recommendation_record(recommendation: Any) -> dict[str, Any]:
    if recommendation is None:
        return {}
    return json_safe(
        {
            "summary": recommendation.summary("zh-hans"),
            "summary_en": recommendation.summary("en"),
            "tier": recommendation.tier_level if recommendation.punish else "",
            "fine_min": recommendation.fine_min,
            "fine_max": recommendation.fine_max,
            "fine_suggested": recommendation.fine_suggested,
            "punish": recommendation.punish,
            "benchmark": recommendation.citation.text("zh-hans"),
            "benchmark_id": recommendation.citation.benchmark_id,
            "benchmark_version": recommendation.citation.version,
        }
    )


def _do_serve_notice(step: _Step) -> None:
    case = step.case
    kinds = list(step.data.get("penalty_kinds") or [])
    fine = step.data.get("proposed_fine")
    served = _date_not_future(step, "served_on")
    if case.filed_on and served < case.filed_on:
        raise ValidationError({"served_on": [_("The notice cannot be served before the case was filed.")]})
    factors = sorted(step.data.get("factors") or [])
    case.facts = {**case.facts, "factors": factors}
    # The notice states the facts found: as edited on the form, else as drafted during the investigation.
    case.findings = str(step.data.get("findings") or "").strip() or case.findings or findings_draft(case)
    recorded = _penalty_content(step, kinds)
    recommendation = _penalty_checks(step, "cases.notice", kinds, fine, served)
    # The notice caps the penalty (art 45 forbids a heavier decision): a departure from the benchmark is
    # justified here, not first at the decision.
    deviation_kind, explanation = _deviation_check(step, recommendation, kinds, fine)
    offered = checks.hearing_right(case, kinds, fine, step.policy)
    step.set(
        notice_served_on=served,
        proposed_kinds=kinds,
        proposed_fine=fine,
        hearing_offered=offered,
        reply_due=dl.reply_due(served, step.policy),
        rights_waived=False,
        statement_made=False,
        hearing_requested_on=None,
        hearing_on=None,
        hearing_held_on=None,
        reviewed_by=None,
        reviewed_at=None,
        review_opinion="",
        review_checklist={},
        recommendation=_recommendation_record(recommendation),
        deviation_kind=deviation_kind,
        deviation_reason=str(step.data.get("deviation_reason") or "").strip(),
    )
    step.event.update(
        kinds=kinds,
        fine=fine,
        hearing_offered=offered,
        reply_due=case.reply_due,
        factors=factors,
        deviation=deviation_kind,
        deviation_explanation=explanation,
        **recorded,
    )


def _do_record_statement(step: _Step) -> None:
    made = _date_not_future(step, "made_on")
    step.set(statement_made=True)
    step.event.update(made_on=made, accepted=bool(step.data.get("accepted")))


def _do_waive_rights(step: _Step) -> None:
    step.set(rights_waived=True)


def _do_request_hearing(step: _Step) -> None:
    case = step.case
    requested = _date_not_future(step, "requested_on")
    if not case.hearing_offered:
        step.check(
            [_("This penalty does not give the right to a hearing (art 63); record a statement instead.")]
        )
    if case.reply_due and requested > case.reply_due:
        step.check(
            [
                _(
                    "A hearing must be requested within %(days)d working days of the notice, by "
                    "%(date)s (art 64)."
                )
                % {"days": step.policy.reply_working_days, "date": case.reply_due}
            ]
        )
    step.set(hearing_requested_on=requested, paused_since=requested, pause_reason="hearing")
    step.event.update(requested_on=requested)


def _do_schedule_hearing(step: _Step) -> None:
    hearing_on = step.data["hearing_on"]
    earliest = dl.earliest_hearing(step.today, step.policy)
    if hearing_on < earliest:
        raise ValidationError(
            {
                "hearing_on": [
                    _(
                        "The party must be told at least %(days)d working days before the hearing "
                        "(art 64): the earliest date is %(date)s."
                    )
                    % {"days": step.policy.hearing_notice_working_days, "date": earliest}
                ]
            }
        )
    step.set(hearing_on=hearing_on)
    step.event.update(hearing_on=hearing_on, place=step.data.get("place_of_hearing", ""))


def _resume(step: _Step, on: dt.date) -> None:
    case = step.case
    if case.paused_since is not None:
        step.set(
            paused_days=case.paused_days + max(0, (on - case.paused_since).days),
            paused_since=None,
            pause_reason="",
        )
        step.set(decision_due=dl.decision_due(case, step.policy))


def _do_finish_hearing(step: _Step) -> None:
    case = step.case
    held = _date_not_future(step, "held_on")
    if case.hearing_on is None:
        step.check([_("Schedule the hearing first.")])
    assert case.hearing_on is not None  # check() raised otherwise
    if held < case.hearing_on:
        raise ValidationError(
            {"held_on": [_("The hearing was scheduled for %(date)s.") % {"date": case.hearing_on}]}
        )
    step.set(
        hearing_held_on=held, review_required=True, review_reasons=sorted({*case.review_reasons, "hearing"})
    )
    _resume(step, held)
    step.event.update(held_on=held)


def _do_submit(step: _Step) -> None:
    case = step.case
    step.check(checks.heard_problems(case, step.today))
    reasons = checks.review_reasons(
        case, case.proposed_kinds, case.proposed_fine, step.policy, major=bool(step.data.get("major"))
    )
    step.fence("cases.legal_review_submit", review_reasons=reasons)  # evidence on file
    step.gate("fence_reason")
    step.set(review_required=bool(reasons), review_reasons=reasons)
    step.target = Stage.LEGAL_REVIEW if reasons else Stage.DECIDING
    step.event.update(review_reasons=reasons)


def _review_checklist(step: _Step, *, passing: bool) -> dict[str, Any]:
    """The checklist from the form: every point answered; approving needs every point passed, sending back at
    least one raised (with its note)."""
    step.fence("cases.legal_review", reviewer_id=step.actor.pk)  # not the investigator (art 58)
    step.raise_if_any()
    checklist = review.checklist_from(step.data)
    raised = review.raised_points(checklist)
    if passing and raised:
        step.check(
            [_("A point is raised: send the case back, or mark the point passed once it is answered.")]
        )
    if not passing and not raised:
        step.check([_("Raise the point that needs work, with a note, to send the case back.")])
    step.event.update(checklist=checklist, raised=raised, evidence_missing=review.evidence_missing(step.case))
    return checklist


def _do_pass_review(step: _Step) -> None:
    checklist = _review_checklist(step, passing=True)
    step.set(
        reviewed_by=step.actor,
        reviewed_at=clock.now(),
        review_opinion=step.data["note"],
        review_checklist=checklist,
    )


def _do_return_review(step: _Step) -> None:
    checklist = _review_checklist(step, passing=False)
    step.set(review_opinion=step.data["note"], review_checklist=checklist)


def _deviation_check(step: _Step, recommendation: Any, kinds: list[str], fine: Any) -> tuple[str, list[str]]:
    """How the penalty departs from the benchmark, for the record. The fences decide on it: a departure
    without the written reason (art 34) and the other discretion warnings refuse at the gate, with the reason
    field to fill."""
    from discretion.recommend import Decision, ProposedPenalty, deviation

    step.gate("deviation_reason")
    if recommendation is None:
        return "", []
    penalty = ProposedPenalty(punish=True, kinds=tuple(kinds), fine=fine, reason=step.fence_reason)
    result = deviation(Decision(recommendation, penalty))
    return result.kind, result.explain("zh-hans")


def _do_decide(step: _Step) -> None:
    case = step.case
    kinds = list(step.data.get("penalty_kinds") or [])
    fine = step.data.get("fine")
    decided = _date_not_future(step, "decided_on")
    step.problems.extend(checks.heavier_problems(case, kinds, fine))
    step.problems.extend(checks.review_problems(case))
    step.problems.extend(checks.one_fine_problems(case, fine))
    recorded = _penalty_content(step, kinds)
    recommendation = _penalty_checks(step, "cases.decision", kinds, fine, decided)
    discussion = str(step.data.get("collective_discussion") or "").strip()
    if {"major_penalty", "major_or_complex"} & set(case.review_reasons) and not discussion:
        raise ValidationError(
            {
                "collective_discussion": [
                    _(
                        "A major or complex case is decided by the agency's leaders collectively "
                        "(art 57): record when they "
                        "discussed it and what they concluded."
                    )
                ]
            }
        )
    reason = str(step.data.get("deviation_reason") or "").strip()
    kind, explanation = _deviation_check(step, recommendation, kinds, fine)
    late = bool(case.decision_due and decided > case.decision_due)
    step.set(
        decided_on=decided,
        decided_by=step.actor,
        penalty_kinds=kinds,
        fine=fine,
        # The gains confiscated are paid like the fine (the property is taken, not paid).
        confiscated=case.illegal_gains if PenaltyKind.CONFISCATE_GAINS in kinds else None,
        tier=recommendation.tier_level if recommendation and recommendation.punish else "",
        recommendation=_recommendation_record(recommendation),
        deviation_kind=kind,
        deviation_reason=reason,
        service_due=dl.service_due(decided, step.policy),
    )
    if publication.publishes(case, step.policy):  # published when served, within the days of the decision
        step.set(publication_due=publication.publication_due(decided, step.policy))
    step.event.update(
        kinds=kinds,
        fine=fine,
        deviation=kind,
        deviation_explanation=explanation,
        late=late,
        collective_discussion=discussion,
        **recorded,
    )


def _do_decide_no_penalty(step: _Step) -> None:
    step.check(checks.review_problems(step.case))
    _first_violation_check(step, step.data["basis"])
    step.set(
        decided_on=step.today,
        decided_by=step.actor,
        closed_on=step.today,
        no_penalty_basis=step.data["basis"],
        penalty_kinds=[],
        fine=None,
        outcome=str(step.data["note"])[:200],
    )
    step.event.update(basis=step.data["basis"])


def _do_serve_decision(step: _Step) -> None:
    case = step.case
    served = _date_not_future(step, "served_on")
    if case.decided_on and served < case.decided_on:
        raise ValidationError({"served_on": [_("The decision cannot be served before it was made.")]})
    step.set(served_on=served, service_method=step.data["method"])
    if publication.publishes(case, step.policy) and case.published_on is None:
        assert case.decided_on is not None  # served decisions were decided
        due = publication.publication_due(case.decided_on, step.policy)
        step.set(published_on=step.today, publication_due=due)
        step.event.update(published_on=step.today)
    if case.fine or case.confiscated:
        step.set(payment_due=dl.payment_due(served, step.policy))
    else:
        step.target = Stage.EXECUTED  # a warning is carried out by serving it
    step.event.update(
        served_on=served,
        method=step.data["method"],
        late=bool(case.service_due and served > case.service_due),
    )


def _do_record_payment(step: _Step) -> None:
    case = step.case
    paid = _date_not_future(step, "paid_on")
    if case.served_on and paid < case.served_on:
        raise ValidationError({"paid_on": [_("Payment cannot precede service of the decision.")]})
    fee = dl.late_fee(case.fine, case.payment_due, paid, step.policy)
    due_total = (case.fine or Decimal("0")) + (case.confiscated or Decimal("0")) + fee
    step.check(
        checks.payment_problems(case, step.data["amount"], step.data["channel"], due_total, step.policy)
    )
    step.set(
        paid_on=paid, amount_paid=step.data["amount"], late_fee=fee, payment_channel=step.data["channel"]
    )
    step.event.update(
        paid_on=paid,
        amount=step.data["amount"],
        late_fee=fee,
        channel=step.data["channel"],
        receipt=step.data.get("receipt", ""),
    )


def _do_record_enforcement(step: _Step) -> None:
    step.set(outcome=str(_("Compulsory execution: %(note)s") % {"note": step.data["note"]})[:200])


def _do_close(step: _Step) -> None:
    step.set(closed_on=step.today)


def _do_archive(step: _Step) -> None:
    step.set(archived_on=step.today)
    step.event.update(archive_ref=step.data["archive_ref"])


def _do_on_spot(step: _Step) -> None:
    case = step.case
    kinds = list(step.data.get("penalty_kinds") or [])
    fine = step.data.get("fine")
    step.problems.extend(checks.simple_procedure_problems(case, kinds, fine, step.policy))
    step.problems.extend(checks.one_fine_problems(case, fine))
    paid_now = bool(step.data.get("paid_on_spot"))
    if paid_now and fine and fine > step.policy.on_spot_collection:
        step.problems.append(
            _("Officers may collect on the spot only fines up to %(limit)s yuan (art 68).")
            % {"limit": checks.money(step.policy.on_spot_collection)}
        )
    recommendation = _penalty_checks(step, "cases.on_spot", kinds, fine, step.today)
    kind, explanation = _deviation_check(step, recommendation, kinds, fine)
    holder = _holder(case)
    _number(case, step.today)
    step.set(
        procedure=Procedure.SIMPLE,
        acting_name=holder.acting_name,
        grant_kind=holder.kind,
        decided_on=step.today,
        decided_by=step.actor,
        served_on=step.today,
        service_method="direct",
        penalty_kinds=kinds,
        fine=fine,
        tier=recommendation.tier_level if recommendation and recommendation.punish else "",
        recommendation=_recommendation_record(recommendation),
        deviation_kind=kind,
        deviation_reason=str(step.data.get("deviation_reason") or "").strip(),
    )
    if paid_now or not fine:
        step.set(
            paid_on=step.today if fine else None,
            amount_paid=fine,
            late_fee=Decimal("0") if fine else None,
            payment_channel="on_spot" if fine else "",
        )
        step.target = Stage.EXECUTED
    else:
        step.set(payment_due=dl.payment_due(step.today, step.policy))
    step.event.update(
        number=case.number,
        kinds=kinds,
        fine=fine,
        paid_on_spot=paid_now,
        deviation=kind,
        deviation_explanation=explanation,
    )


def _do_transfer(step: _Step) -> None:
    case = step.case
    department: Unit = step.data["department"]
    holds = case.item is not None and who_enforces(case.item, case.town, case.act_on).town_holds
    received = refer(  # a whistle to the department (whistles registers the handler)
        actor=step.actor,
        referral=Referral(
            town=case.town,
            department=department,
            title=case.title,
            description=f"{case.description}\n\n{step.data['note']}",
            address=case.place or case.party_address or case.town.name_zh,
            town_holds=holds,
            item_id=case.item_id,
            latitude=case.latitude,
            longitude=case.longitude,
            origin_type="case",
            origin_id=str(case.pk),
            origin_label=case.reference,
        ),
    )
    share_with_unit(case, department)
    step.set(
        whistle_id=received,
        closed_on=step.today,
        outcome=str(_("Transferred to %(dept)s") % {"dept": department.name})[:200],
    )
    step.event.update(department=department.pk, whistle=received)


def _do_withdraw(step: _Step) -> None:
    step.set(closed_on=step.today, outcome=str(step.data["note"])[:200])


def _do_revoke_decision(step: _Step) -> None:
    """The decision is revoked (撤销): the case ends withdrawn; a published decision is taken down now, in
    this transaction, with the reason (art 48: within the district's days of the revocation)."""
    note = str(step.data["note"]).strip()
    step.set(outcome=note[:200])
    step.event.update(revoked_on=step.today.isoformat())
    if step.case.published_on is not None and step.case.unpublished_on is None:
        reason = publication.revoked_reason(note)
        step.set(unpublished_on=step.today, unpublish_reason=reason[:300])
        step.event.update(unpublished_on=step.today.isoformat())


def _do_pause(step: _Step) -> None:
    if step.case.paused_since is not None:
        step.check([_("The decision period is already paused.")])
    step.set(paused_since=step.today, pause_reason=step.data["reason"])
    step.event.update(reason=step.data["reason"])


def _do_resume(step: _Step) -> None:
    case = step.case
    if case.paused_since is None:
        step.check([_("The decision period is not paused.")])
    if case.pause_reason == "hearing":
        step.check([_("The hearing pause ends when the hearing is recorded.")])
    _resume(step, step.today)


def _do_extend(step: _Step) -> None:
    if step.case.extended:
        step.check([_("The decision period has already been extended once (art 60).")])
    step.set(extended=True)
    step.set(decision_due=dl.decision_due(step.case, step.policy))
    step.event.update(decision_due=step.case.decision_due)


def _do_nothing(step: _Step) -> None:
    return None


HANDLERS: dict[str, Callable[[_Step], None]] = {
    Action.START_CHECK: _do_nothing,
    Action.PROPOSE_FILING: _do_propose_filing,
    Action.APPROVE_FILING: _do_approve_filing,
    Action.REJECT_FILING: _do_nothing,
    Action.DECLINE_FILING: _do_close_lead,
    Action.ORDER_CORRECTION: _do_order_correction,
    Action.CONFIRM_CORRECTION: _do_confirm_correction,
    Action.CORRECTION_FAILED: _do_correction_failed,
    Action.SERVE_NOTICE: _do_serve_notice,
    Action.RECORD_STATEMENT: _do_record_statement,
    Action.WAIVE_RIGHTS: _do_waive_rights,
    Action.REQUEST_HEARING: _do_request_hearing,
    Action.SCHEDULE_HEARING: _do_schedule_hearing,
    Action.FINISH_HEARING: _do_finish_hearing,
    Action.SUBMIT_FOR_DECISION: _do_submit,
    Action.PASS_REVIEW: _do_pass_review,
    Action.RETURN_REVIEW: _do_return_review,
    Action.DECIDE: _do_decide,
    Action.DECIDE_NO_PENALTY: _do_decide_no_penalty,
    Action.RETURN_DECISION: _do_nothing,  # the reason is the event's note
    Action.SERVE_DECISION: _do_serve_decision,
    Action.RECORD_PAYMENT: _do_record_payment,
    Action.RECORD_ENFORCEMENT: _do_record_enforcement,
    Action.CLOSE: _do_close,
    Action.ARCHIVE: _do_archive,
    Action.ON_SPOT: _do_on_spot,
    Action.TRANSFER: _do_transfer,
    Action.WITHDRAW: _do_withdraw,
    Action.REVOKE_DECISION: _do_revoke_decision,
    Action.PAUSE: _do_pause,
    Action.RESUME: _do_resume,
    Action.EXTEND: _do_extend,
}
