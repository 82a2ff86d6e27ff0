"""can_<verb>_<noun>(user, obj) predicates for the core. Services `require()` them; templates show their
answers."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from .models import FenceWarning, Role, Unit, User

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


def can_review_warning(user: AnyUser, warning: FenceWarning) -> bool:
    if not isinstance(user, User):
        return False
    if is_district_admin_of(user, warning.town.district_id):
        return True
    return user.has_role(Role.SUPERVISOR) and user.unit_id == warning.town_id
