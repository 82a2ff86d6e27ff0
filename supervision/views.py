"""The supervisor's desk and the team view (pages). Every write goes through the core's services, as the API
does (supervision/api)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement import services
from enforcement.http import AuthedHttpRequest
from enforcement.models import District, FenceWarning
from enforcement.paging import page_context
from enforcement.refusals import show_refusal
from enforcement.rules import can_review_warning, can_set_escalation, can_use_desk
from enforcement.services import FENCE_REVIEW
from enforcement.sweeps import warning_message
from enforcement.workflow import InvalidTransition, StaleObject

from .facts import object_link, related_link, rule_description, rule_label, warning_facts
from .forms import (
    MAX_BULK,
    OUTCOMES,
    DeskFilterForm,
    EscalationForm,
    GroupForm,
    ResolveForm,
    ReviewForm,
    ticked_ids,
)
from .selectors import (
    GATHER_AT,
    DeskFilters,
    PromptGroup,
    desk_choices,
    desk_counts,
    desk_prompt_groups,
    desk_queue,
    team_view,
    warning_get_for,
)

PAGE_SIZE = 30


def _require_desk(request: AuthedHttpRequest) -> None:
    if not can_use_desk(request.user):
        raise PermissionDenied


def warning_row(warning: FenceWarning) -> dict[str, Any]:
    return {
        "w": warning,
        "message": warning_message(warning),  # in the reader's language
        "rule": rule_label(warning.rule),
        "facts": warning_facts(warning),
        "link": (link := object_link(warning)),
        "related": related_link(warning, link),
    }


@require_GET
def desk(request: AuthedHttpRequest) -> HttpResponse:
    _require_desk(request)
    user = request.user
    choices = desk_choices(user=user)
    form = DeskFilterForm(request.GET or None, choices=choices)
    filters = form.filters()
    groups = desk_prompt_groups(user=user, filters=filters)
    paged = page_context(request.GET, desk_queue(user=user, filters=filters, leave_out=groups), PAGE_SIZE)
    rows = [warning_row(w) for w in paged["page"].rows]
    for row in rows:
        row["may_review"] = can_review_warning(user, row["w"])
    district = user.unit.district if user.unit is not None else None
    escalation_form = None
    if district is not None and can_set_escalation(user, district):
        escalation_form = EscalationForm(
            initial={
                "warning_hours": district.warning_escalation_hours,
                "city_hours": district.city_escalation_hours,
            }
        )
    return render(
        request,
        "supervision/desk.html",
        {
            **paged,
            "form": form,
            "filters": filters,
            "rows": rows,
            "counts": desk_counts(user=user),
            "groups": [
                (group, _group_query(request.GET, group), _may_acknowledge(user, group)) for group in groups
            ],
            "gathered": sum(group.count for group in groups),
            "gather_at": GATHER_AT,
            "may_bulk": any(r["may_review"] and r["w"].status == FenceWarning.Status.OPEN for r in rows),
            "escalation_form": escalation_form,
            "district": district,
        },
    )


def _may_acknowledge(user: Any, group: PromptGroup) -> bool:
    """Whether the user reviews the group's prompts (rules.py asked about a prompt of its town: a prompt never
    escalates, so a city reader does not)."""
    prompt = FenceWarning(town=group.town, district_id=group.town.district_id, rule=group.rule)
    return can_review_warning(user, prompt)


def _group_query(get: Any, group: PromptGroup) -> str:
    """The desk's query listing one group's prompts: the filters as they are, with its rule and town."""
    query = get.copy()
    for name in ("after", "page"):
        query.pop(name, None)
    query["rule"] = group.rule
    query["town"] = str(group.town.pk)
    return str(query.urlencode())


@require_http_methods(["GET", "POST"])
def warning_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_desk(request)
    user = request.user
    warning = warning_get_for(user=user, pk=pk)
    here = reverse("desk-warning", args=[warning.pk])
    review_form = ReviewForm(request.POST if request.method == "POST" and "outcome" in request.POST else None)
    resolve_form = ResolveForm(
        request.POST if request.method == "POST" and "resolve" in request.POST else None
    )
    status = 200
    if request.method == "POST":
        bound = review_form if review_form.is_bound else resolve_form
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                if bound is review_form:
                    services.fence_warning_review(
                        actor=user,
                        warning=warning,
                        status=data["outcome"],
                        note=data["note"],
                        follow_up=data["follow_up"],
                    )
                else:
                    services.fence_warning_review(
                        actor=user, warning=warning, status=FenceWarning.Status.RESOLVED, note=data["note"]
                    )
            except (InvalidTransition, StaleObject) as exc:
                return show_refusal(request, exc, back_to=here)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    bound.add_error(field if field in bound.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Review saved: the warning is now “%(status)s”.")
                    % {"status": FenceWarning.objects.get(pk=warning.pk).get_status_display()},
                )
                return redirect(here)
        status = 400
    may_review = can_review_warning(user, warning)
    # Only the outcomes possible from where the warning is (an acknowledged one is not acknowledged again).
    outcome = review_form.fields["outcome"]
    assert isinstance(outcome, forms.ChoiceField)
    outcome.choices = [(v, label) for v, label in OUTCOMES if FENCE_REVIEW.allowed(warning.status, str(v))]
    return render(
        request,
        "supervision/warning_detail.html",
        {
            "w": warning,
            "message": warning_message(warning),
            "rule": rule_label(warning.rule),
            "rule_description": rule_description(warning.rule),
            "facts": warning_facts(warning),
            "link": (link := object_link(warning)),
            "related": related_link(warning, link),
            "may_review": may_review
            and warning.status in (FenceWarning.Status.OPEN, FenceWarning.Status.ACKNOWLEDGED),
            "may_resolve": may_review and warning.status == FenceWarning.Status.CONFIRMED,
            "review_form": review_form,
            "resolve_form": resolve_form,
        },
        status=status,
    )


@require_POST
def acknowledge(request: AuthedHttpRequest) -> HttpResponse:
    _require_desk(request)
    ids = ticked_ids(request.POST.getlist("warnings"))
    back = reverse("desk")
    if request.POST.get("next", "").startswith("?"):
        back += request.POST["next"][:1000]
    group = GroupForm(request.POST)
    if not ids and group.is_valid():
        # A gathered line's button: the group's open prompts (at most MAX_BULK), each checked by the service.
        ids = list(
            desk_queue(
                user=request.user,
                filters=DeskFilters(
                    rule=group.cleaned_data["group_rule"],
                    town_id=group.cleaned_data["group_town"],
                    severity=FenceWarning.Severity.PROMPT,
                ),
            ).values_list("pk", flat=True)[:MAX_BULK]
        )
    if not ids:
        messages.warning(request, _("Tick the warnings to acknowledge."))
        return redirect(back)
    result = services.fence_warnings_acknowledge(actor=request.user, warning_ids=ids)
    if result.acknowledged:
        messages.success(
            request,
            ngettext("%(n)d warning acknowledged.", "%(n)d warnings acknowledged.", len(result.acknowledged))
            % {"n": len(result.acknowledged)},
        )
    if result.skipped:
        messages.warning(
            request,
            ngettext(
                "%(n)d warning was not acknowledged: someone reviewed it first, or it is not yours to "
                "review.",
                "%(n)d warnings were not acknowledged: someone reviewed them first, or they are not yours "
                "to review.",
                len(result.skipped),
            )
            % {"n": len(result.skipped)},
        )
    return redirect(back)


@require_POST
def escalation_settings(request: AuthedHttpRequest) -> HttpResponse:
    _require_desk(request)
    user = request.user
    district: District | None = user.unit.district if user.unit is not None else None
    if district is None or not can_set_escalation(user, district):
        raise PermissionDenied
    form = EscalationForm(request.POST)
    if form.is_valid():
        services.district_escalation_set(
            actor=user,
            district=district,
            warning_hours=form.cleaned_data["warning_hours"],
            city_hours=form.cleaned_data["city_hours"],
        )
        messages.success(request, _("Escalation times saved."))
    else:
        messages.warning(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(reverse("desk"))


@require_GET
def team(request: AuthedHttpRequest) -> HttpResponse:
    _require_desk(request)
    return render(request, "supervision/team.html", {"team": team_view(user=request.user)})
