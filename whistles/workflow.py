"""The whistle lifecycle as data: states, actions, who may take them, and the default deadlines. No ORM here.

A whistle request (吹哨) is sent to one or more district departments; each department's part is an
*assignment* with its own lifecycle:

    sent ──acknowledge(报到)──> acknowledged ──arrive──> on_site ──handle──> handled ──confirm(+rating)──>
    closed
      │                            │                       │   ^                │
      └─────────── return(退回, reason + text) ────────────┘   └──── reopen ─────┘
                                   │
                  returned ──overrule (re-send: new deadlines)──> sent
                           └─uphold──> return_upheld

The town may withdraw the whole whistle while it is open (every open assignment becomes `cancelled`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.workflow import Transition as BaseTransition
from enforcement.workflow import Workflow


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


class Reason(models.TextChoices):
    NO_POWER = "no_power", _("No power: the item belongs to a district department")
    EXPERTISE = "expertise", _("Needs the department's expertise or equipment")
    EMERGENCY = "emergency", _("Emergency")
    JOINT_ACTION = "joint_action", _("Joint action of several departments")


class ReturnReason(models.TextChoices):
    """The only grounds on which a department may send a whistle back (退回). Each needs an explanation
    too."""

    NOT_OUR_COMPETENCE = (
        "not_our_competence",
        _("Not within this department's competence (another department's)"),
    )
    TOWN_HOLDS_POWER = "town_holds_power", _("The town holds this power itself (territorial responsibility)")
    INSUFFICIENT_INFORMATION = "insufficient_information", _("Not enough information to act")
    DUPLICATE = "duplicate", _("Duplicate of another whistle")
    ALREADY_RESOLVED = "already_resolved", _("Already resolved before the department arrived")
    OTHER = "other", _("Other (explain)")


class WhistleStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("whistle status", "Open")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Status(models.TextChoices):
    """The state of one department's assignment."""

    SENT = "sent", _("Waiting for check-in")
    ACKNOWLEDGED = "acknowledged", _("Checked in (报到)")
    ON_SITE = "on_site", _("On site / handling")
    HANDLED = "handled", _("Handled, awaiting the town's confirmation")
    CLOSED = "closed", _("Confirmed and closed")
    RETURNED = "returned", _("Returned (退回), awaiting review")
    RETURN_UPHELD = "return_upheld", _("Return upheld")
    CANCELLED = "cancelled", _("Withdrawn by the town")


OPEN_STATUSES: frozenset[str] = frozenset(
    {Status.SENT, Status.ACKNOWLEDGED, Status.ON_SITE, Status.HANDLED, Status.RETURNED}
)
TERMINAL_STATUSES: frozenset[str] = frozenset({Status.CLOSED, Status.RETURN_UPHELD, Status.CANCELLED})
# Where the department still owes work (its inbox); HANDLED waits for the town, RETURNED for the district.
DEPARTMENT_WORK: frozenset[str] = frozenset({Status.SENT, Status.ACKNOWLEDGED, Status.ON_SITE})


class Side(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    TOWN = "town", _("Town")
    DISTRICT = "district", _("District administrator")


class Action(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Check in (报到)")
    ARRIVE = "arrive", _("On site / start handling")
    HANDLE = "handle", _("Report as handled")
    RETURN = "return", _("Return (退回)")
    CONFIRM = "confirm", _("Confirm and rate")
    REOPEN = "reopen", _("Not resolved: reopen")
    OVERRULE = "overrule", _("Overrule the return and re-send")
    UPHOLD = "uphold", _("Uphold the return")
    CANCEL = "cancel", _("Withdraw")


@dataclass(frozen=True)
class Transition(BaseTransition[Action, Status]):
    """An assignment's action: from which statuses, to which, and which side takes it."""

    side: Side


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        Transition(Action.ACKNOWLEDGE, frozenset({Status.SENT}), Status.ACKNOWLEDGED, Side.DEPARTMENT),
        Transition(Action.ARRIVE, frozenset({Status.ACKNOWLEDGED}), Status.ON_SITE, Side.DEPARTMENT),
        Transition(Action.HANDLE, frozenset({Status.ON_SITE}), Status.HANDLED, Side.DEPARTMENT),
        Transition(
            Action.RETURN,
            frozenset({Status.SENT, Status.ACKNOWLEDGED, Status.ON_SITE}),
            Status.RETURNED,
            Side.DEPARTMENT,
        ),
        Transition(Action.CONFIRM, frozenset({Status.HANDLED}), Status.CLOSED, Side.TOWN),
        Transition(Action.REOPEN, frozenset({Status.HANDLED}), Status.ON_SITE, Side.TOWN),
        Transition(Action.OVERRULE, frozenset({Status.RETURNED}), Status.SENT, Side.DISTRICT),
        Transition(Action.UPHOLD, frozenset({Status.RETURNED}), Status.RETURN_UPHELD, Side.DISTRICT),
        Transition(
            Action.CANCEL,
            frozenset({Status.SENT, Status.ACKNOWLEDGED, Status.ON_SITE, Status.HANDLED, Status.RETURNED}),
            Status.CANCELLED,
            Side.TOWN,
        ),
    ]
}


