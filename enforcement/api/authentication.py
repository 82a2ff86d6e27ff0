"""The API's token authentication: DRF's, with its look-up written as one SQL statement."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from ..models import User
from ..signin import user_by_token


class TokenAuthentication(authentication.TokenAuthentication):
    """The same answers as DRF's TokenAuthentication (the token's user, 401 for an unknown token or an
    inactive user), from the same one query. DRF builds that query through the ORM on every API request
    (`select_related("user").get(key=...)`): compiling it was half of what an authenticated API request costs
    beyond the bare hello view (issue 18); this statement is written once (enforcement.signin)."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        found = user_by_token(key)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, created = found
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token(key=key, user=user, created=created)
        token._state.adding, token._state.db = False, user._state.db
        return user, token
