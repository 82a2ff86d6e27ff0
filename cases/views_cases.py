"""Penalty-case pages: "my cases", the lead form with live matching, the case page with only the next allowed
actions, editing, officers, the recusal declaration and the supervisor / legal-review queues.

Thin like the other pages: reads through selectors, writes through services, buttons from the answers of rules.
Every refusal of a service lands on the page as a message or form errors, never as a 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from authority.models import EnforcementItem
from enforcement.access import scope_for
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import Role, Unit, User
from enforcement.officers import officer_may_act, team_members

from . import clock, lifecycle, rules
from .forms import ACTION_FORMS, CaseForm, DeclarationForm, OfficersForm, action_form
from .models import Case, PenaltyKind, Source
from .selectors import (
    CaseFilters,
    awaiting_approval_for,
    awaiting_review_for,
    case_get_for,
    case_page_for,
    case_recommendation,
    case_timeline,
    complaint_get_for,
)
from .views_files import files_context
from .workflow import TRANSITIONS, Action, InvalidTransition, Stage, StaleCase

# Stage badges: where the case waits on someone else (approval, review) it is yellow; finished is grey.
STAGE_BADGES: dict[str, str] = {
    Stage.LEAD: "text-bg-light border",
    Stage.CHECKING: "text-bg-info",
    Stage.FILING_REVIEW: "text-bg-warning",
    Stage.INVESTIGATING: "text-bg-primary",
    Stage.CORRECTING: "text-bg-info",
    Stage.NOTIFIED: "text-bg-primary",
    Stage.HEARING: "text-bg-primary",
    Stage.LEGAL_REVIEW: "text-bg-warning",
    Stage.DECIDING: "text-bg-warning",
    Stage.DECIDED: "text-bg-primary",
    Stage.SERVED: "text-bg-primary",
    Stage.EXECUTED: "text-bg-success",
    Stage.CLOSED: "text-bg-success",
    Stage.ARCHIVED: "text-bg-secondary",
    Stage.NOT_FILED: "text-bg-secondary",
    Stage.TRANSFERRED: "text-bg-secondary",
    Stage.WITHDRAWN: "text-bg-secondary",
}
# Stages where the benchmark recommendation helps: choosing the proposed penalty, then deciding it.
RECOMMENDATION_STAGES = frozenset(
    {Stage.INVESTIGATING, Stage.NOTIFIED, Stage.HEARING, Stage.LEGAL_REVIEW, Stage.DECIDING}
)
DUE_CHOICES = [
    ("3", gettext_lazy("Due within 3 days")),
    ("7", gettext_lazy("Due within 7 days")),
    ("overdue", gettext_lazy("Overdue")),
]
QUEUE_LIMIT = 200
FILING_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def stage_badge(stage: str) -> str:
    return STAGE_BADGES.get(stage, "text-bg-light border")


def _row(case: Case, today: dt.date) -> dict[str, Any]:
    return {
        "case": case,
        "badge": stage_badge(case.stage),
        "overdue": case.next_due is not None and case.next_due < today and case.is_open,
    }


# --- "my cases" --------------------------------------------------------------------------------------------------------


def _list_filters(
    request: HttpRequest, items: Sequence[EnforcementItem]
) -> tuple[CaseFilters, dict[str, Any]]:
    stage = request.GET.get("stage", "")
    if stage not in Stage.values:
        stage = ""
    item_id = _int(request.GET.get("item"))
    if item_id is not None and not any(i.pk == item_id for i in items):
        item_id = None
    due = request.GET.get("due", "")
    due_within = {"3": 3, "7": 7, "overdue": -1}.get(due)
    if due_within is None:
        due = ""
    mine = request.GET.get("mine") == "1"
    query = request.GET.get("q", "").strip()[:100]
    filters = CaseFilters(stage=stage, item_id=item_id, due_within=due_within, mine=mine, query=query)
    shown = {"stage": stage, "item": item_id, "due": due, "mine": mine, "q": query}
    return filters, shown


def _district_items(district_ids: Any) -> QuerySet[EnforcementItem]:
    return EnforcementItem.objects.filter(district_id__in=district_ids, is_active=True).order_by("code")


@login_required
@require_GET
def case_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    items = list(_district_items(scope.district_ids).only("pk", "code", "name_zh", "name_en"))
    filters, shown = _list_filters(request, items)
    after = request.GET.get("after", "")[:80]
    page = case_page_for(user=user, filters=filters, after=after)
    today = clock.today()
    kept = request.GET.copy()
    kept.pop("after", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "rows": [_row(c, today) for c in page.cases],
            "page": page,
            "after": after,
            "filters": shown,
            "stages": Stage.choices,
            "items": items,
            "due_choices": DUE_CHOICES,
            "query_without_cursor": kept.urlencode(),
            "can_file": bool(_towns_for_case_filing(user)),
            "can_approve": rules.can_view_approvals(user),
            "can_review": rules.can_view_reviews(user),
        },
    )


# --- queues --------------------------------------------------------------------------------------------------------------


def _queue(request: HttpRequest, cases: Any, *, queue: str, title: Any, intro: Any) -> HttpResponse:
    today = clock.today()
    return render(
        request,
        "cases/case_queue.html",
        {
            "rows": [_row(c, today) for c in cases[:QUEUE_LIMIT]],
            "queue": queue,
            "title": title,
            "intro": intro,
            "limit": QUEUE_LIMIT,
        },
    )


@login_required
@require_GET
def approvals(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not rules.can_view_approvals(user):
        raise PermissionDenied
    return _queue(
        request,
        awaiting_approval_for(user=user),
        queue="approvals",
        title=_("Awaiting my approval"),
        intro=_(
            "Filings to approve, decisions to make, executed cases to close and closed cases to archive."
        ),
    )


@login_required
@require_GET
def reviews(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not rules.can_view_reviews(user):
        raise PermissionDenied
    return _queue(
        request,
        awaiting_review_for(user=user),
        queue="reviews",
        title=_("Legal review queue"),
        intro=_("Cases waiting for legal review (法制审核, art 58) before the decision."),
    )


# --- filing a lead ----------------------------------------------------------------------------------------------------


def _towns_for_case_filing(user: User) -> list[Unit]:
    scope = scope_for(user)
    if not scope.town_ids:
        return []
    towns = Unit.objects.filter(pk__in=scope.town_ids, kind=Unit.Kind.TOWN, is_active=True).order_by("code")
    return [t for t in towns if rules.can_file_case(user, t)]


def _officer_candidates(
    towns: list[Unit], *, exclude: User | None = None, include: list[int] | None = None
) -> QuerySet[User]:
    """People of the towns' teams today (own members and secondees) who are officers or supervisors."""
    today = clock.today()
    ids = {u.pk for town in towns for u in team_members(town, today) if FILING_ROLES & u.role_names}
    if exclude is not None:
        ids.discard(exclude.pk)
    ids.update(include or [])
    return User.objects.filter(pk__in=ids).order_by("username")


