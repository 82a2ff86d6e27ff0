"""Reads of complaints, already scoped to the user (missing and forbidden are the same 404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from enforcement.access import access_or_404, scope_for
from enforcement.models import Unit, User

from .models import Complaint
from .services import can_file_complaint


def complaints_for(*, user: User, status: str = "", query: str = "", town: Unit | None = None) -> QuerySet[Complaint]:
    qs = Complaint.objects.for_user(user).select_related("town")
    if status:
        qs = qs.filter(match_status=status)
    if town is not None:
        qs = qs.filter(town=town)
    if query:
        qs = qs.filter(Q(text__icontains=query) | Q(external_id__icontains=query) | Q(address__icontains=query))
    return qs.order_by("-received_at", "-pk")


def complaint_get_for(*, user: User, pk: int | str) -> Complaint:
    return access_or_404(Complaint.objects.for_user(user).select_related("town", "created_by"), pk=pk)


def towns_for_filing(user: User) -> list[Unit]:
    """Towns the user may record complaints for: their own (and secondments), or every town for the administrator."""
    scope = scope_for(user)
    if not scope.authenticated:
        return []
    towns = Unit.objects.filter(kind=Unit.Kind.TOWN, is_active=True, district_id__in=scope.district_ids).order_by("code")
    return [t for t in towns if can_file_complaint(user, t)]
