import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from rest_framework.views import APIView

from .audit import request_id_var

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Gives each request an id (or keeps a sane X-Request-ID from the proxy) for logs and audit rows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]  # our attribute on Django's request, read by views
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = rid
        return response


class LanguageMiddleware:
    """Simplified Chinese unless the user chose English (cookie set by /i18n/setlang/ or ?lang=en).

    The browser's Accept-Language is deliberately ignored: officers' phones often say English while the team
    works in Chinese, and the product's default is Chinese.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = (
            request.GET.get("lang")
            or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            or settings.LANGUAGE_CODE
        )
        if lang not in self.supported:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        if "lang" in request.GET and lang in self.supported:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600, samesite="Lax")
        translation.deactivate()
        return response


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Fail-closed routing: every page needs a login unless its view is marked `login_not_required`.

    API views (Django REST framework) answer for themselves: their authentication classes read the token or
    the session and their permission classes refuse (`IsAuthenticated` by default, so they are closed too
    unless a view says `AllowAny`), with a JSON 401/403 in the API's error shape, never a redirect to the
    login page that a script cannot follow. tests/route_table.py holds every route's answer to the anonymous
    public.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        # A public view first, before the session and the user are read: /healthz touches nothing even for a
        # browser that carries a session.
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
