"""Permission-checked photo downloads, answered alike to the pages and the API (the caller fetched the photo
through `photo_get_for`: a photo of a whistle the user may not see is a 404)."""

from __future__ import annotations

from django.http import FileResponse, Http404

from .models import WhistlePhoto


def photo_file_response(photo: WhistlePhoto) -> FileResponse:
    """A whistle photo the caller already fetched through photo_get_for; the page and the API serve it
    alike."""
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=photo.content_type)
    suffix = (photo.file.name or "").rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="whistle-{photo.whistle_id}-{photo.pk}.{suffix}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