def _refuse(action: str, status: str) -> str:
    """The refusal names the state by its label (an assignment's, or the whistle's), not its internal name."""
    label = (
        Status(status).label
        if status in Status.values
        else WhistleStatus(status).label
        if status in WhistleStatus.values
        else status
    )
    if action in Action.values:
        return _("“%(action)s” is not possible while the assignment is “%(status)s”.") % {
            "action": Action(action).label,
            "status": label,
        }
    return _("Not possible while it is “%(status)s”.") % {"status": label}


WORKFLOW: Workflow[Transition] = Workflow(TRANSITIONS.values(), refuse=_refuse)
check_transition = WORKFLOW.check_transition
actions_from = WORKFLOW.actions_from


# --- deadlines ----------------------------------------------------------------------------------------------


class Step(models.TextChoices):
    """The three promises a department makes; each has a deadline counted from when the whistle was sent."""

    CHECK_IN = "check_in", _("check-in")
    ON_SITE = "on_site", _("on site")
    HANDLE = "handle", _("handled")


# The statuses in which each step is still owed. Once the department moves past it, the clock for that step
# stops.
STEP_OWED_IN: dict[Step, frozenset[str]] = {
    Step.CHECK_IN: frozenset({Status.SENT}),
    Step.ON_SITE: frozenset({Status.SENT, Status.ACKNOWLEDGED}),
    Step.HANDLE: frozenset({Status.SENT, Status.ACKNOWLEDGED, Status.ON_SITE}),
}


class AlertLevel(models.TextChoices):
    REMIND = "remind", _("Reminder before the deadline")
    OVERDUE = "overdue", _("Deadline passed")
    ESCALATE = "escalate", _("Escalated to the district")


ALERT_ORDER = [AlertLevel.REMIND, AlertLevel.OVERDUE, AlertLevel.ESCALATE]


@dataclass(frozen=True)
class Deadlines:
    """How long a department has for each step, counted from sending; when to remind and when to escalate."""

    check_in: dt.timedelta
    on_site: dt.timedelta
    handle: dt.timedelta
    remind_before: dt.timedelta
    escalate_after: dt.timedelta

    def due(self, step: Step) -> dt.timedelta:
        return {Step.CHECK_IN: self.check_in, Step.ON_SITE: self.on_site, Step.HANDLE: self.handle}[step]


def _h(hours: float) -> dt.timedelta:
    return dt.timedelta(hours=hours)


# Defaults; a district overrides them per urgency (DeadlinePolicy rows). Calendar time: an emergency does not
# wait for Monday.
DEFAULT_DEADLINES: dict[Urgency, Deadlines] = {
    Urgency.EMERGENCY: Deadlines(
        check_in=dt.timedelta(minutes=30),
        on_site=_h(2),
        handle=_h(24),
        remind_before=dt.timedelta(minutes=10),
        escalate_after=dt.timedelta(minutes=30),
    ),
    Urgency.URGENT: Deadlines(
        check_in=_h(4), on_site=_h(24), handle=_h(72), remind_before=_h(1), escalate_after=_h(4)
    ),
    Urgency.NORMAL: Deadlines(
        check_in=_h(24), on_site=_h(72), handle=_h(7 * 24), remind_before=_h(4), escalate_after=_h(24)
    ),
}


def alert_times(
    *, due: dt.datetime, remind_before: dt.timedelta, escalate_after: dt.timedelta
) -> dict[AlertLevel, dt.datetime]:
    return {
        AlertLevel.REMIND: due - remind_before,
        AlertLevel.OVERDUE: due,
        AlertLevel.ESCALATE: due + escalate_after,
    }
