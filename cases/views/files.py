"""Evidence and enforcement-document files of a case: upload, generate, and permission-checked downloads (the
answers themselves are in cases/downloads.py, shared with the API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement.http import AuthedHttpRequest
from enforcement.models import User

from .. import rules
from ..capture import clock_skew_words, place_words
from ..documents import (
    TITLES,
    document_preview,
    document_request,
    documents_available_choices,
    documents_previewable,
)
from ..downloads import document_file_response, evidence_file_response
from ..evidence import evidence_add_many
from ..models import Case, CaseDocument, DocumentRequest, Evidence
from ..selectors import (
    case_document_rows,
    case_evidence_rows,
    case_get_for,
    document_request_get_for,
    document_requests_shown,
)


@dataclass(frozen=True)
class EvidenceRow:
    """One file of the evidence list with what it says in words (cases/_evidence_item.html)."""

    e: Evidence
    place: str  # where it was taken, or that no location came with it
    clock: str  # how far the phone's clock was off, if it was

    @property
    def located_kind(self) -> bool:
        """Photos, videos and recordings have a place (or say they have none); documents do not."""
        return self.e.kind in (Evidence.Kind.PHOTO, Evidence.Kind.VIDEO, Evidence.Kind.AUDIO)


def files_context(user: User, case: Case) -> dict[str, Any]:
    """What the case page passes to cases/_evidence.html and cases/_documents.html."""
    evidence = case_evidence_rows(case)
    return {
        "evidence": evidence,
        "evidence_rows": [EvidenceRow(e, place_words(e), clock_skew_words(e)) for e in evidence],
        "documents": case_document_rows(case),
        "available_documents": documents_available_choices(case),
        "preview_documents": [(kind, CaseDocument.Kind(kind).label) for kind in documents_previewable(case)],
        "can_add_evidence": rules.can_add_evidence(user, case),
        "can_generate_document": rules.can_generate_document(user, case),
        "document_requests": document_requests_shown(case),
    }


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _back(case: Case, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{case.get_absolute_url()}#{anchor}")


@login_required
@require_POST
def evidence_upload(request: AuthedHttpRequest, case_pk: int) -> HttpResponse:
    user = request.user
    case = case_get_for(user=user, pk=case_pk)
    try:
        rows = evidence_add_many(
            actor=user,
            case=case,
            uploads=request.FILES.getlist("files"),
            caption=request.POST.get("caption", "").strip(),
            kind=request.POST.get("kind", ""),
        )
    except ValidationError as exc:  # PermissionDenied goes on to the 403 handler
        for text in _messages_of(exc):
            messages.error(request, text)
    else:
        messages.success(request, _("Evidence added: %(n)d.") % {"n": len(rows)})
    return _back(case, "evidence")


@login_required
@require_GET
def evidence_download(request: AuthedHttpRequest, case_pk: int, pk: int) -> FileResponse:
    """`?copy=stamped` or `?copy=original`: a captured photo's stamped copy or its bytes as received."""
    return evidence_file_response(request.user, case_pk, pk, copy=request.GET.get("copy", ""))


@login_required
@require_POST
def document_create(request: AuthedHttpRequest, case_pk: int) -> HttpResponse:
    user = request.user
    case = case_get_for(user=user, pk=case_pk)
    try:
        asked = document_request(actor=user, case=case, kind=request.POST.get("kind", ""))
    except ValidationError as exc:
        for text in _messages_of(exc):
            messages.error(request, text)
        return _back(case, "documents")
    document = asked.document
    if asked.status == DocumentRequest.Status.DONE and document is not None:
        messages.success(
            request,
            _("%(document)s version %(version)d generated.")
            % {"document": document.get_kind_display(), "version": document.version},
        )
    elif asked.status == DocumentRequest.Status.FAILED:
        messages.error(request, asked.error)
    else:
        messages.info(
            request,
            _("Generating %(document)s… It appears under the documents when it is ready.")
            % {"document": asked.get_kind_display()},
        )
    return _back(case, "documents")


@login_required
@require_GET
def document_request_view(request: AuthedHttpRequest, case_pk: int, pk: int) -> HttpResponse:
    """A requested document's state, polled by the case page (htmx) until the link to it is there."""
    case, asked = document_request_get_for(user=request.user, case_pk=case_pk, pk=pk)
    return render(request, "cases/_document_request.html", {"case": case, "r": asked})


@login_required
@require_GET
def document_preview_view(request: AuthedHttpRequest, case_pk: int, kind: str) -> HttpResponse:
    """The document as a draft PDF shown in the browser, nothing stored (refused: 400 with the reason)."""
    case = case_get_for(user=request.user, pk=case_pk)
    try:
        pdf = document_preview(actor=request.user, case=case, kind=kind)
    except ValidationError as exc:
        return HttpResponse(" ".join(_messages_of(exc)), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = quote(f"{TITLES.get(kind, kind)}-草稿.pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{name}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def document_download(request: AuthedHttpRequest, case_pk: int, pk: int) -> FileResponse:
    return document_file_response(request.user, case_pk, pk)
