"""`enforcement.widget_markup` writes what Django's widget templates write, byte for byte, for every widget it
writes in Python and every kind of value, and leaves the others to the templates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from enforcement.widget_markup import WIDGET_MARKUP

TEMPLATES = DjangoTemplates()

AWKWARD = "a <b> & \"c\" 'd'"
VALUES: list[Any] = [None, "", "text", AWKWARD, mark_safe("<i>safe</i>"), 0, 12, Decimal("1.50"), True, False]
ATTRS: list[dict[str, Any]] = [
    {},
    {"class": "form-control", "required": True, "disabled": False},
    {"placeholder": gettext_lazy("Note"), "data-x": AWKWARD, "maxlength": 40, "step": "0.01"},
    {"title": mark_safe("<b>ok</b>"), "min": 0, "id": "x-1"},
]


def _widgets() -> list[forms.Widget]:
    return [
        forms.TextInput(),
        forms.NumberInput(),
        forms.EmailInput(),
        forms.URLInput(),
        forms.PasswordInput(render_value=True),
        forms.HiddenInput(),
        forms.DateInput(attrs={"type": "date"}),
        forms.DateInput(),
        forms.CheckboxInput(),
        forms.Textarea(attrs={"rows": 2}),
        forms.Select(choices=[("a", "A"), ("b", AWKWARD), (3, gettext_lazy("Note")), ("", "---")]),
        forms.Select(choices=[("", "---"), ("Group <1>", [("x", "X"), ("y", "Y")]), ("B", [(1, "one")])]),
        forms.Select(choices=[(gettext_lazy("Note"), [(1, "one"), (2, mark_safe("<i>two</i>"))])]),
        forms.SelectMultiple(choices=[("a", "A"), ("b", "B")]),
        forms.RadioSelect(choices=[("a", "A"), ("b", "B")]),  # the template's
        forms.CheckboxSelectMultiple(choices=[("a", "A")]),  # the template's
        forms.DateTimeInput(),  # the template's
    ]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("widget", _widgets(), ids=lambda w: type(w).__name__)
def test_each_widget_is_written_as_its_template_writes_it(widget, attrs, lang):
    values = [*VALUES, dt.date(2026, 12, 8), ["a", "b"]] if not isinstance(widget, forms.Textarea) else VALUES
    with override(lang):
        for value in values:
            if isinstance(value, list) and not isinstance(widget, forms.SelectMultiple):
                continue
            for name in ("note", "a<b>"):
                assert widget.render(name, value, dict(attrs), renderer=WIDGET_MARKUP) == widget.render(
                    name, value, dict(attrs), renderer=TEMPLATES
                ), (type(widget).__name__, value, attrs)
