"""What a supervisor approves (审批): the request summarised on one card before the approve button, namely the
officer's proposal, the facts found, the item and the benchmark, the evidence, the draft document and the
deadlines; and what the officer learns when it comes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import document_text
from .deadlines import DeadlineRow, deadline_rows
from .models import Case, CaseDocument, CaseEvent, Evidence
from .workflow import Action, Stage

# The steps that ask for each approval: the officer's request, not the reviewer's pass on the way.
REQUESTS: dict[str, tuple[str, ...]] = {
    Stage.FILING_REVIEW: (Action.PROPOSE_FILING,),
    Stage.DECIDING: (Action.SUBMIT_FOR_DECISION, Action.FINISH_HEARING),
    Stage.EXECUTED: (Action.RECORD_PAYMENT, Action.RECORD_ENFORCEMENT, Action.SERVE_DECISION),
    Stage.CLOSED: (Action.CLOSE,),
}
# Stage awaiting approval -> (what is asked, the actions that answer it, the draft to preview).
ASKED: dict[str, tuple[Any, tuple[str, ...], str]] = {
    Stage.FILING_REVIEW: (
        _("Filing (立案审批)"),
        (Action.APPROVE_FILING, Action.REJECT_FILING),
        CaseDocument.Kind.FILING_APPROVAL,
    ),
    Stage.DECIDING: (
        _("Penalty decision (处罚决定)"),
        (Action.DECIDE, Action.RETURN_DECISION),
        CaseDocument.Kind.DECISION,
    ),
    Stage.EXECUTED: (_("Closing (结案审批)"), (Action.CLOSE,), CaseDocument.Kind.CLOSING_APPROVAL),
    Stage.CLOSED: (_("Archiving (归档)"), (Action.ARCHIVE,), ""),
}
SENT_BACK = (Action.REJECT_FILING, Action.RETURN_REVIEW, Action.RETURN_DECISION)
SENT_BACK_TO = frozenset({Stage.CHECKING, Stage.INVESTIGATING})


@dataclass
class ApprovalCard:
    asked: Any
    actions: tuple[str, ...]
    preview_kind: str
    proposed_by: str
    proposed_at: Any
    proposal: str
    note: str
    facts: str
    benchmark: str
    evidence: list[Evidence] = field(default_factory=list)
    deadlines: list[DeadlineRow] = field(default_factory=list)


def person(user: Any) -> str:
    """A person as people call them: the full name, the username only when there is none."""
    if user is None:
        return ""
    return str(getattr(user, "full_name", "") or user.get_full_name() or user.username)


def penalty_summary(case: Case, kinds: list[str], fine: Any) -> str:
    """The penalties as a page says them, in the one money format of pages (enforcement.money: "Fine (罚款)
    2,750元"); the draft decision beside the card words them as the document does, amounts in capitals."""
    from authority.penalties import PenaltyKind
    from enforcement.money import yuan

    labels = dict(PenaltyKind.choices)
    english = _english()
    gap, sep = (" ", "; ") if english else ("", "；")

    def aside(text: str) -> str:
        return f" ({text})" if english else f"（{text}）"

    particulars = case.penalty_particulars or {}
    parts = []
    for kind in kinds or []:
        label = str(labels.get(kind, kind))
        if kind == PenaltyKind.FINE and fine is not None:
            parts.append(f"{label}{gap}{yuan(fine)}")
        elif kind == PenaltyKind.CONFISCATE_GAINS and case.illegal_gains is not None:
            parts.append(f"{label}{gap}{yuan(case.illegal_gains)}")
        elif kind == PenaltyKind.CONFISCATE_PROPERTY and case.confiscated_value is not None:
            parts.append(
                f"{label}{gap}{case.confiscated_property.strip()}{aside(yuan(case.confiscated_value))}"
            )
        elif str(particulars.get(kind) or "").strip():
            parts.append(f"{label}{aside(str(particulars[kind]).strip())}")
        else:
            parts.append(label)
    if not parts and fine:
        parts.append(f"{labels[PenaltyKind.FINE]}{gap}{yuan(fine)}")
    return sep.join(parts)


def _proposal(case: Case) -> str:
    if case.stage == Stage.FILING_REVIEW:
        item = case.item.name_zh if case.item else case.title
        return str(_("File the case and investigate: %(item)s")) % {"item": item}
    if case.stage == Stage.DECIDING:
        text = penalty_summary(case, case.proposed_kinds, case.proposed_fine) or "—"
        return str(_("Penalty as notified: %(penalty)s")) % {"penalty": text}
    if case.stage == Stage.EXECUTED:
        return str(_("The decision is carried out: close the case."))
    return str(_("The case is closed: archive its file."))


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


def approval_card(case: Case) -> ApprovalCard | None:
    """The card for a case waiting for a supervisor's approval (None at any other stage)."""
    asked = ASKED.get(Stage(case.stage))
    if asked is None:
        return None
    label, actions, preview = asked
    requests = CaseEvent.objects.filter(case=case, action__in=REQUESTS[Stage(case.stage)])
    request = requests.select_related("actor").order_by("-at", "-pk").first()
    record = case.recommendation or {}
    return ApprovalCard(
        asked=label,
        actions=actions,
        preview_kind=preview,
        proposed_by=person(request.actor) if request else "",
        proposed_at=request.at if request else None,
        proposal=_proposal(case),
        note=request.note if request else "",
        facts=document_text.findings_text(case),
        benchmark=str(record.get("summary_en" if _english() else "summary") or record.get("summary") or ""),
        evidence=[e for e in case.evidence.all() if e.kind == Evidence.Kind.PHOTO][:6],
        deadlines=[row for row in deadline_rows(case) if not row.done],
    )


def last_sent_back(case: Case) -> CaseEvent | None:
    """The latest refusal, if it is the case's latest step: what the handling officers must now answer."""
    last = (
        CaseEvent.objects.filter(case=case)
        .exclude(action__in=("document", "evidence"))
        .order_by("-at", "-pk")
    )
    event = last.select_related("actor").first()
    return event if event is not None and event.action in SENT_BACK else None


def _names(case: Case, role: str) -> str:
    from enforcement.models import ROLE_GROUP_PREFIX, User

    people = User.objects.filter(unit=case.town, is_active=True, groups__name=f"{ROLE_GROUP_PREFIX}{role}")
    return "、".join(sorted({person(p) for p in people})[:3]) or str(_("the town's supervisor"))


def next_step_message(case: Case, action: str, actor: Any) -> str:
    """What happens next and who acts, for the message after an action ("已提交，等待队长刘洋审批")."""
    from enforcement.models import Role

    stage = case.stage
    if action in SENT_BACK:
        return str(_("Sent back to the handling officers with your reason; they see it on the case."))
    if stage in (Stage.FILING_REVIEW, Stage.DECIDING, Stage.EXECUTED, Stage.CLOSED) and action not in (
        Action.CLOSE,
        Action.DECIDE_NO_PENALTY,
        Action.CONFIRM_CORRECTION,
    ):
        return str(_("Submitted: waiting for approval by %(who)s.")) % {"who": _names(case, Role.SUPERVISOR)}
    if stage == Stage.LEGAL_REVIEW:
        return str(_("Submitted for legal review by %(who)s.")) % {"who": _names(case, Role.LEGAL_REVIEWER)}
    if stage == Stage.NOTIFIED and action == Action.SERVE_NOTICE and case.reply_due:
        return str(
            _("Notice recorded. The party may state their case until %(date)s; then submit for decision.")
        ) % {"date": case.reply_due.isoformat()}
    if stage == Stage.DECIDED:
        return str(_("Decided. Serve the decision on the party by %(date)s.")) % {
            "date": case.service_due.isoformat() if case.service_due else "—"
        }
    return ""


# --- the approvals queue ------------------------------------------------------------------------------------

QUEUE_ORDER = (Stage.FILING_REVIEW, Stage.DECIDING, Stage.EXECUTED, Stage.CLOSED)
QUEUE_LIMIT = 200  # per group; the most urgent first
ARCHIVE_BATCH_MAX = 100


@dataclass
class QueueRow:
    case: Case
    label: str  # which deadline ("Check deadline"); empty when the request has none (archiving)
    urgency: str  # overdue, soon (within 2 working days), later, or "" (no deadline)


@dataclass
class QueueGroup:
    stage: str
    asked: Any
    rows: list[QueueRow]
    more: bool  # more than QUEUE_LIMIT wait: only the most urgent are listed

    @property
    def batch_archive(self) -> bool:
        """Archiving is the one request the law lets a supervisor answer for several cases at once."""
        return self.stage == Stage.CLOSED


def approval_queue(*, user: Any, today: Any = None) -> list[QueueGroup]:
    """What waits for the user's approval, grouped by what is asked (filing, decision, closing,
    archiving), each group ordered by deadline (the nearest first, none last). Page and API read it alike."""
    from enforcement.deadline_text import urgency

    from . import clock
    from .deadlines import next_due_label
    from .selectors import awaiting_approval_for

    day = today or clock.today()
    groups = []
    for stage in QUEUE_ORDER:
        cases = list(awaiting_approval_for(user=user).filter(stage=stage)[: QUEUE_LIMIT + 1])
        rows = [
            QueueRow(
                case=c,
                label=next_due_label(c) if c.next_due else "",
                urgency=urgency(c.next_due, today=day) if c.next_due else "",
            )
            for c in cases[:QUEUE_LIMIT]
        ]
        groups.append(QueueGroup(stage, ASKED[stage][0], rows, more=len(cases) > QUEUE_LIMIT))
    return groups


@dataclass
class BatchRefusal:
    case_id: int
    number: str
    detail: str


@dataclass
class BatchResult:
    archived: list[Case] = field(default_factory=list)
    refused: list[BatchRefusal] = field(default_factory=list)


def cases_archive(*, actor: Any, case_ids: list[int], archive_ref: str) -> BatchResult:
    """Archive several closed cases in one go (归档). Each case is archived in its own transaction,
    through the same action as one at a time (`lifecycle.case_act`: its checks, timeline event and audit
    row), so one that is refused (not closed any more, not yours, someone else archived it first) does not
    hold back the others; each refusal is returned with its reason. A case the user may not see is refused
    as not found."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404

    from enforcement.workflow import InvalidTransition, StaleObject

    from . import lifecycle
    from .selectors import case_get_for

    result = BatchResult()
    for pk in dict.fromkeys(case_ids):  # once each, in the order given
        try:
            case = case_get_for(user=actor, pk=pk)
        except Http404:
            result.refused.append(BatchRefusal(pk, "", str(_("No such case, or not one of yours."))))
            continue
        try:
            lifecycle.case_act(
                actor=actor,
                case=case,
                action=Action.ARCHIVE,
                data={"archive_ref": archive_ref, "version": case.version},
            )
        except PermissionDenied:
            detail = str(_("You may not archive this case."))
        except ValidationError as exc:
            detail = " ".join(str(m) for m in exc.messages)
        except (InvalidTransition, StaleObject) as exc:
            detail = str(exc)
        else:
            result.archived.append(case)
            continue
        result.refused.append(BatchRefusal(pk, case.reference, detail))
    return result
