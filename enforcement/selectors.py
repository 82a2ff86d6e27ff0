"""Reads of the core, already scoped to the user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .access import scope_for
from .models import AuditCheck, AuditEvent, Certificate, Secondment, Unit, User
from .people import with_people_named

# A row of a team roster: user, certificate (current, else latest), valid, expires_soon, seconded_from.
RosterRow = dict[str, Any]


def units_visible_to(user: User) -> QuerySet[Unit]:
    """Organisation structure is not secret inside a district: every signed-in user sees their district's
    units."""
    scope = scope_for(user)
    return Unit.objects.filter(district_id__in=scope.district_ids, is_active=True).select_related("district")


def audit_events_for(*, user: User) -> QuerySet[AuditEvent]:
    """Administrators: their district's rows. Supervisors: rows of their town's work and their own unit's
    actions."""
    scope = scope_for(user)
    # The actor by name (all a row shows of them), without joining their user row (enforcement.people).
    qs = with_people_named(AuditEvent.objects.select_related("unit", "town").order_by("-id"), "actor")
    if scope.district_admin:
        # The district's units as a list of ids rather than a join per row: newest first, PostgreSQL then
        # walks the primary key backwards and stops at a page, at any depth (3M rows: issue 18,
        # bench/scale.py). The ids come with the cached scope.
        ids = scope.district_unit_ids
        if ids is None:
            ids = frozenset(
                Unit.objects.filter(district_id__in=scope.district_ids).values_list("pk", flat=True)
            )
        units = sorted(ids)
        return qs.filter(Q(town_id__in=units) | Q(unit_id__in=units))
    if user.unit_id is None:
        return qs.none()
    return qs.filter(Q(town_id__in=scope.town_ids) | Q(unit_id=user.unit_id))


def audit_towns_for(*, user: User) -> QuerySet[Unit]:
    """The towns whose entries the user may filter the audit trail by."""
    scope = scope_for(user)
    towns = Unit.objects.filter(kind=Unit.Kind.TOWN).order_by("code")
    if scope.district_admin:
        return towns.filter(district_id__in=scope.district_ids)
    return towns.filter(pk__in=scope.town_ids)


def audit_people_for(*, user: User) -> QuerySet[User]:
    """The people whose entries the user may filter the audit trail by: the district's (administrators) or
    those of the towns they work for and their own unit."""
    scope = scope_for(user)
    people = User.objects.select_related("unit").order_by("unit__code", "username")
    if scope.district_admin:
        return people.filter(unit__district_id__in=scope.district_ids)
    return people.filter(Q(unit_id__in=scope.town_ids) | Q(unit_id=user.unit_id))


def audit_events_filtered(
    *,
    user: User,
    actor: User | None = None,
    town: Unit | None = None,
    kind: str = "",
    obj: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The user's audit rows narrowed by the page's filters. `obj` is "type:id" (the link on an entry), an
    id (with `kind`), or a reference or name, matched against the object's stored name."""
    events = audit_events_for(user=user)
    if actor is not None:
        events = events.filter(actor=actor)
    if town is not None:
        events = events.filter(town=town)
    if kind:
        events = events.filter(object_type=kind)
    obj = obj.strip()
    if obj:
        object_type, sep, object_id = obj.partition(":")
        if sep and "." in object_type and object_id:
            events = events.filter(object_type=object_type, object_id=object_id)
        elif kind and obj.isdigit():
            events = events.filter(object_id=obj)
        else:
            events = events.filter(object_repr__icontains=obj)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events


def audit_last_check() -> AuditCheck | None:
    return AuditCheck.objects.order_by("-checked_at").first()


def _roster_row(member: User, day: dt.date, seconded_from: Unit | None) -> RosterRow:
    certificates = list(member.certificates.all())  # prefetched, newest validity first
    current = next((c for c in certificates if c.valid_on(day)), None)
    return {
        "user": member,
        "certificate": current or (certificates[0] if certificates else None),
        "valid": current is not None,
        "expires_soon": current is not None and (current.valid_to - day).days <= 30,
        "seconded_from": seconded_from,
    }


def _members(q: Q) -> QuerySet[User]:
    return (
        User.objects.filter(q)
        .order_by("username")
        .select_related("unit")
        .prefetch_related(
            "groups", Prefetch("certificates", queryset=Certificate.objects.order_by("-valid_to"))
        )
    )


def _active_secondments(day: dt.date) -> QuerySet[Secondment]:
    return Secondment.objects.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


def team_roster(*, unit: Unit, on: dt.date | None = None) -> list[RosterRow]:
    """Members of a unit with their current certificate; a town's team includes officers seconded to it."""
    day = on or timezone.localdate()
    seconded_ids: set[int] = set()
    if unit.is_town:
        seconded_ids = set(_active_secondments(day).filter(town=unit).values_list("officer_id", flat=True))
    return [
        _roster_row(m, day, m.unit if m.pk in seconded_ids and m.unit_id != unit.pk else None)
        for m in _members(Q(unit=unit) | Q(pk__in=seconded_ids))
    ]


def district_rosters(
    *, district_id: int, units: list[Unit], on: dt.date | None = None
) -> list[tuple[Unit, list[RosterRow]]]:
    """team_roster for many units of one district in a fixed number of queries (the officers page)."""
    day = on or timezone.localdate()
    members = list(_members(Q(unit__district_id=district_id)))
    by_id = {m.pk: m for m in members}
    seconded: dict[int, list[int]] = {}
    for town_id, officer_id in (
        _active_secondments(day).filter(town__district_id=district_id).values_list("town_id", "officer_id")
    ):
        seconded.setdefault(town_id, []).append(officer_id)
    rosters = []
    for unit in units:
        rows = [_roster_row(m, day, None) for m in members if m.unit_id == unit.pk]
        extra = [by_id[i] for i in seconded.get(unit.pk, []) if i in by_id and by_id[i].unit_id != unit.pk]
        rows += [_roster_row(m, day, m.unit) for m in sorted(extra, key=lambda m: m.username)]
        rosters.append((unit, rows))
    return rosters


def fence_rule_rows(*, district_id: int, on: dt.date) -> list[dict[str, Any]]:
    """Every registered fence rule as it applies in the district on `on` (defaults overlaid by the setting in
    force), with the district's history of settings for it, newest first. Two queries whatever the rules."""
    from .fences import RuleConfig, fence_rules
    from .models import FenceRuleSetting

    history: dict[str, list[FenceRuleSetting]] = {}
    for row in (
        FenceRuleSetting.objects.filter(district_id=district_id)
        .select_related("changed_by")
        .order_by("rule", "-effective_from")
    ):
        history.setdefault(row.rule, []).append(row)
    rows = []
    for rule in fence_rules():
        settings = history.get(rule.code, [])
        current = next((s for s in settings if s.effective_from <= on), None)
        upcoming = [s for s in settings if s.effective_from > on]
        params = dict(rule.params)
        enabled, severity = True, rule.severity
        if current is not None:
            params.update({k: v for k, v in current.params.items() if k in rule.params})
            enabled = current.enabled or rule.locked
            severity = current.severity or rule.severity
        config = RuleConfig(rule, enabled, severity, params, current.pk if current else None)
        rows.append(
            {
                "rule": rule,
                "config": config,
                "current": current,
                "upcoming": upcoming,
                "history": settings,
                "changed": [k for k in rule.params if params.get(k) != rule.params[k]],
            }
        )
    return rows
