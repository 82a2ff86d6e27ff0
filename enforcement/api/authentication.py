"""The API's token authentication: DRF's, with its look-up written as one SQL statement."""

from __future__ import annotations

from functools import cache

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from ..models import User


@cache
def _token_user_sql() -> str:
    user, token = User._meta, Token._meta
    # Table and column names from the models, never from input; the key is a parameter.
    tables = f'"{user.db_table}" u JOIN "{token.db_table}" t ON t."user_id" = u."{user.pk.column}"'
    return f'SELECT u.*, t."created" AS "_token_created" FROM {tables} WHERE t."key" = %s'  # noqa: S608


class TokenAuthentication(authentication.TokenAuthentication):
    """The same answers as DRF's TokenAuthentication (the token's user, 401 for an unknown token or an
    inactive user), from the same one query. DRF builds that query through the ORM on every API request
    (`select_related("user").get(key=...)`): compiling it was half of what an authenticated API request costs
    beyond the bare hello view (issue 18); this statement is written once."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        user = next(iter(User.objects.raw(_token_user_sql(), [key])), None)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token(key=key, user=user, created=user._token_created)  # type: ignore[attr-defined]
        token._state.adding, token._state.db = False, user._state.db
        return user, token
