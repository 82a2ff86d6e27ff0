"""Pages of the inspections app. So far: the public page of an inspection code (no login)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from enforcement import clock

from .selectors import code_view


@login_not_required
@never_cache
def code_public(request: HttpRequest, code: str) -> HttpResponse:
    """执法码: the business scans it and sees who is coming, for which task, items and basis, and the certificates."""
    view = code_view(code, clock.today())
    response = render(request, "inspections/code_public.html", {"view": view})
    response["Referrer-Policy"] = (
        "no-referrer"  # the code is the key to this page: do not leak it to other sites
    )
    return response
