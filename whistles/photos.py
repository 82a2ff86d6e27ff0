"""Checking an uploaded photo by its content, not its name or the browser's content type."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000  # a 50-megapixel phone photo; anything bigger is a decompression bomb
MAX_PHOTOS_PER_UPLOAD = 9
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}


@dataclass(frozen=True)
class CheckedPhoto:
    data: bytes
    extension: str
    content_type: str
    width: int
    height: int
    sha256: str


def check_photo(upload: UploadedFile) -> CheckedPhoto:
    """Read the upload and make sure it is a JPEG, PNG or WebP image that decodes; raise ValidationError if not."""
    name = getattr(upload, "name", "") or _("the file")
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("%(name)s is larger than 10 MB.") % {"name": name}, code="too_large")
    upload.seek(0)
    data = upload.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError(_("%(name)s is larger than 10 MB.") % {"name": name}, code="too_large")
    if not data:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            width, height = probe.size
            if fmt not in FORMATS:
                raise ValidationError(
                    _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name}, code="format"
                )
            if width * height > MAX_PHOTO_PIXELS:
                raise ValidationError(_("%(name)s has too many pixels.") % {"name": name}, code="too_many_pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decode the pixels: a truncated or corrupt file fails here
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("%(name)s is not a readable photo.") % {"name": name}, code="unreadable") from exc
    extension, content_type = FORMATS[fmt]
    return CheckedPhoto(data, extension, content_type, width, height, hashlib.sha256(data).hexdigest())
