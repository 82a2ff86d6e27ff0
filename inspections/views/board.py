"""The task board (任务看板): the inspections the user may see, by status, with filters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from enforcement.access import scope_for
from enforcement.http import AuthedHttpRequest

from ..models import (
    TaskInvitation,
)
from ..rules import (
    can_view_inspection_report,
)
from ..selectors import (
    BOARD_STATUSES,
    board_for,
    invitation_inbox_for,
)
from ..workflow import (
    TaskKind,
    TaskStatus,
)
from .planning import _lead_units

# --- the board ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def board(request: AuthedHttpRequest) -> HttpResponse:
    """任务看板: the inspections the user may see, by status, with filters."""
    user = request.user
    status = request.GET.get("status", "")
    status = status if status in TaskStatus.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in TaskKind.values else ""
    query = request.GET.get("q", "").strip()[:100]
    mine = request.GET.get("mine") == "1"
    tasks, counts = board_for(user=user, status=status, kind=kind, query=query, mine=mine)
    page = Paginator(
        tasks.prefetch_related(
            Prefetch("invitations", queryset=TaskInvitation.objects.select_related("department"))
        ),
        25,
    ).get_page(request.GET.get("page"))
    tabs = [
        {"value": s, "label": TaskStatus(s).label, "count": counts.get(s, 0)}
        for s in BOARD_STATUSES
        if counts.get(s) or s == status or s not in {TaskStatus.CANCELLED, TaskStatus.MERGED}
    ]
    scope = scope_for(user)
    return render(
        request,
        "inspections/board.html",
        {
            "page": page,
            "tabs": tabs,
            "total": sum(counts.values()),
            "filters": {"status": status, "kind": kind, "q": query, "mine": mine},
            "kinds": TaskKind.choices,
            "may_plan": bool(_lead_units(user).exists()),
            "open_invitations": invitation_inbox_for(user=user).count() if scope.department_ids else None,
            "may_report": can_view_inspection_report(user),
            "to_approve": tasks.filter(status=TaskStatus.PUBLISHED, lead_unit_id=user.unit_id).count()
            if user.has_role("supervisor")
            else 0,
        },
    )
