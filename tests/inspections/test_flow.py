"""The task flow: plan, invite, merge the checklists, approve, enter, record, hand the findings on, follow
up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Case
from enforcement import calendar
from enforcement.models import AuditEvent
from enforcement.workflow import InvalidTransition, StaleObject
from inspections.models import InspectionTask, TaskInvitation, TaskPoint, Visit
from inspections.services import (
    invitation_accept,
    invitation_decline,
    point_record,
    task_approve,
    task_close,
    task_enter,
    task_findings_handle,
    task_finish,
    task_follow_up_create,
    task_invite,
    task_officers_set,
    task_publish,
)
from inspections.workflow import Exemption, PointResult, TaskKind, TaskStatus
from tests.factories import make_certificate, make_user
from whistles.models import WhistleRequest

pytestmark = pytest.mark.django_db


def _joint_task(cast, setup, make_task) -> InspectionTask:
    task = make_task()
    invitation = task_invite(actor=cast.officer_a, task=task, department=cast.department)
    invitation_accept(actor=cast.responder, invitation=invitation, template=setup.dept_template)
    return task


def test_accepting_merges_the_checklists_point_by_point(cast, setup, make_task):
    task = _joint_task(cast, setup, make_task)

    rows = {r.point_id: r for r in task.points.all()}
    assert set(rows) == {setup.p_stall.pk, setup.p_sign.pk, setup.p_food.pk}  # the shared point appears once
    assert {u.pk for u in rows[setup.p_sign.pk].requested_by.all()} == {cast.town_a.pk, cast.department.pk}
    assert {u.pk for u in rows[setup.p_stall.pk].requested_by.all()} == {cast.town_a.pk}
    assert {u.pk for u in rows[setup.p_food.pk].requested_by.all()} == {cast.department.pk}
    # each point knows who holds the power on the date, so the results split cleanly
    assert (
        rows[setup.p_stall.pk].holder_town == cast.town_a
        and rows[setup.p_stall.pk].holder_kind == "empowered"
    )
    assert (
        rows[setup.p_food.pk].holder_department == cast.department
        and rows[setup.p_food.pk].holder_town is None
    )
    assert task.sources.count() == 2


def test_the_whole_flow_ends_in_a_case_a_whistle_and_a_recheck_of_the_failed_points(
    cast, setup, make_task, on_day
):
    task = _joint_task(cast, setup, make_task)
    task_officers_set(
        actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2, cast.responder]
    )
    task_publish(actor=cast.officer_a, task=task)
    task = task_approve(actor=cast.supervisor_a, task=task)
    assert (
        task.status == TaskStatus.APPROVED and len(task.code) >= 40 and task.approved_by == cast.supervisor_a
    )

    visit = task_enter(actor=cast.officer_a, task=task, identifier_seen="91500000MA5U000X1")
    assert visit.with_code and visit.file_due is None and visit.visited_on == on_day
    rows = {r.point_id: r for r in task.points.all()}
    point_record(
        actor=cast.officer_a,
        task_point=rows[setup.p_stall.pk],
        result=PointResult.FAIL,
        note="门外摆放桌椅",
        major=True,
    )
    point_record(
        actor=cast.responder, task_point=rows[setup.p_food.pk], result=PointResult.FAIL, note="消毒柜未使用"
    )
    point_record(actor=cast.officer_a2, task_point=rows[setup.p_sign.pk], result=PointResult.PASS)
    task_finish(
        actor=cast.officer_a,
        task=task,
        present=[cast.officer_a, cast.responder],
        business_signatory="张老板（店主）",
    )
    assert task.officers.filter(signed_at__isnull=False).count() == 2

    handled = task_findings_handle(actor=cast.officer_a, task=task)
    assert len(handled) == 2
    stall = TaskPoint.objects.get(task=task, point=setup.p_stall)
    food = TaskPoint.objects.get(task=task, point=setup.p_food)
    assert stall.disposition == "case" and food.disposition == "whistle"
    case = Case.objects.get(pk=stall.case_id)
    assert case.town == cast.town_a and case.item == setup.stall_item and case.source == "inspection"
    assert (
        case.party_name == "重庆味道餐馆"
        and case.act_on == on_day
        and case.source_ref == f"inspection:{task.pk}"
    )
    whistle = WhistleRequest.objects.get(pk=food.whistle_id)
    assert list(whistle.assignments.values_list("department_id", flat=True)) == [cast.department.pk]
    assert whistle.origin_type == "inspection" and whistle.origin_id == str(task.pk)

    # handling again changes nothing
    assert task_findings_handle(actor=cast.officer_a, task=task) == []
    assert Case.objects.count() == 1 and WhistleRequest.objects.count() == 1
    task_close(actor=cast.officer_a, task=task)

    follow = task_follow_up_create(actor=cast.officer_a, task=task, planned_on=on_day + dt.timedelta(days=30))
    assert follow.exemption == Exemption.RECHECK and follow.follow_up_of == task
    assert set(follow.points.values_list("point_id", flat=True)) == {setup.p_stall.pk, setup.p_food.pk}
    assert all(r.result == PointResult.PENDING for r in follow.points.all())
    assert list(follow.invitations.values_list("department_id", flat=True)) == [cast.department.pk]


def test_no_entry_before_the_plan_is_approved(cast, setup, make_task, on_day, audit_count):
    task = make_task()
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    task_publish(actor=cast.officer_a, task=task)
    before = audit_count()
    with pytest.raises(InvalidTransition, match="approved"):
        task_enter(actor=cast.officer_a, task=task)
    assert audit_count() == before and not Visit.objects.exists()
    assert InspectionTask.objects.get(pk=task.pk).status == TaskStatus.PUBLISHED


def test_only_the_unit_head_approves_the_plan(cast, setup, make_task, audit_count):
    task = make_task()
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    task_publish(actor=cast.officer_a, task=task)
    before = audit_count()
    for outsider in (cast.officer_a, cast.officer_b, cast.responder, cast.admin):
        with pytest.raises(PermissionDenied):
            task_approve(actor=outsider, task=task)
    assert audit_count() == before
    assert InspectionTask.objects.get(pk=task.pk).approved_at is None


def test_approval_needs_two_officers_with_valid_certificates(cast, setup, make_task, day):
    task = make_task()
    with pytest.raises(ValidationError, match="two officers"):
        task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a])
    lapsed = make_user(cast.town_a, ["officer"], username="lapsed")
    make_certificate(lapsed, valid_from=day - dt.timedelta(days=400), valid_to=day - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="not valid on"):
        task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, lapsed])
    task_publish(actor=cast.officer_a, task=task)
    with pytest.raises(ValidationError, match="two officers"):
        task_approve(actor=cast.supervisor_a, task=task)
    assert InspectionTask.objects.get(pk=task.pk).status == TaskStatus.PUBLISHED


def test_the_plan_fixes_the_number_of_people(cast, setup, make_task):
    task = make_task(headcount=2)
    with pytest.raises(ValidationError, match="fixes 2 people"):
        task_officers_set(
            actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2, cast.supervisor_a]
        )


def test_an_officer_of_a_unit_not_taking_part_is_refused(cast, setup, make_task):
    task = make_task()
    with pytest.raises(ValidationError, match="not in a unit taking part"):
        task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_b])
    with pytest.raises(ValidationError, match="not in a unit taking part"):  # invited but not yet accepted
        task_invite(actor=cast.officer_a, task=task, department=cast.department)
        task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.responder])


def test_on_the_spot_visit_enters_first_and_records_its_approval_afterwards(cast, setup, make_task, on_day):
    task = make_task(kind=TaskKind.IMMEDIATE, title="巡查发现油烟直排")
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    with pytest.raises(ValidationError, match="no code yet"):
        task_enter(actor=cast.officer_a, task=task)
    with pytest.raises(ValidationError):
        task_enter(actor=cast.officer_a, task=task, with_code=False, no_code_reason="  ")
    visit = task_enter(actor=cast.officer_a, task=task, with_code=False, no_code_reason="巡查中发现紧急情况")
    assert visit.file_due == calendar.add_working_days(on_day, 3)
    with pytest.raises(ValidationError):
        task_approve(actor=cast.supervisor_a, task=task, reason="")
    task = task_approve(actor=cast.supervisor_a, task=task, reason="现场存在燃气泄漏风险，先行检查")
    assert task.approved_afterwards and task.status == TaskStatus.ON_SITE and task.approval_reason


def test_a_routine_task_cannot_enter_from_draft(cast, setup, make_task, on_day):
    task = make_task()
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    with pytest.raises(InvalidTransition):
        task_enter(actor=cast.officer_a, task=task, with_code=False, no_code_reason="紧急")


def test_declining_needs_a_reason_and_only_the_invited_department_answers(
    cast, setup, make_task, audit_count
):
    task = make_task()
    invitation = task_invite(actor=cast.officer_a, task=task, department=cast.department)
    before = audit_count()
    with pytest.raises(PermissionDenied):
        invitation_accept(actor=cast.officer_a, invitation=invitation, template=setup.town_template)
    with pytest.raises(ValidationError):
        invitation_decline(actor=cast.responder, invitation=invitation, reason=" ")
    assert audit_count() == before
    invitation_decline(actor=cast.responder, invitation=invitation, reason="本月已安排专项检查")
    invitation.refresh_from_db()
    assert invitation.status == TaskInvitation.Status.DECLINED and invitation.reason == "本月已安排专项检查"
    with pytest.raises(InvalidTransition):
        invitation_accept(actor=cast.responder, invitation=invitation, template=setup.dept_template)


def test_a_department_brings_only_its_own_checklist(cast, setup, make_task):
    task = make_task()
    invitation = task_invite(actor=cast.officer_a, task=task, department=cast.department)
    with pytest.raises(ValidationError, match="its own checklist"):
        invitation_accept(actor=cast.responder, invitation=invitation, template=setup.town_template)


def test_results_only_by_officers_on_the_visit_and_a_fail_needs_a_note(cast, setup, make_task, on_day):
    task = make_task()
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    task_publish(actor=cast.officer_a, task=task)
    task_approve(actor=cast.supervisor_a, task=task)
    task_enter(actor=cast.officer_a, task=task)
    row = task.points.get(point=setup.p_stall)
    with pytest.raises(PermissionDenied):
        point_record(actor=cast.supervisor_a, task_point=row, result=PointResult.PASS)
    with pytest.raises(ValidationError):
        point_record(actor=cast.officer_a, task_point=row, result=PointResult.FAIL, note="")
    with pytest.raises(ValidationError):
        point_record(actor=cast.officer_a, task_point=row, result=PointResult.PASS, major=True)
    with pytest.raises(ValidationError, match="no answer"):
        task_finish(
            actor=cast.officer_a,
            task=task,
            present=[cast.officer_a, cast.officer_a2],
            business_signatory="张",
        )
    row.refresh_from_db()
    assert row.result == PointResult.PENDING


def test_a_stale_version_is_refused(cast, setup, make_task):
    task = make_task()
    old = task.version
    task_invite(actor=cast.officer_a, task=task, department=cast.department)
    with pytest.raises(StaleObject):
        task_publish(actor=cast.officer_a, task=task, version=old)


def test_every_step_is_audited(cast, setup, make_task):
    task = _joint_task(cast, setup, make_task)
    actions = list(
        AuditEvent.objects.filter(
            object_type="inspections.inspectiontask", object_id=str(task.pk)
        ).values_list("action", flat=True)
    )
    assert actions == ["inspections.task.create", "inspections.task.invite", "inspections.invitation.accept"]


def test_the_credit_code_recorded_on_site_must_be_the_subjects(cast, setup, make_task, on_day, audit_count):
    task = make_task()
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    task_publish(actor=cast.officer_a, task=task)
    task_approve(actor=cast.supervisor_a, task=task)
    before = audit_count()
    with pytest.raises(ValidationError, match="does not match"):
        task_enter(actor=cast.officer_a, task=task, identifier_seen="91500000MA5U999Z9")
    assert audit_count() == before and not Visit.objects.exists()
    visit = task_enter(
        actor=cast.officer_a, task=task, identifier_seen=" 91500000ma5u000x1 "
    )  # as scanned or typed
    assert visit.subject_identifier_seen == "91500000MA5U000X1"


def test_a_visit_without_a_code_is_filed_afterwards_within_three_working_days(cast, setup, make_task, day):
    from enforcement import clock
    from tests.inspections.conftest import moment

    visited = day
    due = calendar.add_working_days(visited, 3)
    late = make_task(kind=TaskKind.IMMEDIATE, title="迟报")
    ok = make_task(kind=TaskKind.IMMEDIATE, title="按时补录")
    for task in (late, ok):
        task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    with clock.at(moment(due + dt.timedelta(days=1))):
        with pytest.raises(ValidationError, match="within 3 working days"):
            task_enter(
                actor=cast.officer_a, task=late, with_code=False, no_code_reason="无网络", visited_on=visited
            )
    with clock.at(moment(due)):
        with pytest.raises(ValidationError, match="Only a visit without a code"):
            task_enter(actor=cast.officer_a, task=ok, visited_on=visited)
        visit = task_enter(
            actor=cast.officer_a, task=ok, with_code=False, no_code_reason="无网络", visited_on=visited
        )
    assert visit.visited_on == visited and visit.file_due == due
    assert InspectionTask.objects.get(pk=late.pk).status == TaskStatus.DRAFT
