"""Evidence and enforcement-document files of a case: upload, generate, and permission-checked downloads.

Files live under MEDIA_ROOT and are never served as static files: every download goes through `case_get_for`
(a case of another town is a 404, the same as a missing one) and then the row must belong to that case.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement.http import AuthedHttpRequest
from enforcement.models import User

from . import rules
from .documents import TITLES, document_generate, documents_available_choices
from .evidence import evidence_add_many
from .models import Case, CaseDocument, Evidence
from .selectors import case_get_for

INLINE_TYPES = ("image/", "application/pdf")


def files_context(user: User, case: Case) -> dict[str, Any]:
    """What the case page passes to cases/_evidence.html and cases/_documents.html."""
    return {
        "evidence": list(case.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk")),
        "documents": list(case.documents.select_related("generated_by").order_by("kind", "-version")),
        "available_documents": documents_available_choices(case),
        "can_add_evidence": rules.can_add_evidence(user, case),
        "can_generate_document": rules.can_generate_document(user, case),
    }


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _back(case: Case, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{case.get_absolute_url()}#{anchor}")


def _serve(handle: Any, *, content_type: str, filename: str) -> FileResponse:
    inline = content_type.startswith(INLINE_TYPES)
    # With a filename Django writes `inline; filename=...` or `attachment; ...` (RFC 6266 for non-ASCII names).
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


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
    return evidence_file_response(request.user, case_pk, pk)


def evidence_file_response(user: User, case_pk: int, pk: int) -> FileResponse:
    """One evidence file of a case the user may see (404 otherwise); the page and the API serve it alike."""
    case = case_get_for(user=user, pk=case_pk)
    evidence = Evidence.objects.filter(case=case, pk=pk).first()
    if evidence is None:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    name = evidence.file.name or ""
    extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
    response = _serve(
        handle,
        content_type=evidence.content_type,
        filename=f"{case.number or case.pk}-evidence-{evidence.pk}.{extension}",
    )
    response["X-Evidence-SHA256"] = evidence.sha256
    return response


@login_required
@require_POST
def document_create(request: AuthedHttpRequest, case_pk: int) -> HttpResponse:
    user = request.user
    case = case_get_for(user=user, pk=case_pk)
    try:
        document = document_generate(actor=user, case=case, kind=request.POST.get("kind", ""))
    except ValidationError as exc:
        for text in _messages_of(exc):
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("%(document)s version %(version)d generated.")
            % {"document": document.get_kind_display(), "version": document.version},
        )
    return _back(case, "documents")


@login_required
@require_GET
def document_download(request: AuthedHttpRequest, case_pk: int, pk: int) -> FileResponse:
    return document_file_response(request.user, case_pk, pk)


def document_file_response(user: User, case_pk: int, pk: int) -> FileResponse:
    """One generated document (PDF) of a case the user may see (404 otherwise); the page and the API serve it alike."""
    case = case_get_for(user=user, pk=case_pk)
    document = CaseDocument.objects.filter(case=case, pk=pk).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    name = f"{TITLES.get(document.kind, document.kind)}-{case.number or case.pk}-v{document.version}.pdf"
    response = _serve(handle, content_type="application/pdf", filename=name)
    response["X-Document-SHA256"] = document.sha256
    return response


urlpatterns_files = [
    path("cases/<int:case_pk>/evidence/upload/", evidence_upload, name="evidence-upload"),
    path("cases/<int:case_pk>/evidence/<int:pk>/", evidence_download, name="evidence-file"),
    path("cases/<int:case_pk>/documents/new/", document_create, name="document-new"),
    path("cases/<int:case_pk>/documents/<int:pk>/", document_download, name="document-file"),
]
