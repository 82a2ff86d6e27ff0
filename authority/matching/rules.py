"""Who may match, read the matching rules and edit them.

Matching reads the published catalog, so any member of a district (officers, supervisors, reviewers,
department responders, the district administrator) may match descriptions for that district's towns and read
its rules.
Rules and the district's lexicon are edited by supervisors and district administrators of the district.
"""

from __future__ import annotations

from enforcement.models import District, Role, Unit, User
from enforcement.rules import AnyUser, is_district_admin_of


def _district_id(district: District | int) -> int:
    return district if isinstance(district, int) else district.pk


def _member_of(user: AnyUser | None, district_id: int) -> bool:
    return (
        isinstance(user, User)
        and user.is_active
        and user.unit is not None
        and user.unit.district_id == district_id
    )


def can_match_in(user: AnyUser, district: District | int) -> bool:
    return _member_of(user, _district_id(district))


def can_match_for_town(user: AnyUser, town: Unit) -> bool:
    return town.kind == Unit.Kind.TOWN and can_match_in(user, town.district_id)


def can_view_match_rules(user: AnyUser, district: District | int) -> bool:
    return _member_of(user, _district_id(district))


def can_edit_match_rules(user: AnyUser | None, district: District | int) -> bool:
    district_id = _district_id(district)
    if is_district_admin_of(user, district_id):
        return True
    return _member_of(user, district_id) and isinstance(user, User) and user.has_role(Role.SUPERVISOR)


def can_edit_lexicon(user: AnyUser | None, district: District | int) -> bool:
    return can_edit_match_rules(user, district)
