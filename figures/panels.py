"""The top bar's link to the dashboards, for the people who may read them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enforcement.home import NavEntry, register_nav
from enforcement.models import Role


def register() -> None:
    # The link shows to supervisors and administrators; an officer-only supervisor of no town gets a 404.
    roles = frozenset({Role.SUPERVISOR, Role.DISTRICT_ADMIN, Role.CITY_SUPERVISOR, Role.CITY_ADMIN})
    register_nav(NavEntry("figures", _("Figures"), "figures:home", order=85, roles=roles, group="oversight"))
