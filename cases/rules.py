"""can_<verb>_<noun>(user, obj) predicates for complaints and penalty cases. Services `require()` them;
templates get their answers.

Who acts on a case:
- handling officers (承办人): the two or more officers assigned to it; supervisors of the town may also take
  their steps (they often sign for an absent officer), but the two-officer rule is checked on the assigned
  officers;
- the town's supervisor (负责人): approvals, decisions, closing, transfers and withdrawals;
- legal reviewers (法制审核) of the town or of the district office: the legal review.
A department sees a case only when it was transferred to it (shared through guardian). Nobody acts across
towns.
"""

from __future__ import annotations

from enforcement.access import scope_for
from enforcement.models import Role, Unit, User
from enforcement.rules import AnyUser, is_district_admin_of

from . import clock
from .models import Case, CaseOfficer, Complaint
from .workflow import TERMINAL, TRANSITIONS, Action, Actor, Transition, actions_from


def _user(user: AnyUser | None) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


# Who may be a handling officer (承办人) of a case: the town team's officers and supervisors, not its legal
# reviewers.
HANDLING_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})


def can_handle_cases(user: User) -> bool:
    return user.is_active and bool(HANDLING_ROLES & user.role_names)


# --- complaints ---------------------------------------------------------------------------------------------


def can_file_complaint(user: AnyUser, town: Unit) -> bool:
    """Officers and supervisors of the town (or seconded to it) and the district administrator record
    complaints."""
    if not isinstance(user, User) or not user.is_active or town.kind != Unit.Kind.TOWN:
        return False
    if is_district_admin_of(user, town.district_id):
        return True
    return town.pk in scope_for(user).town_ids and (
        user.has_role(Role.OFFICER) or user.has_role(Role.SUPERVISOR)
    )


def can_rematch_complaint(user: AnyUser, complaint: Complaint) -> bool:
    """Ask for a new match (after rules changed, say): supervisors of the town and the district
    administrator."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if is_district_admin_of(user, complaint.district_id):
        return True
    return user.has_role(Role.SUPERVISOR) and complaint.town_id in scope_for(user).town_ids


def can_label_complaint(user: AnyUser, complaint: Complaint) -> bool:
    """Say which items a complaint names (confirm or correct the engine): officers and supervisors of the
    complaint's town (or seconded to it) and the district administrator."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if is_district_admin_of(user, complaint.district_id):
        return True
    return complaint.town_id in scope_for(user).town_ids and (
        user.has_role(Role.OFFICER) or user.has_role(Role.SUPERVISOR)
    )


# --- penalty cases ------------------------------------------------------------------------------------------


def works_for_town(user: AnyUser | None, town_id: int) -> bool:
    person = _user(user)
    return (
        person is not None
        and bool({Role.OFFICER, Role.SUPERVISOR} & person.role_names)
        and town_id in scope_for(person).town_ids
    )


def can_file_case(user: AnyUser | None, town: Unit) -> bool:
    """Officers and supervisors of the town (or seconded to it) record leads for it."""
    return town.kind == Unit.Kind.TOWN and works_for_town(user, town.pk)


def active_officers(case: Case) -> list[CaseOfficer]:
    return [o for o in case.officers.all() if o.active]


def is_handler(user: AnyUser | None, case: Case) -> bool:
    person = _user(user)
    return person is not None and any(o.officer_id == person.pk for o in active_officers(case))


def is_town_supervisor(user: AnyUser | None, case: Case) -> bool:
    person = _user(user)
    return (
        person is not None and person.has_role(Role.SUPERVISOR) and case.town_id in scope_for(person).town_ids
    )


def is_reviewer_for(user: AnyUser | None, case: Case) -> bool:
    """A legal reviewer of the town, or of the district office (司法局) of the case's district."""
    person = _user(user)
    if person is None or not person.has_role(Role.LEGAL_REVIEWER) or person.unit is None:
        return False
    if person.unit_id == case.town_id:
        return True
    return person.unit.kind == Unit.Kind.DISTRICT_OFFICE and person.unit.district_id == case.district_id


