"""Request types for views that only an authenticated officer reaches.

Django's and DRF's stubs type `request.user` as `User | AnonymousUser`. A page behind the login (the
login-required middleware or `@login_required`) or an API view behind `IsAuthenticated` (the default
permission) only ever sees one of our users: annotate its request with these types instead of asserting or
ignoring at each use. They are types only; at run time the request is Django's or DRF's own.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from .models import User


class AuthedHttpRequest(HttpRequest):
    """A page request whose user is logged in."""

    user: User


class AuthedRequest(Request):
    """An API request whose user is authenticated (DRF's `IsAuthenticated`, the default permission)."""

    user: User
