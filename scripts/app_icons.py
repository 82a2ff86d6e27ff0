#!/usr/bin/env python
"""Makes the installable app's icons (static/enforcement/icons/) from the favicon's shapes: run again if the
favicon changes (.venv/bin/python scripts/app_icons.py)."""

# Draws static/enforcement/favicon.svg (a rounded square in --zhifa with a white T) as PNG icons.
from PIL import Image, ImageDraw

for size in (192, 512):
    big = size * 4
    s = big / 32
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([0, 0, big - 1, big - 1], radius=6 * s, fill="#1f3b66")
    pts = [(9, 9), (23, 9), (23, 12), (18, 12), (18, 23), (14, 23), (14, 12), (9, 12)]
    d.polygon([(x * s, y * s) for x, y in pts], fill="#ffffff")
    icon = img.resize((size, size), Image.Resampling.LANCZOS)
    icon.save(f"static/enforcement/icons/icon-{size}.png", optimize=True)
