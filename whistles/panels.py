"""Top-bar links and home panels for whistles, registered with the core in WhistlesConfig.ready()."""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Count, Q, QuerySet, Window
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enforcement.access import Scope, scope_for
from enforcement.compiled import MARK, Compiled, CompiledCounts, marks, prefetch_compiled
from enforcement.home import (
    BottomEntry,
    HomePanel,
    NavEntry,
    asked_once,
    register_bottom_entry,
    register_home_panel,
    register_nav,
)
from enforcement.inbox import InboxItem, InboxList, InboxSection, register_inbox_section
from enforcement.models import Role, User

from .models import WhistleAssignment, WhistleRequest
from .rules import towns_user_may_whistle_for
from .selectors import (
    current_due,
    inbox_counts,
    inbox_for,
    notifications_for,
    notifications_of,
    overdue_assignments,
    returns_to_review_for,
    town_whistles_for,
    town_whistles_in,
    unread_count,
    whistle_assignments,
)
from .workflow import Status, WhistleStatus


class BellLabel:
    """The notifications link: a bell and the unread count, which htmx fetches after the page loads (so the
    core's navigation needs no request-specific context)."""

    def __str__(self) -> SafeString:
        return format_html(
            '<svg aria-hidden="true" width="14" height="14" viewBox="0 0 16 16" '
            'fill="currentColor" class="me-1">'
            '<path d="M8 16a2 2 0 0 0 2-2H6a2 2 0 0 0 2 2m.995-14.901a1 1 0 1 0-1.99 0A5 5 0 0 0 3 '
            "6c0 1.098-.5 6-2 7h14"
            'c-1.5-1-2-5.902-2-7 0-2.42-1.72-4.44-4.005-4.901"/></svg>'
            # The word only where the bar has room (the phone's menu, wide screens); else the bell and count.
            '<span class="d-lg-none d-xxl-inline">{}</span><span class="visually-hidden d-none d-lg-inline '
            'd-xxl-none">{}</span><span class="ms-1" '
            'data-testid="bell-count" data-poll hx-get="{}" '
            'hx-trigger="load, every 120s" hx-swap="innerHTML"></span>',
            gettext("Notifications"),
            gettext("Notifications"),
            reverse("whistle-notification-badge"),
        )


def inbox_panel(request: HttpRequest, user: User) -> dict[str, Any]:
    rows = list(inbox_for(user=user, include_waiting=False)[:6])
    return {"counts": inbox_counts(user=user), "rows": [(a, current_due(a)) for a in rows]}


def my_whistles_panel(request: HttpRequest, user: User) -> dict[str, Any]:
    if not towns_user_may_whistle_for(user):
        return {"hidden": True}
    open_whistles, open_count = _town_open_whistles(user)
    return {"open": open_whistles, "to_confirm": _to_confirm_count(user), "open_count": open_count}


MY_WHISTLES_SHOWN = 6


def _town_open_whistles(user: User) -> tuple[list[Any], int]:
    """The town's latest open whistles (with their assignments) and how many are open: statements compiled
    once per scope (and per number of whistles shown, for their assignments)."""

    def read() -> tuple[list[Any], int]:
        scope = scope_for(user)
        shown = _town_open_compiled(scope).objects()
        if shown:
            prefetch_compiled(shown, "assignments", _shown_assignments(), _assignments_compiled(len(shown)))
        return shown, len(shown) if len(shown) < MY_WHISTLES_SHOWN else _town_open_counts(scope)()["open"]

    return asked_once(("whistles", "town_open", user.pk), read)


def _town_open(scope: Scope) -> QuerySet[WhistleRequest]:
    return town_whistles_in(scope).filter(status=WhistleStatus.OPEN)


@functools.lru_cache(maxsize=512)
def _town_open_compiled(scope: Scope) -> Compiled[WhistleRequest]:
    """The panel's whistles with what it shows of them (their titles; the other columns, the description
    among them, and the town were read and made into objects for nothing)."""
    shown = _town_open(scope).select_related(None).only("title", "status", "raised_at")
    return Compiled(shown[:MY_WHISTLES_SHOWN], marks=())


