"""Django's form renderer, with the HTML of the plain widgets (inputs, text areas, selects of plain options)
written in Python: what Django's widget templates write, byte for byte, without a template render for each
widget, its `attrs.html` and each option (issue 18: the built case page's eight widgets took about a sixth of
its CPU through some 20 template renders).

Any other template (radio buttons, check box lists, a form's or an error list's own template), or a value the
Python here does not write as the template would (a number, a day, anything but text where the template
localizes), goes to the templates as before. `tests/enforcement/test_widget_markup.py` compares the two for
every widget and value kind written here."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeData

from .markup import NotPlainText, plain_text

# Django's widgets whose template is only `{% include "django/forms/widgets/input.html" %}`.
_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "password", "hidden", "date", "checkbox")
)
_OPTION = "django/forms/widgets/select_option.html"


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: '%s' of it (a tuple as its str), escaped unless the value was safe
    (the filter keeps the safety of what it is given)."""
    if callable(value):  # the template would call it
        raise NotPlainText
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else html.escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(" " + plain_text(name))
            if value is not True:
                out.append('="' + _formatted(value) + '"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    kind, name = plain_text(widget["type"]), plain_text(widget["name"])
    return f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{plain_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{plain_text(value) if value else ''}</textarea>"
    )


def _option(option: dict[str, Any]) -> str:
    if option.get("template_name") != _OPTION or callable(option["label"]):
        raise NotPlainText
    value, label = _formatted(option["value"]), plain_text(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>'


def _select(widget: dict[str, Any]) -> str:
    out = [f'<select name="{plain_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{plain_text(group_name)}">')
        for option in group_choices:
            out.append("\n  " + _option(option) + "\n")  # an include: the template's last line ends
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


_WRITERS: dict[str, Callable[[dict[str, Any]], str]] = {
    **dict.fromkeys(_INPUTS, _input),
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


class WidgetMarkup(DjangoTemplates):
    """`DjangoTemplates`, writing the widgets above in Python (as the template's output, stripped as the
    renderer strips it)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = _WRITERS.get(template_name)
        if write is not None and request is None:
            try:
                return write(context["widget"])
            except NotPlainText:
                pass
        return super().render(template_name, context, request)


WIDGET_MARKUP = WidgetMarkup()
