"""Complaint pages: the list, the entry form with live matching, the CSV import and a complaint's match."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from authority.matching.selectors import CONFIDENCE_LABELS, CONFIDENCE_REASONS
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
from ..labels import complaint_label
from ..models import Complaint, ComplaintLabel
from ..rules import can_file_case, can_label_complaint, can_rematch_complaint, can_view_label_figures
from ..selectors import (
    NO_ITEM,
    complaint_get_for,
    complaint_label_of,
    complaints_for,
    label_figures,
    label_item_choices,
    labels_for,
    towns_for_filing,
)

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
    for complaint in paged["page"].rows:
        complaint.first_suggestion = first_suggestion(complaint)
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
            "can_view_labels": can_view_label_figures(user),
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


SHOWN = 3  # suggestions shown first; the others wait behind "more"


def _reason_codes() -> dict[str, str]:
    """The stored reasons are sentences in Chinese (the worker matches under zh): their codes, to say them
    again in the reader's language."""
    with translation.override("zh-hans"):
        return {str(text): code for code, text in CONFIDENCE_REASONS.items()}


def suggestions_of(complaint: Complaint) -> list[dict[str, Any]]:
    """The engine's candidates as the page shows them: the words that led to each, and the confidence and
    its reason in the reader's language (never the raw score)."""
    if complaint.match_status != Complaint.MatchStatus.MATCHED:
        return []
    reasons = _reason_codes()
    rows = []
    for cand in (complaint.match_result or {}).get("candidates", []):
        reason = CONFIDENCE_REASONS.get(reasons.get(str(cand.get("confidence_reason", "")), ""), "")
        rows.append(
            {
                **cand,
                "confidence_words": str(CONFIDENCE_LABELS.get(cand.get("confidence", ""), "")),
                "confidence_why": str(reason) or str(cand.get("confidence_reason", "")),
            }
        )
    return rows


def first_suggestion(complaint: Complaint) -> dict[str, Any] | None:
    """The list's line for a complaint not yet labelled: the engine's first item, named in the reader's
    language, its confidence in words, and how many more it suggested."""
    candidates = (complaint.match_result or {}).get("candidates", [])
    if complaint.match_status != Complaint.MatchStatus.MATCHED or not candidates:
        return None
    first = candidates[0]
    english = (translation.get_language() or "").startswith("en")
    return {
        "code": first.get("code", ""),
        "name": (english and first.get("name_en")) or first.get("name", ""),
        "confidence_words": str(CONFIDENCE_LABELS.get(first.get("confidence", ""), "")),
        "more": len(candidates) - 1,
    }


def _detail_context(
    request: AuthedHttpRequest, complaint: Complaint, *, errors: list[str] | None = None
) -> dict[str, Any]:
    user = request.user
    can_label = can_label_complaint(user, complaint)
    query = request.GET.get("q", "").strip()[:100]
    suggestions = suggestions_of(complaint)
    label = complaint_label_of(complaint)
    # what the form shows ticked: what was just sent back, or the label as it stands
    ticked = request.POST.getlist("codes") if request.method == "POST" else (label.codes if label else [])
    suggested = {c["code"] for c in suggestions}
    others = [c for c in ticked if c not in suggested]
    return {
        "complaint": complaint,
        "result": complaint.match_result or {},
        "suggestions": suggestions[:SHOWN],
        "more_suggestions": suggestions[SHOWN:],
        "more_open": any(c["code"] in ticked for c in suggestions[SHOWN:]),
        "label": label,
        "can_label": can_label,
        "label_errors": errors or [],
        "ticked": ticked,
        "q": query,
        "choices": (
            label_item_choices(complaint=complaint, query=query, keep=others)
            if can_label and (query or others)
            else []
        ),
        "none_reasons": ComplaintLabel.NoneReason.choices,
        "can_rematch": can_rematch_complaint(user, complaint),
        "can_open_case": can_file_case(user, complaint.town),
        "linked_cases": list(complaint.cases.for_user(user).order_by("created_at")),
    }


@login_required
def complaint_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    complaint = complaint_get_for(user=request.user, pk=pk)
    return render(request, "cases/complaint_detail.html", _detail_context(request, complaint))


@login_required
@require_POST
def complaint_label_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Confirm or correct the engine (one or two item codes), or say the complaint names no item of the list
    and why. A refusal re-renders the page with the reason (400)."""
    user = request.user
    complaint = complaint_get_for(user=user, pk=pk)
    none = request.POST.get("verdict") == ComplaintLabel.Verdict.NONE
    try:
        complaint_label(
            actor=user,
            complaint=complaint,
            codes=[] if none else request.POST.getlist("codes"),
            none_reason=(request.POST.get("none_reason", "") or "-") if none else "",
        )
    except ValidationError as exc:
        context = _detail_context(request, complaint, errors=exc.messages)
        return render(request, "cases/complaint_detail.html", context, status=400)
    messages.success(request, _("Label saved. Thank you: it is kept to measure the matching."))
    return redirect("cases:complaint", pk=pk)


@login_required
def complaint_items_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The as-you-type search for another item (the engine's reading of the words, then names and codes):
    a partial of check boxes that belong to the label form."""
    user = request.user
    complaint = complaint_get_for(user=user, pk=pk)
    if not can_label_complaint(user, complaint):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    choices = label_item_choices(complaint=complaint, query=query, keep=request.GET.getlist("codes"))
    return render(request, "cases/_label_choices.html", {"choices": choices, "q": query})


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


@login_required
def complaint_labels_view(request: AuthedHttpRequest) -> HttpResponse:
    """How did we do: per month, the engine's suggestions as the officers saw them against their labels, and
    the most frequent confusions; `?export=csv` gives the labels as a labelled file for match_eval."""
    user = request.user
    if not can_view_label_figures(user):
        raise PermissionDenied
    if request.GET.get("export") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="complaint-labels.csv"'
        writer = csv.writer(response, lineterminator="\n")
        writer.writerow(["id", "lang", "text", "expected_codes"])
        for label in labels_for(user=user):
            writer.writerow(
                [
                    label.complaint.external_id or f"complaint-{label.complaint_id}",
                    label.lang or "?",
                    label.complaint.text,
                    "|".join(label.codes),
                ]
            )
        return response
    figures = label_figures(user=user)
    return render(
        request,
        "cases/complaint_labels.html",
        {"figures": figures, "no_item": NO_ITEM, "district": user.unit.district if user.unit else None},
    )
