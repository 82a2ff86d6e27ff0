"""enforcement.markup writes the same text as django.utils.html (without its lazy wrappers)."""

from __future__ import annotations

from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from enforcement import markup

VALUES = ["", "占道经营 <b>&\"'</b>", 12, None, 3.5, mark_safe("<i>safe</i>"), gettext_lazy("provisional")]


def test_escape_is_djangos_text():
    with override("zh-hans"):
        for value in VALUES:
            assert markup.escape(value) == django_html.escape(value)


def test_format_html_is_djangos():
    fmt = '<span class="{}" data-x="{}">{}{}</span>'
    with override("zh-hans"):
        for a in VALUES:
            for b in VALUES:
                ours = markup.format_html(fmt, a, b, a, b)
                theirs = django_html.format_html(fmt, a, b, a, b)
                assert ours == theirs
                assert isinstance(ours, SafeString)
