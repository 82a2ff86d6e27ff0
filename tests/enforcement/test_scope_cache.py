"""The scope and roles cached across requests (issue 18) follow every change that moves them: a role given or
taken, a secondment, a move to another unit. Each request loads a fresh user object, as a request does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enforcement.access import scope_for
from enforcement.models import Role, User, role_group_names
from enforcement.services import secondment_create

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_a_second_request_reads_the_scope_from_the_cache(cast):
    scope_for(fresh(cast.officer_a))
    user = fresh(cast.officer_a)
    with CaptureQueriesContext(connection) as ctx:
        scope = scope_for(user)
        assert user.has_role(Role.OFFICER)
    assert scope.town_ids == {cast.town_a.pk}
    assert len(ctx.captured_queries) == 0


def test_a_secondment_widens_the_cached_scope_at_once(cast):
    assert scope_for(fresh(cast.responder)).town_ids == frozenset()
    secondment_create(actor=None, officer=cast.responder, town=cast.town_b, start=timezone.localdate())
    assert scope_for(fresh(cast.responder)).town_ids == {cast.town_b.pk}


def test_a_role_taken_away_leaves_the_cache_at_once(cast):
    assert scope_for(fresh(cast.admin)).district_admin
    group = Group.objects.get(name=next(iter(role_group_names([Role.DISTRICT_ADMIN]))))
    cast.admin.groups.remove(group)
    admin = fresh(cast.admin)
    assert not scope_for(admin).district_admin
    assert not admin.has_role(Role.DISTRICT_ADMIN)


def test_a_move_to_another_town_changes_the_cached_scope(cast):
    assert scope_for(fresh(cast.officer_a)).town_ids == {cast.town_a.pk}
    officer = fresh(cast.officer_a)
    officer.unit = cast.town_b
    officer.save()
    assert scope_for(fresh(cast.officer_a)).town_ids == {cast.town_b.pk}


def test_a_sign_in_keeps_the_cache(cast, client_for):
    scope_for(fresh(cast.officer_a))
    client_for(cast.officer_a)  # force_login writes last_login
    user = fresh(cast.officer_a)
    with CaptureQueriesContext(connection) as ctx:
        scope_for(user)
    assert len(ctx.captured_queries) == 0


def test_another_day_is_computed_afresh(cast):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    scope_for(fresh(cast.officer_a))
    assert scope_for(fresh(cast.officer_a), on=tomorrow).town_ids == {cast.town_a.pk}