def _shown_assignments() -> QuerySet[WhistleAssignment]:
    """The assignments as the panel shows them: their departments' names and their status."""
    return whistle_assignments().only("whistle", "status", "department__name_zh", "department__name_en")


@functools.lru_cache(maxsize=512)
def _town_open_counts(scope: Scope) -> CompiledCounts:
    """How many of the town's whistles are open, and how many of those a department reports handled."""
    return CompiledCounts(
        _town_open(scope).order_by(),
        {
            "open": Count("pk", distinct=True),
            "handled": Count("pk", filter=Q(assignments__status=Status.HANDLED), distinct=True),
        },
        marks=(),
    )


@functools.lru_cache(maxsize=MY_WHISTLES_SHOWN)
def _assignments_compiled(n: int) -> Compiled[WhistleAssignment]:
    """The assignments' prefetch for `n` whistles."""
    return Compiled(_shown_assignments().filter(whistle__in=marks(n)), marks=marks(n))


def _to_confirm_count(user: User) -> int:
    """The town's open whistles a department reports handled (the panel's and the inbox's count): from the
    open whistles the panel shows when they are all of them."""

    def count() -> int:
        shown, open_count = _town_open_whistles(user)
        if open_count == len(shown):
            return sum(any(a.status == Status.HANDLED for a in w.assignments.all()) for w in shown)
        return _town_open_counts(scope_for(user))()["handled"]

    return asked_once(("whistles", "to_confirm", user.pk), count)


NOTIFICATIONS_SHOWN = 5


def _latest_unread(user: User) -> tuple[list[Any], int]:
    """The latest unread notifications and how many are unread."""

    def read() -> tuple[list[Any], int]:
        # How many are unread comes with the rows (a window over all of them, counted before the limit).
        latest = _latest_unread_compiled().objects(user.pk)
        return latest, latest[0].unread if latest else 0

    return asked_once(("whistles", "unread", user.pk), read)


@functools.cache
def _latest_unread_compiled() -> Compiled[Any]:
    """`_latest_unread`'s query, with MARK for the recipient."""
    unread = notifications_of(MARK, unread_only=True).annotate(unread=Window(Count("pk")))
    return Compiled(unread[:NOTIFICATIONS_SHOWN])


def district_panel(request: HttpRequest, user: User) -> dict[str, Any]:
    returns = returns_to_review_for(user=user)
    overdue = (
        overdue_assignments().filter(whistle__district_id=user.unit.district_id)
        if user.unit is not None
        else overdue_assignments().none()
    )
    return {"returns": list(returns[:5]), "returns_count": returns.count(), "overdue_count": overdue.count()}


def notifications_panel(request: HttpRequest, user: User) -> dict[str, Any]:
    latest, unread = _latest_unread(user)
    return {"unread": unread, "latest": latest}


def my_whistles_read(ctx: dict[str, Any]) -> Any:
    """What whistles/panels/my_whistles.html reads (HomePanel.kept)."""
    if ctx.get("hidden"):
        return "hidden"
    whistles = [
        (w.pk, w.title, [(str(a.department), a.get_status_display()) for a in w.assignments.all()])
        for w in ctx["open"]
    ]
    return (ctx["open_count"], ctx["to_confirm"], whistles)


def district_read(ctx: dict[str, Any]) -> Any:
    """What whistles/panels/district.html reads (HomePanel.kept)."""
    returns = [(a.pk, a.whistle_id, a.whistle.title, str(a.department)) for a in ctx["returns"]]
    return (ctx["returns_count"], ctx["overdue_count"], returns)


def notifications_read(ctx: dict[str, Any]) -> Any:
    """What whistles/panels/notifications.html reads (HomePanel.kept): each notification's text as written
    for the reader, and its moment."""
    from .notifications import render  # what the template's notification_text filter writes

    return (ctx["unread"], [(n.pk, render(n), n.created_at) for n in ctx["latest"]])


