"""While `scripts/demo` builds the demo district, the server is already up and answers every page with the
build's progress (503 with Retry-After, refreshed every few seconds), so the first page appears as soon as the
server starts rather than after the build. Installed only when DEMO_PROGRESS_FILE is set (scripts/demo sets
it), first in the chain: while the build runs nothing below it touches the half-built database."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from .progress import STEPS, read

REFRESH_SECONDS = 3


class DemoBuildingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.ready = False  # once the build is over it stays over: no file check per request after that

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.ready or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        progress = read()
        if progress is None:
            self.ready = True
            return self.get_response(request)
        return building_page(request, progress)


def building_page(request: HttpRequest, progress: dict) -> HttpResponse:
    # As the app chooses (enforcement.middleware.LanguageMiddleware): Chinese unless English was asked for.
    wanted = request.GET.get("lang") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or ""
    language = "en" if wanted == "en" else settings.LANGUAGE_CODE
    keys = list(STEPS)
    current = keys.index(progress["step"])
    with translation.override(language):
        steps = [
            {"label": str(label), "done": index < current, "now": index == current}
            for index, (label, _weight) in enumerate(STEPS.values())
        ]
        html = render_to_string(
            "demo/building.html",
            {
                "percent": progress["percent"],
                "steps": steps,
                "refresh": REFRESH_SECONDS,
                "language": language,
                "other_language": "zh-hans" if language == "en" else "en",
            },
        )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(REFRESH_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    # The response leaves before the security middlewares run: the same strict policy, set here.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'self'; img-src 'self'"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    # Expected while the build runs, every few seconds: not an error for django.request to log.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
