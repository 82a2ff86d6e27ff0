"""Where a form can be opened from: a page of one app links to a form of another, prefilled from the object it
comes from, without either app importing the other. The whistle raise form takes `/whistles/new/?case=<id>`
(or `inspection=`, `complaint=`); the app that owns the object registers a resolver here in its
AppConfig.ready:

    from enforcement.origins import Origin, register_origin

    def resolve_case(user, case_id):
        case = case_get_for(user=user, pk=case_id)      # raises Http404 when the user may not see it
        return Origin(label=case.number, url=case.get_absolute_url(), title=case.summary,
                      address=case.place, description=case.facts, item_id=case.item_id)

    register_origin("case", resolve_case)

Without a resolver the reference is kept as given (type and id), so it can be linked later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404

from enforcement.models import User


@dataclass(frozen=True)
class Origin:
    label: str
    url: str = ""
    title: str = ""
    address: str = ""
    description: str = ""
    item_id: int | None = None


Resolver = Callable[[User, str], Origin]  # (the user asking, the origin's id)
_RESOLVERS: dict[str, Resolver] = {}
ORIGIN_PARAMETERS = ("case", "inspection", "complaint")


def register_origin(origin_type: str, resolver: Resolver) -> None:
    _RESOLVERS[origin_type] = resolver


def unregister_origin(origin_type: str) -> None:
    _RESOLVERS.pop(origin_type, None)


def resolve_origin(user: User, origin_type: str, origin_id: str) -> Origin | None:
    """The origin as the user may see it; None when a resolver says it does not exist or is not visible."""
    resolver = _RESOLVERS.get(origin_type)
    if resolver is None:
        return Origin(label="")
    try:
        return resolver(user, origin_id)
    except (Http404, LookupError, ValueError):
        return None
