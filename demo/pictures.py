"""Generated pictures standing in for the phone photos of the demo (it ships no real ones)."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile


def scene_photo(
    seed: int, name: str, *, size: tuple[int, int] = (480, 360), png: bool = False
) -> SimpleUploadedFile:
    """A muted background with a dozen coloured blocks, the same picture for the same seed."""
    from PIL import Image, ImageDraw  # Pillow loads only when the demo is built

    rnd = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, (rnd.randint(80, 170), rnd.randint(80, 170), rnd.randint(80, 170)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rnd.randint(0, width - 40), rnd.randint(0, height - 40)
        draw.rectangle(
            [x, y, x + rnd.randint(15, width // 4), y + rnd.randint(15, height // 4)],
            fill=(rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(0, 255)),
        )
    buffer = io.BytesIO()
    if png:
        image.save(buffer, format="PNG")
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
