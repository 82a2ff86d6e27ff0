"""Officers' in-app notifications across feature apps that do not import each other.

Whistles own the notifications people read (the bell in the top bar, the notifications page, the SMS/e-mail
senders); cases tell officers about their cases through the same inbox. The inbox registers its writer here in
its AppConfig.ready; an app that notifies registers how each of its kinds reads (`register_kind`: a function
of the stored parameters, called at display time so that the text is in the reader's language) and calls
`notify()` inside its change's transaction.

`key` makes a notification idempotent: one row per recipient and key, however often the step or the sweep
that sends it is retried (a unique constraint of the inbox decides, not a read before the write).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .models import User

# (recipients, kind, params, key, exclude) -> how many rows were written now
Writer = Callable[[list[User], str, dict[str, Any], str, "User | None"], int]
_writer: list[Writer] = []
_kinds: dict[str, Callable[[Mapping[str, Any]], str]] = {}


def register_writer(writer: Writer) -> None:
    _writer[:] = [writer]


def register_kind(kind: str, render: Callable[[Mapping[str, Any]], str]) -> None:
    _kinds[kind] = render


def render(kind: str, params: Mapping[str, Any]) -> str | None:
    """The text of a notification of a registered kind, in the active language (None: not one of ours)."""
    renderer = _kinds.get(kind)
    if renderer is None:
        return None
    try:
        return renderer(params)
    except (KeyError, TypeError, ValueError):
        return None


def notify(
    recipients: Iterable[User],
    kind: str,
    *,
    params: dict[str, Any],
    key: str,
    exclude: User | None = None,
) -> int:
    """One notification per recipient (never to `exclude`, the person who acted) unless one with this key was
    written before. `params["link"]`: where opening it leads. Returns how many were written now (0 when no
    inbox is installed)."""
    if not _writer:
        return 0
    return _writer[0](list(recipients), kind, params, key, exclude)
