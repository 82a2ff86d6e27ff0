"""The home page's inspections panel, registered with the core in InspectionsConfig.ready()."""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.access import Scope, scope_for
from enforcement.compiled import MARK, Compiled, CompiledCounts
from enforcement.home import (
    HomePanel,
    PortalSection,
    asked_once,
    register_home_panel,
    register_portal_section,
)
from enforcement.inbox import InboxItem, InboxList, InboxSection, register_inbox_section
from enforcement.models import Role, User

from .models import InspectionTask
from .selectors import invitation_inbox_for, task_queryset_for
from .workflow import TaskStatus


def inspections_panel(request: HttpRequest, user: User) -> dict[str, Any]:
    """My visits still to make or finish, the plans waiting for my approval, my unit's open invitations,
    findings to hand on: three queries (the counts in one), compiled once per scope and unit."""
    counts = _task_counts(user)
    to_approve = counts["to_approve"] if user.has_role(Role.SUPERVISOR) else 0
    invitations = _invitations_count(user) if user.has_role(Role.RESPONDER) else 0
    # The middle figure is the user's own work: a department's invitations, a supervisor's plans to approve
    # (the invitations when both and some wait); none for an officer, who may open neither list.
    if user.has_role(Role.RESPONDER) and (invitations or not to_approve):
        middle = "invitations"
    elif user.has_role(Role.SUPERVISOR):
        middle = "to_approve"
    else:
        middle = ""
    return {
        "mine": _mine_visits(user),
        "mine_count": counts["mine"],
        "to_approve": to_approve,
        "invitations": invitations,
        "middle": middle,
        "findings": counts["findings"],
    }


def inspections_panel_read(ctx: dict[str, Any]) -> Any:
    """What inspections/panels/inspections.html reads (HomePanel.kept)."""
    return (
        {k: v for k, v in ctx.items() if k != "mine"},
        [(t.pk, t.title, t.status, t.planned_on, t.get_status_display()) for t in ctx["mine"]],
    )


def _mine_visits(user: User) -> list[InspectionTask]:
    """The first five of my visits to make, the nearest first."""
    return _mine_compiled(scope_for(user), user.unit_id).objects(user.pk)


def _to_make(user_id: Any) -> Q:
    """The visits the user is to make or finish (the id may be a mark: enforcement.compiled)."""
    return Q(officers__officer=user_id, status__in=[TaskStatus.APPROVED, TaskStatus.ON_SITE])


def _visible(scope: Scope, unit_id: int | None) -> QuerySet[InspectionTask]:
    """`task_queryset_for` a user with this scope and unit."""
    return InspectionTask.objects.visible_in(scope, unit_id).select_related("lead_unit", "town", "subject")


@functools.lru_cache(maxsize=512)
def _mine_compiled(scope: Scope, unit_id: int | None) -> Compiled[InspectionTask]:
    """The panel's first five visits to make, with MARK for the user."""
    return Compiled(
        _visible(scope, unit_id).filter(_to_make(MARK)).distinct().order_by("planned_on", "pk")[:5]
    )


def _task_counts(user: User) -> dict[str, int]:
    """My visits to make, the plans my unit is to approve, its findings to hand on (the panel's and the
    inbox's counts), in one query."""
    return asked_once(
        ("inspections", "counts", user.pk),
        lambda: _task_counts_compiled(scope_for(user), user.unit_id)(user.pk),
    )


@functools.lru_cache(maxsize=512)
def _task_counts_compiled(scope: Scope, unit_id: int | None) -> CompiledCounts:
    """`_task_counts`'s statement for this scope and unit, with MARK for the user."""
    return CompiledCounts(
        _visible(scope, unit_id).order_by(),
        {
            "mine": Count("pk", filter=_to_make(MARK), distinct=True),
            "to_approve": Count(
                "pk", filter=Q(status=TaskStatus.PUBLISHED, lead_unit_id=unit_id), distinct=True
            ),
            "findings": Count("pk", filter=Q(status=TaskStatus.CHECKED, lead_unit_id=unit_id), distinct=True),
        },
        marks=(MARK,),
    )


def register() -> None:
    register_home_panel(
        HomePanel(
            "inspections",
            "inspections/panels/inspections.html",
            22,
            frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RESPONDER}),
            inspections_panel,
            inspections_panel_read,
        )
    )
    register_portal_section(PortalSection("inspection_code", "inspections/portal/_code.html", 30))
    register_inbox_section(
        InboxSection("inspection_visits", _("Inspection visits to make"), 50, inbox_visits)
    )
    register_inbox_section(
        InboxSection("inspection_invitations", _("Invitations to a joint inspection"), 55, inbox_invitations)
    )


# --- sections of the one inbox (enforcement.inbox) ---


def inbox_visits(user: User, rows: int) -> InboxList | None:
    """Joint inspections the user is to make or finish."""
    if not (user.has_role(Role.OFFICER) or user.has_role(Role.SUPERVISOR) or user.has_role(Role.RESPONDER)):
        return None
    if not rows:
        return InboxList(_task_counts(user)["mine"], [], reverse("inspection-board"))
    to_make = (
        task_queryset_for(user)
        .filter(officers__officer=user, status__in=[TaskStatus.APPROVED, TaskStatus.ON_SITE])
        .distinct()
        .order_by("planned_on", "pk")
    )
    today = timezone.localdate()
    items = [
        InboxItem(
            title=str(task),
            url=reverse("inspection-detail", args=[task.pk]),
            detail=str(task.get_status_display()),
            due=task.planned_on,
            overdue=bool(task.planned_on and task.planned_on < today),
        )
        for task in to_make[:rows]
    ]
    return InboxList(to_make.count(), items, reverse("inspection-board"))


def inbox_invitations(user: User, rows: int) -> InboxList | None:
    """A department's invitations to a joint inspection, still to answer."""
    if not user.has_role(Role.RESPONDER):
        return None
    open_invitations = invitation_inbox_for(user=user)
    if not rows:
        return InboxList(_invitations_count(user), [], reverse("inspection-invitations"))
    items = [
        InboxItem(
            title=str(invitation.task),
            url=reverse("inspection-invitations"),
            detail=str(invitation.task.lead_unit),
            due=invitation.task.planned_on,
        )
        for invitation in open_invitations[:rows]
    ]
    return InboxList(open_invitations.count(), items, reverse("inspection-invitations"))


def _invitations_count(user: User) -> int:
    return asked_once(
        ("inspections", "invitations", user.pk), lambda: invitation_inbox_for(user=user).count()
    )
