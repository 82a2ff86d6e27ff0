"""Tasks as the user may see them, a department's invitations, and the bodies taking part in a task."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from enforcement.access import access_or_404
from enforcement.maps import MapQuery, Marker
from enforcement.rules import AnyUser

from ..models import (
    InspectionTask,
    TaskInvitation,
)
from ..workflow import TaskStatus

# Tasks not yet entered: what a plan calendar shows and the merge may combine.
PLANNED_STATUSES = frozenset({TaskStatus.DRAFT, TaskStatus.PUBLISHED, TaskStatus.APPROVED})


# --- tasks --------------------------------------------------------------------------------------------------


def task_queryset_for(user: AnyUser) -> QuerySet[InspectionTask]:
    return InspectionTask.objects.visible_to(user).select_related("lead_unit", "town", "subject")


def task_list_for(*, user: AnyUser, status: str = "", kind: str = "") -> QuerySet[InspectionTask]:
    qs = task_queryset_for(user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-planned_on", "-pk")


def task_get_for(*, user: AnyUser, pk: Any) -> InspectionTask:
    """Missing and not visible are the same 404."""
    return access_or_404(task_queryset_for(user), pk=pk)


def invitation_inbox_for(*, user: AnyUser, open_only: bool = True) -> QuerySet[TaskInvitation]:
    """A department's invitations (邀约): those addressed to the user's own unit."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None or not getattr(user, "is_active", False):
        return TaskInvitation.objects.none()
    qs = TaskInvitation.objects.filter(department_id=unit_id).select_related(
        "department", "task", "task__subject", "task__lead_unit"
    )
    if open_only:
        qs = qs.filter(
            status=TaskInvitation.Status.INVITED, task__status__in=[TaskStatus.PUBLISHED, TaskStatus.APPROVED]
        )
    return qs.order_by("task__planned_on", "pk")


def participants(task: InspectionTask) -> list[int]:
    """The inspecting bodies of a task: the lead unit and every unit that accepted."""
    accepted = task.invitations.filter(status=TaskInvitation.Status.ACCEPTED).values_list(
        "department_id", flat=True
    )
    return [task.lead_unit_id, *[pk for pk in accepted if pk != task.lead_unit_id]]


# --- the town map -------------------------------------------------------------------------------------------

# A task that will not happen or was folded into another is not "open" work on the map.
_ENDED = frozenset({TaskStatus.CLOSED, TaskStatus.CANCELLED, TaskStatus.MERGED})


def task_map_markers(user: AnyUser, query: MapQuery) -> list[Marker]:
    """Joint inspections whose subject has a place, as the task board scopes them (the town, the lead unit,
    the departments invited), newest planned first: at most one more than the limit."""
    qs = task_queryset_for(user).filter(
        subject__inspection_profile__latitude__isnull=False,
        subject__inspection_profile__longitude__isnull=False,
    )
    if query.stage:
        qs = qs.filter(status=query.stage)
    if query.state == "open":
        qs = qs.exclude(status__in=_ENDED)
    elif query.state == "closed":
        qs = qs.filter(status__in=_ENDED)
    labels = dict(TaskStatus.choices)
    rows = qs.order_by("-planned_on", "-pk").values(
        "pk",
        "title",
        "status",
        "planned_on",
        "subject__inspection_profile__latitude",
        "subject__inspection_profile__longitude",
    )[: query.limit + 1]
    return [
        Marker(
            kind="inspection",
            id=row["pk"],
            lat=row["subject__inspection_profile__latitude"],
            lng=row["subject__inspection_profile__longitude"],
            title=row["title"],
            stage=row["status"],
            stage_label=str(labels.get(row["status"], row["status"])),
            open=row["status"] not in _ENDED,
            url=reverse("inspection-detail", args=[row["pk"]]),
            on=row["planned_on"].isoformat(),
        )
        for row in rows
    ]
