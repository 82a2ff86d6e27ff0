"""can_<verb>_<noun>(user, obj) predicates for inspections. Services `require()` them; templates show their
answers.

Sides: the leading unit (a town team, officers seconded to it included, or a district department) plans,
publishes and runs the task; its head (a supervisor) approves the plan; invited departments answer their
invitation; the officers on the task record results; the district administrator keeps the inspection-item
list, the caps and the white list. A town sees the inspections of its subjects, but only the leading unit acts
on them.
"""

from __future__ import annotations

from enforcement.access import scope_for
from enforcement.models import District, Role, Unit, User
from enforcement.rules import AnyUser, is_district_admin_of

from .models import InspectionTask, TaskInvitation

WORKER_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.RESPONDER})


def _user(user: AnyUser | None) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def works_for(user: AnyUser | None, unit: Unit | int) -> bool:
    """A member of the unit (a town counts officers seconded to it) holding an officer, supervisor or
    responder role."""
    person = _user(user)
    if person is None or not (WORKER_ROLES & person.role_names):
        return False
    unit_id = unit if isinstance(unit, int) else unit.pk
    return person.unit_id == unit_id or unit_id in scope_for(person).town_ids


def heads(user: AnyUser | None, unit: Unit | int) -> bool:
    """The unit's head for approving a plan (检查方案): a supervisor of the unit."""
    person = _user(user)
    unit_id = unit if isinstance(unit, int) else unit.pk
    return person is not None and person.has_role(Role.SUPERVISOR) and person.unit_id == unit_id


def can_plan_task(user: AnyUser | None, lead_unit: Unit) -> bool:
    return lead_unit.kind in {Unit.Kind.TOWN, Unit.Kind.DEPARTMENT} and works_for(user, lead_unit)


def can_edit_task(user: AnyUser | None, task: InspectionTask) -> bool:
    return works_for(user, task.lead_unit_id)


def can_approve_task(user: AnyUser | None, task: InspectionTask) -> bool:
    return heads(user, task.lead_unit_id)


def can_answer_invitation(user: AnyUser | None, invitation: TaskInvitation) -> bool:
    person = _user(user)
    return (
        person is not None
        and person.unit_id == invitation.department_id
        and bool(WORKER_ROLES & person.role_names)
    )


def can_record_results(user: AnyUser | None, task: InspectionTask) -> bool:
    """Only an officer on the visit answers the checklist."""
    person = _user(user)
    return person is not None and task.officers.filter(officer=person).exists()


def can_handle_findings(user: AnyUser | None, task: InspectionTask) -> bool:
    return works_for(user, task.lead_unit_id)


def can_manage_inspection_lists(user: AnyUser | None, district: District | int) -> bool:
    district_id = district if isinstance(district, int) else district.pk
    return is_district_admin_of(user, district_id) if _user(user) else False


def can_manage_template(user: AnyUser | None, unit: Unit) -> bool:
    person = _user(user)
    if person is None:
        return False
    return is_district_admin_of(person, unit.district_id) or (
        person.unit_id == unit.pk and bool({Role.SUPERVISOR, Role.RESPONDER} & person.role_names)
    )


def can_record_visit(user: AnyUser | None, unit: Unit) -> bool:
    return works_for(user, unit)


def can_generate_inspection_document(user: AnyUser | None, task: InspectionTask) -> bool:
    """The notices are the leading unit's: it issues them in its name."""
    return works_for(user, task.lead_unit_id)


def can_view_inspection_report(user: AnyUser | None) -> bool:
    """The figures are aggregates of the district's units: its administrator, unit heads and department
    responders."""
    person = _user(user)
    return (
        person is not None
        and person.unit_id is not None
        and bool({Role.DISTRICT_ADMIN, Role.SUPERVISOR, Role.RESPONDER} & person.role_names)
    )


def can_edit_annual_plan(user: AnyUser | None, unit: Unit | int) -> bool:
    """A unit's annual plan is drawn up by its own people (officers, supervisors, responders)."""
    return works_for(user, unit)


def can_approve_annual_plan(user: AnyUser | None, unit: Unit | int) -> bool:
    """The unit's head approves its annual plan, as they approve each visit's plan."""
    return heads(user, unit)


def can_set_subject_profile(user: AnyUser | None, district: District | int) -> bool:
    """The registry's type, risk level and place: the district administrator or any unit's people of the
    district."""
    person = _user(user)
    district_id = district if isinstance(district, int) else district.pk
    if person is None or person.unit is None or person.unit.district_id != district_id:
        return False
    return is_district_admin_of(person, district_id) or bool(WORKER_ROLES & person.role_names)
