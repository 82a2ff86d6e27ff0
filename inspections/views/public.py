"""The public pages of an inspection code (执法码): what the business sees without logging in, and its own
record once it gives its credit code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from enforcement import clock
from enforcement.forms import add_service_errors

from .. import forms
from ..selectors import (
    code_view,
)
from ..selectors.ledger import code_task, own_record_for_code
from ..services import plans as plan_services

# --- the public page of an inspection code ------------------------------------------------------------------


@login_not_required
def code_lookup(request: HttpRequest) -> HttpResponse:
    """The portal's "check an inspection code" box: to the code's public page (which says whether it is valid
    today); back to the portal when nothing usable was typed."""
    code = "".join(ch for ch in request.GET.get("code", "").strip() if ch.isalnum() or ch == "-")[:64]
    if not code:
        return redirect("home")
    return redirect("inspection-code", code=code)


@login_not_required
@never_cache
def code_public(request: HttpRequest, code: str) -> HttpResponse:
    """执法码: the business scans it and sees who is coming, for which task, items and basis, and the
    certificates."""
    view = code_view(code, clock.today())
    if request.method == "GET":
        plan_services.code_scan_record(code=code)
    response = render(request, "inspections/code_public.html", {"view": view, "code": code})
    response["Referrer-Policy"] = (
        "no-referrer"  # the code is the key to this page: do not leak it to other sites
    )
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def code_record(request: HttpRequest, code: str) -> HttpResponse:
    """The business's own minimal record, reached through a code it was shown and its own credit code: its
    visits, how many points failed, what it still has to rectify. Nothing about other parties."""
    code_task(code)  # a 404 before any form for a code that opens nothing
    form = forms.OwnRecordForm(request.POST or None)
    record = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record = own_record_for_code(code, form.cleaned_data["identifier"])
            except ValidationError as exc:
                add_service_errors(form, exc)
        if record is None:
            status = 400
    response = render(
        request,
        "inspections/code_record.html",
        {"record": record, "code": code, "form": form},
        status=status,
    )
    # same-origin, not no-referrer: the code stays off other sites, and the form's POST keeps its Origin (a
    # no-referrer page sends "Origin: null", which the CSRF check refuses)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
