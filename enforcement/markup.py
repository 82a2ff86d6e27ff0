"""`escape` and `format_html` as django.utils.html writes them, without its lazy wrappers: for HTML
written per row of a list (the built case list page called them some 700 times a request, each through
`keep_lazy`'s check of every argument and a SafeString made for each escaped part, issue 18).

The text is the same as Django's: `escape` is `html.escape(str(text))` (here not marked safe: it is a part of
a string marked safe whole), `format_html` escapes each argument unless it is safe (`__html__`), as
`conditional_escape` does, and marks the result safe."""

from __future__ import annotations

import html
from typing import Any

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def escape(text: Any) -> str:
    return html.escape(str(text))


def conditional_escape(value: Any) -> str:
    if isinstance(value, Promise):
        value = str(value)
    to_html = getattr(value, "__html__", None)
    return to_html() if to_html is not None else html.escape(str(value))


def format_html(format_string: str, *args: Any) -> SafeString:
    return SafeString(format_string.format(*[conditional_escape(a) for a in args]))


class NotPlainText(Exception):
    """A value a template would write otherwise than as escaped text (a number it localizes, say): the
    caller lets the template render it."""


def plain_text(value: Any) -> str:
    """`{{ value }}` for text, lazy or not: escaped unless safe; anything else raises NotPlainText."""
    if isinstance(value, str | Promise):
        return conditional_escape(value)
    raise NotPlainText
