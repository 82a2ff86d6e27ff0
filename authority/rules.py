"""can_<verb>_<noun> predicates for the authority list. Services `require()` them; templates show their
answers.

The catalog, the grants in force, approved adjustments and each town's list are public (公示): no predicate
guards reading them. Drafts, imports and the usage evaluation are not.
"""

from __future__ import annotations

from enforcement.access import scope_for
from enforcement.models import District, Role, Unit, User
from enforcement.rules import AnyUser, is_district_admin_of

from .models import Adjustment


def can_manage_authority(user: AnyUser, district: District | int) -> bool:
    """Draft adjustments and import catalogs: the district administrator."""
    district_id = district if isinstance(district, int) else district.pk
    return is_district_admin_of(user, district_id)


def can_import_authority(user: AnyUser, district: District | int) -> bool:
    return can_manage_authority(user, district)


def can_draft_adjustment(user: AnyUser, adjustment: Adjustment) -> bool:
    return adjustment.status == Adjustment.Status.DRAFT and can_manage_authority(user, adjustment.district_id)


def can_approve_adjustment(user: AnyUser, adjustment: Adjustment) -> bool:
    """Only a district administrator of the adjustment's district decides it, and only while it is a draft."""
    return adjustment.status == Adjustment.Status.DRAFT and can_manage_authority(user, adjustment.district_id)


def can_view_adjustment(user: AnyUser, adjustment: Adjustment) -> bool:
    """Approved (and rejected) decisions are published; drafts are seen by the district administrators
    only."""
    if adjustment.status != Adjustment.Status.DRAFT:
        return True
    return can_manage_authority(user, adjustment.district_id)


def can_propose_recovery(user: AnyUser, district: District | int) -> bool:
    """Turning zombie items of the usage evaluation into a recovery draft: the district administrator."""
    return can_manage_authority(user, district)


def can_view_usage(user: AnyUser, district: District | int) -> bool:
    """The evaluation: district administrators (every town), supervisors and officers (their own towns)."""
    district_id = district if isinstance(district, int) else district.pk
    if can_manage_authority(user, district_id):
        return True
    if not isinstance(user, User):
        return False
    scope = scope_for(user)
    return (
        district_id in scope.district_ids
        and bool(scope.town_ids)
        and (
            user.has_role(Role.SUPERVISOR)
            or user.has_role(Role.OFFICER)
            or user.has_role(Role.LEGAL_REVIEWER)
        )
    )


def usage_town_ids(user: AnyUser, district: District | int) -> set[int] | None:
    """Towns whose usage the user may read: None means every town of the district."""
    district_id = district if isinstance(district, int) else district.pk
    if can_manage_authority(user, district_id):
        return None
    if not can_view_usage(user, district_id):
        return set()
    assert isinstance(user, User)
    scope = scope_for(user)
    return set(
        Unit.objects.filter(pk__in=scope.town_ids, district_id=district_id).values_list("pk", flat=True)
    )
