"""The bars every signed-in page carries (the top bar's links, the phone's bottom bar, the outbox banner),
rendered once per process for each distinct set of what they show.

`{% chrome "nav_items.html" %}` renders the template with the page's own context, as `{% include %}` would,
and keeps the HTML under a key made of everything the template reads: the entries shown (each is fixed once
registered: its label is a translation, the bell's too), the page's URL name, the user's id or the officer
role where the template prints them, the language and the script prefix. Rendering them (three loops of
`{% url %}` and translated labels) cost about 2 ms of a built case list or case page (issue 18);
tests/enforcement/test_chrome.py holds the kept HTML equal to the include.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django import template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_KEPT: dict[Hashable, SafeString] = {}
KEPT_MAX = 2048  # distinct keys: role sets × pages × languages, and users for the outbox banner


def _url_name(context: template.Context, attr: str) -> str:
    match = getattr(context.get("request"), "resolver_match", None)
    return getattr(match, attr, "") if match is not None else ""


def _nav_key(context: template.Context) -> Hashable:
    return (tuple(e.key for e in context.get("nav_entries") or ()), _url_name(context, "url_name"))


def _bottom_key(context: template.Context) -> Hashable:
    user = context.get("user")
    return (
        tuple((e.slot, e.url_name, e.icon) for e in context.get("bottom_entries") or ()),
        tuple(e.key for e in context.get("nav_entries") or ()),
        _url_name(context, "view_name"),
        "officer" in getattr(user, "role_names", ()),
    )


def _outbox_key(context: template.Context) -> Hashable:
    user = context.get("user")
    signed_in = bool(getattr(user, "is_authenticated", False))
    return (bool(context.get("offline_lang")), signed_in, getattr(user, "pk", None) if signed_in else None)


KEYS: dict[str, Callable[[template.Context], Hashable]] = {
    "nav_items.html": _nav_key,
    "bottom_bar.html": _bottom_key,
    "offline_outbox.html": _outbox_key,
}


@register.simple_tag(takes_context=True)
def chrome(context: template.Context, name: str) -> SafeString:
    key = (name, get_language(), get_script_prefix(), KEYS[name](context))
    html = _KEPT.get(key)
    if html is None:
        if len(_KEPT) >= KEPT_MAX:
            _KEPT.clear()
        tpl: Any = context.template.engine.get_template(name)  # type: ignore[union-attr]
        with context.push():
            html = _KEPT[key] = mark_safe(tpl.render(context))  # noqa: S308  (the template escaped it)
    return html
