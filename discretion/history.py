"""Where a party's earlier violations come from.

Discretion does not own cases. The cases app registers a provider in its AppConfig.ready():

    from discretion.history import HistoryQuery, PriorViolation, register_history_provider

    def earlier_violations(query: HistoryQuery) -> list[PriorViolation]:
        # cases decided before query.before against the party (query.subject_id or query.identifier),
        # in any town of query.district_id
        ...

    register_history_provider(earlier_violations)

Each provider returns the party's earlier violations in any town of the district decided before
`query.before`.
Several providers may be registered (cases, a legacy import); their answers are joined. With no provider
registered the history is unknown, and a recommendation then says so and uses the officer's own answer to
"first violation".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .specs import PriorViolation


@dataclass(frozen=True)
class HistoryQuery:
    district_id: int
    before: dt.date
    subject_id: int | None = None  # enforcement.models.Subject
    identifier: str = ""  # ID number / unified social credit code


HistoryProvider = Callable[[HistoryQuery], Iterable[PriorViolation]]

_PROVIDERS: dict[str, HistoryProvider] = {}


def _key(fn: HistoryProvider) -> str:
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}"


def register_history_provider(fn: HistoryProvider, *, key: str | None = None) -> HistoryProvider:
    """Register `fn` (usable as a decorator). Registering the same function again replaces it."""
    _PROVIDERS[key or _key(fn)] = fn
    return fn


def unregister_history_provider(fn_or_key: HistoryProvider | str) -> None:
    _PROVIDERS.pop(fn_or_key if isinstance(fn_or_key, str) else _key(fn_or_key), None)


def history_providers() -> list[HistoryProvider]:
    return [fn for _key, fn in sorted(_PROVIDERS.items())]


def party_history(query: HistoryQuery) -> tuple[PriorViolation, ...] | None:
    """The party's earlier violations from every provider; None when unknown (no provider, or no party
    given)."""
    if not _PROVIDERS or (query.subject_id is None and not query.identifier):
        return None
    seen: set[PriorViolation] = set()
    found: list[PriorViolation] = []
    for provider in history_providers():
        for prior in provider(query):
            if prior.decided_on < query.before and prior not in seen:
                seen.add(prior)
                found.append(prior)
    return tuple(sorted(found, key=lambda p: (p.decided_on, p.item_code, p.reference)))
