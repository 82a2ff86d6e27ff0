"""The plan merge: two units plan the same subject in the same window, the system proposes one joint visit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from inspections.models import InspectionTask, TaskInvitation
from inspections.selectors import merge_proposals
from inspections.services import frequency_policy_set, task_merge
from inspections.workflow import TaskStatus
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quiet_days(cast):
    """The plans below fall on days a month apart; quiet days are another test's business."""
    frequency_policy_set(actor=cast.admin, district=cast.district, values={"quiet_last_day": 0})


@pytest.fixture
def dept_officer(cast):
    return make_user(cast.department, ["officer"], username="dept_officer")


def test_the_plan_merge_proposes_one_visit(cast, setup, make_task, day, dept_officer, audit_count):
    item = setup.p_food.item
    item.high_risk = True  # the department's check is the high-frequency one: the town's joins it
    item.save(update_fields=["high_risk"])
    town_task = make_task()
    dept_task = make_task(
        actor=dept_officer,
        lead_unit=cast.department,
        templates=[setup.dept_template],
        planned_on=day + dt.timedelta(days=5),
    )
    make_task(
        planned_on=day + dt.timedelta(days=60), kind="clue", exemption_ref="12345"
    )  # outside the window

    proposals = merge_proposals(
        district=cast.district, start=day - dt.timedelta(days=30), end=day + dt.timedelta(days=90)
    )
    assert [(p.keep.pk, p.joining.pk) for p in proposals] == [(dept_task.pk, town_task.pk)]

    before = audit_count()
    with pytest.raises(PermissionDenied):
        task_merge(
            actor=cast.officer_a, joining=town_task, keep=dept_task
        )  # only the kept visit's lead accepts
    assert audit_count() == before

    kept = task_merge(actor=dept_officer, joining=town_task, keep=dept_task)
    town_task.refresh_from_db()
    assert town_task.status == TaskStatus.MERGED and town_task.merged_into == kept
    invitation = kept.invitations.get(department=cast.town_a)
    assert invitation.status == TaskInvitation.Status.ACCEPTED
    rows = {r.point_id: {u.pk for u in r.requested_by.all()} for r in kept.points.all()}
    assert rows == {
        setup.p_stall.pk: {cast.town_a.pk},
        setup.p_sign.pk: {cast.town_a.pk, cast.department.pk},
        setup.p_food.pk: {cast.department.pk},
    }
    assert (
        merge_proposals(
            district=cast.district, start=day - dt.timedelta(days=30), end=day + dt.timedelta(days=90)
        )
        == []
    )


def test_no_proposal_for_one_unit_or_far_apart_dates(cast, setup, make_task, day, dept_officer):
    make_task()
    make_task(
        actor=dept_officer,
        lead_unit=cast.department,
        templates=[setup.dept_template],
        planned_on=day + dt.timedelta(days=40),
    )
    assert (
        merge_proposals(
            district=cast.district, start=day - dt.timedelta(days=1), end=day + dt.timedelta(days=90)
        )
        == []
    )
    assert InspectionTask.objects.filter(status=TaskStatus.MERGED).count() == 0
