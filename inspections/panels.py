"""The home page's inspections panel, registered with the core in InspectionsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from enforcement.home import HomePanel, register_home_panel
from enforcement.models import Role, User

from .selectors import invitation_inbox_for, task_queryset_for
from .workflow import TaskStatus


def inspections_panel(request: HttpRequest, user: User) -> dict[str, Any]:
    """My visits still to make or finish, the plans waiting for my approval, my unit's open invitations."""
    visible = task_queryset_for(user)
    mine = (
        visible.filter(officers__officer=user, status__in=[TaskStatus.APPROVED, TaskStatus.ON_SITE])
        .distinct()
        .order_by("planned_on", "pk")
    )
    to_approve = (
        visible.filter(status=TaskStatus.PUBLISHED, lead_unit_id=user.unit_id)
        if user.has_role(Role.SUPERVISOR)
        else visible.none()
    )
    return {
        "mine": list(mine[:5]),
        "mine_count": mine.count(),
        "to_approve": to_approve.count(),
        "invitations": invitation_inbox_for(user=user).count() if user.has_role(Role.RESPONDER) else 0,
        "findings": visible.filter(status=TaskStatus.CHECKED, lead_unit_id=user.unit_id).count(),
    }


def register() -> None:
    register_home_panel(
        HomePanel(
            "inspections",
            "inspections/panels/inspections.html",
            22,
            frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RESPONDER}),
            inspections_panel,
        )
    )
