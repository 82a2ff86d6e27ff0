"""The penalty cases' home panel: my open cases, what is overdue or due this week, and the queues waiting for
me. `register()` is meant to be called from CasesConfig.ready() (the lead wires it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from enforcement.home import HomePanel, register_home_panel
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
        "can_file": user.has_role(Role.OFFICER) or user.has_role(Role.SUPERVISOR),
    }


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