def register() -> None:
    town_side = frozenset({Role.OFFICER, Role.SUPERVISOR})
    everyone_working = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RESPONDER, Role.DISTRICT_ADMIN})
    register_nav(NavEntry("whistles", _("Whistles"), "whistle-list", order=40, roles=everyone_working))
    register_nav(
        NavEntry(
            "whistle-inbox", _("Whistle inbox"), "whistle-inbox", order=41, roles=frozenset({Role.RESPONDER})
        )
    )
    register_nav(
        NavEntry(
            "whistle-assessment",
            _("Two-way assessment"),
            "whistle-assessment",
            order=45,
            roles=frozenset({Role.DISTRICT_ADMIN, Role.SUPERVISOR, Role.RESPONDER}),
            group="oversight",
        )
    )
    register_nav(NavEntry("whistle-notifications", BellLabel(), "whistle-notifications", order=98))
    register_home_panel(
        HomePanel("whistle_inbox", "whistles/panels/inbox.html", 15, frozenset({Role.RESPONDER}), inbox_panel)
    )
    register_home_panel(
        HomePanel(
            "my_whistles",
            "whistles/panels/my_whistles.html",
            25,
            town_side,
            my_whistles_panel,
            my_whistles_read,
        )
    )
    register_home_panel(
        HomePanel(
            "whistle_district",
            "whistles/panels/district.html",
            15,
            frozenset({Role.DISTRICT_ADMIN}),
            district_panel,
            district_read,
        )
    )
    register_home_panel(
        HomePanel(
            "whistle_notifications",
            "whistles/panels/notifications.html",
            30,
            frozenset(),
            notifications_panel,
            notifications_read,
        )
    )
    register_inbox()
    # A department's responder works on the whistles sent to it (no cases, nothing to record).
    register_bottom_entry(
        BottomEntry(
            "work",
            _("Whistles"),
            "whistle-inbox",
            "whistle",
            20,
            lambda user: user.has_role(Role.RESPONDER) and bool(scope_for(user).department_ids),
        )
    )


# --- sections of the one inbox (enforcement.inbox) ---


def inbox_to_answer(user: User, rows: int) -> InboxList | None:
    """A department's whistles still owed a step (check in, on site, handled), the nearest deadline first."""
    if not scope_for(user).department_ids:
        return None
    owed = inbox_for(user=user, include_waiting=False)
    if not rows:
        return InboxList(owed.count(), [], reverse("whistle-inbox"))
    items = []
    for assignment in owed[:rows]:
        due = current_due(assignment)
        items.append(
            InboxItem(
                title=str(assignment.whistle),
                url=reverse("whistle-detail", args=[assignment.whistle_id]),
                detail=str(due.step.label) if due else "",
                due=timezone.localdate(due.at) if due else None,
                overdue=bool(due and due.overdue),
            )
        )
    return InboxList(owed.count(), items, reverse("whistle-inbox"))


def inbox_to_confirm(user: User, rows: int) -> InboxList | None:
    """The town's whistles a department reports handled: the town confirms or sends back."""
    if not towns_user_may_whistle_for(user):
        return None
    if not rows:
        return InboxList(_to_confirm_count(user), [], reverse("whistle-list"))
    waiting = (
        town_whistles_for(user=user)
        .filter(status=WhistleStatus.OPEN, assignments__status=Status.HANDLED)
        .distinct()
    )
    items = [
        InboxItem(title=str(w), url=reverse("whistle-detail", args=[w.pk]), detail=str(w.town))
        for w in waiting[:rows]
    ]
    return InboxList(waiting.count(), items, reverse("whistle-list"))


def inbox_unread(user: User, rows: int) -> InboxList | None:
    from .notifications import render

    if not rows:
        return InboxList(_latest_unread(user)[1], [], reverse("whistle-notifications"))
    unread = notifications_for(user=user, unread_only=True)
    items = [
        InboxItem(
            title=render(n),
            url=reverse("whistle-detail", args=[n.whistle_id])
            if n.whistle_id
            else reverse("whistle-notifications"),
            detail=timezone.localtime(n.created_at).strftime("%m-%d %H:%M"),
        )
        for n in unread[:rows]
    ]
    return InboxList(unread_count(user=user), items, reverse("whistle-notifications"))


def register_inbox() -> None:
    register_inbox_section(InboxSection("whistles_to_answer", _("Whistles to answer"), 40, inbox_to_answer))
    register_inbox_section(
        InboxSection("whistles_to_confirm", _("Whistles handled, to confirm"), 45, inbox_to_confirm)
    )
    register_inbox_section(InboxSection("notifications", _("Unread notifications"), 90, inbox_unread))
