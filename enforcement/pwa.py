"""The installable app: the web manifest, the service worker and the page it shows without a connection.

The service worker keeps the app shell (the static files every page loads, under their hashed names in
production) and the offline page in both languages; it keeps no page with anyone's data. Its script is made
here, at the site root (a worker only controls the pages under its own address), with the version of the
static files in it: a deploy that changes any of them changes the script, so browsers install the new worker,
which drops the old cache.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

THEME_COLOUR = "#1f3b66"  # --zhifa in static/enforcement/app.css

SHELL_FILES = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "enforcement/app.css",
    "enforcement/app.js",
    "enforcement/offline.js",
    "enforcement/favicon.svg",
    "enforcement/icons/icon-192.png",
    "enforcement/icons/icon-512.png",
    # The place picker of the case and whistle forms (enforcement.maps): with no tile server it draws its own
    # grid, so with these kept the picker works without a signal too.
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "enforcement/maps.css",
    "enforcement/maps.js",
)


@cache
def _manifest_version() -> str | None:
    # The manifest storage (production) knows the hash of every static file's name at once.
    return getattr(staticfiles_storage, "manifest_hash", None) or None


def static_version() -> str:
    """A short hash that changes whenever a file of the shell changes."""
    version = _manifest_version()
    if version:
        return version[:12]
    digest = hashlib.sha256()
    for name in SHELL_FILES:  # development: the files themselves, read again each time
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:12]


@login_not_required
@require_GET
def web_manifest(request: HttpRequest) -> HttpResponse:
    manifest = {
        "id": "/",
        "name": "执法 Zhifa",
        "short_name": "执法",
        "description": _("Zhifa: town and subdistrict comprehensive administrative enforcement"),
        "lang": "en" if translation.get_language() == "en" else "zh-CN",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {
                "src": static(f"enforcement/icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ],
    }
    response = JsonResponse(
        manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    config = {
        "version": static_version(),
        "shell": [static(name) for name in SHELL_FILES],
        "offline": {code: reverse("offline", args=[code]) for code, _name in settings.LANGUAGES},
        "defaultLanguage": settings.LANGUAGE_CODE,
    }
    script = render_to_string("enforcement/sw.js", {"config": json.dumps(config)})
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    add_never_cache_headers(response)
    return response


@login_not_required
@require_GET
def offline_page(request: HttpRequest, lang: str) -> HttpResponse:
    """What the service worker shows when a page cannot be loaded; no one's data in it (it is kept)."""
    if lang not in dict(settings.LANGUAGES):
        lang = settings.LANGUAGE_CODE
    # Without the request: no context processor runs, so nothing of the session's user can be in it.
    with translation.override(lang):
        return HttpResponse(render_to_string("offline.html", {"offline_lang": lang}))