def _case_form(
    user: User, towns: list[Unit], data: Any = None, initial: dict[str, Any] | None = None
) -> CaseForm:
    items = _district_items({t.district_id for t in towns})
    return CaseForm(
        data,
        towns=towns,
        items=items,
        officers=_officer_candidates(towns, exclude=user),
        initial=initial or {},
    )


def _complaint_prefill(
    user: User, complaint_id: str, items: QuerySet[EnforcementItem]
) -> tuple[Any, dict[str, Any]]:
    complaint = complaint_get_for(user=user, pk=complaint_id)
    initial: dict[str, Any] = {
        "town": complaint.town.code,
        "source": Source.COMPLAINT,
        "description": complaint.text,
        "place": complaint.address,
        "title": complaint.text.strip().splitlines()[0][:60] if complaint.text.strip() else "",
    }
    candidates = (complaint.match_result or {}).get("candidates") or []
    if candidates and candidates[0].get("code") and items.filter(code=candidates[0]["code"]).exists():
        initial["item"] = candidates[0]["code"]
    return complaint, initial


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    towns = _towns_for_case_filing(user)
    if not towns:
        raise PermissionDenied
    complaint = None
    initial: dict[str, Any] = {"town": (user.unit.code if user.unit in towns else towns[0].code)}
    complaint_id = request.GET.get("complaint", "").strip()
    if complaint_id:
        if not complaint_id.isdigit():
            raise Http404
        complaint, prefill = _complaint_prefill(
            user, complaint_id, _district_items({t.district_id for t in towns})
        )
        initial.update(prefill)
    form = _case_form(user, towns, request.POST if request.method == "POST" else None, initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["officers"] = list(data.get("officers") or [])
        if complaint is not None:
            data["complaint"] = complaint
            if complaint.external_id:
                data["source_ref"] = complaint.external_id[:80]
        try:
            case = lifecycle.case_create(actor=user, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Lead %(ref)s recorded.") % {"ref": case.reference})
            return redirect(case.get_absolute_url())
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "complaint": complaint,
            "editing": False,
        },
        status=400 if form.errors else 200,
    )


