"""Public pages that are the same for every visitor (the towns' authority lists, the catalog, the published
benchmarks), kept whole in the cache for anonymous visitors (issue 18).

What a stored page depends on is in its key or its version:
- the path and the query string as asked (the language link's `next` repeats them), the language and
  today's date (a grant starts or ends at midnight);
- `public_version()`: a token replaced whenever anything a public page shows may have changed: a save or
  delete of a model of the authority or discretion apps, of a unit or a district (signals, because the admin
  site writes these too), and every audited action of those apps (their services' bulk inserts and
  `update()`s send no signal, but every one of them writes an audit row). Replaced at once and again on
  commit, as enforcement.access does for the scopes, so a reader racing the commit cannot keep an old page.
  The hour's expiry bounds anything else (the holiday banner).

`settings.PUBLIC_PAGE_CACHE = False` turns it off (the query guards measure the views' own cost with it).
Only anonymous visitors without a session or a pending message are served from it (a signed-in user's top bar
and menu are their own); everybody else gets the view as before. Nothing per visitor is stored. A page
with a form carries a CSRF token: it is replaced by a placeholder before the page is stored and by this
visitor's own token (`get_token`, which also sets the CSRF cookie as the view would) when it is served, so
CSRF, the session and the middleware's headers (Content-Language, Vary, CSP, X-Frame-Options) are what the
view itself gives. The public pages have none (the top bar's language switch is a link, and htmx's CSRF
header is for signed-in pages only), so most hits mint no token. One cache read on a hit: the version
token alone when this process holds the page, else the version and the page in one `get_many`.
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from .held import Held, forget, register_prefetch, version_token

PAGE_TTL = 3600
MAX_QUERY = 100
PUBLIC_APPS = frozenset({"authority", "discretion"})
PUBLIC_CORE_MODELS = frozenset({"enforcement.unit", "enforcement.district"})
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,64})"')
_PLACEHOLDER = b"@@zhifa-csrf-token@@"

View = Callable[..., HttpResponse]


def _version_key() -> str:
    return f"public-pages:{connection.settings_dict['NAME']}:version"


def public_version() -> str:
    return version_token(_version_key()) or ""


def public_version_key() -> str:
    """The cache key of the reference-data token (a signed-in request reads it with its scope)."""
    return _version_key()


def _prefetch(user: Any, scope: Any) -> list[str]:
    """A signed-in request reads the token with its scope (enforcement.held.prefetch_keys): the case's
    recommendation, the match request and the panels read reference data kept under it."""
    return [_version_key()]


register_prefetch(_prefetch)


def public_pages_changed(**_kwargs: Any) -> None:
    """Every stored public page is stale: a new version token, now and again after the commit."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(_version_key(), uuid.uuid4().hex, None)
    forget([_version_key()])


def model_changed(sender: type, **kwargs: Any) -> None:
    """post_save / post_delete / m2m_changed of any model: only those public pages show count."""
    meta = getattr(sender, "_meta", None)
    if meta is not None and (meta.app_label in PUBLIC_APPS or meta.label_lower in PUBLIC_CORE_MODELS):
        public_pages_changed()


def audit_seen(event: Any) -> None:
    """An audited action of the authority or discretion apps, or on a unit or district (the services' bulk
    writes and `update()`s send no signal)."""
    if event.action.split(".", 1)[0] in PUBLIC_APPS or event.object_type in PUBLIC_CORE_MODELS:
        public_pages_changed()


# The pages this process served last, so that a hit reads only the version token from the cache (a page is
# 50-200 kB: reading it from Redis on every request cost more CPU than the rest of the request). Bounded by
# count; an entry whose version is not the cache's current token is never served.
HELD_PAGES = 64
_held: Held[str, tuple[str, str, bytes]] = Held(HELD_PAGES)


def _servable(request: HttpRequest) -> bool:
    return (
        getattr(settings, "PUBLIC_PAGE_CACHE", True)
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
        and not request.headers.get("HX-Request")
    )


def _page_key(request: HttpRequest) -> str:
    raw = repr((request.path, request.META.get("QUERY_STRING", ""), get_language(), timezone.localdate()))
    return "public-pages:page:" + hashlib.sha256(raw.encode()).hexdigest()


def public_page(*params: str) -> Callable[[View], View]:
    """Serve the view's page from the cache to anonymous visitors (see the module's docstring) when its query
    string has only `params` (and `lang`), not free text such as a search, and is short: a query nobody
    else asks for is not stored. Only 200 answers are stored."""
    allowed = frozenset(params) | {"lang"}

    def decorate(view: View) -> View:
        return _cached(view, allowed)

    return decorate


def _cached(view: View, allowed: frozenset[str]) -> View:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (
            not _servable(request)
            or not set(request.GET) <= allowed
            or len(request.META.get("QUERY_STRING", "")) > MAX_QUERY
        ):
            return view(request, *args, **kwargs)
        version_key, page_key = _version_key(), _page_key(request)
        entry = _held.get(page_key)
        if entry is not None:  # this process holds the page: only the (small) version from the cache
            version = cache.get(version_key)
        else:
            found = cache.get_many([version_key, page_key])
            version, entry = found.get(version_key), found.get(page_key)
            if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == version:
                _held.put(page_key, entry)
        if version is None:
            version = public_version()
        if version and isinstance(entry, tuple) and len(entry) == 3 and entry[0] == version:
            _, content_type, content = entry
            response = HttpResponse(content_type=content_type)
            if _PLACEHOLDER in content:
                content = content.replace(_PLACEHOLDER, get_token(request).encode())
            response.content = content
            # Which page is served depends on the cookies (the language; no session), as the view's own
            # answer says (its session middleware adds the same).
            patch_vary_headers(response, ("Cookie",))
            return response
        response = view(request, *args, **kwargs)
        if version and response.status_code == 200 and not response.streaming and not response.cookies:
            content = response.content
            token = _TOKEN.search(content)
            stored = content.replace(token.group(1), _PLACEHOLDER) if token else content
            entry = (version, response["Content-Type"], stored)
            cache.set(page_key, entry, PAGE_TTL)
            _held.put(page_key, entry)
        return response

    return wrapped
