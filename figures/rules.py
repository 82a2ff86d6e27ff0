"""Who may read which figures. A town's supervisor: that town. A district's administrator and the supervisors
of its district office: the district and its towns. A city supervisor or administrator: every district of
their city, and their towns. A city user belongs to the city as the supervisor's desk has it: `User.city`
with Role.CITY_SUPERVISOR or Role.CITY_ADMIN (`Scope.city_wide` in enforcement.access), no unit needed."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from enforcement.access import scope_for
from enforcement.models import District, Role, Unit, User

CITY_ROLES = (Role.CITY_SUPERVISOR, Role.CITY_ADMIN)


def _user(user: User | AnonymousUser | None) -> User | None:
    if not isinstance(user, User) or not user.is_active or user.unit is None:
        return None
    return user


def city_of(user: User | AnonymousUser | None) -> int | None:
    """The city whose figures the user reads, if a city supervisor or administrator of one."""
    if not isinstance(user, User) or not user.is_active or user.city_id is None:
        return None
    return user.city_id if any(user.has_role(r) for r in CITY_ROLES) else None


def district_of(user: User | AnonymousUser | None) -> int | None:
    """The district whose figures the user reads as its administrator or a district-office supervisor."""
    person = _user(user)
    if person is None:
        return None
    assert person.unit is not None
    if person.has_role(Role.DISTRICT_ADMIN) and scope_for(person).district_admin:
        return person.unit.district_id
    if person.has_role(Role.SUPERVISOR) and person.unit.kind == Unit.Kind.DISTRICT_OFFICE:
        return person.unit.district_id
    return None


def towns_of(user: User | AnonymousUser | None) -> frozenset[int]:
    """The towns a town supervisor reads (their own, and a town they are seconded to)."""
    person = _user(user)
    if person is None or not person.has_role(Role.SUPERVISOR):
        return frozenset()
    return scope_for(person).town_ids


def can_view_city_figures(user: User | AnonymousUser | None, city_id: int) -> bool:
    return city_id is not None and city_of(user) == city_id


def can_view_district_figures(user: User | AnonymousUser | None, district: District) -> bool:
    if district_of(user) == district.pk:
        return True
    return district.city_id is not None and can_view_city_figures(user, district.city_id)


def can_view_town_figures(user: User | AnonymousUser | None, town: Unit) -> bool:
    if town.kind != Unit.Kind.TOWN:
        return False
    return town.pk in towns_of(user) or can_view_district_figures(user, town.district)


def can_view_figures(user: User | AnonymousUser | None) -> bool:
    return bool(city_of(user) or district_of(user) or towns_of(user))
