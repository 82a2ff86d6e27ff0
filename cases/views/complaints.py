"""Complaint pages: the list, the entry form with live matching, the CSV import and a complaint's match."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from enforcement.forms import add_service_errors, restrict_choices
from enforcement.http import AuthedHttpRequest
from enforcement.models import Unit
from enforcement.paging import page_context
from enforcement.spreadsheets import csv_rows

from ..complaints import (
    MAX_IMPORT,
    MAX_TEXT,
    complaint_create,
    complaint_rematch,
    complaints_import,
    complaints_rematch_unmatched,
)
from ..models import Complaint
from ..rules import can_file_case, can_rematch_complaint
from ..selectors import complaint_get_for, complaints_for, towns_for_filing

MAX_UPLOAD = 2 * 1024 * 1024


class TownChoice(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class ComplaintForm(forms.Form):
    town = TownChoice(
        label=gettext_lazy("Town"),
        queryset=Unit.objects.none(),
        to_field_name="code",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    text = forms.CharField(
        label=gettext_lazy("Complaint"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=Complaint.Channel.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    external_id = forms.CharField(
        label=gettext_lazy("Ticket number"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}),
        help_text=gettext_lazy("Empty: now."),
    )

    def __init__(self, *args: Any, towns: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "town", Unit.objects.filter(pk__in=[t.pk for t in towns]).order_by("code"))


class ImportForm(forms.Form):
    town = TownChoice(
        label=gettext_lazy("Town"),
        queryset=Unit.objects.none(),
        to_field_name="code",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,text/csv"}),
        help_text=gettext_lazy(
            "Columns: text (required), external_id, channel, address, received_at. "
            "Chinese headers (投诉内容, 工单号, 渠道, 地址, 受理时间) work too. UTF-8 or GB18030."
        ),
    )

    def __init__(self, *args: Any, towns: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restrict_choices(self, "town", Unit.objects.filter(pk__in=[t.pk for t in towns]).order_by("code"))


HEADER_ALIASES = {
    "text": "text",
    "内容": "text",
    "投诉内容": "text",
    "诉求内容": "text",
    "complaint": "text",
    "description": "text",
    "external_id": "external_id",
    "工单号": "external_id",
    "编号": "external_id",
    "ticket": "external_id",
    "channel": "channel",
    "渠道": "channel",
    "来源": "channel",
    "address": "address",
    "地址": "address",
    "地点": "address",
    "received_at": "received_at",
    "受理时间": "received_at",
    "时间": "received_at",
    "date": "received_at",
}


def read_complaint_csv(raw: bytes) -> list[dict[str, str]]:
    """Rows of a complaint CSV with known columns; ValidationError if it cannot be read."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("The file is neither UTF-8 nor GB18030 text."))
    lines = csv_rows(text)  # the shared reader: a malformed file is a ValidationError, never a 500
    header = [HEADER_ALIASES.get(name.strip().lower()) for name in next(lines, [])]
    if "text" not in header:
        raise ValidationError(_("The file needs a “text” column (or 投诉内容)."))
    rows: list[dict[str, str]] = []
    for values in lines:  # stops reading at the first row past the limit
        if not values:
            continue
        if len(rows) == MAX_IMPORT:
            raise ValidationError(_("At most %(max)s complaints per import.") % {"max": MAX_IMPORT})
        rows.append({key: (values[i] if i < len(values) else "") for i, key in enumerate(header) if key})
    return rows


@login_required
def complaint_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", "")
    if status not in Complaint.MatchStatus.values:
        status = ""
    query = request.GET.get("q", "").strip()[:100]
    paged = page_context(request.GET, complaints_for(user=user, status=status, query=query), 30)
    towns = towns_for_filing(user)
    probe_town = user.unit if user.unit is not None and user.unit.kind == Unit.Kind.TOWN else None
    can_rematch = probe_town is not None and can_rematch_complaint(
        user, Complaint(town=probe_town, district_id=probe_town.district_id)
    )
    return render(
        request,
        "cases/complaint_list.html",
        {
            **paged,
            "status": status,
            "q": query,
            "statuses": Complaint.MatchStatus.choices,
            "can_file": bool(towns),
            "can_rematch": can_rematch,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    towns = towns_for_filing(user)
    if not towns:
        raise PermissionDenied
    default = user.unit.code if user.unit in towns else towns[0].code
    form = ComplaintForm(
        request.POST or None, towns=towns, initial={"town": default, "channel": Complaint.Channel.HOTLINE}
    )
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Complaint recorded; it is being matched to enforcement items."))
            return redirect("cases:complaint", pk=complaint.pk)
    return render(request, "cases/complaint_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_import(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    towns = towns_for_filing(user)
    if not towns:
        raise PermissionDenied
    default = user.unit.code if user.unit in towns else towns[0].code
    form = ImportForm(request.POST or None, request.FILES or None, towns=towns, initial={"town": default})
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD:
                raise ValidationError(_("The file is larger than 2 MB."))
            rows = read_complaint_csv(upload.read())
            report = complaints_import(
                actor=user, town=form.cleaned_data["town"], rows=rows, source=upload.name
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, report.summary)
    return render(
        request,
        "cases/complaint_import.html",
        {"form": form, "report": report, "max": MAX_IMPORT},
        status=400 if form.errors else 200,
    )


@login_required
def complaint_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    complaint = complaint_get_for(user=user, pk=pk)
    return render(
        request,
        "cases/complaint_detail.html",
        {
            "complaint": complaint,
            "result": complaint.match_result or {},
            "can_rematch": can_rematch_complaint(user, complaint),
            "can_open_case": can_file_case(user, complaint.town),
            "linked_cases": list(complaint.cases.for_user(user).order_by("created_at")),
        },
    )


@login_required
@require_POST
def complaint_rematch_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    complaint_rematch(actor=user, complaint=complaint_get_for(user=user, pk=pk))
    messages.success(request, _("The complaint is being matched again."))
    return redirect("cases:complaint", pk=pk)


@login_required
@require_POST
def complaints_rematch_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.unit is None or user.unit.kind != Unit.Kind.TOWN:
        raise PermissionDenied
    n = complaints_rematch_unmatched(actor=user, town=user.unit)
    messages.success(request, _("%(n)s complaints without an item are being matched again.") % {"n": n})
    return redirect("cases:complaints")
