"""One inbox for everyone: what waits for the signed-in user, gathered from every app.

The core holds the registry and the page; each feature app registers its sections (declarations on recusal,
approvals, legal reviews, whistles to answer, unread notifications, ...) from its AppConfig.ready(), each a
read-only query through that app's selectors, so the core imports no feature app. A section that does not
concern the user (wrong role, nothing scoped) returns None and is not shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.functional import Promise

from .models import User

INBOX_SHOWN = 8  # rows per section on the inbox page; the count says how many there are


def deadline_working_days() -> int:
    """The "deadlines within N working days" window (setting INBOX_DEADLINE_WORKING_DAYS, default 3)."""
    return int(getattr(settings, "INBOX_DEADLINE_WORKING_DAYS", 3))


@dataclass(frozen=True)
class InboxItem:
    title: str
    url: str
    detail: str = ""
    due: dt.date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class InboxList:
    count: int
    items: list[InboxItem]
    more_url: str = ""  # the app's own full list, when it has one


@dataclass(frozen=True)
class InboxSection:
    key: str
    label: str | Promise
    order: int
    read: Callable[[User, int], InboxList | None]  # (user, how many rows) -> the section, or None: not theirs
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: anyone signed in


_SECTIONS: dict[str, InboxSection] = {}


def register_inbox_section(section: InboxSection) -> None:
    _SECTIONS[section.key] = section


def inbox_for(user: User, *, rows: int = INBOX_SHOWN) -> list[dict[str, Any]]:
    """The sections that concern the user, in order, with their counts and first rows (empty ones too, so
    the page can say "nothing waiting")."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        if section.roles and not section.roles & user.role_names:
            continue
        result = section.read(user, rows)
        if result is not None:
            label = str(section.label)
            if "%(n)s" in label:
                label = label % {"n": deadline_working_days()}
            shown.append({"key": section.key, "label": label, "list": result})
    return shown


def inbox_total(sections: list[dict[str, Any]]) -> int:
    return sum(s["list"].count for s in sections)
