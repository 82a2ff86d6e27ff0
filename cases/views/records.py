"""On-site and inquiry records (现场笔录 / 询问笔录): the form on the phone, and the case page's list of them.

Thin: the case through its selector (another town's case is 404), the service decides who may make a record
(403 otherwise) and checks everything; its refusals come back as form errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import User

from .. import rules
from ..models import Case, OnSiteRecord
from ..record_forms import RecordForm
from ..records import record_create
from ..selectors import case_get_for, record_list_for


def records_context(user: User, case: Case) -> dict[str, Any]:
    """What the case page passes to cases/_records.html."""
    records = record_list_for(case)
    return {
        "onsite_records": records,
        "corrected_record_ids": {r.corrects_id for r in records if r.corrects_id},
        "record_kinds": OnSiteRecord.Kind.choices,
        "can_make_record": rules.can_add_evidence(user, case),
    }


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request: AuthedHttpRequest, case_pk: int, kind: str) -> HttpResponse:
    user = request.user
    case = case_get_for(user=user, pk=case_pk)
    if kind not in OnSiteRecord.Kind.values:
        raise Http404
    if not rules.can_add_evidence(user, case):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = RecordForm(request.POST, case=case, kind=kind)
        if form.is_valid():
            try:
                record = record_create(actor=user, case=case, data=form.record_input())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(record)s signed and stored as evidence (SHA-256 %(hash)s…).")
                    % {"record": record.get_kind_display(), "hash": record.pdf.sha256[:12]},
                )
                return HttpResponseRedirect(f"{case.get_absolute_url()}#records")
        status = 400
    else:
        form = RecordForm(case=case, kind=kind)
        corrects = request.GET.get("corrects", "")
        if corrects.isdigit():
            form.initial["corrects"] = corrects
    corrected = form["corrects"].value()
    corrected_record = (
        case.onsite_records.filter(pk=corrected, kind=kind).first()
        if str(corrected or "").isdigit()
        else None
    )
    return render(
        request,
        "cases/record_form.html",
        {
            "case": case,
            "form": form,
            "kind": kind,
            "kind_label": OnSiteRecord.Kind(kind).label,
            "inquiry": kind == OnSiteRecord.Kind.INQUIRY,
            "corrected_record": corrected_record,
        },
        status=status,
    )
