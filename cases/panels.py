"""The penalty cases' home panel: my open cases, what is overdue or due this week, and the queues waiting for
me. `register()` is meant to be called from CasesConfig.ready() (the lead wires it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enforcement.access import scope_for
from enforcement.home import (
    BottomEntry,
    HomePanel,
    TownPublicLink,
    register_bottom_entry,
    register_home_panel,
    register_town_public_link,
)
from enforcement.inbox import InboxItem, InboxList, InboxSection, register_inbox_section
from enforcement.models import Role, User


def my_cases(request: HttpRequest, user: User) -> dict[str, Any]:
    from . import clock
    from .models import Case
    from .selectors import awaiting_approval_for, awaiting_review_for

    today = clock.today()
    mine = (
        Case.objects.for_user(user).open().filter(officers__officer=user, officers__recused_at__isnull=True)
    )
    counts = mine.aggregate(
        open=Count("pk", distinct=True),
        overdue=Count("pk", filter=Q(next_due__lt=today), distinct=True),
        week=Count(
            "pk", filter=Q(next_due__gte=today, next_due__lte=today + dt.timedelta(days=7)), distinct=True
        ),
    )
    supervises = user.has_role(Role.SUPERVISOR)
    # A supervisor answers for the whole team: their own cases are a few of it (issue 14: the home said
    # "overdue 0" while the team had 8).
    team_overdue = (
        Case.objects.for_user(user, shared=False).open().filter(next_due__lt=today).count()
        if supervises
        else None
    )
    return {
        **counts,
        "team_overdue": team_overdue,
        "approvals": awaiting_approval_for(user=user).count() if user.has_role(Role.SUPERVISOR) else None,
        "reviews": awaiting_review_for(user=user).count() if user.has_role(Role.LEGAL_REVIEWER) else None,
        # Offered only to whom the page would not refuse (a department's officer files no lead: 403).
        "can_file": _may_file_somewhere(user),
    }


def _works_on_cases(user: User) -> bool:
    return bool(
        {Role.OFFICER, Role.SUPERVISOR, Role.LEGAL_REVIEWER, Role.DISTRICT_ADMIN} & user.role_names
    ) and (bool(scope_for(user).town_ids) or user.has_role(Role.DISTRICT_ADMIN))


def _may_capture(user: User) -> bool:
    """Evidence may be captured (or a lead recorded): an officer or supervisor working for a town (the cached
    scope, no query)."""
    return (user.has_role(Role.OFFICER) or user.has_role(Role.SUPERVISOR)) and bool(scope_for(user).town_ids)


def _may_file_somewhere(user: User) -> bool:
    from enforcement.models import Unit

    from .rules import can_file_case

    towns = Unit.objects.filter(pk__in=scope_for(user).town_ids, kind=Unit.Kind.TOWN, is_active=True)
    return any(can_file_case(user, town) for town in towns)


def register() -> None:
    register_home_panel(
        HomePanel(
            "cases_mine",
            "cases/_case_panel.html",
            10,
            frozenset({Role.OFFICER, Role.SUPERVISOR, Role.LEGAL_REVIEWER}),
            my_cases,
        )
    )
    register_inbox()
    register_town_public_link(TownPublicLink(_("Published decisions"), "cases:public-decisions", 10))
    register_bottom_entry(BottomEntry("work", _("Cases"), "cases:case-list", "cases", 10, _works_on_cases))
    # Capture evidence for one of my open cases (the page offers recording a new lead too).
    register_bottom_entry(
        BottomEntry("capture", _("Capture"), "cases:capture-start", "capture", 10, _may_capture)
    )


# --- sections of the one inbox (enforcement.inbox): read-only queries through the selectors -----------------


def _case_items(cases: Any, rows: int, today: dt.date, detail: Any = None) -> list[InboxItem]:
    return [
        InboxItem(
            title=f"{case.reference} {case.title}",
            url=case.get_absolute_url(),
            detail=detail(case) if detail else case.get_stage_display(),
            due=case.next_due,
            overdue=bool(case.next_due and case.next_due < today),
        )
        for case in cases[:rows]
    ]


def inbox_declarations(user: User, rows: int) -> InboxList | None:
    """Cases where the user is a handling officer and has not yet declared on recusal (filing waits on it)."""
    from . import clock
    from .selectors import undeclared_cases_for

    pending = undeclared_cases_for(user=user)
    return InboxList(pending.count(), _case_items(pending, rows, clock.today()))


def inbox_approvals(user: User, rows: int) -> InboxList | None:
    from . import clock
    from .selectors import awaiting_approval_for

    if not user.has_role(Role.SUPERVISOR):
        return None
    queue = awaiting_approval_for(user=user)
    return InboxList(queue.count(), _case_items(queue, rows, clock.today()), reverse("cases:approvals"))


def inbox_reviews(user: User, rows: int) -> InboxList | None:
    from . import clock
    from .selectors import awaiting_review_for

    if not user.has_role(Role.LEGAL_REVIEWER):
        return None
    queue = awaiting_review_for(user=user)
    return InboxList(queue.count(), _case_items(queue, rows, clock.today()), reverse("cases:reviews"))


def inbox_to_serve(user: User, rows: int) -> InboxList | None:
    """Decisions made in the user's own cases and not yet served on the party."""
    from . import clock
    from .selectors import my_open_cases_for

    if not (user.has_role(Role.OFFICER) or user.has_role(Role.SUPERVISOR)):
        return None
    to_serve = my_open_cases_for(user=user).filter(stage="decided")
    return InboxList(to_serve.count(), _case_items(to_serve, rows, clock.today()))


def inbox_deadlines(user: User, rows: int) -> InboxList | None:
    """The user's own cases whose next deadline is past or within N working days."""
    from enforcement.calendar import add_working_days
    from enforcement.inbox import deadline_working_days

    from . import clock
    from .selectors import my_open_cases_for

    if not (user.has_role(Role.OFFICER) or user.has_role(Role.SUPERVISOR)):
        return None
    today = clock.today()
    horizon = add_working_days(today, deadline_working_days())
    near = my_open_cases_for(user=user).filter(next_due__lte=horizon).order_by("next_due", "pk")
    return InboxList(near.count(), _case_items(near, rows, today))


def register_inbox() -> None:
    enforcers = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.LEGAL_REVIEWER})
    register_inbox_section(
        InboxSection("declarations", _("Declarations on recusal"), 10, inbox_declarations, enforcers)
    )
    register_inbox_section(InboxSection("approvals", _("Approvals"), 20, inbox_approvals))
    register_inbox_section(InboxSection("legal_reviews", _("Legal reviews"), 25, inbox_reviews))
    register_inbox_section(InboxSection("to_serve", _("Decisions to serve"), 30, inbox_to_serve))
    # The label's %(n)s is the window, filled in when the inbox is read (enforcement.inbox).
    register_inbox_section(
        InboxSection("deadlines", _("Deadlines within %(n)s working days"), 35, inbox_deadlines)
    )
