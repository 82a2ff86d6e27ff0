from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from enforcement.access import access_or_404, scope_for, share_with_unit, shared_with
from enforcement.models import FenceWarning, Unit
from enforcement.officers import officer_may_act, officer_towns, team_members
from enforcement.services import secondment_create
from tests.factories import make_certificate, make_unit, make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_scope_of_each_member_of_the_cast(cast):
    assert scope_for(cast.officer_a).town_ids == {cast.town_a.pk}
    assert scope_for(cast.officer_b).town_ids == {cast.town_b.pk}
    assert scope_for(cast.responder).town_ids == frozenset()
    assert scope_for(cast.responder).department_ids == {cast.department.pk}
    assert scope_for(cast.admin).district_admin
    assert not scope_for(cast.supervisor_a).district_admin
    assert not scope_for(None).authenticated


def test_disabled_user_sees_nothing(cast):
    cast.officer_a.is_active = False
    assert not scope_for(cast.officer_a).authenticated


def test_secondment_adds_the_town_for_its_period_only(cast):
    secondment_create(
        actor=cast.admin,
        officer=cast.responder,
        town=cast.town_a,
        start=TODAY - dt.timedelta(days=10),
        end=TODAY + dt.timedelta(days=10),
    )
    assert scope_for(cast.responder).town_ids == {cast.town_a.pk}
    assert scope_for(cast.responder, on=TODAY + dt.timedelta(days=11)).town_ids == frozenset()
    assert officer_towns(cast.responder, TODAY) == {cast.town_a.pk}
    assert cast.responder in team_members(cast.town_a, TODAY)
    assert cast.responder not in team_members(cast.town_a, TODAY + dt.timedelta(days=30))


def test_only_the_district_admin_may_second_officers(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        secondment_create(actor=cast.supervisor_a, officer=cast.responder, town=cast.town_a, start=TODAY)
    assert not cast.responder.secondments.exists()


def test_town_owned_rows_are_scoped_and_missing_equals_forbidden(cast):
    own = FenceWarning.objects.create(rule="r", key="a", town=cast.town_a, message="m")
    other = FenceWarning.objects.create(rule="r", key="b", town=cast.town_b, message="m")
    from enforcement.access import TownOwnedQuerySet

    qs: TownOwnedQuerySet[FenceWarning] = TownOwnedQuerySet(FenceWarning)
    assert list(qs.for_user(cast.officer_a)) == [own]
    assert set(qs.for_user(cast.admin)) == {own, other}
    assert list(qs.for_user(cast.responder)) == []
    assert access_or_404(qs.for_user(cast.officer_a), pk=own.pk) == own
    with pytest.raises(Http404):
        access_or_404(qs.for_user(cast.officer_a), pk=other.pk)
    with pytest.raises(Http404):
        access_or_404(qs.for_user(cast.officer_a), pk=999_999)
    with pytest.raises(Http404):
        access_or_404(qs.for_user(cast.officer_a), pk="not-a-number")


def test_department_sees_what_was_shared_with_it(cast):
    from enforcement.access import TownOwnedQuerySet

    warning = FenceWarning.objects.create(rule="r", key="c", town=cast.town_a, message="m")
    FenceWarning.objects.create(rule="r", key="d", town=cast.town_a, message="m")
    share_with_unit(warning, cast.department)
    assert list(shared_with(cast.responder, FenceWarning).values_list("pk", flat=True)) == [warning.pk]
    assert list(TownOwnedQuerySet(FenceWarning).for_user(cast.responder)) == [warning]
    # Another department's member does not inherit the grant.
    other_department = make_unit(cast.district, Unit.Kind.DEPARTMENT, domain="environment")
    stranger = make_user(other_department, ["responder"])
    assert list(TownOwnedQuerySet(FenceWarning).for_user(stranger)) == []


def test_officer_may_act_needs_a_valid_certificate(cast):
    assert officer_may_act(cast.officer_a, TODAY)
    assert officer_may_act(cast.officer_a, TODAY, town=cast.town_a)
    refused = officer_may_act(cast.officer_a, TODAY, town=cast.town_b)
    assert not refused and "does not work for" in refused.reason
    nobody = make_user(cast.town_a, ["officer"])
    assert "no enforcement certificate" in officer_may_act(nobody, TODAY).reason
    make_certificate(nobody, valid_from=TODAY - dt.timedelta(days=800), valid_to=TODAY - dt.timedelta(days=1))
    expired = officer_may_act(nobody, TODAY)
    assert not expired and "is not valid on" in expired.reason
    assert officer_may_act(nobody, TODAY - dt.timedelta(days=2))
    cast.officer_a.is_active = False
    assert "disabled" in officer_may_act(cast.officer_a, TODAY).reason


def test_team_roster_counts_seconded_officers_while_seconded(cast):
    from enforcement.selectors import team_roster

    secondment_create(
        actor=cast.admin,
        officer=cast.responder,
        town=cast.town_a,
        start=TODAY - dt.timedelta(days=1),
        end=TODAY + dt.timedelta(days=1),
    )
    rows = {row["user"]: row for row in team_roster(unit=cast.town_a)}
    assert rows[cast.responder]["seconded_from"] == cast.department
    assert rows[cast.officer_a]["seconded_from"] is None
    assert cast.responder not in {
        row["user"] for row in team_roster(unit=cast.town_a, on=TODAY + dt.timedelta(days=5))
    }
    assert cast.officer_b not in rows
