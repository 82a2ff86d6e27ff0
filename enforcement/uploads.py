"""The upload policy shared by case evidence and whistle photos (see the README, "Uploads").

- Photos (JPEG, PNG, WebP) are accepted by what they decode as, within one size limit (`PHOTO_MAX_BYTES`) and
  one pixel limit (`PHOTO_MAX_PIXELS`, checked from the header before any pixel is decoded; Pillow's own
  `Image.MAX_IMAGE_PIXELS` is set to the same figure as a second guard), and are **re-encoded**: the stored
  file is
  Pillow's new encoding of the decoded pixels, so anything riding along in the original (a ZIP or script
  appended after the image, comments, XMP, ICC profiles, maker notes, thumbnails) is dropped. Kept from the
  EXIF: the capture time, the GPS position, the orientation and the camera's make and model, which matter as
  evidence. The SHA-256 of the file as received is recorded next to the hash of the stored file.
- File names are reduced to safe characters (`safe_filename`): letters of any script (Chinese too), digits,
  and `space . _ - ( )`; bidirectional controls such as U+202E, NUL and other control characters are removed;
  path separators and `..` cannot survive; the extension is the content's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MB = 1024 * 1024
PHOTO_MAX_BYTES = 10 * MB
PHOTO_MAX_PIXELS = (
    50_000_000  # a 50-megapixel phone photo; anything bigger is treated as a decompression bomb
)
Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS  # Pillow warns above this and refuses above twice this

PHOTO_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
EXIF_KEPT = {0x0112: "Orientation", 0x010F: "Make", 0x0110: "Model", 0x0132: "DateTime"}
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
EXIF_IFD_KEPT = {0x9003: "DateTimeOriginal", 0x9011: "OffsetTimeOriginal"}


@dataclass(frozen=True)
class Photo:
    """A photo as it will be stored."""

    data: bytes  # the re-encoded file
    extension: str
    content_type: str
    width: int
    height: int
    sha256: str  # of `data`
    original_sha256: str  # of the file as received
    original_size: int
    exif_time: str  # the camera's capture time as EXIF writes it ("" if none)


def _kept_exif(image: Image.Image) -> Image.Exif:
    source = image.getexif()
    kept = Image.Exif()
    for tag in EXIF_KEPT:
        if tag in source:
            kept[tag] = source[tag]
    inner = source.get_ifd(EXIF_IFD)
    wanted = {tag: inner[tag] for tag in EXIF_IFD_KEPT if tag in inner}
    if wanted:
        kept.get_ifd(EXIF_IFD).update(wanted)
    gps = source.get_ifd(GPS_IFD)
    if gps:
        kept.get_ifd(GPS_IFD).update(gps)
    return kept


def _exif_time(exif: Image.Exif) -> str:
    value = exif.get_ifd(EXIF_IFD).get(0x9003) or exif.get(0x0132) or ""
    return str(value).strip("\x00 ")


def reencode_photo(source: IO[bytes] | bytes, *, name: str, max_bytes: int = PHOTO_MAX_BYTES) -> Photo:
    """Check and re-encode a photo; ValidationError naming the file when it is refused (empty, too large, not
    a
    JPEG/PNG/WebP that decodes, too many pixels)."""
    if isinstance(source, bytes):
        data = source
    else:
        source.seek(0)
        data = source.read(max_bytes + 1)
        source.seek(0)
    if not data:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    if len(data) > max_bytes:
        raise ValidationError(
            _("%(name)s is too large: a photo may be at most %(limit)s.")
            % {"name": name, "limit": f"{max_bytes // MB} MB"},
            code="too_large",
        )
    unreadable = ValidationError(_("%(name)s is not a readable photo.") % {"name": name}, code="unreadable")
    too_many_pixels = ValidationError(
        _("%(name)s has too many pixels: a photo may have at most %(limit)s million.")
        % {"name": name, "limit": f"{PHOTO_MAX_PIXELS / 1e6:.0f}"},
        code="too_many_pixels",
    )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in PHOTO_FORMATS:
                raise ValidationError(
                    _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name}, code="format"
                )
            width, height = image.size
            if width * height > PHOTO_MAX_PIXELS:  # from the header, before any pixel is decoded
                raise too_many_pixels
            fmt = image.format
            image.load()  # decode every pixel: a truncated or corrupt file fails here
            exif = _kept_exif(image)
            exif_bytes = (
                exif.tobytes() if (len(exif) or exif.get_ifd(GPS_IFD) or exif.get_ifd(EXIF_IFD)) else b""
            )
            image.info.clear()  # Pillow would write the original's comment, ICC profile, XMP ... back
            out = io.BytesIO()
            if fmt == "JPEG":
                image.save(out, "JPEG", quality="keep", subsampling="keep", exif=exif_bytes)
            elif fmt == "PNG":
                image.save(out, "PNG", exif=exif_bytes)
            else:
                image.save(out, "WEBP", quality=90, exif=exif_bytes)
    except ValidationError:
        raise
    except (
        Image.DecompressionBombError
    ) as exc:  # Pillow's own guard, at twice the limit, when the file is opened
        raise too_many_pixels from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise unreadable from exc
    stored = out.getvalue()
    extension, content_type = PHOTO_FORMATS[fmt]
    return Photo(
        stored,
        extension,
        content_type,
        width,
        height,
        hashlib.sha256(stored).hexdigest(),
        hashlib.sha256(data).hexdigest(),
        len(data),
        _exif_time(exif),
    )


def photo_taken_at(photo: Photo) -> dt.datetime | None:
    """The capture time from the kept EXIF (local time without zone: read as the site's time zone)."""
    from django.utils import timezone

    if not photo.exif_time:
        return None
    try:
        naive = dt.datetime.strptime(photo.exif_time, "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007 (EXIF has no zone)
    except ValueError:
        return None
    return timezone.make_aware(naive)


# --- names --------------------------------------------------------------------------------------------------

NAME_PUNCTUATION = set(" ._-()（）")
EXTENSION_ALIASES = {"jpeg": "jpg", "jpe": "jpg", "heif": "heic", "m4v": "mp4", "qt": "mov"}
MAX_NAME = 120


def safe_filename(name: Any, *, extension: str = "", fallback: str = "file") -> str:
    """A name safe to show and to send in Content-Disposition: see the module. `extension`: what the content
    is; a name claiming another type (``photo.exe`` holding a JPEG) gets the content's extension instead."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if (
            category[0] == "C"
        ):  # controls (NUL), format characters (U+202E and the other bidi marks), unassigned
            continue
        kept.append(char if category[0] in "LNM" or char in NAME_PUNCTUATION else "_")
    text = re.sub(r"\.{2,}", ".", "".join(kept))
    text = re.sub(r"[_ ]{2,}", "_", text).strip(" ._")
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    ext = ext.lower()
    if extension and EXTENSION_ALIASES.get(ext, ext) != EXTENSION_ALIASES.get(extension, extension):
        ext = extension
    stem = stem.strip(" ._")[:MAX_NAME] or fallback
    return f"{stem}.{ext}" if ext else stem
