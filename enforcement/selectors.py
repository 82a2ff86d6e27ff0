"""Reads of the core, already scoped to the user."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .access import scope_for
from .models import AuditEvent, Certificate, Secondment, Unit, User


def units_visible_to(user: User) -> QuerySet[Unit]:
    """Organisation structure is not secret inside a district: every signed-in user sees their district's units."""
    scope = scope_for(user)
    return Unit.objects.filter(district_id__in=scope.district_ids, is_active=True).select_related("district")


def audit_events_for(*, user: User) -> QuerySet[AuditEvent]:
    """Administrators: their district's rows. Supervisors: rows of their town's work and their own unit's actions."""
    scope = scope_for(user)
    qs = AuditEvent.objects.select_related("actor", "unit", "town").order_by("-seq")
    if scope.district_admin:
        return qs.filter(Q(town__district_id__in=scope.district_ids) | Q(unit__district_id__in=scope.district_ids))
    if user.unit_id is None:
        return qs.none()
    return qs.filter(Q(town_id__in=scope.town_ids) | Q(unit_id=user.unit_id))


def team_roster(*, unit: Unit, on: dt.date | None = None) -> list[dict]:
    """Members of a unit with their current certificate, for the team page and the supervisor's home."""
    day = on or timezone.localdate()
    seconded_ids: set[int] = set()
    if unit.is_town:
        active = Secondment.objects.filter(town=unit, start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))
        seconded_ids = set(active.values_list("officer_id", flat=True))
    members = (
        User.objects.filter(Q(unit=unit) | Q(pk__in=seconded_ids))
        .order_by("username")
        .select_related("unit")
        .prefetch_related("groups", Prefetch("certificates", queryset=Certificate.objects.order_by("-valid_to")))
    )
    rows = []
    for member in members:
        certificates = list(member.certificates.all())
        current = next((c for c in certificates if c.valid_on(day)), None)
        latest = certificates[0] if certificates else None
        rows.append(
            {
                "user": member,
                "certificate": current or latest,
                "valid": current is not None,
                "expires_soon": current is not None and (current.valid_to - day).days <= 30,
                "seconded_from": member.unit if member.pk in seconded_ids and member.unit_id != unit.pk else None,
            }
        )
    return rows