# --- the case page ----------------------------------------------------------------------------------------------------


def _officer_rows(case: Case, today: dt.date) -> list[dict[str, Any]]:
    rows = []
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
    recommendation = case_recommendation(case)
    if recommendation is None:
        return None, []
    return recommendation, list(recommendation.explain())


def _action_entries(user: User, case: Case, bound: dict[str, Any]) -> list[dict[str, Any]]:
    entries = []
    for transition in rules.available_actions(user, case):
        action = transition.action.value
        form = bound.get(action) or action_form(action, case)
        form.auto_id = f"{action}-%s"  # several forms on one page: ids stay unique
        entries.append(
            {
                "action": action,
                "label": transition.action.label,
                "danger": transition.danger,
                "form": form,
                "open": action in bound,
                "target": transition.target,
            }
        )
    return entries


def _render_case(
    request: AuthedHttpRequest, case: Case, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    today = clock.today()
    from .deadlines import deadline_rows

    mine = next((o for o in case.officers.all() if o.officer_id == user.pk and o.active), None)
    may_declare = rules.can_declare_recusal(user, case) and mine is not None and mine.declared_at is None
    actions = _action_entries(user, case, bound)
    recommendation, explanation = _recommendation(case)
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
        for e in case_timeline(case)
    ]
    context: dict[str, Any] = {
        "case": case,
        "badge": stage_badge(case.stage),
        "deadlines": deadline_rows(case, today),
        "officers": _officer_rows(case, today),
        "may_declare": may_declare,
        "declaration_form": declaration_form,
        "recommendation": recommendation,
        "explanation": explanation,
        "actions": [a for a in actions if not a["danger"]],
        "danger_actions": [a for a in actions if a["danger"]],
        "timeline": timeline,
        "can_edit": rules.can_edit_case(user, case),
        "proposed_kinds": [kinds.get(k, k) for k in case.proposed_kinds or []],
        "penalty_kinds": [kinds.get(k, k) for k in case.penalty_kinds or []],
    }
    context.update(files_context(user, case))
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, case_get_for(user=request.user, pk=pk))


def _refused(request: HttpRequest, case: Case, exc: Exception | None = None) -> HttpResponse:
    """Someone else moved the case first, or the step is not possible now: say so and show the case as it is.
    For htmx the answer is a plain 409."""
    if isinstance(exc, StaleCase):
        text = _(
            "Someone else changed this case while you were looking at it; nothing was done. Here is its current state."
        )
    else:
        text = _(
            "That step is not possible now: the case has moved on. Nothing was done; here is its current state."
        )
        if isinstance(exc, InvalidTransition) and str(exc):
            text = f"{text} {exc}"
    if getattr(request, "htmx", False):
        return HttpResponse(text, status=409, content_type="text/plain; charset=utf-8")
    messages.warning(request, text)
    return redirect(case.get_absolute_url())


