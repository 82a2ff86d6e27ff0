"""can_<verb>_<noun>(user, obj) predicates for whistles. Services `require()` them; templates show their
answers.

Three sides act on a whistle: the raising town's team (officers and supervisors, including officers seconded
to the town), the departments it was sent to (their responders; their officers may also record on-site work
and the result), and the district administrator (reviews returns). Nobody else may act.
"""

from __future__ import annotations

from enforcement.access import scope_for
from enforcement.models import Role, Unit, User
from enforcement.rules import AnyUser, is_district_admin_of

from .models import WhistleAssignment, WhistleRequest
from .workflow import TRANSITIONS, Action, Side, WhistleStatus

TOWN_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})


def _user(user: AnyUser | None) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def works_for_town(user: AnyUser | None, town_id: int) -> bool:
    """A member of the town's team who may speak for it: an officer or supervisor of the town, or seconded to
    it."""
    person = _user(user)
    return (
        person is not None and bool(TOWN_ROLES & person.role_names) and town_id in scope_for(person).town_ids
    )


def can_raise_whistle(user: AnyUser | None, town: Unit) -> bool:
    return town.kind == Unit.Kind.TOWN and works_for_town(user, town.pk)


def towns_user_may_whistle_for(user: AnyUser | None) -> list[int]:
    person = _user(user)
    if person is None or not (TOWN_ROLES & person.role_names):
        return []
    return sorted(scope_for(person).town_ids)


def can_view_whistle(user: AnyUser | None, whistle: WhistleRequest) -> bool:
    person = _user(user)
    if person is None:
        return False
    scope = scope_for(person)
    if whistle.town_id in scope.town_ids or is_district_admin_of(person, whistle.district_id):
        return True
    return (
        bool(scope.department_ids)
        and whistle.assignments.filter(department_id__in=scope.department_ids).exists()
    )


def is_department_member(user: AnyUser | None, assignment: WhistleAssignment) -> bool:
    person = _user(user)
    return person is not None and person.unit_id == assignment.department_id


def _side_may(user: AnyUser | None, assignment: WhistleAssignment, action: Action) -> bool:
    person = _user(user)
    if person is None:
        return False
    side = TRANSITIONS[action].side
    if side == Side.DEPARTMENT:
        if not is_department_member(person, assignment):
            return False
        if action in (Action.ACKNOWLEDGE, Action.RETURN):
            # Checking in commits the department and returning refuses for it: its responders decide.
            return person.has_role(Role.RESPONDER)
        return person.has_role(Role.RESPONDER) or person.has_role(Role.OFFICER)
    if side == Side.TOWN:
        return works_for_town(person, assignment.whistle.town_id)
    return is_district_admin_of(person, assignment.whistle.district_id)


def can_act_on_assignment(user: AnyUser | None, assignment: WhistleAssignment, action: str) -> bool:
    """May this user take `action` on this assignment (ignoring its current state, which the workflow
    checks)?"""
    if action not in Action.values:
        return False
    return _side_may(user, assignment, Action(action))


def can_withdraw_whistle(user: AnyUser | None, whistle: WhistleRequest) -> bool:
    return whistle.status == WhistleStatus.OPEN and works_for_town(user, whistle.town_id)


def can_add_department(user: AnyUser | None, whistle: WhistleRequest) -> bool:
    """The town (or the district administrator) may call another department while the whistle is open."""
    if whistle.status != WhistleStatus.OPEN:
        return False
    return works_for_town(user, whistle.town_id) or is_district_admin_of(user, whistle.district_id)


def can_add_photo(
    user: AnyUser | None, whistle: WhistleRequest, assignment: WhistleAssignment | None = None
) -> bool:
    if whistle.status != WhistleStatus.OPEN:
        return False
    if assignment is not None:
        person = _user(user)
        return (
            person is not None
            and is_department_member(person, assignment)
            and (person.has_role(Role.RESPONDER) or person.has_role(Role.OFFICER))
        )
    return works_for_town(user, whistle.town_id)


def can_edit_deadlines(user: AnyUser | None, district_id: int) -> bool:
    return is_district_admin_of(user, district_id)


def can_view_assessment(user: AnyUser | None) -> bool:
    person = _user(user)
    return person is not None and person.unit_id is not None
