"""Small server-rendered bar charts as inline SVG: no script, no CDN, readable on a 390 px phone (the drawing
scales to the card's width), each with a title and a description for screen readers; the page's monthly
table holds the same numbers for those who read tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 360, 150
TOP, BOTTOM, LEFT, RIGHT = 18, 22, 4, 4


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    show: Callable[[float], str],
    description: str,
) -> SafeString:
    """One bar a month, its value written above it; a month without data shows "–" and no bar."""
    n = max(len(values), 1)
    top = max([v for v in values if v is not None] + [0.0])
    scale = (HEIGHT - TOP - BOTTOM) / top if top > 0 else 0.0
    slot = (WIDTH - LEFT - RIGHT) / n
    bar = max(slot * 0.62, 2.0)
    font = 10 if n <= 8 else 8
    parts = [
        f'<svg class="figure-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'class="axis"/>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + i * slot + (slot - bar) / 2
        centre = LEFT + i * slot + slot / 2
        if value is not None:
            h = value * scale
            y = HEIGHT - BOTTOM - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{max(h, 0.5):.1f}" rx="2"/>'
            )
            text = escape(show(value))
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 3:.1f}" font-size="{font}" '
                f'text-anchor="middle">{text}</text>'
            )
        else:
            parts.append(
                f'<text x="{centre:.1f}" y="{HEIGHT - BOTTOM - 3}" font-size="{font}" '
                f'text-anchor="middle" class="none">–</text>'
            )
        parts.append(
            f'<text x="{centre:.1f}" y="{HEIGHT - 7}" font-size="{font}" text-anchor="middle" '
            f'class="label">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