def _version(value: str | None) -> int | None:
    return _int(value)


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
            return _refused(request, case)
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
    except (InvalidTransition, StaleCase) as exc:
        return _refused(request, case, exc)
    messages.success(request, _("%(action)s: done.") % {"action": transition.action.label})
    return HttpResponseRedirect(reverse("cases:case", args=[case.pk]) + "#case-actions")


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
    except (InvalidTransition, StaleCase) as exc:
        return _refused(request, case, exc)
    if form.cleaned_data["conflict"]:
        messages.warning(
            request, _("Conflict declared: you must step aside and another officer take your place (art 43).")
        )
    else:
        messages.success(request, _("Declared: no conflict of interest."))
    return redirect(case.get_absolute_url())


# --- editing ------------------------------------------------------------------------------------------------------------


def _case_initial(case: Case) -> dict[str, Any]:
    fields = (
        "source",
        "title",
        "description",
        "place",
        "latitude",
        "longitude",
        "act_on",
        "act_continuing",
        "act_ended_on",
        "discovered_on",
        "harm_to_life_or_finance",
        "party_kind",
        "party_name",
        "party_identifier",
        "party_age",
        "party_representative",
        "party_contact",
        "party_address",
    )
    initial = {name: getattr(case, name) for name in fields}
    initial["town"] = case.town.code
    initial["item"] = case.item.code if case.item is not None else None
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = case_get_for(user=user, pk=pk)
    if not rules.can_edit_case(user, case):
        raise PermissionDenied
    towns = [case.town]
    form = CaseForm(
        request.POST if request.method == "POST" else None,
        towns=towns,
        items=EnforcementItem.objects.filter(district_id=case.district_id, is_active=True).order_by("code"),
        initial=_case_initial(case),
    )
    form.fields["town"].disabled = True
    del form.fields["officers"]
    version = case.version
    if request.method == "POST":
        version = _version(request.POST.get("version")) or case.version
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "town"}
            try:
                lifecycle.case_update(actor=user, case=case, data=data, version=version)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except (InvalidTransition, StaleCase) as exc:
                return _refused(request, case, exc)
            else:
                messages.success(request, _("Details saved."))
                return redirect(case.get_absolute_url())
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "case": case,
            "editing": True,
            "version": version,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_officers(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = case_get_for(user=user, pk=pk)
    if not rules.can_edit_case(user, case):
        raise PermissionDenied
    active = [o for o in case.officers.all() if o.active]
    lead = next((o.officer for o in active if o.lead), active[0].officer if active else None)
    candidates = _officer_candidates([case.town], include=[o.officer_id for o in active])
    form = OfficersForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={
            "version": case.version,
            "officers": [o.officer_id for o in active],
            "lead": lead.pk if lead else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lifecycle.case_officers_set(
                actor=user,
                case=case,
                officers=list(data["officers"]),
                lead=data["lead"],
                version=data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (InvalidTransition, StaleCase) as exc:
            return _refused(request, case, exc)
        else:
            messages.success(request, _("Handling officers saved."))
            return redirect(case.get_absolute_url())
    return render(
        request, "cases/case_officers.html", {"form": form, "case": case}, status=400 if form.errors else 200
    )


urlpatterns_cases = [
    path("cases/", case_list, name="case-list"),
    path("cases/new/", case_new, name="case-new"),
    path("cases/approvals/", approvals, name="approvals"),
    path("cases/reviews/", reviews, name="reviews"),
    path("cases/<int:pk>/", case_detail, name="case"),
    path("cases/<int:pk>/edit/", case_edit, name="case-edit"),
    path("cases/<int:pk>/officers/", case_officers, name="case-officers"),
    path("cases/<int:pk>/declare/", case_declare, name="case-declare"),
    path("cases/<int:pk>/act/<str:action>/", case_act, name="case-act"),
]
