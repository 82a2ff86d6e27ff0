"""File downloads through the API: a token (or session) is enough, and the same scoping as the pages applies
(a file of an object the user may not see is a 404, the same as a missing one). Errors still answer JSON."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .exceptions import ErrorSerializer


class AnyMediaRenderer(BaseRenderer):
    """Lets a client ask for the file's own type (`Accept: application/pdf`); the view answers a
    FileResponse."""

    media_type = "*/*"
    format = "file"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return JSONRenderer().render(data)


class FileDownloadView(APIView):
    renderer_classes = [JSONRenderer, AnyMediaRenderer]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):  # an error: always JSON, whatever the client accepted
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        return response


def file_responses(*media_types: str, description: str) -> dict[Any, Any]:
    """The schema's answers of a download: the file in each media type it may have, or a JSON error."""
    answers: dict[Any, Any] = {
        (200, media): OpenApiResponse(OpenApiTypes.BINARY, description=description) for media in media_types
    }
    answers[404] = OpenApiResponse(ErrorSerializer, description="No such file, or not one you may see.")
    return answers
