"""The error answers the penalty-case API documents. The answers themselves come from the project's one
exception handler (enforcement/api/exceptions.py): bad input 400 `{"detail": "...", "errors": {field:
[...]}}`, not allowed 403, not possible at the case's stage or changed meanwhile 409."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

from enforcement.api.exceptions import ErrorSerializer

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bad input: `errors` has the messages per field."),
    403: OpenApiResponse(ErrorSerializer, description="You may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such case, or not one you may see."),
    409: OpenApiResponse(
        ErrorSerializer, description="Not possible at the case's stage, or changed meanwhile: reload."
    ),
}
