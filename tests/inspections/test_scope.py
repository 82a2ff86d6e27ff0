"""Who sees which inspection: the town of the subject, the lead, the departments invited; nobody else."""

from __future__ import annotations

import pytest
from django.http import Http404

from enforcement.domains import Domain
from enforcement.models import Role, Unit
from inspections.selectors import invitation_inbox_for, task_get_for, task_list_for
from inspections.services import invitation_decline, task_invite
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def env_responder(cast):
    env = make_unit(
        cast.district,
        Unit.Kind.DEPARTMENT,
        code="T500-ENV",
        name_zh="测试区生态环境局",
        domain=Domain.ENVIRONMENT,
    )
    return make_user(env, [Role.RESPONDER, Role.OFFICER], username="env_responder")


def test_a_department_sees_only_inspections_it_was_invited_to_or_leads(cast, setup, make_task, env_responder):
    from django.contrib.auth.models import AnonymousUser

    task = make_task()
    assert list(task_list_for(user=cast.responder)) == []
    with pytest.raises(Http404):
        task_get_for(user=cast.responder, pk=task.pk)

    invitation = task_invite(actor=cast.officer_a, task=task, department=cast.department)
    assert list(task_list_for(user=cast.responder)) == [task]
    assert list(invitation_inbox_for(user=cast.responder)) == []  # not published yet
    assert list(task_list_for(user=env_responder)) == []
    with pytest.raises(Http404):
        task_get_for(user=env_responder, pk=task.pk)

    invitation_decline(actor=cast.responder, invitation=invitation, reason="不属本部门职责")
    assert list(task_list_for(user=cast.responder)) == [task]  # keeps its history

    assert list(task_list_for(user=cast.officer_a)) == [task]
    assert list(task_list_for(user=cast.admin)) == [task]
    assert list(task_list_for(user=cast.officer_b)) == []
    assert list(task_list_for(user=AnonymousUser())) == []
    with pytest.raises(Http404):
        task_get_for(user=cast.officer_b, pk=task.pk)
    with pytest.raises(Http404):
        task_get_for(user=cast.officer_a, pk="not-a-number")


def test_a_department_led_inspection_is_seen_by_the_lead_and_the_subjects_town(
    cast, setup, make_task, env_responder
):
    officer = make_user(cast.department, [Role.OFFICER], username="dept_officer")
    task = make_task(actor=officer, lead_unit=cast.department, templates=[setup.dept_template])
    assert list(task_list_for(user=cast.responder)) == [task]
    assert list(task_list_for(user=cast.officer_a)) == [task]
    assert list(task_list_for(user=env_responder)) == []
    assert list(task_list_for(user=cast.officer_b)) == []


def test_the_inbox_shows_open_invitations_of_the_users_unit(cast, setup, make_task, env_responder):
    from inspections.services import task_publish

    task = make_task()
    task_invite(actor=cast.officer_a, task=task, department=cast.department)
    task_publish(actor=cast.officer_a, task=task)
    assert [i.task_id for i in invitation_inbox_for(user=cast.responder)] == [task.pk]
    assert list(invitation_inbox_for(user=env_responder)) == []
    assert list(invitation_inbox_for(user=cast.officer_a)) == []
