"""`{% home_panel panel %}`: a home page panel, as `{% include panel.template with ctx=panel.ctx %}` wrote it.

A panel that says what its template reads (`HomePanel.kept`, as plain values: enforcement.home.plain) is
rendered once per process for each distinct answer, language and script prefix, and its HTML kept: the same
counts and rows give the same HTML, and the home page's panel templates were about a third of the built
page's CPU (issue 18). The data are still read for every request, so nothing shown is older than the
request; only the writing is saved. A kept panel is rendered in a context of its own (`ctx` alone, not the
page's), so it cannot print anything the key leaves out; a `{% csrf_token %}` in it (a form per
notification) is written with a stand-in that is replaced by the request's token. tests/cases/
test_kept_panels.py holds the kept HTML equal to the include's for every role in both languages.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django import template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from enforcement.home import plain

register = template.Library()

KEEP = True  # False: every panel rendered as the include (the tests' and the bench's comparison)
_KEPT: dict[Hashable, str] = {}
KEPT_MAX = 4096  # distinct panels' HTML (a few KB each); emptied when full
# Written where a kept panel's {% csrf_token %} puts the token, then replaced by the request's (a token is
# letters and digits, so the stand-in cannot be escaped into something else).
CSRF_STAND_IN = "zhifaKeptPanelCsrfStandIn7d0c"


def forget_kept() -> None:
    _KEPT.clear()


@register.simple_tag(takes_context=True)
def home_panel(context: template.Context, panel: dict[str, Any]) -> SafeString:
    engine: Any = context.template.engine  # type: ignore[union-attr]
    tpl = engine.get_template(panel["template"])
    token = context.get("csrf_token")
    if not KEEP or panel.get("kept") is None or not token or token == "NOTPROVIDED":
        with context.push(ctx=panel["ctx"]):
            return tpl.render(context)  # type: ignore[no-any-return]
    key = (panel["template"], get_language(), get_script_prefix(), plain(panel["kept"](panel["ctx"])))
    html = _KEPT.get(key)
    if html is None:
        if len(_KEPT) >= KEPT_MAX:
            _KEPT.clear()
        own = template.Context(
            {"ctx": panel["ctx"], "csrf_token": CSRF_STAND_IN},
            autoescape=context.autoescape,
            use_l10n=context.use_l10n,
            use_tz=context.use_tz,
        )
        html = _KEPT[key] = str(tpl.render(own))
    if CSRF_STAND_IN in html:
        html = html.replace(CSRF_STAND_IN, str(token))
    return mark_safe(html)  # noqa: S308  (the template escaped it)
