"""The home page's inspections panel, registered with the core in InspectionsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from enforcement.home import HomePanel, register_home_panel
from enforcement.models import Role, User

from .selectors import invitation_inbox_for, task_queryset_for
from .workflow import TaskStatus


def inspections_panel(request: HttpRequest, user: User) -> dict[str, Any]:
    """My visits still to make or finish, the plans waiting for my approval, my unit's open invitations,
    findings to hand on: three queries (the counts in one)."""
    visible = task_queryset_for(user)
    to_make = Q(officers__officer=user, status__in=[TaskStatus.APPROVED, TaskStatus.ON_SITE])
    counts = visible.aggregate(
        mine=Count("pk", filter=to_make, distinct=True),
        to_approve=Count(
            "pk", filter=Q(status=TaskStatus.PUBLISHED, lead_unit_id=user.unit_id), distinct=True
        ),
        findings=Count("pk", filter=Q(status=TaskStatus.CHECKED, lead_unit_id=user.unit_id), distinct=True),
    )
    return {
        "mine": list(visible.filter(to_make).distinct().order_by("planned_on", "pk")[:5]),
        "mine_count": counts["mine"],
        "to_approve": counts["to_approve"] if user.has_role(Role.SUPERVISOR) else 0,
        "invitations": invitation_inbox_for(user=user).count() if user.has_role(Role.RESPONDER) else 0,
        "findings": counts["findings"],
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
