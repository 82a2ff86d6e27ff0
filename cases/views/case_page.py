"""The case page: the case with only the next allowed actions, the benchmark's recommendation, the timeline,
its files, and the posts it makes (a workflow action, the recusal declaration).

Thin like the other pages: reads through selectors, writes through services, buttons from the answers of
rules.
Every refusal of a service lands on the page as a message or form errors, never as a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from authority.penalties import PenaltyKind
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import User
from enforcement.officers import officer_may_act, prefetch_for_may_act
from enforcement.refusals import show_refusal
from enforcement.work_cache import work_page
from enforcement.workflow import InvalidTransition, StaleObject

from .. import approval, clock, document_text, lifecycle, review, rules
from ..deadlines import case_progress, deadline_rows
from ..fences import ACTION_FENCES
from ..forms import ACTION_FORMS, ActionForm, DeclarationForm, action_form
from ..models import Case
from ..notice import fences_for_form, notice_discretion, notice_form_for
from ..selectors import case_get_for, case_page_get_for, case_recommendation, case_timeline_rows
from ..workflow import TRANSITIONS, WORKFLOW, Action, Stage
from .common import stage_badge
from .files import files_context
from .form_markup import case_form_fields
from .progress_markup import case_progress_bar
from .records import records_context

# Stages where the benchmark recommendation helps: choosing the proposed penalty, then deciding it.
RECOMMENDATION_STAGES = frozenset(
    {Stage.INVESTIGATING, Stage.NOTIFIED, Stage.HEARING, Stage.LEGAL_REVIEW, Stage.DECIDING}
)


def _with_known_units(case: Case, users: list[User]) -> list[User]:
    """Users of the case's own town get `case.town` (already read with the case) as their unit, so that
    neither the officers' eligibility nor the top bar reads that row again (issue 18)."""
    for user in users:
        if user.unit_id == case.town_id and not User.unit.is_cached(user):
            user.unit = case.town
    return users


def _officer_rows(case: Case, today: dt.date) -> list[dict[str, Any]]:
    rows = []
    prefetch_for_may_act(
        _with_known_units(case, [row.officer for row in case.officers.all()]), town=case.town
    )
    for row in case.officers.all():
        eligibility = officer_may_act(row.officer, today, town=case.town)
        rows.append(
            {
                "row": row,
                "certificate": eligibility.certificate.number if eligibility.certificate is not None else "",
                "ok": eligibility.ok,
                "problem": eligibility.reason,
            }
        )
    return rows


def _recommendation(case: Case) -> tuple[Any, list[str]]:
    if case.stage not in RECOMMENDATION_STAGES or case.item_id is None:
        return None, []
    recommendation = case_recommendation(case, cached=True)
    if recommendation is None:
        return None, []
    return recommendation, list(recommendation.explain())


# Actions whose form has its own template (cases/_case_action.html); the others' fields are written by
# `case_form_fields`.
_OWN_FORM_TEMPLATES = frozenset({Action.SERVE_NOTICE, Action.PASS_REVIEW, Action.RETURN_REVIEW})


def _action_entries(user: User, case: Case, bound: dict[str, Any]) -> list[dict[str, Any]]:
    entries = []
    for transition in rules.available_actions(user, case):
        action = transition.action.value
        form: ActionForm
        if action == Action.SERVE_NOTICE and action not in bound:
            form = notice_form_for(case)
        else:
            form = bound.get(action) or action_form(action, case)
        form.auto_id = f"{action}-%s"  # several forms on one page: ids stay unique
        entry = {
            "action": action,
            "label": transition.action.label,
            "danger": transition.danger,
            "form": form,
            "open": action in bound,
            "target": transition.target,
        }
        if action == Action.SERVE_NOTICE:
            entry["discretion"] = notice_discretion(case, form, user)
        elif action not in _OWN_FORM_TEMPLATES:
            entry["fields"] = case_form_fields(form)
        entries.append(entry)
    return entries


def _approval_for(user: User, case: Case, actions: list[dict[str, Any]]) -> approval.ApprovalCard | None:
    """The approval card, for whoever may answer the request."""
    card = approval.approval_card(case)
    if card is None or not any(a["action"] in card.actions for a in actions):
        return None
    return card


