"""The API's token look-up is one hand-written statement (enforcement.api.authentication, issue 18): it must
give what DRF's TokenAuthentication gives, the token's user with every field, and the same refusals."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from enforcement.api.authentication import TokenAuthentication
from enforcement.models import User

pytestmark = pytest.mark.django_db


def test_the_user_and_token_are_those_the_orm_reads(cast):
    token = Token.objects.create(user=cast.officer_a)
    user, found = TokenAuthentication().authenticate_credentials(token.key)
    fresh = User.objects.get(pk=cast.officer_a.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(fresh, field.attname), field.name
    assert not user._state.adding and user._state.db == fresh._state.db
    assert (found.key, found.user_id, found.created) == (token.key, fresh.pk, token.created)
    assert user.unit == fresh.unit and user.role_names == fresh.role_names


def test_no_field_of_the_user_converts_its_database_value():
    """The row is made into a user without converters (User.from_db): a field that needed one (a JSON field,
    say) must be added to the statement's reading first."""
    for field in User._meta.concrete_fields:
        col = field.get_col(User._meta.db_table)
        assert not field.get_db_converters(connection), field.name
        assert not connection.ops.get_db_converters(col), field.name


def test_refusals_are_drfs(cast):
    with pytest.raises(AuthenticationFailed, match="Invalid token"):
        TokenAuthentication().authenticate_credentials("nope")
    token = Token.objects.create(user=cast.officer_b)
    User.objects.filter(pk=cast.officer_b.pk).update(is_active=False)
    with pytest.raises(AuthenticationFailed, match="inactive or deleted"):
        TokenAuthentication().authenticate_credentials(token.key)
    response = Client().get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401
