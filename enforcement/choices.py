"""Choice labels looked up once per field and language.

Django's `get_<field>_display()` rebuilds a dict of every label of the field on each call, which evaluates
every lazy translation (about 118 µs for the case's 17 stages, twice per row of a case list: half of the
list's serializer time, issue 18). `ChoiceLabels` keeps that dict per (field, language) for the life of the
process; the labels come from code, so they change only with a deploy.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field
from django.utils.encoding import force_str
from django.utils.translation import get_language

_LABELS: dict[tuple[int, str | None], dict[Any, str]] = {}


def choice_label(field: Field[Any, Any], value: Any) -> Any:
    """The label of `value` among the field's choices in the active language, or the value itself."""
    key = (id(field), get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = {v: force_str(label, strings_only=True) for v, label in field.flatchoices}
        _LABELS[key] = labels
    try:
        return labels.get(value, value)
    except TypeError:  # an unhashable value is no choice
        return value


class ChoiceLabels:
    """Mixin for models: every `get_<field>_display()` answers from the per-language table."""

    def _get_FIELD_display(self, field: Field[Any, Any]) -> Any:  # noqa: N802  (Django's name)
        return choice_label(field, getattr(self, field.attname))
