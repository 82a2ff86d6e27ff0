"""The core's home panels and navigation entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import scope_version
from .held import Held, held_or_cached
from .home import (
    BottomEntry,
    HomePanel,
    NavEntry,
    PortalSection,
    register_bottom_entry,
    register_home_panel,
    register_nav,
    register_portal_section,
)
from .inbox import inbox_for, inbox_total
from .models import Certificate, Role, Unit, User
from .officers import officer_may_act
from .selectors import team_roster


def my_status(request: HttpRequest, user: User) -> dict[str, Any]:
    today = timezone.localdate()
    eligibility = officer_may_act(user, today)
    days_left = (eligibility.certificate.valid_to - today).days if eligibility.certificate else None
    return {"eligibility": eligibility, "days_left": days_left, "secondments": _secondments(user, today)}


def _secondments(user: User, today: dt.date) -> list[Any]:
    """The user's current and coming secondments, kept in the cache and in this process under the scopes'
    version token (which every change of a secondment or a unit replaces) for the day."""
    version = scope_version()

    def read() -> list[Any]:
        return [s for s in user.secondments.select_related("town") if s.end is None or s.end >= today]

    if version is None:
        return read()
    key = f"home:secondments:{connection.settings_dict['NAME']}:{user.pk}:{today.isoformat()}:{version}"
    # this process holds them under the same key (no round trip to the cache once held)
    return list(held_or_cached(_held_secondments, key, read, kind=list, ttl=3600))  # type: ignore[arg-type]


_held_secondments: Held[str, list[Any]] = Held(2048)


def my_team(request: HttpRequest, user: User) -> dict[str, Any]:
    return {"roster": team_roster(unit=user.unit)[:12] if user.unit else []}


def district_overview(request: HttpRequest, user: User) -> dict[str, Any]:
    assert user.unit is not None
    district = user.unit.district
    today = timezone.localdate()
    units = Unit.objects.filter(district=district)
    return {
        "district": district,
        "towns": units.filter(kind=Unit.Kind.TOWN).count(),
        "departments": units.filter(kind=Unit.Kind.DEPARTMENT).count(),
        "officers": User.objects.filter(unit__district=district, is_active=True).count(),
        "expiring": Certificate.objects.filter(holder__unit__district=district, revoked_at__isnull=True)
        .filter(valid_to__gte=today, valid_to__lte=today + dt.timedelta(days=30))
        .select_related("holder")
        .order_by("valid_to")[:10],
    }


def inbox_panel(request: HttpRequest, user: User) -> dict[str, Any]:
    """The inbox's counts on the home page: each section that has something waiting, linked to the inbox."""
    sections = inbox_for(user, rows=0)
    return {"sections": [s for s in sections if s["list"].count], "total": inbox_total(sections)}


def inbox_panel_read(ctx: dict[str, Any]) -> Any:
    """What enforcement/panels/inbox.html reads (HomePanel.kept)."""
    return (ctx["total"], [(s["key"], s["label"], s["list"].count) for s in ctx["sections"]])


def my_status_read(ctx: dict[str, Any]) -> Any:
    """What enforcement/panels/my_status.html reads (HomePanel.kept)."""
    eligibility, certificate = ctx["eligibility"], ctx["eligibility"].certificate
    return (
        eligibility.ok,
        eligibility.reason,
        (certificate.number, certificate.valid_to) if certificate is not None else None,
        ctx["days_left"],
        [(s.get_kind_display(), str(s.town), s.start, s.end) for s in ctx["secondments"]],
    )


def my_team_read(ctx: dict[str, Any]) -> Any:
    """What enforcement/panels/team.html reads (HomePanel.kept)."""
    return [
        (
            str(row["user"]),
            row["user"].roles_display(),
            None if row["seconded_from"] is None else str(row["seconded_from"]),
            row["valid"],
            row["expires_soon"],
            None if row["certificate"] is None else (row["certificate"].number, row["certificate"].valid_to),
        )
        for row in ctx["roster"]
    ]


def district_overview_read(ctx: dict[str, Any]) -> Any:
    """What enforcement/panels/district.html reads (HomePanel.kept); the certificates are read here."""
    expiring = [(str(c.holder), c.number, c.valid_to) for c in ctx["expiring"]]
    return (str(ctx["district"]), ctx["towns"], ctx["departments"], ctx["officers"], expiring)


def register() -> None:
    enforcers = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.LEGAL_REVIEWER, Role.RESPONDER})
    register_home_panel(
        HomePanel("inbox", "enforcement/panels/inbox.html", 1, frozenset(), inbox_panel, inbox_panel_read)
    )
    register_home_panel(
        HomePanel("my_status", "enforcement/panels/my_status.html", 10, enforcers, my_status, my_status_read)
    )
    register_home_panel(
        HomePanel(
            "team",
            "enforcement/panels/team.html",
            20,
            frozenset({Role.SUPERVISOR, Role.RESPONDER}),
            my_team,
            my_team_read,
        )
    )
    register_home_panel(
        HomePanel(
            "district",
            "enforcement/panels/district.html",
            10,
            frozenset({Role.DISTRICT_ADMIN}),
            district_overview,
            district_overview_read,
        )
    )
    # The portal's "verify an officer's certificate" (after the inspection code's box, at 30).
    register_portal_section(PortalSection("certificate", "enforcement/portal/_certificate.html", 35))
    register_nav(NavEntry("home", _("Home"), "home", order=0))
    register_nav(NavEntry("inbox", _("Inbox"), "inbox", order=1))
    register_bottom_entry(BottomEntry("tasks", _("Inbox"), "inbox", "inbox"))
    register_nav(NavEntry("team", _("Team"), "team", order=90, group="people", unit_only=True))
    # Responders reach the map from its address and the map links; a top-bar entry would wrap their bar.
    register_nav(
        NavEntry(
            "map",
            _("Map"),
            "town-map",
            order=39,
            roles=frozenset({Role.OFFICER, Role.SUPERVISOR, Role.DISTRICT_ADMIN}),
        )
    )
    register_nav(
        NavEntry(
            "officers",
            _("Officers"),
            "officers",
            order=91,
            roles=frozenset({Role.DISTRICT_ADMIN}),
            group="people",
        )
    )
    register_nav(
        NavEntry(
            "fence-rules",
            _("Fence rules"),
            "fence-rules",
            order=92,
            roles=frozenset({Role.DISTRICT_ADMIN}),
            group="oversight",
        )
    )
    register_nav(
        NavEntry(
            "audit",
            _("Audit trail"),
            "audit-list",
            order=95,
            roles=frozenset({Role.SUPERVISOR, Role.DISTRICT_ADMIN}),
            group="oversight",
        )
    )
