"""The desk's home panel (open warnings, the team's overdue deadlines) and its top-bar entry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from enforcement.home import HomePanel, NavEntry, register_home_panel, register_nav
from enforcement.models import User
from enforcement.rules import DESK_ROLES

from .selectors import desk_counts


def desk_panel(request: HttpRequest, user: User) -> dict[str, Any]:
    # The team's overdue deadlines are on the cases panel (one count, not two).
    return {"counts": desk_counts(user=user)}


def register() -> None:
    register_home_panel(HomePanel("desk", "supervision/panels/desk.html", 12, DESK_ROLES, desk_panel))
    register_nav(NavEntry("desk", _("Desk"), "desk", order=92, roles=DESK_ROLES))
