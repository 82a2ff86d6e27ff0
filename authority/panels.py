"""The authority app's home panels and top-bar links, registered from AuthorityConfig.ready()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.held import Held, held_or_cached
from enforcement.home import (
    HomePanel,
    NavEntry,
    PortalSection,
    register_home_panel,
    register_nav,
    register_portal_section,
    town_public_links,
)
from enforcement.models import Role, User

_held_figures: Held[str, Any] = Held(1024)


def town_list(request: HttpRequest, user: User) -> dict[str, Any]:
    """The town's list in figures and its changes of the last 90 days: the same for every member of the town,
    kept in the cache and in this process under the public pages' version token (replaced by any change to
    grants, items or units) and the date (a grant starts or ends at midnight)."""
    from django.db import connection

    from enforcement.public_cache import public_version

    from .models import GrantKind

    town = user.unit if user.unit is not None and user.unit.is_town else None
    if town is None:
        return {"town": None}
    today = timezone.localdate()
    version = public_version()
    key = f"home:town-list:{connection.settings_dict['NAME']}:{town.pk}:{today.isoformat()}:{version}"
    if version:  # this process holds them under the same key (no round trip to the cache once held)
        figures = held_or_cached(
            _held_figures, key, lambda: _town_list_figures(town, today), kind=tuple, ttl=3600
        )
    else:
        figures = _town_list_figures(town, today)
    counts, recent = figures
    return {
        "town": town,
        "kinds": [(k.label, counts.get(k.value, 0)) for k in GrantKind],
        "recent": [{"on": on, "code": code, "started": started} for on, code, started in recent],
    }


def town_list_read(ctx: dict[str, Any]) -> Any:
    """What authority/panels/town_list.html reads (HomePanel.kept)."""
    town = ctx["town"]
    return (None if town is None else ("town", town.code), ctx.get("kinds"), ctx.get("recent"))


def district_authority_read(ctx: dict[str, Any]) -> Any:
    """What authority/panels/district_authority.html reads (HomePanel.kept)."""
    drafts = [(a.pk, a.title, a.effective_from) for a in ctx["drafts"]]
    return (ctx["items"], ctx["grants"], drafts)


def _town_list_figures(town: Any, today: dt.date) -> tuple[dict[str, int], list[tuple[dt.date, str, bool]]]:
    """Grants in force by kind, and the latest 8 changes within 90 days as (day, item code, started)."""
    from django.db.models import Count

    from .selectors import town_history, town_items_on

    counts = dict(town_items_on(town, today).order_by().values_list("kind").annotate(n=Count("pk")))
    since = today - dt.timedelta(days=90)
    recent = [(c.on, c.grant.item.code, c.started) for c in town_history(town, until=today, limit=8)]
    return counts, [r for r in recent if r[0] >= since]


def district_authority(request: HttpRequest, user: User) -> dict[str, Any]:
    from .models import Adjustment, AuthorityGrant, EnforcementItem
    from .selectors import grants_active_on

    if user.unit is None:  # the panel is for district administrators, who belong to a unit
        return {"items": 0, "grants": 0, "drafts": []}
    district_id = user.unit.district_id
    today = timezone.localdate()
    return {
        "items": EnforcementItem.objects.filter(district_id=district_id, is_active=True).count(),
        "grants": AuthorityGrant.objects.filter(
            grants_active_on(today), item__district_id=district_id
        ).count(),
        "drafts": list(
            Adjustment.objects.filter(district_id=district_id, status=Adjustment.Status.DRAFT).order_by(
                "effective_from"
            )[:5]
        ),
    }


def portal_search(request: HttpRequest, district: Any) -> dict[str, Any]:
    from .selectors import district_towns

    return {"district": district, "towns": list(district_towns(district))}


def portal_towns(request: HttpRequest, district: Any) -> dict[str, Any]:
    from django.db.models import Count

    from .models import AuthorityGrant
    from .selectors import district_towns, grants_active_on

    towns = list(district_towns(district))
    counts = dict(
        AuthorityGrant.objects.filter(grants_active_on(timezone.localdate()), town__in=towns)
        .order_by()
        .values("town_id")
        .annotate(n=Count("id"))
        .values_list("town_id", "n")
    )
    return {
        "district": district,
        "rows": [{"town": t, "total": counts.get(t.pk, 0)} for t in towns],
        "links": town_public_links(),
    }


def register() -> None:
    register_portal_section(PortalSection("search", "authority/portal/_search.html", 10, portal_search))
    register_portal_section(PortalSection("towns", "authority/portal/_towns.html", 20, portal_towns))
    town_roles = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.LEGAL_REVIEWER})
    register_home_panel(
        HomePanel(
            "authority_town", "authority/panels/town_list.html", 30, town_roles, town_list, town_list_read
        )
    )
    register_home_panel(
        HomePanel(
            "authority_district",
            "authority/panels/district_authority.html",
            15,
            frozenset({Role.DISTRICT_ADMIN}),
            district_authority,
            district_authority_read,
        )
    )
    register_nav(
        NavEntry("authority", _("Authority lists"), "authority-index", order=20, public=True, group="lists")
    )
    register_nav(
        NavEntry(
            "authority_adjustments",
            _("Adjustments"),
            "authority-adjustments",
            order=21,
            roles=frozenset({Role.DISTRICT_ADMIN}),
            group="lists",
        )
    )
    register_nav(
        NavEntry(
            "authority_usage",
            _("Usage evaluation"),
            "authority-usage",
            order=22,
            roles=frozenset({Role.DISTRICT_ADMIN, Role.SUPERVISOR}),
            group="lists",
        )
    )
