"""Checking an uploaded photo by its content, not its name or the browser's content type, and re-encoding it:
the policy (limits, what is kept) is the core's, shared with case evidence (enforcement.uploads)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from enforcement.uploads import PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, reencode_photo, safe_filename

MAX_PHOTO_BYTES = PHOTO_MAX_BYTES
MAX_PHOTO_PIXELS = PHOTO_MAX_PIXELS
MAX_PHOTOS_PER_UPLOAD = 9


@dataclass(frozen=True)
class CheckedPhoto:
    data: bytes  # re-encoded: what is stored
    extension: str
    content_type: str
    width: int
    height: int
    sha256: str  # of `data`
    original_sha256: str = ""  # of the file as received


def check_photo(upload: UploadedFile) -> CheckedPhoto:
    """A JPEG, PNG or WebP image that decodes, within the shared limits, re-encoded; ValidationError if
    not."""
    name = safe_filename(getattr(upload, "name", ""), fallback=_("the file"))
    photo = reencode_photo(upload, name=name)
    return CheckedPhoto(
        photo.data,
        photo.extension,
        photo.content_type,
        photo.width,
        photo.height,
        photo.sha256,
        photo.original_sha256,
    )
