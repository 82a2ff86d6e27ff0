"""Map tags: the tile settings as data- attributes of a map element, and the map's style and scripts (Leaflet,
vendored, and static/enforcement/maps.js)."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..maps import map_config

register = template.Library()


@register.simple_tag
def map_data_attrs() -> SafeString:
    config = map_config()
    return format_html(
        'data-tile-url="{}" data-tile-attribution="{}" data-tile-max-zoom="{}" data-center="{}" '
        'data-msg-grid="{}"',
        config["tile_url"],
        config["tile_attribution"],
        config["tile_max_zoom"],
        config["center"],
        _("Coordinate grid"),
    )


@register.simple_tag
def map_assets() -> SafeString:
    return format_html(
        '<link rel="stylesheet" href="{}">\n<link rel="stylesheet" href="{}">\n'
        '<script src="{}"></script>\n<script src="{}"></script>',
        static("vendor/leaflet/leaflet.css"),
        static("enforcement/maps.css"),
        static("vendor/leaflet/leaflet.js"),
        static("enforcement/maps.js"),
    )
