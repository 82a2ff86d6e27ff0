"""Home-page panels. The core registers its own; feature apps add theirs (my cases, whistle inbox, ...) in
their
AppConfig.ready(), so the home page grows without the core importing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.safestring import SafeData
from django.utils.translation import gettext_lazy as _

from .memo import AnswerScope
from .models import User


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    order: int = 100
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every signed-in user
    context: Callable[[HttpRequest, User], dict[str, Any]] | None = None
    # Everything the template reads from its context (`ctx`), as plain values (`plain`): the panel's HTML is
    # then rendered once per process for each distinct answer, language and script prefix, and kept
    # (`{% home_panel %}`, enforcement.templatetags.home_panels). The data are read for every request as
    # before; only the writing of the same HTML for the same values is saved. None: rendered every time.
    kept: Callable[[dict[str, Any]], Any] | None = None

    def shown_to(self, user: User) -> bool:
        return not self.roles or bool(self.roles & user.role_names)


_SCALARS = (type(None), bool, int, float, Decimal, str, dt.date, dt.datetime, dt.time)


def plain(value: Any) -> Hashable:
    """`value` (a panel's context, or what of it a template reads) as a hashable of plain values that tells
    apart whatever a template would print differently: each scalar with its type (True is not 1, a string
    marked safe is not one to escape), a lazy translation as its text in the active language, dicts and
    sequences member by member. Anything else (a model object, say) is refused: a panel's `kept` says which
    of its fields the template reads."""
    kind = type(value)
    if (
        kind in _SCALARS
        or isinstance(value, Enum)
        or (isinstance(value, str) and isinstance(value, SafeData))
    ):
        return (kind, value)
    if isinstance(value, Promise):
        return (str, str(value))
    if isinstance(value, dict):
        return (dict, tuple((k, plain(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (kind, tuple(plain(v) for v in value))
    raise TypeError(f"not a plain value: {kind.__name__}")


_PANELS: dict[str, HomePanel] = {}
R = TypeVar("R")
_home_answers = AnswerScope("zhifa_home_answers")


def asked_once(key: Hashable, compute: Callable[[], R]) -> R:
    """While the home page gathers its panels, a count two panels show (the inbox's "deadlines" and the cases
    panel's, say) is read once; anywhere else `compute` runs every time."""
    return _home_answers.ask(key, compute)


def register_home_panel(panel: HomePanel) -> None:
    _PANELS[panel.key] = panel


def home_panels_for(request: HttpRequest, user: User) -> list[dict[str, Any]]:
    shown = []
    with _home_answers.open():
        for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
            if panel.shown_to(user):
                ctx = panel.context(request, user) if panel.context else {}
                shown.append({"key": panel.key, "template": panel.template, "ctx": ctx, "kept": panel.kept})
    return shown


@dataclass(frozen=True)
class NavEntry:
    """A top-bar link. `roles` empty: every signed-in user; `public`: also shown to visitors."""

    key: str
    label: object  # what the template prints: a lazy string, or an object whose str() is markup (the bell)
    url_name: str
    order: int = 100
    roles: frozenset[str] = field(default_factory=frozenset)
    public: bool = False
    group: str = ""  # a key of NAV_GROUPS: shown under that menu when the bar is long
    unit_only: bool = False  # only for users of a unit (a city-wide supervisor has none)

    def shown_to(self, user: User | AnonymousUser | None) -> bool:
        if not isinstance(user, User):  # the public (a request without the auth middleware has no user)
            return self.public
        if self.unit_only and user.unit_id is None:
            return False
        return not self.roles or bool(self.roles & user.role_names)


_NAV: dict[str, NavEntry] = {}

# The top bar's menus. A supervisor or a district administrator sees 15–19 entries, which wrapped the bar onto
# three rows at 1366 px; when a user sees more than NAV_FLAT_MAX entries, the entries of a group (two or more
# shown) fold into one menu placed where the group's first entry stood.
NAV_GROUPS: dict[str, object] = {
    "lists": _("Lists"),
    "oversight": _("Oversight"),
    "people": _("People"),
}
NAV_FLAT_MAX = 8


@dataclass(frozen=True)
class NavMenu:
    key: str
    label: object
    entries: tuple[NavEntry, ...]

    @property
    def url_names(self) -> frozenset[str]:
        return frozenset(e.url_name for e in self.entries)


def nav_bar(entries: list[NavEntry]) -> list[NavEntry | NavMenu]:
    """The top bar for `entries` (as `nav_for` gives them): flat when short, else with the groups folded."""
    if len(entries) <= NAV_FLAT_MAX:
        return list(entries)
    members: dict[str, list[NavEntry]] = {}
    for entry in entries:
        if entry.group:
            members.setdefault(entry.group, []).append(entry)
    bar: list[NavEntry | NavMenu] = []
    for entry in entries:
        group = members.get(entry.group) if entry.group else None
        if group is None or len(group) < 2:
            bar.append(entry)
        elif group[0] is entry:
            bar.append(NavMenu(entry.group, NAV_GROUPS[entry.group], tuple(group)))
    return bar


def register_nav(entry: NavEntry) -> None:
    _NAV[entry.key] = entry


def nav_for(user: User | AnonymousUser | None) -> list[NavEntry]:
    return [e for e in sorted(_NAV.values(), key=lambda e: (e.order, e.key)) if e.shown_to(user)]


@dataclass(frozen=True)
class BottomEntry:
    """A place on the phone's bottom bar. The bar has three slots besides "more": `tasks`, `work` and
    `capture`; per slot the first entry (by order) shown to the user takes it. `shown` must cost no query
    (roles and the cached scope), as the bar is on every page."""

    slot: str
    label: object
    url_name: str
    icon: str
    order: int = 100
    shown: Callable[[User], bool] | None = None

    def shown_to(self, user: User) -> bool:
        return self.shown is None or self.shown(user)


BOTTOM_SLOTS = ("tasks", "work", "capture")
_BOTTOM: list[BottomEntry] = []


def register_bottom_entry(entry: BottomEntry) -> None:
    _BOTTOM[:] = [e for e in _BOTTOM if (e.slot, e.url_name) != (entry.slot, entry.url_name)] + [entry]


def bottom_nav_for(user: User | AnonymousUser | None) -> list[BottomEntry]:
    if not isinstance(user, User):
        return []
    chosen = []
    for slot in BOTTOM_SLOTS:
        candidates = sorted((e for e in _BOTTOM if e.slot == slot), key=lambda e: e.order)
        entry = next((e for e in candidates if e.shown_to(user)), None)
        if entry is not None:
            chosen.append(entry)
    return chosen


@dataclass(frozen=True)
class PortalSection:
    """A part of the public front door (the landing page): feature apps register theirs (search, the towns'
    lists, published decisions). `context` gets the request and the district the portal is about."""

    key: str
    template: str
    order: int = 100
    context: Callable[[HttpRequest, Any], dict[str, Any]] | None = None


_PORTAL: dict[str, PortalSection] = {}


def register_portal_section(section: PortalSection) -> None:
    _PORTAL[section.key] = section


def portal_sections_for(request: HttpRequest, district: Any) -> list[dict[str, Any]]:
    shown = []
    for section in sorted(_PORTAL.values(), key=lambda s: (s.order, s.key)):
        ctx = section.context(request, district) if section.context else {}
        shown.append({"key": section.key, "template": section.template, "ctx": ctx})
    return shown


@dataclass(frozen=True)
class TownPublicLink:
    """A public page each town has (its published decisions, ...), linked beside the town on the portal.
    `url_name` takes the town's code."""

    label: object
    url_name: str
    order: int = 100


_TOWN_LINKS: dict[str, TownPublicLink] = {}


def register_town_public_link(link: TownPublicLink) -> None:
    _TOWN_LINKS[link.url_name] = link


def town_public_links() -> list[TownPublicLink]:
    return sorted(_TOWN_LINKS.values(), key=lambda link: link.order)
