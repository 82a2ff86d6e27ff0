"""The stamp on a captured photo (水印): the time it was taken, the place and its accuracy, the case and the
officer, drawn in a band along the bottom of a copy of the photo.

The stamp is in Chinese, like the documents, in the font the PDF documents use (Noto Sans CJK SC from Debian's
fonts-noto-cjk, installed by scripts/lib.sh); where that font is missing it is written with Latin labels and
ASCII digits only (names that are not ASCII are left out rather than drawn as empty boxes).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

# Where Debian (fonts-noto-cjk) and a few other systems put the CJK fonts; the first that opens wins.
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC")  # the simplified-Chinese face of the collection
LATIN_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
STAMP_QUALITY = 90


@dataclass(frozen=True)
class StampFont:
    path: str
    index: int
    cjk: bool


@functools.cache
def stamp_font() -> StampFont | None:
    """The font for stamps: a CJK one if installed, else a Latin one, else None (Pillow's bitmap font)."""
    for path in CJK_FONT_FILES:
        if not Path(path).is_file():
            continue
        for index in range(12):  # a .ttc holds JP, KR, SC, TC, HK faces in some order
            try:
                font = ImageFont.truetype(path, 20, index=index)
            except OSError:
                break
            if font.getname()[0] in CJK_FAMILIES:
                return StampFont(path, index, cjk=True)
    for path in LATIN_FONT_FILES:
        if Path(path).is_file():
            return StampFont(path, 0, cjk=False)
    return None


def stamp_speaks_chinese() -> bool:
    font = stamp_font()
    return font is not None and font.cjk


@functools.lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    found = stamp_font()
    if found is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(found.path, size, index=found.index)


def stamp_image(data: bytes, lines: Sequence[str]) -> bytes:
    """A JPEG copy of the photo `data` with `lines` written in a dark band along its bottom edge.

    The photo is turned upright first (EXIF orientation) so that the text reads the right way up; the copy
    carries no metadata (the original and the re-encoded file keep it)."""
    with Image.open(io.BytesIO(data)) as source:
        image = ImageOps.exif_transpose(source).convert("RGB")
    width, height = image.size
    size = max(10, min(width, height) // 28)  # readable on a phone thumbnail and on a printed page
    font = _font(size)
    widest = max((ImageDraw.Draw(image).textlength(line, font=font) for line in lines), default=0)
    if widest > width * 0.96:  # a narrow photo or a long line: smaller letters rather than cut text
        size = max(8, int(size * width * 0.96 / widest))
        font = _font(size)
    pad = max(4, size // 2)
    line_height = int(size * 1.35)
    band = pad * 2 + line_height * len(lines)
    canvas = Image.new("RGB", (width, height + band), (20, 20, 20))
    canvas.paste(image, (0, 0))
    draw = ImageDraw.Draw(canvas)
    for number, line in enumerate(lines):
        draw.text((pad, height + pad + number * line_height), line, font=font, fill=(255, 236, 160))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=STAMP_QUALITY)
    return out.getvalue()
