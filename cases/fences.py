"""The procedure fences (程序围栏) of the penalty case: the law's hard checks (`checks.py`, one definition)
given a rule code and an article, so a refusal names them and leaves a block row for supervisors, plus the
warnings a person may go past with a reason. Registered for the case's actions at app ready; `steps.py` runs
them through `enforcement.fences.evaluate` before acting, and the notice form previews them (htmx).

Actions and what their context holds (`case_context` builds it):
- `cases.file` (propose / approve filing): case, policy
- `cases.notice`, `cases.decision`: case, policy, on (the date of the act), kinds, fine, reason,
  recommendation, officers
- `cases.legal_review_submit`: case, policy, review_reasons
- `cases.legal_review` (pass / send back): case, reviewer_id
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from enforcement.fences import (
    FenceContext,
    FenceRule,
    Finding,
    evaluate,
    register_after_change,
    register_fence_check,
    register_fence_rule,
)

from . import checks, clock, review
from .models import Case, CaseOfficer, CasePolicy

ITEM_NOT_HELD = FenceRule(
    code="cases.item_not_held",
    label=gettext_lazy("Item the town does not hold"),
    description=gettext_lazy(
        "The town did not hold the enforcement item on the date of the act; whistle the department that "
        "does, or transfer the case."
    ),
    severity="block",
    article=gettext_lazy("Administrative Penalty Law arts 20-24"),
    locked=True,
)
OFFICERS_CERTIFIED = FenceRule(
    code="cases.officers_certified",
    label=gettext_lazy("Two certified officers"),
    description=gettext_lazy(
        "At least two officers with enforcement certificates valid on the date, with distinct numbers."
    ),
    severity="block",
    article=gettext_lazy("Administrative Penalty Law art 42"),
    locked=True,
)
LIMITATION = FenceRule(
    code="cases.limitation",
    label=gettext_lazy("Limitation period passed"),
    description=gettext_lazy(
        "No penalty for an act discovered more than 2 years after it ended (5 where life, health or "
        "financial safety was harmed)."
    ),
    severity="block",
    article=gettext_lazy("Administrative Penalty Law art 36"),
    locked=True,
)
FINE_STATUTORY = FenceRule(
    code="cases.fine_outside_statutory_range",
    label=gettext_lazy("Fine outside the statutory range"),
    description=gettext_lazy(
        "The fine lies outside the range of the penalty clause (below it only where a reduction applies)."
    ),
    severity="block",
    article=gettext_lazy("Administrative Penalty Law arts 32, 34"),
    locked=True,
)
NOT_HEARD = FenceRule(
    code="cases.decision_without_notice",
    label=gettext_lazy("Decision without notice and hearing rights"),
    description=gettext_lazy(
        "No decision before the notice of the proposed penalty was served and the party had the chance to "
        "make a statement or ask for a hearing (unless waived)."
    ),
    severity="block",
    article=gettext_lazy("Administrative Penalty Law arts 44, 62"),
    locked=True,
)
REVIEWER_INVESTIGATED = FenceRule(
    code="cases.reviewer_investigated",
    label=gettext_lazy("Legal reviewer handled the case"),
    description=gettext_lazy("The legal reviewer may not be a person who investigated or handled the case."),
    severity="block",
    article=gettext_lazy("Administrative Penalty Law art 58"),
    locked=True,
)
REVIEW_WITHOUT_EVIDENCE = FenceRule(
    code="cases.review_without_evidence",
    label=gettext_lazy("Sent to legal review without evidence"),
    description=gettext_lazy(
        "A case goes to legal review with no evidence on file; the reviewer checks that the evidence is "
        "conclusive and sufficient."
    ),
    severity="warning",
    article=gettext_lazy("Administrative Penalty Law art 58"),
    params={"min_evidence": 1},
    param_labels={"min_evidence": gettext_lazy("Pieces of evidence expected on file")},
)
DECIDED_AFTER_DUE = FenceRule(
    code="cases.decided_after_due",
    label=gettext_lazy("Decision after its deadline"),
    description=gettext_lazy(
        "The decision was made after the 90-day period (with pauses and an approved extension) had passed; "
        "found in the worker after the decision is recorded."
    ),
    severity="warning",
    article=gettext_lazy("Administrative Penalty Law art 60"),
    params={"grace_days": 0},
    param_labels={"grace_days": gettext_lazy("Days late tolerated before warning")},
)
RULES = (
    ITEM_NOT_HELD,
    OFFICERS_CERTIFIED,
    LIMITATION,
    FINE_STATUTORY,
    NOT_HEARD,
    REVIEWER_INVESTIGATED,
    REVIEW_WITHOUT_EVIDENCE,
    DECIDED_AFTER_DUE,
)


def case_context(
    case: Case,
    *,
    policy: CasePolicy,
    on: dt.date | None = None,
    today: dt.date | None = None,
    **data: Any,
) -> FenceContext:
    """The context of a case action: the district's parameters in force today, the case and the action's
    data."""
    today = today or clock.today()
    return FenceContext(
        district_id=case.district_id,
        on=today,
        data={"case": case, "policy": policy, "on": on or today, "today": today, **data},
    )


def case_evaluate(action: str, case: Case, *, policy: CasePolicy, **data: Any) -> list[Finding]:
    return evaluate(action, case_context(case, policy=policy, **data))


def _officers(context: FenceContext) -> Sequence[CaseOfficer]:
    officers = context.get("officers")
    if officers is None:
        officers = list(context["case"].officers.select_related("officer"))
        context.data["officers"] = officers
    return officers


def _whistle_link(case: Case) -> tuple[str, str]:
    return (str(_("Whistle the department that holds it")), f"{reverse('whistle-raise')}?case={case.pk}")


def item_not_held(context: FenceContext) -> Iterator[Finding]:
    case: Case = context["case"]
    for message in checks.holding_problems(case):
        yield Finding(
            rule=ITEM_NOT_HELD.code,
            message=message,
            facts={"item": case.item.code if case.item else "", "act_on": str(case.act_on)},
            links=(_whistle_link(case),),
        )


def officers_certified(context: FenceContext) -> Iterator[Finding]:
    case: Case = context["case"]
    on = context["on"]
    problems = checks.officer_problems(case, on, _officers(context))
    if problems:
        active = [o for o in _officers(context) if o.active]
        yield Finding(
            rule=OFFICERS_CERTIFIED.code,
            message=" ".join(problems),
            facts={"on": str(on), "officers": sorted(o.officer_id for o in active)},
        )


def limitation(context: FenceContext) -> Iterator[Finding]:
    case: Case = context["case"]
    for message in checks.limitation_problems(case, context["policy"]):
        yield Finding(
            rule=LIMITATION.code,
            message=message,
            facts={"act_end": str(case.act_end), "discovered_on": str(case.discovered_on)},
        )


def fine_statutory(context: FenceContext) -> Iterator[Finding]:
    case: Case = context["case"]
    item = checks.heavier_item(case)
    fine: Decimal | None = context.get("fine")
    if item is None or fine is None:
        return
    recommendation = context.get("recommendation")
    reduced = bool(recommendation is not None and recommendation.reduced)
    for message in checks.fine_range_problems(item, fine, reduced=reduced, values=case.amounts):
        yield Finding(rule=FINE_STATUTORY.code, message=message, facts={"fine": str(fine), "item": item.code})


def not_heard(context: FenceContext) -> Iterator[Finding]:
    case: Case = context["case"]
    for message in checks.heard_problems(case, context["on"]):
        yield Finding(
            rule=NOT_HEARD.code,
            message=message,
            facts={
                "notice_served_on": str(case.notice_served_on or ""),
                "reply_due": str(case.reply_due or ""),
                "rights_waived": case.rights_waived,
            },
        )


def reviewer_investigated(context: FenceContext) -> Iterator[Finding]:
    case: Case = context["case"]
    reviewer_id = context["reviewer_id"]
    for message in checks.reviewer_problems(case, reviewer_id):
        yield Finding(rule=REVIEWER_INVESTIGATED.code, message=message, facts={"reviewer": reviewer_id})


def review_without_evidence(context: FenceContext) -> Iterator[Finding]:
    case: Case = context["case"]
    if not context.get("review_reasons"):
        return  # straight to the decision: no legal review
    wanted = int(context.params(REVIEW_WITHOUT_EVIDENCE.code)["min_evidence"])
    if wanted == 0 or (wanted == 1 and not review.evidence_missing(case)):
        return
    count = case.evidence.count()
    if count >= wanted:
        return
    yield Finding(
        rule=REVIEW_WITHOUT_EVIDENCE.code,
        message=_(
            "The case goes to legal review with %(count)d piece(s) of evidence on file (at least %(wanted)d "
            "expected). Attach the evidence, or give the reason to send it as it is."
        )
        % {"count": count, "wanted": wanted},
        facts={"evidence": count, "min_evidence": wanted, "review_reasons": list(context["review_reasons"])},
    )


def decided_after_due(context: FenceContext) -> Iterator[Finding]:
    case: Case = context["case"]
    if case.decided_on is None or case.decision_due is None:
        return
    grace = int(context.params(DECIDED_AFTER_DUE.code)["grace_days"])
    late = (case.decided_on - case.decision_due).days
    if late > grace:
        yield Finding(
            rule=DECIDED_AFTER_DUE.code,
            message=_("Decided on %(decided)s, %(days)d day(s) after the deadline of %(due)s (art 60).")
            % {"decided": case.decided_on, "days": late, "due": case.decision_due},
            facts={"decided_on": str(case.decided_on), "decision_due": str(case.decision_due), "late": late},
        )


def evaluate_case_after_change(action: str, object_id: str) -> None:
    """The worker's half: after a case step commits, the rules that judge the committed result. Raises each
    warning once per (rule, case, action): a retried or repeated task changes nothing."""
    from enforcement.services import fence_findings_record

    from .deadlines import policy_for

    case = Case.objects.select_related("town").filter(pk=int(object_id)).first()
    if case is None:
        return
    findings = case_evaluate(
        "cases.after_change", case, policy=policy_for(case.district_id), step_action=action
    )
    if not findings:
        return
    from django.db import transaction

    with transaction.atomic():
        fence_findings_record(
            actor=None,
            action=f"cases.{action}",
            key=f"case:{case.pk}:after:{action}",
            findings=findings,
            town=case.town,
            obj=case,
            subject=case.subject,
            officer=case.decided_by,
        )


FACT_LABELS = {
    "act_on": pgettext_lazy("fence fact", "Date of the act"),
    "act_end": pgettext_lazy("fence fact", "End of the act"),
    "discovered_on": pgettext_lazy("fence fact", "Discovered on"),
    "on": pgettext_lazy("fence fact", "On"),
    "notice_served_on": pgettext_lazy("fence fact", "Notice served on"),
    "reply_due": pgettext_lazy("fence fact", "Statement or hearing request until"),
    "rights_waived": pgettext_lazy("fence fact", "Rights waived"),
    "evidence": pgettext_lazy("fence fact", "Evidence on file"),
    "min_evidence": pgettext_lazy("fence fact", "Evidence expected"),
    "review_reasons": pgettext_lazy("fence fact", "Why legal review"),
    "decided_on": pgettext_lazy("fence fact", "Decided on"),
    "decision_due": pgettext_lazy("fence fact", "Decision due"),
    "late": pgettext_lazy("fence fact", "Days late"),
    "links": pgettext_lazy("fence fact", "Suggestion"),
}


REVIEW_REASON_WORDS = {
    "hearing": pgettext_lazy("review reason", "a hearing was held"),
    "major_penalty": pgettext_lazy("review reason", "a heavy penalty or a large fine"),
    "major_or_complex": pgettext_lazy("review reason", "marked major or complex"),
}


def review_reason_words(code: str) -> str:
    return str(REVIEW_REASON_WORDS.get(code, code))


def register() -> None:
    from enforcement.fences import register_fact_labels, register_fact_values

    register_fact_labels(FACT_LABELS)
    register_fact_values({"review_reasons": review_reason_words})
    for rule in RULES:
        register_fence_rule(rule)
    for action in ("cases.file", "cases.notice", "cases.decision", "cases.on_spot"):
        register_fence_check(action, item_not_held)
        register_fence_check(action, officers_certified)
        register_fence_check(action, limitation)
    for action in ("cases.notice", "cases.decision", "cases.on_spot"):
        register_fence_check(action, fine_statutory)
    register_fence_check("cases.decision", not_heard)
    register_fence_check("cases.legal_review", reviewer_investigated)
    register_fence_check("cases.legal_review_submit", review_without_evidence)
    register_fence_check("cases.after_change", decided_after_due)
    register_after_change("cases.case", evaluate_case_after_change)


# What each workflow action checks, and the field that takes the reason to go past a warning.
ACTION_FENCES: dict[str, tuple[str, str]] = {
    "propose_filing": ("cases.file", ""),
    "approve_filing": ("cases.file", ""),
    "serve_notice": ("cases.notice", "deviation_reason"),
    "decide": ("cases.decision", "deviation_reason"),
    "on_spot": ("cases.on_spot", "deviation_reason"),
    "submit_for_decision": ("cases.legal_review_submit", "fence_reason"),
    "pass_review": ("cases.legal_review", ""),
    "return_review": ("cases.legal_review", ""),
}


def case_fence_preview(
    case: Case, action: str, data: Mapping[str, Any], *, actor: Any, policy: CasePolicy
) -> tuple[str, list[Finding]]:
    """What the fences would say if `action` were taken now with `data` (the action form's cleaned or raw
    values): for the form's live check (htmx) and the API's `fences` answer. Returns (reason field,
    findings); nothing is written."""
    from .selectors import case_recommendation

    fence_action, reason_field = ACTION_FENCES[action]
    today = clock.today()
    context: dict[str, Any] = {"actor": actor, "today": today}
    if fence_action in ("cases.notice", "cases.decision", "cases.on_spot"):
        kinds = list(data.get("penalty_kinds") or [])
        fine = _decimal(data.get("proposed_fine" if action == "serve_notice" else "fine"))
        factors = list(data.get("factors") or []) if action == "serve_notice" else None
        on = data.get("served_on" if action == "serve_notice" else "decided_on") or today
        if not isinstance(on, dt.date):
            on = _date(on) or today
        if "recommendation" in data:  # already computed by the caller for the same values
            recommendation = data["recommendation"]
        else:
            recommendation = case_recommendation(case, factors, on=on) if case.item_id else None
        context.update(
            on=on,
            kinds=kinds,
            fine=fine,
            recommendation=recommendation,
            reason=str(data.get("deviation_reason") or ""),
        )
    elif fence_action == "cases.legal_review_submit":
        context["review_reasons"] = checks.review_reasons(
            case, case.proposed_kinds, case.proposed_fine, policy, major=_truthy(data.get("major"))
        )
    elif fence_action == "cases.legal_review":
        context["reviewer_id"] = getattr(actor, "pk", None)
    else:
        context["on"] = today
    return reason_field, evaluate(fence_action, case_context(case, policy=policy, **context))


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    try:
        text = str(value).replace(",", "").strip()
        return Decimal(text) if text else None
    except ArithmeticError:
        return None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in {"1", "true", "on", "yes"}
