"""The signed-in person's session and user are read with hand-written statements (enforcement.sessions,
enforcement.signin; issue 18). A session must start, hold and end exactly as Django's database sessions and
ModelBackend make it: signing in and out, a password changed elsewhere, deactivation, an expired or deleted
session row, and sessions signed in through Django's ModelBackend before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, user_login_failed
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcement.models import User
from enforcement.signin import user_by_pk
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _me(client: Client) -> int:
    return client.get(reverse("api-me")).status_code


def test_a_sign_in_is_read_back_by_the_lean_backend_and_logout_ends_it(cast):
    client = _signed_in("officer_a")
    session = client.session
    assert session[BACKEND_SESSION_KEY] == "enforcement.signin.ModelBackend"
    assert int(session[SESSION_KEY]) == cast.officer_a.pk
    assert client.get(reverse("api-me")).json()["username"] == "officer_a"
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert _me(client) in (401, 403)
    assert not Session.objects.filter(session_key=session.session_key).exists()


def test_a_session_of_djangos_model_backend_still_reads(cast):
    """Sessions signed in before keep their backend's path: Django's ModelBackend still reads their user."""
    client = Client()
    client.force_login(cast.officer_a, backend="django.contrib.auth.backends.ModelBackend")
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    assert client.get(reverse("api-me")).json()["username"] == "officer_a"


def test_a_password_changed_elsewhere_ends_the_session(cast):
    client = _signed_in("officer_a")
    user = User.objects.get(pk=cast.officer_a.pk)
    user.set_password("another-pass-456!")
    user.save()
    assert _me(client) in (401, 403)


def test_deactivation_ends_the_session(cast):
    client = _signed_in("officer_a")
    User.objects.filter(pk=cast.officer_a.pk).update(is_active=False)
    assert _me(client) in (401, 403)


@pytest.mark.parametrize("how", ["expired", "deleted"])
def test_an_expired_or_deleted_session_row_ends_the_session(cast, how):
    client = _signed_in("officer_a")
    rows = Session.objects.filter(session_key=client.session.session_key)
    if how == "expired":
        rows.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    else:
        rows.delete()
    assert _me(client) in (401, 403)


def test_a_failed_sign_in_is_refused_once(cast):
    """The lean backend declines a wrong password by stopping the sign-in (Django's ModelBackend after it is
    not asked again): one failure signal, the same form error, and an inactive user is refused as well."""
    failures: list[dict[str, object]] = []

    def seen(**kwargs: object) -> None:
        failures.append(kwargs)

    user_login_failed.connect(seen)
    try:
        response = Client().post(reverse("login"), {"username": "officer_a", "password": "wrong"})
        assert response.status_code == 200 and "login-error" in response.content.decode()
        assert len(failures) == 1
        User.objects.filter(pk=cast.officer_b.pk).update(is_active=False)
        response = Client().post(reverse("login"), {"username": "officer_b", "password": PASSWORD})
        assert response.status_code == 200 and "login-error" in response.content.decode()
        assert len(failures) == 2
    finally:
        user_login_failed.disconnect(seen)


def test_the_session_hash_is_checked_against_the_lean_user(cast):
    client = _signed_in("officer_a")
    user = user_by_pk(cast.officer_a.pk)
    assert user is not None
    assert client.session[HASH_SESSION_KEY] == user.get_session_auth_hash()
    assert user_by_pk(10**12) is None
