"""The desk's home panel (open warnings, the team's overdue deadlines) and its top-bar entry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enforcement.home import HomePanel, NavEntry, asked_once, register_home_panel, register_nav
from enforcement.inbox import InboxItem, InboxList, InboxSection, register_inbox_section
from enforcement.models import User
from enforcement.rules import DESK_ROLES, can_use_desk
from enforcement.sweeps import warning_message

from .selectors import desk_counts, desk_queue


def desk_panel(request: HttpRequest, user: User) -> dict[str, Any]:
    # The team's overdue deadlines are on the cases panel (one count, not two).
    return {"counts": _desk_counts(user)}


def _desk_counts(user: User) -> dict[str, int]:
    return asked_once(("desk", "counts", user.pk), lambda: desk_counts(user=user))


def inbox_warnings(user: User, rows: int) -> InboxList | None:
    """Fence warnings waiting for the user's review (the desk's open queue: blocks and warnings first)."""
    if not can_use_desk(user):
        return None
    if not rows:  # the home page's inbox panel: the desk's open count (its queue's default filter)
        return InboxList(_desk_counts(user)["open"], [], reverse("desk"))
    queue = desk_queue(user=user)
    items = [
        InboxItem(
            title=f"{warning.get_severity_display()} · {warning.town.name}",
            url=reverse("desk-warning", args=[warning.pk]),
            detail=warning_message(warning),
        )
        for warning in queue[:rows]
    ]
    return InboxList(queue.count(), items, reverse("desk"))


def register() -> None:
    register_inbox_section(InboxSection("fence_warnings", _("Fence warnings to review"), 22, inbox_warnings))
    register_home_panel(
        HomePanel("desk", "supervision/panels/desk.html", 12, DESK_ROLES, desk_panel, kept=lambda ctx: ctx)
    )
    register_nav(NavEntry("desk", _("Desk"), "desk", order=92, roles=DESK_ROLES))
