"""One error shape for every API answer, and domain errors as 4xx with a message, never a 500.

Every error body is `{"detail": "one readable sentence", "errors": {"field": ["message", ...]}}`; `errors` is
empty when no field is to blame and uses `non_field_errors` for the input as a whole. The schema documents it
as `Error`.

The services' refusals need no handling in the views: a ValidationError is 400 with the messages per field,
PermissionDenied 403, Http404 404, and InvalidTransition (not possible from the current state) or StaleObject
(someone else moved it first) 409 with the refusal's own sentence."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..fences import FenceRefusal
from ..workflow import InvalidTransition, StaleObject


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The object was changed by someone else; reload and try again.")
    default_code = "conflict"


class FenceFindingSerializer(serializers.Serializer[Any]):
    """What an electronic fence (电子围栏) said about the action."""

    rule = serializers.CharField(help_text="The rule's code, e.g. `discretion.deviation`.")
    rule_label = serializers.CharField(help_text="The rule's name, in the user's language.")
    severity = serializers.CharField(
        help_text="`prompt` (shown and logged), `warning` (needs the reason), `block`."
    )
    message = serializers.CharField(help_text="What the rule saw, in the user's language.")
    article = serializers.CharField(help_text="The legal basis, e.g. Administrative Penalty Law art 34.")
    facts = serializers.DictField(help_text="The figures that triggered it.")
    links = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="Suggestions as {label, url}, e.g. whistle the department that holds the item.",
    )


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every error answer."""

    detail = serializers.CharField(help_text="One readable sentence, in the user's language.")
    # A declared field (the metaclass moves it into _declared_fields), not the `errors` property it seems to
    # hide.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field (`non_field_errors`: the input as a whole); empty when no field is to "
        "blame.",
    )
    fences = FenceFindingSerializer(
        many=True,
        required=False,
        help_text="Only when an electronic fence refused the action: a `block`, or a `warning` that needs "
        "the reason in `reason_field` (send it again with that field filled to go on).",
    )
    reason_field = serializers.CharField(
        required=False, help_text="The field that takes the reason to go past a `warning`."
    )


def invalid_form(form: forms.BaseForm) -> exceptions.ValidationError:
    """400 with the form's messages per field (its errors for the input as a whole under
    `non_field_errors`)."""
    return exceptions.ValidationError(
        {("non_field_errors" if k == "__all__" else k): [str(m) for m in v] for k, v in form.errors.items()}
    )


def flat_messages(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [m for v in value.values() for m in flat_messages(v)]
    if isinstance(value, list | tuple):
        return [m for v in value for m in flat_messages(v)]
    return [str(value)]


def _field_errors(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's error detail (a dict per field, possibly nested, or a list) as flat `field: [messages]`."""
    if isinstance(data, list | tuple):
        if data and all(isinstance(v, dict) for v in data):  # a list of rows: errors per row
            out: dict[str, list[str]] = {}
            for i, row in enumerate(data):
                out.update(_field_errors(row, f"{prefix}{i}."))
            return out
        return {(prefix.rstrip(".") or "non_field_errors"): flat_messages(data)}
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict) and not all(isinstance(k, int) for k in value):
                out.update(_field_errors(value, f"{name}."))
            else:  # the field's messages, those of its list items included
                out[name] = flat_messages(value)
        return out
    return {(prefix.rstrip(".") or "non_field_errors"): [str(data)]}


def error_body(data: Any) -> dict[str, Any]:
    """Any error detail as `{detail, errors}`."""
    if isinstance(data, dict) and set(data) <= {"detail", "errors"} and "detail" in data:
        errors = data.get("errors") or {}
        return {
            "detail": str(data["detail"]),
            "errors": {str(k): flat_messages(v) for k, v in errors.items()},
        }
    errors = _field_errors(data)
    parts = [
        msg if field == "non_field_errors" else f"{field}: {msg}"
        for field, msgs in errors.items()
        for msg in msgs
    ]
    return {"detail": " ".join(parts) or _("The input is not valid."), "errors": errors}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    fence = exc if isinstance(exc, FenceRefusal) else None
    if isinstance(exc, ValidationError):
        detail: Any = (
            {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, PermissionDenied) and not isinstance(exc, exceptions.PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, InvalidTransition | StaleObject):
        exc = Conflict(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = error_body(response.data)
        if fence is not None:
            response.data["fences"] = fence.fences()
            if fence.reason_field:
                response.data["reason_field"] = fence.reason_field
    return response
