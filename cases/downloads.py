"""Permission-checked downloads of a case's files, answered alike to the pages and the API.

Files live under MEDIA_ROOT and are never served as static files: every download goes through `case_get_for`
(a case of another town is a 404, the same as a missing one) and then the row must belong to that case.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404

from enforcement.models import User

from .documents import TITLES
from .models import CaseDocument, Evidence
from .selectors import case_get_for

INLINE_TYPES = ("image/", "application/pdf")


def _serve(handle: Any, *, content_type: str, filename: str, attachment: bool = False) -> FileResponse:
    inline = content_type.startswith(INLINE_TYPES) and not attachment
    # With a filename Django writes `inline; filename=...` or `attachment; ...` (RFC 6266 for non-ASCII
    # names).
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


COPIES = (
    "",
    "stamped",
    "original",
)  # the stored file; a captured photo's stamped copy; its bytes as received


def evidence_file_response(user: User, case_pk: int, pk: int, copy: str = "") -> FileResponse:
    """One evidence file of a case the user may see (404 otherwise); the page and the API serve it alike.

    `copy`: "" for the stored file, "stamped" for a captured photo's stamped copy (shown on the pages), or
    "original" for the bytes exactly as received, always as a download (they were checked as a photo, but
    may carry anything after the image: they are kept for their hash, not shown)."""
    if copy not in COPIES:
        raise Http404
    case = case_get_for(user=user, pk=case_pk)
    evidence = Evidence.objects.filter(case=case, pk=pk).first()
    if evidence is None:
        raise Http404
    field = {"": evidence.file, "stamped": evidence.stamped_file, "original": evidence.original_file}[copy]
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    name = field.name or ""
    extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
    suffix = f"-{copy}" if copy else ""
    filename = f"{case.number or case.pk}-evidence-{evidence.pk}{suffix}.{extension}"
    content_type = {"stamped": "image/jpeg", "original": "application/octet-stream"}.get(
        copy, evidence.content_type
    )
    response = _serve(handle, content_type=content_type, filename=filename, attachment=copy == "original")
    response["X-Evidence-SHA256"] = {
        "stamped": evidence.stamped_sha256,
        "original": evidence.original_sha256,
    }.get(copy, evidence.sha256)
    return response


def document_file_response(user: User, case_pk: int, pk: int) -> FileResponse:
    """One generated document (PDF) of a case the user may see (404 otherwise); the page and the API serve it
    alike."""
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
