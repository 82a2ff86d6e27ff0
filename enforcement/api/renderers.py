"""The API's JSON renderer: orjson where DRF's JSONRenderer used the standard library's encoder.

What it is for: a value already written as JSON (`StoredJSON`: the complaint list's stored match results, as
the database gave them) goes into the answer as it is (`orjson.Fragment`), not decoded and encoded again: the
complaint list at 25 rows took 9.4 ms of CPU with them decoded and 7.5 ms passed through (issue 18; the small
answers of the case and audit lists encode in about the same time either way). The bytes are JSON of the same
values, compact, UTF-8; what orjson does not know natively (lazy translations, Decimal, datetimes, UUIDs,
query sets …) goes through DRF's own encoder, as does what orjson refuses (an integer past 64 bits). An
indented answer (the browsable API, `; indent=` in Accept) stays with DRF's renderer, which decodes a
`StoredJSON`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_drf_default = JSONEncoder().default


class StoredJSON:
    """A value already written as JSON (a stored match result as the database gave it): written into the
    answer as it is by orjson, decoded first by DRF's renderer. (A plain class: orjson writes dataclasses.)"""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _default(obj: Any) -> Any:
    if isinstance(obj, StoredJSON):
        return orjson.Fragment(obj.text)
    return _drf_default(obj)


class _Encoder(JSONEncoder):
    def default(self, obj: Any) -> Any:
        if isinstance(obj, StoredJSON):
            return orjson.loads(obj.text)
        return super().default(obj)


_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


class FastJSONRenderer(JSONRenderer):
    encoder_class = _Encoder

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            return orjson.dumps(data, default=_default, option=_OPTIONS)
        except orjson.JSONEncodeError:  # what orjson refuses (an integer past 64 bits, echoed in an error)
            return super().render(data, accepted_media_type, renderer_context)
