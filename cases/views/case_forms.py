"""The penalty-case forms: recording a lead (from a complaint, say), editing its details, and its handling
officers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from authority.models import EnforcementItem
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import Unit, User
from enforcement.refusals import show_refusal
from enforcement.submissions import idempotent_submission
from enforcement.workflow import InvalidTransition, StaleObject

from .. import lifecycle, rules
from ..document_text import findings_draft
from ..forms import CaseForm, OfficersForm
from ..models import Case, Source
from ..selectors import case_get_for, complaint_get_for, items_for_cases, officer_candidates
from .common import district_items, int_or_none, towns_for_case_filing


def _officer_candidates(
    towns: list[Unit], *, exclude: User | None = None, include: list[int] | None = None
) -> QuerySet[User]:
    """People of the towns' teams today (own members and secondees) who are officers or supervisors."""
    return officer_candidates(towns, exclude=exclude, include=include or [])


def _case_form(
    user: User, towns: list[Unit], data: Any = None, initial: dict[str, Any] | None = None
) -> CaseForm:
    items = district_items({t.district_id for t in towns})
    form = CaseForm(
        data,
        towns=towns,
        items=items,
        officers=_officer_candidates(towns, exclude=user),
        initial=initial or {},
    )
    del form.fields["findings"]  # found by the investigation, not when the lead is recorded
    return form


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
@idempotent_submission
def case_new(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    towns = towns_for_case_filing(user)
    if not towns:
        raise PermissionDenied
    complaint = None
    initial: dict[str, Any] = {"town": (user.unit.code if user.unit in towns else towns[0].code)}
    complaint_id = request.GET.get("complaint", "").strip()
    if complaint_id:
        if not complaint_id.isdigit():
            raise Http404
        complaint, prefill = _complaint_prefill(
            user, complaint_id, district_items({t.district_id for t in towns})
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
            messages.success(
                request,
                _("%(ref)s recorded. Next: check it, then propose filing or record that it is not filed.")
                % {"ref": case.reference},
            )
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


def _version(value: str | None) -> int | None:
    return int_or_none(value)


def _case_initial(case: Case) -> dict[str, Any]:
    initial = {name: getattr(case, name) for name in lifecycle.CASE_DETAIL_FIELDS if name != "item"}
    initial["findings"] = case.findings or findings_draft(case)
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
        items=items_for_cases([case.district_id], keep=case.item_id),
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
            except (InvalidTransition, StaleObject) as exc:
                return show_refusal(request, exc, back_to=case.get_absolute_url())
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
        except (InvalidTransition, StaleObject) as exc:
            return show_refusal(request, exc, back_to=case.get_absolute_url())
        else:
            messages.success(request, _("Handling officers saved."))
            return redirect(case.get_absolute_url())
    return render(
        request, "cases/case_officers.html", {"form": form, "case": case}, status=400 if form.errors else 200
    )
