"""A NUL byte in an API query parameter is a 400, before any view: PostgreSQL refuses NUL in text, so a filter
carrying one would otherwise fail in the database (a 500). Schemathesis found it on the benchmark list."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class RefuseNulInApiQuery:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            bad = sorted(
                {
                    key
                    for key, values in request.GET.lists()
                    if "\x00" in key or any("\x00" in v for v in values)
                }
            )
            if bad:
                message = _("A parameter holds a NUL character.")
                return JsonResponse(
                    {"detail": message, "errors": {key.replace("\x00", ""): [message] for key in bad}},
                    status=400,
                )
        return self.get_response(request)
