"""Signatures drawn on the screen (a canvas exported as a PNG data URL): decoded, checked and re-encoded.

A signature is refused when it is not a PNG data URL, too large, undecodable, or blank: a canvas nobody drew
on exports as a valid PNG of transparent (or white) pixels, so "blank" is decided from the pixels, not from
the bytes. What is kept is Pillow's re-encoding of the pixels on white, cropped to the ink with a margin, so
nothing riding along in the upload survives.
"""

from __future__ import annotations

import base64
import binascii
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

PREFIX = "data:image/png;base64,"
MAX_BYTES = 600 * 1024  # a phone canvas at 3x pixel ratio is well under this
MAX_PIXELS = 4_000_000
MIN_INK_PIXELS = 40  # fewer dark pixels than a short stroke: nothing was drawn
MARGIN = 8


def png_from_data_url(value: str, *, who: str) -> bytes:
    """The checked signature as PNG bytes; raises ValidationError naming `who` (the signer)."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("%(who)s has not signed.") % {"who": who}, code="missing")
    if not value.startswith(PREFIX):
        raise ValidationError(_("%(who)s's signature is not a PNG image.") % {"who": who}, code="format")
    if len(value) > MAX_BYTES * 4 // 3 + len(PREFIX) + 4:
        raise ValidationError(_("%(who)s's signature image is too large.") % {"who": who}, code="too_large")
    try:
        raw = base64.b64decode(value[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(
            _("%(who)s's signature is not a PNG image.") % {"who": who}, code="format"
        ) from None
    return _reencode(raw, who=who)


def _reencode(raw: bytes, *, who: str) -> bytes:
    unreadable = ValidationError(_("%(who)s's signature is not a PNG image.") % {"who": who}, code="format")
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        raise unreadable
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG" or image.width * image.height > MAX_PIXELS:
                raise unreadable
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise unreadable from None
    # Ink: a pixel that is not transparent and not near-white.
    alpha = rgba.getchannel("A").point(lambda a: 255 if a > 40 else 0)
    dark = rgba.convert("L").point(lambda v: 255 if v < 200 else 0)
    ink = Image.composite(dark, Image.new("L", rgba.size, 0), alpha)
    box = ink.getbbox()
    if box is None or ink.histogram()[255] < MIN_INK_PIXELS:
        raise ValidationError(
            _("%(who)s's signature is blank: sign in the box, then save.") % {"who": who}, code="blank"
        )
    left, top, right, bottom = box
    box = (
        max(0, left - MARGIN),
        max(0, top - MARGIN),
        min(rgba.width, right + MARGIN),
        min(rgba.height, bottom + MARGIN),
    )
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat = Image.alpha_composite(white, rgba).convert("L").crop(box)
    out = io.BytesIO()
    flat.save(out, "PNG", optimize=True)
    return out.getvalue()


def data_url(png: bytes) -> str:
    return PREFIX + base64.b64encode(png).decode("ascii")
