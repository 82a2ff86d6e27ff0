"""Schema post-processing: every operation documents the error answers DRF can give it, all in the one `Error`
shape of enforcement/api/exceptions.py, so a client generated from /api/schema/ reads every answer."""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "description": "The body of every error answer.",
    "properties": {
        "detail": {"type": "string", "description": "One readable sentence, in the user's language."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": (
                "Messages per field (`non_field_errors`: the input as a whole); "
                "empty when no field is to blame."
            ),
        },
    },
    "required": ["detail", "errors"],
}
DESCRIPTIONS = {
    "400": "Bad input: `errors` has the messages per field.",
    "401": "No token or session, or an invalid token.",
    "403": "You may not do this.",
    "404": "No such object, or not one you may see.",
    "409": "Not possible in the object's current state, or someone changed it meanwhile: reload and try "
    "again.",
    "415": "The request body is not in a documented media type.",
    "429": "Too many requests: wait and try again.",
}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = operation.get("parameters", [])
            codes = ["401", "403"]
            if any(p.get("in") == "query" for p in params) or "requestBody" in operation:
                codes.append("400")
            if "{" in path or any(
                p.get("in") == "query" for p in params
            ):  # an id, or a code given as a filter
                codes.append("404")
            if "requestBody" in operation:
                codes.append("415")
            if (
                method != "get" and "{" in path and "/notifications/" not in path
            ):  # a step on an object with a state
                codes.append("409")
            if path.endswith("/auth/token/"):
                codes.append("429")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return result
