"""The district's registry of businesses for inspections, and each business's ledger of visits."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from enforcement.access import access_or_404
from enforcement.models import Subject
from enforcement.rules import AnyUser

from ..models import (
    InspectionTask,
    Visit,
)
from .tasks import task_queryset_for

# --- the subject's ledger -----------------------------------------------------------------------------------


def ledger_for(*, user: AnyUser, subject: Subject) -> QuerySet[Visit]:
    """Every visit to the subject by any unit of the district, for users of that district."""
    unit = getattr(user, "unit", None)
    if unit is None or unit.district_id != subject.district_id or not getattr(user, "is_active", False):
        return Visit.objects.none()
    return Visit.objects.filter(subject=subject).select_related("unit", "task").order_by("-visited_on", "-pk")


def subjects_for(*, user: AnyUser, query: str = "") -> QuerySet[Subject]:
    """The district's registry of businesses and places, for users of the district."""
    unit = getattr(user, "unit", None)
    if unit is None or not getattr(user, "is_active", False):
        return Subject.objects.none()
    qs = Subject.objects.filter(district_id=unit.district_id)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(identifier=query.upper()) | Q(address__icontains=query))
    return qs.order_by("name", "pk")


def subject_get_for(*, user: AnyUser, pk: Any) -> Subject:
    return access_or_404(subjects_for(user=user), pk=pk)


def subject_tasks_for(*, user: AnyUser, subject: Subject) -> QuerySet[InspectionTask]:
    """The inspections of the subject that the user may open (the ledger lists every visit; details stay
    scoped)."""
    return task_queryset_for(user).filter(subject=subject).order_by("-planned_on", "-pk")
