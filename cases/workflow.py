"""The penalty-case lifecycle as data: stages, actions, which stage each action leaves from and goes to, and
who may take it. No ORM here; the legal guards that need the database live in `checks.py`, and
`lifecycle.case_act` is the one place that moves a case.

    lead ─start_check─> checking ─propose_filing─> filing_review ─approve_filing─> investigating
      │                   │  └──decline_filing──> not_filed         └─reject_filing─> checking
      └─on_spot (简易程序)─> served                                                       │
    investigating ─order_correction─> correcting ─confirm_correction─> closed (art 33, no penalty)
         │                                  └─correction_failed─> investigating
         └─serve_notice(告知)─> notified ─request_hearing─> hearing ─finish_hearing─> legal_review
                                   └─submit_for_decision─> legal_review (where required) ─pass_review─>
                                   deciding
                                                        └> deciding ─decide─> decided ─serve_decision─> served
    served ─record_payment / record_enforcement─> executed ─close─> closed ─archive─> archived
    deciding ─decide_no_penalty─> closed;   legal_review ─return_review─> investigating
    deciding ─return_decision─> investigating (sent back: investigate further, notify again)
    transfer (移送: the town does not hold the item) and withdraw leave from any open stage before a decision;
    revoke_decision (撤销处罚决定) from any stage after one, to withdrawn (a published decision comes down).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.workflow import Transition as BaseTransition
from enforcement.workflow import Workflow


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead (线索)")
    CHECKING = "checking", _("Checking (核查)")
    FILING_REVIEW = "filing_review", _("Awaiting filing approval (立案审批)")
    NOT_FILED = "not_filed", _("Not filed (不予立案)")
    INVESTIGATING = "investigating", _("Investigating (调查取证)")
    CORRECTING = "correcting", _("Ordered to correct (责令改正)")
    NOTIFIED = "notified", _("Notice served (告知)")
    HEARING = "hearing", _("Hearing (听证)")
    LEGAL_REVIEW = "legal_review", _("Legal review (法制审核)")
    DECIDING = "deciding", _("Awaiting decision (待决定)")
    DECIDED = "decided", _("Decided, to be served (已决定)")
    SERVED = "served", _("Served, awaiting execution (已送达)")
    EXECUTED = "executed", _("Executed (已执行)")
    CLOSED = "closed", pgettext_lazy("case stage", "Closed (结案)")
    ARCHIVED = "archived", _("Archived (归档)")
    TRANSFERRED = "transferred", _("Transferred (移送)")
    WITHDRAWN = "withdrawn", _("Withdrawn (撤销)")


class Action(models.TextChoices):
    START_CHECK = "start_check", _("Start checking")
    PROPOSE_FILING = "propose_filing", _("Propose filing (立案)")
    APPROVE_FILING = "approve_filing", _("Approve filing")
    REJECT_FILING = "reject_filing", _("Send back to checking")
    DECLINE_FILING = "decline_filing", _("Do not file (不予立案)")
    ORDER_CORRECTION = "order_correction", _("Order to correct (责令改正)")
    CONFIRM_CORRECTION = "confirm_correction", _("Corrected: close without penalty")
    CORRECTION_FAILED = "correction_failed", _("Not corrected: continue the case")
    SERVE_NOTICE = "serve_notice", _("Serve the notice of proposed penalty (告知)")
    RECORD_STATEMENT = "record_statement", _("Record the party's statement or defence (陈述申辩)")
    WAIVE_RIGHTS = "waive_rights", _("Record that the party waives statement and hearing")
    REQUEST_HEARING = "request_hearing", _("Record a hearing request (听证申请)")
    SCHEDULE_HEARING = "schedule_hearing", _("Schedule the hearing")
    FINISH_HEARING = "finish_hearing", _("Record the hearing held")
    SUBMIT_FOR_DECISION = "submit_for_decision", _("Submit for decision")
    PASS_REVIEW = "pass_review", _("Legal review: approve (法制审核通过)")
    RETURN_REVIEW = "return_review", _("Legal review: send back")
    DECIDE = "decide", _("Decide the penalty (处罚决定)")
    DECIDE_NO_PENALTY = "decide_no_penalty", _("Decide no penalty (不予处罚)")
    RETURN_DECISION = "return_decision", _("Send back for further investigation")
    SERVE_DECISION = "serve_decision", _("Record service of the decision (送达)")
    RECORD_PAYMENT = "record_payment", _("Record payment (缴款)")
    RECORD_ENFORCEMENT = "record_enforcement", _("Record compulsory execution")
    CLOSE = "close", _("Close the case (结案)")
    ARCHIVE = "archive", _("Archive (归档)")
    ON_SPOT = "on_spot", _("Decide on the spot (简易程序)")
    TRANSFER = "transfer", _("Transfer to a department (移送)")
    WITHDRAW = "withdraw", _("Withdraw the case (撤销)")
    REVOKE_DECISION = "revoke_decision", _("Revoke the decision (撤销处罚决定)")
    PAUSE = "pause", _("Pause the decision period (testing, appraisal)")
    RESUME = "resume", _("Resume the decision period")
    EXTEND = "extend", _("Extend the decision period by 30 days")


class Actor(models.TextChoices):
    """Who takes an action: a handling officer of the case, the town's supervisor (负责人), a legal
    reviewer."""

    HANDLER = "handler", _("Handling officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    REVIEWER = "reviewer", _("Legal reviewer")


OPEN_BEFORE_DECISION: frozenset[Stage] = frozenset(
    {
        Stage.LEAD,
        Stage.CHECKING,
        Stage.FILING_REVIEW,
        Stage.INVESTIGATING,
        Stage.CORRECTING,
        Stage.NOTIFIED,
        Stage.HEARING,
        Stage.LEGAL_REVIEW,
        Stage.DECIDING,
    }
)
TERMINAL: frozenset[Stage] = frozenset({Stage.NOT_FILED, Stage.ARCHIVED, Stage.TRANSFERRED, Stage.WITHDRAWN})
# The 90-day decision clock (art 60) runs from filing until a decision; it pauses for hearing, testing,
# appraisal.
DECISION_CLOCK: frozenset[Stage] = frozenset(
    {Stage.INVESTIGATING, Stage.CORRECTING, Stage.NOTIFIED, Stage.HEARING, Stage.LEGAL_REVIEW, Stage.DECIDING}
)
# A decision exists (a penalty, or no penalty after education): the party's history and "one act, one fine".
DECIDED_STAGES: frozenset[Stage] = frozenset(
    {Stage.DECIDED, Stage.SERVED, Stage.EXECUTED, Stage.CLOSED, Stage.ARCHIVED}
)
# Nothing is left to do but archive, or nothing at all: not "open" in lists and panels.
FINISHED: frozenset[Stage] = TERMINAL | {Stage.CLOSED}


@dataclass(frozen=True)
class Transition(BaseTransition[Action, Stage]):
    """A case's action (target None: the case stays where it is, the action records a step such as a
    statement)."""

    actor: Actor
    danger: bool = False  # shown apart, asks for confirmation


def _t(
    action: Action,
    sources: set[Stage] | frozenset[Stage],
    target: Stage | None,
    actor: Actor,
    danger: bool = False,
) -> Transition:
    return Transition(action, frozenset(sources), target, actor, danger)


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        _t(Action.START_CHECK, {Stage.LEAD}, Stage.CHECKING, Actor.HANDLER),
        _t(Action.ON_SPOT, {Stage.LEAD, Stage.CHECKING}, Stage.SERVED, Actor.HANDLER),
        _t(Action.PROPOSE_FILING, {Stage.CHECKING}, Stage.FILING_REVIEW, Actor.HANDLER),
        _t(Action.DECLINE_FILING, {Stage.LEAD, Stage.CHECKING}, Stage.NOT_FILED, Actor.HANDLER, danger=True),
        _t(Action.APPROVE_FILING, {Stage.FILING_REVIEW}, Stage.INVESTIGATING, Actor.SUPERVISOR),
        _t(Action.REJECT_FILING, {Stage.FILING_REVIEW}, Stage.CHECKING, Actor.SUPERVISOR),
        _t(Action.ORDER_CORRECTION, {Stage.INVESTIGATING}, Stage.CORRECTING, Actor.HANDLER),
        _t(Action.CONFIRM_CORRECTION, {Stage.CORRECTING}, Stage.CLOSED, Actor.HANDLER),
        _t(Action.CORRECTION_FAILED, {Stage.CORRECTING}, Stage.INVESTIGATING, Actor.HANDLER),
        _t(Action.SERVE_NOTICE, {Stage.INVESTIGATING}, Stage.NOTIFIED, Actor.HANDLER),
        _t(Action.RECORD_STATEMENT, {Stage.NOTIFIED}, None, Actor.HANDLER),
        _t(Action.WAIVE_RIGHTS, {Stage.NOTIFIED}, None, Actor.HANDLER),
        _t(Action.REQUEST_HEARING, {Stage.NOTIFIED}, Stage.HEARING, Actor.HANDLER),
        _t(Action.SCHEDULE_HEARING, {Stage.HEARING}, None, Actor.HANDLER),
        _t(Action.FINISH_HEARING, {Stage.HEARING}, Stage.LEGAL_REVIEW, Actor.HANDLER),
        _t(
            Action.SUBMIT_FOR_DECISION, {Stage.NOTIFIED}, Stage.DECIDING, Actor.HANDLER
        ),  # or LEGAL_REVIEW: see target_of
        _t(Action.PASS_REVIEW, {Stage.LEGAL_REVIEW}, Stage.DECIDING, Actor.REVIEWER),
        _t(Action.RETURN_REVIEW, {Stage.LEGAL_REVIEW}, Stage.INVESTIGATING, Actor.REVIEWER),
        _t(Action.DECIDE, {Stage.DECIDING}, Stage.DECIDED, Actor.SUPERVISOR),
        _t(Action.DECIDE_NO_PENALTY, {Stage.DECIDING}, Stage.CLOSED, Actor.SUPERVISOR),
        _t(Action.RETURN_DECISION, {Stage.DECIDING}, Stage.INVESTIGATING, Actor.SUPERVISOR),
        _t(Action.SERVE_DECISION, {Stage.DECIDED}, Stage.SERVED, Actor.HANDLER),
        _t(Action.RECORD_PAYMENT, {Stage.SERVED}, Stage.EXECUTED, Actor.HANDLER),
        _t(Action.RECORD_ENFORCEMENT, {Stage.SERVED}, Stage.EXECUTED, Actor.HANDLER),
        _t(Action.CLOSE, {Stage.EXECUTED}, Stage.CLOSED, Actor.SUPERVISOR),
        _t(Action.ARCHIVE, {Stage.CLOSED}, Stage.ARCHIVED, Actor.SUPERVISOR),
        _t(
            Action.TRANSFER,
            {Stage.LEAD, Stage.CHECKING, Stage.INVESTIGATING},
            Stage.TRANSFERRED,
            Actor.SUPERVISOR,
            danger=True,
        ),
        _t(Action.WITHDRAW, OPEN_BEFORE_DECISION, Stage.WITHDRAWN, Actor.SUPERVISOR, danger=True),
        # A decision found wrong (reconsideration, a court, or the organ's own correction): the case ends
        # withdrawn, and a published decision comes down in the same transaction (publication.py).
        _t(
            Action.REVOKE_DECISION,
            {Stage.DECIDED, Stage.SERVED, Stage.EXECUTED, Stage.CLOSED},
            Stage.WITHDRAWN,
            Actor.SUPERVISOR,
            danger=True,
        ),
        _t(Action.PAUSE, DECISION_CLOCK, None, Actor.SUPERVISOR),
        _t(Action.RESUME, DECISION_CLOCK, None, Actor.SUPERVISOR),
        _t(Action.EXTEND, DECISION_CLOCK, None, Actor.SUPERVISOR),
    )
}


def _refuse(action: str, stage: str) -> str:
    if action not in Action.values:
        return _("Unknown action “%(action)s”.") % {"action": action}
    return _("“%(action)s” is not possible when the case is at “%(stage)s”.") % {
        "action": Action(action).label,
        "stage": Stage(stage).label,
    }


WORKFLOW: Workflow[Transition] = Workflow(TRANSITIONS.values(), refuse=_refuse)
check_transition = WORKFLOW.check_transition
actions_from = WORKFLOW.actions_from


# --- the stage progress bar on the case page ----------------------------------------------------------------

# The steps a penalty case goes through as people name them, and the stages that are "at" each step.
PROGRESS_STEPS: tuple[tuple[str, object, frozenset[Stage]], ...] = (
    ("lead", _("Lead"), frozenset({Stage.LEAD, Stage.CHECKING})),
    ("filed", _("Filing"), frozenset({Stage.FILING_REVIEW})),
    ("investigation", _("Investigation"), frozenset({Stage.INVESTIGATING, Stage.CORRECTING})),
    ("notice", _("Notice"), frozenset({Stage.NOTIFIED})),
    ("hearing", _("Hearing"), frozenset({Stage.HEARING})),
    ("decision", _("Decision"), frozenset({Stage.LEGAL_REVIEW, Stage.DECIDING})),
    ("service", _("Service"), frozenset({Stage.DECIDED})),
    ("execution", _("Execution"), frozenset({Stage.SERVED})),
    ("closed", _("Closed / archived"), frozenset({Stage.EXECUTED, Stage.CLOSED, Stage.ARCHIVED})),
)
STEP_STATES = {
    "done": _("done"),
    "current": _("current step"),
    "todo": _("not reached yet"),
    "skipped": _("not needed"),
    "ended": _("the case ended here"),
}


@dataclass(frozen=True)
class ProgressStep:
    key: str
    label: object
    state: str  # done, current, todo, skipped, ended

    @property
    def state_label(self) -> object:
        return STEP_STATES[self.state]


def progress_steps(stage: str, reached: frozenset[str], *, with_hearing: bool) -> list[ProgressStep]:
    """The bar for a case at `stage` that has reached the steps in `reached` (from its dates: filed, notice
    served, decided ...). Steps passed without being reached (the simple procedure, a correction that closed
    the case) are "not needed"; a case that ended off the path (not filed, transferred, withdrawn) ends at the
    last step it reached. The hearing step shows only where a hearing was requested."""
    steps = [s for s in PROGRESS_STEPS if with_hearing or s[0] != "hearing"]
    keys = [key for key, _label, _stages in steps]
    current = next((i for i, (_k, _l, stages) in enumerate(steps) if stage in stages), None)
    ended = current is None
    if current is None:
        current = max((keys.index(k) for k in reached if k in keys), default=0)
    out = []
    for index, (key, label, _stages) in enumerate(steps):
        if index < current:
            state = "done" if key in reached or key == "lead" else "skipped"
        elif index == current:
            state = "ended" if ended else ("done" if stage == Stage.ARCHIVED else "current")
        else:
            state = "todo"
        out.append(ProgressStep(key, label, state))
    return out
