"""The task board (任务看板) and the officers who may be put on a visit."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from enforcement.models import User
from enforcement.rules import AnyUser

from ..models import (
    InspectionTask,
)
from ..workflow import TaskStatus
from .tasks import participants, task_queryset_for

# --- pages --------------------------------------------------------------------------------------------------

BOARD_STATUSES = (
    TaskStatus.DRAFT,
    TaskStatus.PUBLISHED,
    TaskStatus.APPROVED,
    TaskStatus.ON_SITE,
    TaskStatus.CHECKED,
    TaskStatus.CLOSED,
    TaskStatus.CANCELLED,
    TaskStatus.MERGED,
)


def board_for(
    *, user: AnyUser, status: str = "", kind: str = "", query: str = "", mine: bool = False
) -> tuple[QuerySet[InspectionTask], dict[str, int]]:
    """The task board: the tasks the user may see, filtered, and the count in each status (before the status
    filter, so the tabs show what each would hold)."""
    from django.db.models import Count

    qs = task_queryset_for(user)
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(subject__name__icontains=query)
            | Q(subject__identifier=query.upper())
        )
    if mine and isinstance(user, User):
        qs = qs.filter(officers__officer=user).distinct()
    counts = {row["status"]: row["n"] for row in qs.order_by().values("status").annotate(n=Count("pk"))}
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-planned_on", "-pk"), counts


def officer_candidates(task: InspectionTask) -> QuerySet[Any]:
    """Who may be put on the visit: active officers, supervisors and responders of the units taking part, and
    officers seconded to the leading town (the service checks each certificate on the day)."""
    from enforcement.models import Role, Secondment, User

    bodies = participants(task)
    q = Q(unit_id__in=bodies)
    if task.lead_unit.is_town:
        seconded = Secondment.objects.filter(town_id=task.lead_unit_id).values("officer_id")
        q |= Q(pk__in=seconded)
    roles = [f"role:{r}" for r in (Role.OFFICER, Role.SUPERVISOR, Role.RESPONDER)]
    return (
        User.objects.filter(q, is_active=True, groups__name__in=roles)
        .distinct()
        .select_related("unit")
        .order_by("unit__code", "username")
    )
