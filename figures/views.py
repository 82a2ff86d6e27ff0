"""The dashboard pages: a city's, a district's, a town's; ?format=csv|xlsx exports what the page shows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from enforcement.http import AuthedHttpRequest

from .forms import MONTH_CHOICES, PeriodForm
from .presentation import dashboard_context, export_response, figures_url
from .selectors import dashboard_for, home_for


@login_required
@require_GET
def figures_home(request: AuthedHttpRequest) -> HttpResponse:
    """The widest dashboard the user may read (a city's, a district's, a town's)."""
    home = home_for(request.user)
    if home is None:
        raise Http404
    return redirect(figures_url(*home))


def _dashboard(request: AuthedHttpRequest, level: str, pk: int) -> HttpResponse:
    form = PeriodForm(request.GET if {"end", "months"} & set(request.GET) else None)
    period = form.period()
    board = dashboard_for(user=request.user, level=level, pk=pk, period=period)
    if not form.is_bound:  # the form shows the period the page shows
        form = PeriodForm(initial={"end": f"{period.end:%Y-%m}", "months": period.months})
    fmt = request.GET.get("format", "")
    if fmt in {"csv", "xlsx"}:
        return export_response(board, fmt)
    context = dashboard_context(board)
    context.update(
        form=form,
        month_choices=MONTH_CHOICES,
        query=f"end={board.period.end:%Y-%m}&months={board.period.months}",
    )
    return render(request, "figures/dashboard.html", context)


@login_required
@require_GET
def city_figures(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, "city", pk)


@login_required
@require_GET
def district_figures(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, "district", pk)


@login_required
@require_GET
def town_figures(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, "town", pk)
