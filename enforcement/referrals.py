"""Handing a matter to a district department (移送), between feature apps that do not import each other.

A case the town does not hold (or needs a department's expertise for) is transferred; the department receives
it as a whistle. Cases and whistles are siblings above the core, so neither imports the other: the app that
carries a referral registers its handler here in its AppConfig.ready (whistles: it raises a whistle), and the
app that refers calls `refer()` (cases: the `transfer` step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured

from .models import Unit, User


@dataclass(frozen=True)
class Referral:
    town: Unit  # the referring town
    department: Unit
    title: str
    description: str
    address: str
    # The town holds the power and needs the department's expertise; otherwise it has no power over the
    # matter.
    town_holds: bool
    item_id: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    origin_type: str = ""  # what it comes from, for the link back: "case" and the case's id and reference
    origin_id: str = ""
    origin_label: str = ""


# (actor, referral) -> the id of what the department received
Handler = Callable[[User, Referral], int]
_handler: list[Handler] = []


def register_referral_handler(handler: Handler) -> None:
    _handler[:] = [handler]


def refer(*, actor: User, referral: Referral) -> int:
    """Hand the matter over (inside the caller's transaction); returns the id of what the department
    received."""
    if not _handler:
        raise ImproperlyConfigured(
            "No installed app takes referrals to departments (whistles registers one)."
        )
    return _handler[0](actor, referral)
