"""May this officer act on this date? (art 42: valid enforcement certificate, active account)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from .compiled import MARK, Compiled, marks, prefetch_compiled
from .memo import remembered
from .models import Certificate, Secondment, Unit, User


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    reason: str = ""
    certificate: Certificate | None = None

    def __bool__(self) -> bool:
        return self.ok


def officer_may_act(officer: User, on: dt.date, *, town: Unit | None = None) -> Eligibility:
    """True when the account is active and a certificate is valid on `on`; with `town`, also that the officer
    works for that town on that date (its team, or seconded to it)."""
    if not officer.is_active:
        return Eligibility(False, _("%(name)s's account is disabled.") % {"name": officer})
    certificates = _certificates(officer)
    certificate = next((c for c in certificates if c.valid_on(on)), None)
    if certificate is None:
        latest = certificates[0] if certificates else None
        if latest is None:
            return Eligibility(False, _("%(name)s holds no enforcement certificate.") % {"name": officer})
        if latest.revoked_at is not None:
            return Eligibility(
                False,
                _("%(name)s's certificate %(number)s was revoked.")
                % {"name": officer, "number": latest.number},
            )
        return Eligibility(
            False,
            _("%(name)s's certificate %(number)s is not valid on %(date)s (valid %(start)s to %(end)s).")
            % {
                "name": officer,
                "number": latest.number,
                "date": on,
                "start": latest.valid_from,
                "end": latest.valid_to,
            },
        )
    if town is not None and not _own_town_is(officer, town) and town.pk not in officer_towns(officer, on):
        return Eligibility(
            False,
            _("%(name)s does not work for %(town)s on %(date)s.")
            % {"name": officer, "town": town, "date": on},
            certificate,
        )
    return Eligibility(True, "", certificate)


def _own_town_is(officer: User, town: Unit) -> bool:
    """The officer's own team is the town's (they work for it on any date, whatever their secondments)."""
    return officer.unit_id == town.pk and officer.unit is not None and officer.unit.kind == Unit.Kind.TOWN


def prefetch_for_may_act(officers: Sequence[User], *, town: Unit | None = None) -> None:
    """Load what `officer_may_act` reads for several officers at once (their units, certificates and
    secondments: three queries for all, rather than three per officer), as a case page asks for each handling
    officer. With the `town` they will be asked about, the secondments only of those not of its own team (it
    reads no other's): none, nearly always."""
    prefetch_related_objects(list(officers), "unit")
    # The certificates and secondments through queries compiled once per number of officers.
    n = len({officer.pk for officer in officers})
    if n:
        prefetch_compiled(list(officers), "certificates", _ordered_certificates(), _certificates_of(n))
    away = [officer for officer in officers if town is None or not _own_town_is(officer, town)]
    n = len({officer.pk for officer in away})
    if n:
        prefetch_compiled(away, "secondments", Secondment.objects.all(), _secondments_of(n))


def _ordered_certificates() -> QuerySet[Certificate]:
    return Certificate.objects.order_by("-valid_to")


@functools.lru_cache(maxsize=16)
def _certificates_of(n: int) -> Compiled[Certificate]:
    return Compiled(_ordered_certificates().filter(holder__in=marks(n)), marks=marks(n))


@functools.lru_cache(maxsize=16)
def _secondments_of(n: int) -> Compiled[Secondment]:
    return Compiled(Secondment.objects.filter(officer__in=marks(n)), marks=marks(n))


def _prefetched(officer: User, name: str) -> bool:
    return name in getattr(officer, "_prefetched_objects_cache", {})


@remembered(lambda officer: officer.pk)
def _certificates(officer: User) -> list[Certificate]:
    """The officer's certificates, the latest expiry first."""
    if _prefetched(officer, "certificates"):
        return list(officer.certificates.all())  # prefetch_for_may_act ordered them
    return _certificates_compiled().objects(officer.pk)


@functools.cache
def _certificates_compiled() -> Compiled[Certificate]:
    """`_certificates`'s query, compiled once, with MARK for the officer."""
    return Compiled(Certificate.objects.filter(holder=MARK).order_by("-valid_to"))


def officer_towns(officer: User, on: dt.date) -> set[int]:
    """Towns whose cases the officer may work on a date: their own town team plus active secondments."""
    own_town, secondments = _postings(officer)
    towns = {s.town_id for s in secondments if s.active_on(on)}
    if own_town is not None:
        towns.add(own_town)
    return towns


@remembered(lambda officer: officer.pk)
def _postings(officer: User) -> tuple[int | None, list[Secondment]]:
    """The officer's own town (None if their unit is not a town) and all their secondments."""
    own_town = officer.unit_id if officer.unit is not None and officer.unit.kind == Unit.Kind.TOWN else None
    return own_town, list(officer.secondments.all())


def team_members(town: Unit, on: dt.date) -> list[User]:
    """Who counts in a town's team on a date: its own members and officers seconded to it."""
    own = list(User.objects.filter(unit=town, is_active=True).prefetch_related("groups"))
    active = Secondment.objects.filter(town=town, start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
    seconded = list(
        User.objects.filter(pk__in=active.values("officer"), is_active=True)
        .exclude(unit=town)
        .prefetch_related("groups")
    )
    return own + seconded