def _render_case(
    request: AuthedHttpRequest, case: Case, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    _with_known_units(case, [user])
    bound = bound or {}
    today = clock.today()
    mine = next((o for o in case.officers.all() if o.officer_id == user.pk and o.active), None)
    may_declare = rules.can_declare_recusal(user, case) and mine is not None and mine.declared_at is None
    actions = _action_entries(user, case, bound)
    # Where the notice form is offered it shows the recommendation beside the amount: no second card.
    notice_open = any("discretion" in a for a in actions)
    recommendation, explanation = (None, []) if notice_open else _recommendation(case)
    declaration_form = bound.get("declare") or DeclarationForm()
    declaration_form.auto_id = "declare-%s"
    stages = dict(Stage.choices)
    kinds = dict(PenaltyKind.choices)
    timeline = [
        {
            "event": e,
            "from_label": stages.get(e.from_stage, e.from_stage),
            "to_label": stages.get(e.to_stage, e.to_stage),
        }
        for e in case_timeline_rows(case)
    ]
    context: dict[str, Any] = {
        "case": case,
        "badge": stage_badge(case.stage),
        "deadlines": deadline_rows(case, today),
        "progress_bar": case_progress_bar(case_progress(case)),
        "officers": _officer_rows(case, today),
        "may_declare": may_declare,
        "declaration_form": declaration_form,
        "declaration_fields": case_form_fields(declaration_form) if may_declare else "",
        "recommendation": recommendation,
        "explanation": explanation,
        "actions": [a for a in actions if not a["danger"]],
        "danger_actions": [a for a in actions if a["danger"]],
        "timeline": timeline,
        "can_edit": rules.can_edit_case(user, case),
        "proposed_kinds": [kinds.get(k, k) for k in case.proposed_kinds or []],
        "penalty_kinds": [kinds.get(k, k) for k in case.penalty_kinds or []],
        "evidence_missing": case.stage == Stage.LEGAL_REVIEW and review.evidence_missing(case),
        "approval": _approval_for(user, case, actions),
        "organ_name": document_text.organ_name(case),
        "can_withdraw_publication": rules.can_withdraw_publication(user, case),
        # A request sent back lands in checking (filing) or investigating (review, decision).
        "sent_back": approval.last_sent_back(case) if case.stage in approval.SENT_BACK_TO else None,
        "review_rows": review.review_rows(case) if case.review_checklist else [],
    }
    context.update(files_context(user, case))
    context.update(records_context(user, case))
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
@require_GET
@work_page(
    level="district"
)  # the recommendation reads the party's decided cases in every town of the district
def case_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, case_page_get_for(user=request.user, pk=pk))


@login_required
@require_POST
def case_act(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    case = case_get_for(user=user, pk=pk)
    if action not in ACTION_FORMS:
        raise Http404
    transition = TRANSITIONS[Action(action)]
    if not rules.can_take_action(user, case, action):
        if not transition.leaves(case.stage) and rules.may_take(user, case, transition):
            refusal = InvalidTransition(WORKFLOW.refuse(action, case.stage))
            return show_refusal(request, refusal, back_to=case.get_absolute_url())
        raise PermissionDenied
    form = action_form(action, case, request.POST)
    if not form.is_valid():
        return _render_case(request, case, bound={action: form}, status=400)
    try:
        lifecycle.case_act(actor=user, case=case, action=action, data=dict(form.cleaned_data))
    except ValidationError as exc:
        add_service_errors(form, exc)
        case = case_get_for(user=user, pk=pk)  # the service may have touched the instance before refusing
        return _render_case(request, case, bound={action: form}, status=400)
    except (InvalidTransition, StaleObject) as exc:
        return show_refusal(request, exc, back_to=case.get_absolute_url())
    case = case_get_for(user=user, pk=pk)
    then = approval.next_step_message(case, action, user)
    done = _("%(action)s: done.") % {"action": transition.action.label}
    messages.success(request, f"{done} {then}" if then else done)
    return HttpResponseRedirect(reverse("cases:case", args=[case.pk]) + "#case-actions")


@login_required
@require_GET
def notice_discretion_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The notice form's circumstances, recommendation and amount, recomputed for what is ticked (htmx)."""
    case = case_get_for(user=request.user, pk=pk)
    if not rules.can_take_action(request.user, case, Action.SERVE_NOTICE):
        raise PermissionDenied
    form = notice_form_for(case, request.GET)
    return render(
        request,
        "cases/_notice_discretion.html",
        {"case": case, "form": form, "discretion": notice_discretion(case, form, request.user)},
    )


@login_required
@require_POST
def case_declare(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = case_get_for(user=user, pk=pk)
    if not rules.can_declare_recusal(user, case):
        raise PermissionDenied
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, bound={"declare": form}, status=400)
    try:
        lifecycle.case_declare(
            actor=user, case=case, conflict=form.cleaned_data["conflict"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_case(request, case_get_for(user=user, pk=pk), bound={"declare": form}, status=400)
    except (InvalidTransition, StaleObject) as exc:
        return show_refusal(request, exc, back_to=case.get_absolute_url())
    if form.cleaned_data["conflict"]:
        messages.warning(
            request, _("Conflict declared: you must step aside and another officer take your place (art 43).")
        )
    else:
        messages.success(request, _("Declared: no conflict of interest."))
    return redirect(case.get_absolute_url())


@login_required
@require_GET
def case_fences_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """What the fences say about an action form as filled so far (htmx): `?action=` and the form's fields."""
    case = case_get_for(user=request.user, pk=pk)
    action = request.GET.get("action", "")
    if action not in ACTION_FENCES:
        raise Http404
    if not rules.can_take_action(request.user, case, action):
        # The step is not (or no longer) the user's to take: a form left open after the case moved on, or a
        # check sent as the form was submitted. A preview writes nothing and says nothing: 204, htmx leaves
        # the page as it is.
        return HttpResponse(status=204)
    return render(
        request,
        "cases/_fence_findings.html",
        {"findings": fences_for_form(case, action, request.GET, request.user), "action": action},
    )