def may_take(user: AnyUser | None, case: Case, transition: Transition) -> bool:
    """The role side of an action; the legal guards are in checks.py."""
    if transition.actor == Actor.HANDLER:
        if case.stage == "lead" and not active_officers(case):
            return works_for_town(user, case.town_id)
        return (is_handler(user, case) and works_for_town(user, case.town_id)) or is_town_supervisor(
            user, case
        )
    if transition.actor == Actor.SUPERVISOR:
        return is_town_supervisor(user, case)
    return is_reviewer_for(user, case)


def can_take_action(user: AnyUser | None, case: Case, action: str) -> bool:
    if action not in Action.values:
        return False
    transition = TRANSITIONS.get(Action(action))
    return transition is not None and transition.leaves(case.stage) and may_take(user, case, transition)


def available_actions(user: AnyUser | None, case: Case) -> list[Transition]:
    """The actions this user may take now, in table order (the case page shows only these), without those
    the case's state rules out: resuming a period that is not paused, pausing one that is, extending twice or
    on the day of filing."""
    return [t for t in actions_from(case.stage) if may_take(user, case, t) and _applies_now(case, t.action)]


def _applies_now(case: Case, action: str) -> bool:
    if action == "resume":
        return case.paused_since is not None and case.pause_reason != "hearing"
    if action == "pause":
        return case.paused_since is None
    if action == "extend":
        return not case.extended and case.filed_on is not None and case.filed_on < clock.today()
    return True


EDITABLE_STAGES = frozenset({"lead", "checking", "filing_review", "investigating"})


def may_edit_case_details(user: AnyUser | None, case: Case) -> bool:
    """The user's part in the case lets them change its details (whatever the stage)."""
    return (
        is_handler(user, case)
        or is_town_supervisor(user, case)
        or (case.stage == "lead" and works_for_town(user, case.town_id))
    )


def can_edit_case(user: AnyUser | None, case: Case) -> bool:
    """Details (party, place, facts, officers) may change until the notice is served; after that they are
    fixed."""
    return case.stage in EDITABLE_STAGES and may_edit_case_details(user, case)


def can_add_evidence(user: AnyUser | None, case: Case) -> bool:
    """Handling officers and the town's supervisors add evidence while the case is open (not after
    archiving)."""
    if case.stage in TERMINAL:
        return False
    return (
        is_handler(user, case)
        or is_town_supervisor(user, case)
        or (case.stage == "lead" and works_for_town(user, case.town_id))
    )


def can_generate_document(user: AnyUser | None, case: Case) -> bool:
    return is_handler(user, case) or is_town_supervisor(user, case)


def can_withdraw_publication(user: AnyUser | None, case: Case) -> bool:
    """Taking a published decision down (it was changed or revoked): the town's supervisor."""
    return is_town_supervisor(user, case) and case.published_on is not None and case.unpublished_on is None


def can_declare_recusal(user: AnyUser | None, case: Case) -> bool:
    return is_handler(user, case) and case.stage not in TERMINAL


def can_view_approvals(user: AnyUser | None) -> bool:
    """The approvals queue (filings, decisions, closing, archiving): supervisors and the district
    administrator."""
    person = _user(user)
    return person is not None and (person.has_role(Role.SUPERVISOR) or scope_for(person).district_admin)


def can_view_reviews(user: AnyUser | None) -> bool:
    person = _user(user)
    return person is not None and person.has_role(Role.LEGAL_REVIEWER)


def can_view_label_figures(user: AnyUser) -> bool:
    """How the matching did on the labelled complaints: the towns' supervisors and the district
    administrator."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.has_role(Role.SUPERVISOR) or user.has_role(Role.DISTRICT_ADMIN)
