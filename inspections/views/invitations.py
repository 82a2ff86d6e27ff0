"""A department's invitation inbox (部门邀约): accept with its checklist, or decline with a reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement.access import access_or_404, scope_for
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.workflow import InvalidTransition

from .. import forms, services
from ..rules import (
    can_answer_invitation,
)
from ..selectors import (
    active_templates,
    invitation_inbox_for,
)

# --- a department's invitations -----------------------------------------------------------------------------


def _render_invitations(
    request: AuthedHttpRequest, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    open_rows = list(invitation_inbox_for(user=user))
    answered = (
        invitation_inbox_for(user=user, open_only=False)
        .exclude(pk__in=[i.pk for i in open_rows])
        .select_related("responded_by")
        .order_by("-task__planned_on")[:30]
    )
    templates = active_templates(user.unit_id or 0)
    by_scenario = {t.scenario: t.pk for t in templates}
    rows = [
        {
            "invitation": i,
            "accept_form": bound.get(f"i{i.pk}")
            or forms.AcceptForm(
                templates=templates,
                prefix=f"i{i.pk}",
                initial={"template": by_scenario.get(i.task.scenario)},  # our checklist for the same scene
            ),
            "decline_form": bound.get(f"d{i.pk}") or forms.DeclineForm(prefix=f"d{i.pk}"),
            "may_answer": can_answer_invitation(user, i),
        }
        for i in open_rows
    ]
    return render(
        request, "inspections/invitations.html", {"rows": rows, "answered": answered}, status=status
    )


@login_required
@require_GET
def invitations(request: AuthedHttpRequest) -> HttpResponse:
    """部门邀约: the department's open invitations, and what it answered before."""
    if not scope_for(request.user).department_ids:
        raise PermissionDenied
    return _render_invitations(request)


@login_required
@require_POST
def invitation_answer(request: AuthedHttpRequest, pk: int, answer: str) -> HttpResponse:
    user = request.user
    if answer not in {"accept", "decline"}:
        raise Http404
    invitation = access_or_404(invitation_inbox_for(user=user, open_only=False), pk=pk)
    if not can_answer_invitation(user, invitation):
        raise PermissionDenied
    form: forms.AcceptForm | forms.DeclineForm
    if answer == "accept":
        form = forms.AcceptForm(
            request.POST, templates=active_templates(invitation.department_id), prefix=f"i{pk}"
        )
    else:
        form = forms.DeclineForm(request.POST, prefix=f"d{pk}")
    key = form.prefix or ""
    if not form.is_valid():
        return _render_invitations(request, {key: form}, status=400)
    try:
        if isinstance(form, forms.AcceptForm):
            services.invitation_accept(
                actor=user, invitation=invitation, template=form.cleaned_data["template"]
            )
        else:
            services.invitation_decline(actor=user, invitation=invitation, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_invitations(request, {key: form}, status=400)
    except InvalidTransition as exc:
        messages.warning(request, str(exc))
        return redirect("inspection-invitations")
    if isinstance(form, forms.AcceptForm):
        messages.success(request, _("Accepted: our checklist is merged into the visit."))
        return redirect("inspection-detail", pk=invitation.task_id)
    messages.success(request, _("Declined, with the reason recorded."))
    return redirect("inspection-invitations")
