"""Capture on site (现场取证): the phone's camera one tap from the case, with the device's place and time.

`capture_start` is the bottom bar's "capture" place: the officer's open cases to choose from.
`case_capture` is the capture page of one case; it posts an ordinary multipart form (queued as it is when the
phone is offline) to the same service as the API (`evidence_capture`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from enforcement.http import AuthedHttpRequest
from enforcement.submissions import idempotent_submission

from .. import rules
from ..capture import Capture, capture_from
from ..evidence import MAX_FILES_PER_UPLOAD, evidence_capture
from ..models import Case
from ..selectors import capture_cases_for, case_get_for
from .common import towns_for_case_filing

CHOOSER_ROWS = 30
FIELD_ORDER = ("files", "latitude", "longitude", "accuracy", "device_time", "__all__")


@login_required
@require_GET
def capture_start(request: AuthedHttpRequest) -> HttpResponse:
    cases = list(capture_cases_for(user=request.user)[: CHOOSER_ROWS + 1])
    return render(
        request,
        "cases/capture_start.html",
        {
            "cases": cases[:CHOOSER_ROWS],
            "more": len(cases) > CHOOSER_ROWS,
            "can_file": bool(towns_for_case_filing(request.user)),
        },
    )


def _errors(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return [str(m) for m in exc.messages]
    order = {name: i for i, name in enumerate(FIELD_ORDER)}
    fields = sorted(exc.error_dict, key=lambda name: order.get(name, len(order)))
    return [str(m) for name in fields for m in ValidationError(exc.error_dict[name]).messages]


def _render(request: AuthedHttpRequest, case: Case, *, errors: list[str], status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {
        "case": case,
        "errors": errors,
        "caption": request.POST.get("caption", "")[:300] if request.method == "POST" else "",
        "max_files": MAX_FILES_PER_UPLOAD,
    }
    return render(request, "cases/case_capture.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_submission  # the outbox may send a capture again after a lost answer: stored once
def case_capture(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = case_get_for(user=user, pk=pk)  # another town's case: 404
    if not rules.can_add_evidence(user, case):
        raise PermissionDenied
    if request.method == "GET":
        return _render(request, case, errors=[])
    try:
        capture: Capture = capture_from(request.POST)
        rows = evidence_capture(
            actor=user,
            case=case,
            uploads=request.FILES.getlist("files"),
            caption=request.POST.get("caption", "").strip(),
            capture=capture,
        )
    except ValidationError as exc:  # PermissionDenied goes on to the 403 handler
        return _render(request, case, errors=_errors(exc), status=400)
    located = capture.has_location
    text = (
        _("%(n)d files added, stamped with the place and time.")
        if located
        else _("%(n)d files added without a location (the phone gave none).")
    )
    (messages.success if located else messages.warning)(request, text % {"n": len(rows)})
    return HttpResponseRedirect(f"{case.get_absolute_url()}#evidence")
