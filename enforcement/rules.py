"""can_<verb>_<noun>(user, obj) predicates for the core. Services `require()` them; templates show their
answers."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from .models import District, FenceWarning, Role, Unit, User

AnyUser = User | AnonymousUser


def require(allowed: bool, message: str = "") -> None:
    if not allowed:
        raise PermissionDenied(message or "not allowed")


def is_district_admin_of(user: AnyUser | None, district_id: int) -> bool:
    return (
        isinstance(user, User)
        and user.has_role(Role.DISTRICT_ADMIN)
        and user.unit is not None
        and user.unit.district_id == district_id
    )


def can_manage_unit(user: AnyUser, unit: Unit) -> bool:
    """Create officers, issue certificates, second officers: the district administrator."""
    return is_district_admin_of(user, unit.district_id)


def can_view_audit(user: AnyUser) -> bool:
    return isinstance(user, User) and (user.has_role(Role.SUPERVISOR) or user.has_role(Role.DISTRICT_ADMIN))


CITY_ROLES = frozenset({Role.CITY_SUPERVISOR, Role.CITY_ADMIN})
# Who works the supervisor's desk (fence warnings): a town's supervisors, the district office, the city.
DESK_ROLES = frozenset({Role.SUPERVISOR, Role.DISTRICT_ADMIN}) | CITY_ROLES


def is_city_member(user: AnyUser | None) -> bool:
    """A city supervisor or administrator with a city: reads every district of the city."""
    return isinstance(user, User) and user.city_id is not None and bool(CITY_ROLES & user.role_names)


def can_use_desk(user: AnyUser | None) -> bool:
    return isinstance(user, User) and user.is_active and bool(DESK_ROLES & user.role_names)


def can_review_warning(user: AnyUser, warning: FenceWarning) -> bool:
    """A supervisor of the warning's town, the district's administrators, and the city once the district has
    left it open long enough to reach the city (escalation "city")."""
    if not isinstance(user, User) or not user.is_active:
        return False
    district_id = warning.district_id or warning.town.district_id
    if is_district_admin_of(user, district_id):
        return True
    if user.has_role(Role.SUPERVISOR) and user.unit_id == warning.town_id:
        return True
    return (
        is_city_member(user)
        and user.city_id is not None
        and warning.escalation == FenceWarning.Escalation.CITY
        and District.objects.filter(pk=district_id, city_id=user.city_id).exists()
    )


def can_set_escalation(user: AnyUser, district: District) -> bool:
    """The times after which warnings escalate: the district's administrators."""
    return is_district_admin_of(user, district.pk)


def can_edit_fence_settings(user: AnyUser, district: District) -> bool:
    """A district's fence rule parameters are set by its district administrator."""
    return is_district_admin_of(user, district.pk)


def can_view_fence_settings(user: AnyUser) -> bool:
    """The settings page: the district administrator (who edits) and the supervisors (who see what is in
    force)."""
    return isinstance(user, User) and (user.has_role(Role.DISTRICT_ADMIN) or user.has_role(Role.SUPERVISOR))
