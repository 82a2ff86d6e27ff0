"""The inspection-task lifecycle as data: states, actions, allowed transitions. No ORM here.

    draft ──publish(任务发布: invitations go out)──> published ──approve(检查方案 approved by the unit
    head)──> approved
      │                                               │                                                     │
      │                                               └──────────────── cancel (reason) ───────────────────┤
      │
      enter
      └── enter (即时 only: on the spot, the approval is recorded afterwards with a reason) ──> on_site <──┘
                                                                                                  │
                                         on_site ──finish (every point answered)──> checked ──close──> closed

A task that joins another unit's visit (the plan merge) ends as `merged`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.workflow import Transition as BaseTransition
from enforcement.workflow import Workflow


class TaskKind(models.TextChoices):
    ROUTINE = "routine", _("Routine (日常)")
    SPECIAL = "special", _("Special campaign (专项)")
    CLUE = "clue", _("Checking a complaint or referral (线索核查)")
    IMMEDIATE = "immediate", _("On the spot (即时)")


class Exemption(models.TextChoices):
    """Why a visit does not count against the frequency cap (recorded on the task)."""

    NONE = "", _("Not exempt")
    COMPLAINT = "complaint", _("Checking a complaint or referral")
    RECHECK = "recheck", _("Re-check of a rectification")
    REQUESTED = "requested", _("Asked for by the business")
    PERMIT = "permit", _("Permit check")


class Scenario(models.TextChoices):
    RESTAURANT = "restaurant", _("Restaurant")
    BUILDING_SITE = "building_site", _("Building site")
    RESIDENTIAL_ESTATE = "residential_estate", _("Residential estate")
    STREET_SHOP = "street_shop", _("Street shop")
    WAREHOUSE = "warehouse", _("Warehouse")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


class TaskStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("inspection", "Draft")
    PUBLISHED = "published", _("Published, departments invited")
    APPROVED = "approved", _("Plan approved")
    ON_SITE = "on_site", _("On site")
    CHECKED = "checked", _("Checked, findings to handle")
    CLOSED = "closed", pgettext_lazy("inspection", "Closed")
    CANCELLED = "cancelled", _("Cancelled")
    MERGED = "merged", _("Joined another visit")


class PointResult(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    NOT_CHECKED = "not_checked", _("Not checked")


class Action(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    APPROVE = "approve", _("Approve the plan")
    ENTER = "enter", _("Enter the premises")
    FINISH = "finish", _("Finish the check")
    CLOSE = "close", _("Close")
    CANCEL = "cancel", _("Cancel")
    MERGE = "merge", _("Join another visit")


@dataclass(frozen=True)
class Transition(BaseTransition[Action, TaskStatus]):
    """An inspection task's action: from which statuses, to which."""


# Where each action may start from, and where it leads.
TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        Transition(Action.PUBLISH, frozenset({TaskStatus.DRAFT}), TaskStatus.PUBLISHED),
        Transition(Action.APPROVE, frozenset({TaskStatus.PUBLISHED}), TaskStatus.APPROVED),
        Transition(Action.ENTER, frozenset({TaskStatus.APPROVED}), TaskStatus.ON_SITE),
        Transition(Action.FINISH, frozenset({TaskStatus.ON_SITE}), TaskStatus.CHECKED),
        Transition(Action.CLOSE, frozenset({TaskStatus.CHECKED}), TaskStatus.CLOSED),
        Transition(
            Action.CANCEL,
            frozenset({TaskStatus.DRAFT, TaskStatus.PUBLISHED, TaskStatus.APPROVED}),
            TaskStatus.CANCELLED,
        ),
        Transition(
            Action.MERGE,
            frozenset({TaskStatus.DRAFT, TaskStatus.PUBLISHED, TaskStatus.APPROVED}),
            TaskStatus.MERGED,
        ),
    ]
}

# 即时: entering comes first, the approval is recorded afterwards (art 17).
IMMEDIATE_ENTER_FROM: frozenset[TaskStatus] = frozenset({TaskStatus.DRAFT, TaskStatus.PUBLISHED})
# The approval recorded afterwards for an on-the-spot task.
APPROVE_AFTERWARDS_FROM: frozenset[str] = frozenset(
    {TaskStatus.ON_SITE, TaskStatus.CHECKED, TaskStatus.CLOSED}
)

# A task that still may become a visit (counts for the cap, the plan calendar and the merge).
LIVE_STATUSES: frozenset[str] = frozenset(
    {
        TaskStatus.DRAFT,
        TaskStatus.PUBLISHED,
        TaskStatus.APPROVED,
        TaskStatus.ON_SITE,
        TaskStatus.CHECKED,
        TaskStatus.CLOSED,
    }
)
# The checklist may change until the officers enter.
CHECKLIST_EDITABLE: frozenset[str] = frozenset({TaskStatus.DRAFT, TaskStatus.PUBLISHED})
# Invited departments may answer until the visit starts.
INVITATION_OPEN: frozenset[str] = frozenset({TaskStatus.PUBLISHED, TaskStatus.APPROVED})
# Exemptions implied by the type: a clue check is a complaint check.
KIND_EXEMPTION: dict[str, str] = {TaskKind.CLUE: Exemption.COMPLAINT}


def _refuse(action: str, status: str) -> str:
    return _("“%(action)s” is not possible while the inspection is “%(status)s”.") % {
        "action": Action(action).label if action in Action.values else action,
        "status": TaskStatus(status).label if status in TaskStatus.values else status,
    }


WORKFLOW: Workflow[Transition] = Workflow(TRANSITIONS.values(), refuse=_refuse)
# An on-the-spot task (即时) has its own table: it enters before its plan is approved.
IMMEDIATE_WORKFLOW: Workflow[Transition] = Workflow(
    [
        Transition(Action.ENTER, IMMEDIATE_ENTER_FROM, TaskStatus.ON_SITE) if t.action == Action.ENTER else t
        for t in TRANSITIONS.values()
    ],
    refuse=_refuse,
)


def workflow_for(kind: str) -> Workflow[Transition]:
    return IMMEDIATE_WORKFLOW if kind == TaskKind.IMMEDIATE else WORKFLOW


def start_states(action: Action | str, kind: str) -> frozenset[str]:
    return workflow_for(kind).transitions[str(action)].sources
