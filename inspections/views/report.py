"""The report per town and department, with its charts, CSV and XLSX."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from enforcement import clock
from enforcement.http import AuthedHttpRequest
from enforcement.models import Unit
from enforcement.spreadsheets import table_download

from .. import forms
from ..rules import (
    can_view_inspection_report,
)
from ..selectors import (
    bodies_at_cap,
    frequency_policy_for,
    inspection_figures,
    report_units,
)
from ..selectors.ledger import visits_per_business
from ._common import _district_id

# --- the report ---------------------------------------------------------------------------------------------

REPORT_COLUMNS = [
    ("inspections", _lazy("visits made")),
    ("joint", _lazy("of which joint")),
    ("departments_per_joint", _lazy("bodies per joint visit")),
    ("visits_saved", _lazy("visits saved")),
    ("with_code", _lazy("visits with the code shown")),
    ("failures", _lazy("failed points")),
    ("cases", _lazy("draft cases")),
    ("whistles", _lazy("whistles")),
    ("rechecked", _lazy("rectified on a re-check")),
    ("codes_scanned", _lazy("codes opened by the business")),
]


@login_required
@require_GET
def report(request: AuthedHttpRequest) -> HttpResponse:
    """The figures per town and department over a period, with CSV and XLSX."""
    user = request.user
    if not can_view_inspection_report(user):
        raise PermissionDenied
    district_id = _district_id(user)
    today = clock.today()
    form = forms.PeriodForm(
        request.GET if {"start", "end"} & set(request.GET) else None,
        initial={"start": today.replace(month=1, day=1), "end": today},
    )
    start, end = today.replace(month=1, day=1), today
    if form.is_valid():
        start, end = form.cleaned_data.get("start") or start, form.cleaned_data.get("end") or end
    total = inspection_figures(district=district_id, start=start, end=end)
    rows = [
        (unit, inspection_figures(district=district_id, start=start, end=end, unit=unit))
        for unit in report_units(district=district_id, start=start, end=end)
    ]
    fmt = request.GET.get("format", "")
    if fmt in {"csv", "xlsx"}:
        return _report_file(fmt, total, rows, start, end)
    chart = {
        "units": [u.name for u, _f in rows],
        "inspections": [f.inspections for _u, f in rows],
        "joint": [f.joint for _u, f in rows],
        "failures": [f.failures for _u, f in rows],
        "labels": {
            "inspections": _("visits made"),
            "joint": _("of which joint"),
            "failures": _("failed points"),
        },
    }
    return render(
        request,
        "inspections/report.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "total": total,
            "rows": rows,
            "columns": REPORT_COLUMNS,
            "at_cap": bodies_at_cap(district=district_id, year=end.year),
            "per_business": visits_per_business(district=district_id, year=end.year),
            "policy": frequency_policy_for(district_id),
            "chart": chart,
        },
    )


def _report_file(
    fmt: str, total: Any, rows: list[tuple[Unit, Any]], start: dt.date, end: dt.date
) -> HttpResponse:
    header = [str(_("Unit")), *[str(label) for _key, label in REPORT_COLUMNS]]
    lines = [[str(_("District total")), *[getattr(total, key) for key, _label in REPORT_COLUMNS]]]
    lines += [[unit.name, *[getattr(f, key) for key, _label in REPORT_COLUMNS]] for unit, f in rows]
    lines = [[round(v, 2) if isinstance(v, float) else v for v in line] for line in lines]
    name = f"inspections-{start:%Y%m%d}-{end:%Y%m%d}"
    return table_download([header, *lines], name=name, fmt=fmt)
