"""The penalty cases' home panel: my open cases, what is overdue or due this week, and the queues waiting for
me. `register()` is meant to be called from CasesConfig.ready() (the lead wires it)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enforcement.access import Scope, scope_for
from enforcement.compiled import DATE_MARK, MARK, CompiledCounts
from enforcement.home import (
    BottomEntry,
    HomePanel,
    TownPublicLink,
    asked_once,
    register_bottom_entry,
    register_home_panel,
    register_town_public_link,
)
from enforcement.inbox import InboxItem, InboxList, InboxSection, register_inbox_section
from enforcement.models import Role, User


def my_case_counts(user: User) -> dict[str, int]:
    """The user's own open cases (handling, not recused, in the towns they work for), counted every way the
    home page shows them, in one query: the cases panel's and the inbox's counts. Its statement is compiled
    once per scope (`_my_case_counts_compiled`), the user and the days put in at its marks."""
    from enforcement.calendar import add_working_days
    from enforcement.inbox import deadline_working_days

    from . import clock

    def count() -> dict[str, int]:
        today = clock.today()
        horizon = add_working_days(today, deadline_working_days())
        return _my_case_counts_compiled(scope_for(user))(
            user.pk, today, today + dt.timedelta(days=7), horizon
        )

    return asked_once(("cases", "mine", user.pk), count)


# Marks for the days `my_case_counts` compares with: today, a week on, the inbox's deadline horizon.
_WEEK_MARK = dt.date(1, 2, 4)
_HORIZON_MARK = dt.date(1, 2, 5)


@functools.lru_cache(maxsize=512)
def _my_case_counts_compiled(scope: Scope) -> CompiledCounts:
    from .selectors import my_open_case_rows_in, overdue_q

    today = DATE_MARK
    # The filters below reuse the join on the user's own officer row (one `filter()` in the selector).
    return CompiledCounts(
        my_open_case_rows_in(scope, MARK).order_by(),
        {
            "open": Count("pk", distinct=True),
            "overdue": Count("pk", filter=overdue_q(today), distinct=True),
            "week": Count("pk", filter=Q(next_due__gte=today, next_due__lte=_WEEK_MARK), distinct=True),
            "to_serve": Count("pk", filter=Q(stage="decided"), distinct=True),
            "deadlines": Count("pk", filter=Q(next_due__lte=_HORIZON_MARK), distinct=True),
            "undeclared": Count("pk", filter=Q(officers__declared_at__isnull=True), distinct=True),
        },
        marks=(MARK, today, _WEEK_MARK, _HORIZON_MARK),
    )


def my_cases(request: HttpRequest, user: User) -> dict[str, Any]:
    from . import clock
    from .models import Case
    from .selectors import overdue_q

    today = clock.today()
    if scope_for(user).department_ids:
        # A department's officer also sees the cases shared with the department (the inbox's counts do not).
        mine = (
            Case.objects.for_user(user)
            .open()
            .filter(officers__officer=user, officers__recused_at__isnull=True)
        )
        counts = mine.aggregate(
            open=Count("pk", distinct=True),
            overdue=Count("pk", filter=overdue_q(today), distinct=True),
            week=Count(
                "pk", filter=Q(next_due__gte=today, next_due__lte=today + dt.timedelta(days=7)), distinct=True
            ),
        )
    else:
        counts = {k: v for k, v in my_case_counts(user).items() if k in ("open", "overdue", "week")}
    supervises = user.has_role(Role.SUPERVISOR)
    # A supervisor answers for the whole team: their own cases are a few of it (issue 14: the home said
    # "overdue 0" while the team had 8).
    team_overdue = _team_case_counts(user)["overdue"] if supervises else None
    return {
        **counts,
        "team_overdue": team_overdue,
        "approvals": _approvals_count(user) if supervises else None,
        "reviews": _reviews_count(user) if user.has_role(Role.LEGAL_REVIEWER) else None,
        # Offered only to whom the page would not refuse (a department's officer files no lead: 403).
        "can_file": _may_file_somewhere(user),
    }


def _team_case_counts(user: User) -> dict[str, int]:
    """A supervisor's team: its open cases past their deadline, and the supervisor's approval queue
    (`awaiting_approval_for`), in one query."""
    from . import clock
    from .models import Case
    from .selectors import AWAITING_APPROVAL, overdue_q
    from .workflow import FINISHED

    def count() -> dict[str, int]:
        today = clock.today()
        is_open = ~Q(stage__in=FINISHED)
        return Case.objects.for_user(user, shared=False).aggregate(
            overdue=Count("pk", filter=is_open & overdue_q(today)),
            approvals=Count("pk", filter=AWAITING_APPROVAL),
        )

    return asked_once(("cases", "team", user.pk), count)


def _approvals_count(user: User) -> int:
    return _team_case_counts(user)["approvals"]


def _reviews_count(user: User) -> int:
    from .selectors import awaiting_review_for

    return asked_once(("cases", "reviews", user.pk), lambda: awaiting_review_for(user=user).count())


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

    town_ids = scope_for(user).town_ids
    if user.unit is not None and town_ids == {user.unit_id}:  # their own team's town: no query
        towns = [user.unit] if user.unit.kind == Unit.Kind.TOWN and user.unit.is_active else []
    else:
        towns = list(Unit.objects.filter(pk__in=town_ids, kind=Unit.Kind.TOWN, is_active=True))
    return any(can_file_case(user, town) for town in towns)


def register() -> None:
    register_home_panel(
        HomePanel(
            "cases_mine",
            "cases/_case_panel.html",
            10,
            frozenset({Role.OFFICER, Role.SUPERVISOR, Role.LEGAL_REVIEWER}),
            my_cases,
            kept=lambda ctx: ctx,  # counts and flags only
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
    if not rows:  # the home page's inbox panel shows the counts only
        return []
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

    if not rows:
        return InboxList(my_case_counts(user)["undeclared"], [])
    pending = undeclared_cases_for(user=user)
    return InboxList(pending.count(), _case_items(pending, rows, clock.today()))


def inbox_approvals(user: User, rows: int) -> InboxList | None:
    from . import clock
    from .selectors import awaiting_approval_for

    if not user.has_role(Role.SUPERVISOR):
        return None
    if not rows:
        return InboxList(_approvals_count(user), [], reverse("cases:approvals"))
    queue = awaiting_approval_for(user=user)
    return InboxList(queue.count(), _case_items(queue, rows, clock.today()), reverse("cases:approvals"))


def inbox_reviews(user: User, rows: int) -> InboxList | None:
    from . import clock
    from .selectors import awaiting_review_for

    if not user.has_role(Role.LEGAL_REVIEWER):
        return None
    if not rows:
        return InboxList(_reviews_count(user), [], reverse("cases:reviews"))
    queue = awaiting_review_for(user=user)
    return InboxList(queue.count(), _case_items(queue, rows, clock.today()), reverse("cases:reviews"))


def inbox_to_serve(user: User, rows: int) -> InboxList | None:
    """Decisions made in the user's own cases and not yet served on the party."""
    from . import clock
    from .selectors import my_open_cases_for

    if not (user.has_role(Role.OFFICER) or user.has_role(Role.SUPERVISOR)):
        return None
    if not rows:
        return InboxList(my_case_counts(user)["to_serve"], [])
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
    if not rows:
        return InboxList(my_case_counts(user)["deadlines"], [])
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
