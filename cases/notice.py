"""Discretion where the penalty is proposed (告知, art 44): the benchmark's recommendation for the
circumstances ticked on the notice form, the suggested fine, its reasoning in plain words, and whether the
proposed fine leaves the tier (then a written reason is needed, art 34). The case page renders it with the
form; the htmx endpoint recomputes it as boxes are ticked."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.http import QueryDict

from .deadlines import policy_for
from .fences import case_fence_preview
from .forms import NoticeForm, factor_groups
from .models import Case
from .selectors import case_recommendation


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "").strip()) if str(value or "").strip() else None
    except InvalidOperation:
        return None


def notice_form_for(case: Case, data: QueryDict | None = None) -> NoticeForm:
    """The notice form, its proposed fine pre-filled with the suggested amount: at first, and again when the
    circumstances change while the officer has not typed an amount of their own."""
    factors = data.getlist("factors") if data is not None else None
    recommendation = case_recommendation(case, factors)
    suggested = (
        recommendation.fine_suggested if recommendation is not None and recommendation.punish else None
    )
    if data is None:
        form = NoticeForm(case=case, auto_id="serve_notice-%s")
        if suggested is not None and form.fields["proposed_fine"].initial is None:
            form.fields["proposed_fine"].initial = suggested
        if recommendation is not None and recommendation.punish and not case.proposed_kinds:
            form.fields["penalty_kinds"].initial = list(recommendation.penalty_kinds)
        form.fields["suggested_fine"].initial = suggested
        form.recommendation = recommendation
        return form
    values = data.copy()
    typed, before = _decimal(values.get("proposed_fine")), _decimal(values.get("suggested_fine"))
    if suggested is not None and (typed is None or typed == before):
        values["proposed_fine"] = str(suggested)
    values["suggested_fine"] = "" if suggested is None else str(suggested)
    form = NoticeForm(values, case=case, auto_id="serve_notice-%s")
    form.recommendation = recommendation
    return form


def notice_discretion(case: Case, form: forms.Form, user: Any = None) -> dict[str, Any]:
    """What the page shows beside the amount: the recommendation, its reasoning, the groups of circumstances
    with what is ticked, whether the proposed fine is outside the tier and, once the officer changes
    something (a bound form), what the fences say about the notice as it stands."""
    data: Any = form.data  # a QueryDict when bound
    recommendation = getattr(form, "recommendation", None)
    if recommendation is None:
        recommendation = case_recommendation(case, data.getlist("factors") if form.is_bound else None)
    if form.is_bound:
        ticked = set(data.getlist("factors"))
        fine = _decimal(data.get("proposed_fine"))
    else:
        ticked = set(form.fields["factors"].initial or [])
        fine = _decimal(form.fields["proposed_fine"].initial)
    outside = False
    if recommendation is not None and fine is not None and recommendation.punish:
        low, high = recommendation.fine_min, recommendation.fine_max
        outside = (low is not None and fine < low) or (high is not None and fine > high)
    findings: list[Any] = []
    if form.is_bound and user is not None:
        findings = fences_for_form(case, "serve_notice", data, user, recommendation=recommendation)
    return {
        "fences": findings,
        "recommendation": recommendation,
        "explanation": list(recommendation.explain()) if recommendation is not None else [],
        "groups": [
            (label, [(code, name, code in ticked) for code, name in rows])
            for label, rows in factor_groups(case)
        ],
        "outside": outside,
        "fine": fine,
    }


def fences_for_form(case: Case, action: str, data: Any, user: Any, **known: Any) -> list[Any]:
    """The fences' findings for the values on an action form (a QueryDict), for the live check; `known`:
    what the caller already computed for the same values (the recommendation)."""
    values = {key: data.get(key) for key in data}
    values.update(known)
    values["penalty_kinds"] = data.getlist("penalty_kinds")
    values["factors"] = data.getlist("factors")
    _field, findings = case_fence_preview(
        case, action, values, actor=user, policy=policy_for(case.district_id)
    )
    return findings
