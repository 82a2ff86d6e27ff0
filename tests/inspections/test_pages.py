"""The inspection pages: the board, planning, the task page's steps, the on-site checklist with photos, the
sign-off, the findings, the department's invitations and the business's page. Each page and step is also
refused to those who may not: the officer of town B, a department not invited, the anonymous public (status,
unchanged state, no audit row)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from PIL import Image

from cases.models import Case
from enforcement.models import AuditEvent
from inspections.models import InspectionTask, PointPhoto, TaskInvitation, TaskPoint, Visit
from inspections.services import (
    invitation_accept,
    point_record,
    task_approve,
    task_enter,
    task_finish,
    task_invite,
    task_officers_set,
    task_publish,
)
from inspections.workflow import PointResult, TaskStatus
from tests.factories import make_unit, make_user
from whistles.models import WhistleRequest

pytestmark = pytest.mark.django_db


def png(colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


def upload(name: str = "site.png", data: bytes | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data if data is not None else png(), content_type="image/png")


@pytest.fixture
def joint(cast, setup, make_task, on_day):
    """A joint visit of town A and the market department: invited, accepted, officers chosen (not yet
    published)."""
    task = make_task()
    invitation = task_invite(actor=cast.officer_a, task=task, department=cast.department)
    invitation_accept(actor=cast.responder, invitation=invitation, template=setup.dept_template)
    task_officers_set(
        actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2, cast.responder]
    )
    return InspectionTask.objects.get(pk=task.pk)


@pytest.fixture
def on_site(cast, joint):
    task_publish(actor=cast.officer_a, task=joint)
    task_approve(actor=cast.supervisor_a, task=joint)
    task_enter(actor=cast.officer_a, task=joint, identifier_seen="91500000MA5U000X1")
    return InspectionTask.objects.get(pk=joint.pk)


@pytest.fixture
def checked(cast, setup, on_site):
    rows = {r.point_id: r for r in on_site.points.all()}
    point_record(
        actor=cast.officer_a,
        task_point=rows[setup.p_stall.pk],
        result=PointResult.FAIL,
        note="门外摆放桌椅三张",
        major=True,
        rectify_by=on_site.planned_on + dt.timedelta(days=7),
    )
    point_record(
        actor=cast.responder, task_point=rows[setup.p_food.pk], result=PointResult.FAIL, note="消毒柜未通电"
    )
    point_record(actor=cast.officer_a2, task_point=rows[setup.p_sign.pk], result=PointResult.PASS)
    task_finish(
        actor=cast.officer_a,
        task=on_site,
        present=[cast.officer_a, cast.responder],
        business_signatory="张三（店主）",
    )
    return InspectionTask.objects.get(pk=on_site.pk)


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


# --- who sees what ------------------------------------------------------------------------------------------


def test_the_board_shows_each_side_only_its_own_inspections(cast, joint, client_for):
    page = client_for(cast.officer_a).get(url("inspection-board")).content.decode()
    assert joint.title in page and f'data-task="{joint.pk}"' in page
    assert (
        f'data-task="{joint.pk}"' in client_for(cast.responder).get(url("inspection-board")).content.decode()
    )
    assert (
        f'data-task="{joint.pk}"'
        not in client_for(cast.officer_b).get(url("inspection-board")).content.decode()
    )
    other = make_unit(
        cast.district, "department", code="T500-ENV", name_zh="测试区生态环境局", domain="environment"
    )
    stranger = make_user(other, ["responder"], username="eco")
    assert f'data-task="{joint.pk}"' not in client_for(stranger).get(url("inspection-board")).content.decode()
    anonymous = client_for(None).get(url("inspection-board"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_board_filters_by_status_and_counts_each(cast, joint, make_task, client_for):
    make_task(kind="clue", exemption_ref="12345-0001", title="投诉核查：油烟扰民")
    client = client_for(cast.officer_a)
    page = client.get(url("inspection-board"), {"status": "draft"}).content.decode()
    assert "投诉核查：油烟扰民" in page and joint.title in page
    assert (
        client.get(url("inspection-board"), {"status": "closed"})
        .content.decode()
        .count('data-testid="task-row"')
        == 0
    )
    assert (
        client.get(url("inspection-board"), {"kind": "clue"}).content.decode().count('data-testid="task-row"')
        == 1
    )
    assert client.get(url("inspection-board"), {"status": "nonsense", "page": "x"}).status_code == 200


def test_a_task_page_is_404_to_those_not_taking_part(cast, joint, client_for):
    target = url("inspection-detail", joint.pk)
    assert client_for(cast.officer_a).get(target).status_code == 200
    assert client_for(cast.responder).get(target).status_code == 200  # invited and joined
    assert client_for(cast.officer_b).get(target).status_code == 404
    other = make_unit(
        cast.district, "department", code="T500-ENV", name_zh="测试区生态环境局", domain="environment"
    )
    assert client_for(make_user(other, ["responder"], username="eco")).get(target).status_code == 404
    assert client_for(None).get(target).status_code == 302
    for name in ("inspection-checklist", "inspection-qr"):
        assert client_for(cast.officer_b).get(url(name, joint.pk)).status_code == 404


# --- planning -----------------------------------------------------------------------------------------------


def _plan_data(cast, setup, day, **overrides):
    data = {
        "lead_unit": cast.town_a.pk,
        "kind": "routine",
        "title": "餐饮店综合查一次（解放路）",
        "planned_on": day.isoformat(),
        "subject_identifier": "91500000MA5U000X1",
        "subject_name": "重庆味道餐馆",
        "subject_address": "甲街道解放路1号",
        "town": cast.town_a.pk,
        "scenario": "restaurant",
        "headcount": "3",
        "exemption": "",
        "exemption_ref": "",
        "templates": [setup.town_template.pk],
        "departments": [cast.department.pk],
    }
    data.update(overrides)
    return data


def test_planning_from_the_page_builds_the_checklist_and_invites(cast, setup, day, on_day, client_for):
    response = client_for(cast.officer_a).post(url("inspection-create"), _plan_data(cast, setup, day))
    task = InspectionTask.objects.get()
    assert response.status_code == 302 and response["Location"] == url("inspection-detail", task.pk)
    assert task.subject == setup.subject  # found by its credit code, not a second registry row
    assert set(task.points.values_list("point_id", flat=True)) == {setup.p_stall.pk, setup.p_sign.pk}
    assert list(task.invitations.values_list("department_id", "status")) == [(cast.department.pk, "invited")]


def test_planning_with_items_of_the_published_list(cast, setup, day, on_day, client_for):
    data = _plan_data(cast, setup, day, templates=[], items=[setup.p_food.item_id], departments=[])
    assert client_for(cast.officer_a).post(url("inspection-create"), data).status_code == 302
    assert list(InspectionTask.objects.get().points.values_list("point_id", flat=True)) == [setup.p_food.pk]


def test_an_item_not_on_the_published_list_cannot_be_chosen(
    cast, setup, day, on_day, client_for, audit_count
):
    from inspections.services import check_point_add, inspection_item_add, inspection_list_create

    draft = inspection_list_create(actor=cast.admin, district=cast.district, title="未公布的清单")
    item = inspection_item_add(
        actor=cast.admin, inspection_list=draft, code="JC-X-01", name_zh="未公布事项", legal_basis="某条例"
    )
    check_point_add(
        actor=cast.admin, item=item, code="1", text_zh="未公布要点", enforcement_item=setup.stall_item
    )
    before = audit_count()
    data = _plan_data(cast, setup, day, templates=[], items=[item.pk])
    response = client_for(cast.officer_a).post(url("inspection-create"), data)
    assert response.status_code == 400 and 'data-testid="error-items"' in response.content.decode()
    assert not InspectionTask.objects.exists() and audit_count() == before


def test_a_routine_visit_over_the_cap_is_refused_on_the_page_with_the_visit_to_join(
    cast, setup, day, on_day, make_task, client_for
):
    first = make_task(title="已计划的日常检查")
    client = client_for(cast.officer_a)
    response = client.post(url("inspection-create"), _plan_data(cast, setup, day, departments=[]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "已计划的日常检查" in page and str(first.pk) in page  # the visit it could join
    assert InspectionTask.objects.count() == 1
    # a complaint check is exempt and goes through
    data = _plan_data(cast, setup, day, kind="clue", exemption_ref="12345-2026-0001", departments=[])
    assert client.post(url("inspection-create"), data).status_code == 302
    assert InspectionTask.objects.get(kind="clue").exemption == "complaint"


def test_planning_is_refused_to_those_without_a_unit_to_lead(cast, setup, day, client_for):
    assert client_for(cast.reviewer_a).get(url("inspection-create")).status_code == 403
    assert (
        client_for(cast.admin).post(url("inspection-create"), _plan_data(cast, setup, day)).status_code == 403
    )
    assert client_for(None).get(url("inspection-create")).status_code == 302
    # town B's officer may plan for town B only: choosing town A as the lead is not a valid choice
    response = client_for(cast.officer_b).post(url("inspection-create"), _plan_data(cast, setup, day))
    assert response.status_code == 400 and not InspectionTask.objects.exists()


def test_bad_input_is_a_form_error_not_a_500(cast, setup, day, on_day, client_for):
    data = _plan_data(
        cast, setup, day, planned_on="2026-13-45", headcount="x", templates=["abc"], lead_unit=""
    )
    response = client_for(cast.officer_a).post(url("inspection-create"), data)
    assert response.status_code == 400 and not InspectionTask.objects.exists()


# --- the task page's steps ----------------------------------------------------------------------------------


def test_publish_approve_and_enter_from_the_page(cast, joint, client_for):
    officer, head = client_for(cast.officer_a), client_for(cast.supervisor_a)
    assert (
        officer.post(url("inspection-action", joint.pk, "publish"), {"version": joint.version}).status_code
        == 302
    )
    joint.refresh_from_db()
    assert joint.status == TaskStatus.PUBLISHED
    assert (
        head.post(url("inspection-action", joint.pk, "approve"), {"version": joint.version}).status_code
        == 302
    )
    joint.refresh_from_db()
    assert joint.status == TaskStatus.APPROVED and joint.code
    page = officer.get(url("inspection-detail", joint.pk)).content.decode()
    assert 'data-testid="qr"' in page and reverse("inspection-code", args=[joint.code]) in page
    qr = officer.get(url("inspection-qr", joint.pk))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    response = officer.post(
        url("inspection-action", joint.pk, "enter"),
        {"version": joint.version, "with_code": "on", "identifier_seen": "91500000MA5U000X1"},
    )
    assert response.status_code == 302 and response["Location"] == url("inspection-checklist", joint.pk)
    assert Visit.objects.get(task=joint).with_code


def test_steps_refused_to_the_wrong_people_change_nothing(cast, joint, client_for, audit_count):
    task_publish(actor=cast.officer_a, task=joint)
    before = audit_count()
    # only the unit head approves; the officer of town B does not even see the task
    assert (
        client_for(cast.officer_a).post(url("inspection-action", joint.pk, "approve"), {}).status_code == 403
    )
    assert (
        client_for(cast.responder).post(url("inspection-action", joint.pk, "approve"), {}).status_code == 403
    )
    assert (
        client_for(cast.officer_b).post(url("inspection-action", joint.pk, "approve"), {}).status_code == 404
    )
    assert (
        client_for(cast.officer_b)
        .post(url("inspection-action", joint.pk, "cancel"), {"reason": "x"})
        .status_code
        == 404
    )
    assert (
        client_for(None).post(url("inspection-action", joint.pk, "cancel"), {"reason": "x"}).status_code
        == 302
    )
    assert (
        client_for(cast.officer_a).post(url("inspection-action", joint.pk, "nonsense"), {}).status_code == 404
    )
    joint.refresh_from_db()
    assert joint.status == TaskStatus.PUBLISHED and joint.approved_at is None and audit_count() == before


def test_a_step_out_of_turn_says_so_and_changes_nothing(cast, joint, client_for, audit_count):
    before = audit_count()
    client = client_for(cast.officer_a)
    client.cookies["django_language"] = "en"
    response = client.post(url("inspection-action", joint.pk, "enter"), {"with_code": "on"}, follow=True)
    assert response.status_code == 200
    assert "No entry before the inspection plan is approved" in response.content.decode()
    joint.refresh_from_db()
    assert joint.status == TaskStatus.DRAFT and audit_count() == before


def test_on_the_spot_visit_records_its_approval_afterwards_with_a_reason(
    cast, setup, make_task, on_day, client_for
):
    task = make_task(kind="immediate", title="巡查发现燃气泄漏风险")
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    officer = client_for(cast.officer_a)
    response = officer.post(url("inspection-action", task.pk, "enter"), {"no_code_reason": ""})
    assert response.status_code == 400 and 'data-testid="error-no_code_reason"' in response.content.decode()
    officer.post(url("inspection-action", task.pk, "enter"), {"no_code_reason": "巡查中闻到燃气味，先行检查"})
    task.refresh_from_db()
    assert task.status == TaskStatus.ON_SITE
    head = client_for(cast.supervisor_a)
    assert head.post(url("inspection-action", task.pk, "approve"), {"reason": ""}).status_code == 400
    head.post(url("inspection-action", task.pk, "approve"), {"reason": "燃气泄漏风险，紧急"})
    task.refresh_from_db()
    assert task.approved_afterwards and task.approval_reason == "燃气泄漏风险，紧急"


# --- on site ------------------------------------------------------------------------------------------------


def test_the_checklist_answers_a_point_with_a_photo(cast, setup, on_site, client_for, audit_count):
    row = on_site.points.get(point=setup.p_stall)
    client = client_for(cast.officer_a)
    page = client.get(url("inspection-checklist", on_site.pk)).content.decode()
    assert page.count('data-testid="point-card"') == 3 and "checklist.js" in page
    before = audit_count()
    response = client.post(
        url("inspection-point", on_site.pk, row.pk),
        {f"p{row.pk}-result": "fail", f"p{row.pk}-note": "门外摆放桌椅", f"p{row.pk}-photos": upload()},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#point-{row.pk}")
    row.refresh_from_db()
    assert row.result == PointResult.FAIL and row.answered_by == cast.officer_a
    photo = PointPhoto.objects.get(task_point=row)
    assert len(photo.sha256) == 64 and photo.original_sha256 and photo.content_type == "image/png"
    assert audit_count() == before + 1
    assert client.get(url("inspection-photo", photo.pk))["Content-Type"] == "image/png"
    assert client_for(cast.officer_b).get(url("inspection-photo", photo.pk)).status_code == 404


def test_the_checklist_script_gets_the_card_back(cast, setup, on_site, client_for):
    row = on_site.points.get(point=setup.p_sign)
    response = client_for(cast.officer_a2).post(
        url("inspection-point", on_site.pk, row.pk), {f"p{row.pk}-result": "pass"}, HTTP_X_CHECKLIST="card"
    )
    assert response.status_code == 200
    card = response.content.decode()
    assert card.lstrip().startswith('<div class="card point-card') and 'data-saved="1"' in card
    refused = client_for(cast.officer_a2).post(
        url("inspection-point", on_site.pk, row.pk), {f"p{row.pk}-result": "fail"}, HTTP_X_CHECKLIST="card"
    )
    assert refused.status_code == 200  # the card says it: the script keeps the answer on the phone
    assert (
        'data-testid="error-note"' in refused.content.decode()
        and "data-saved" not in refused.content.decode()
    )
    row.refresh_from_db()
    assert row.result == PointResult.PASS


def test_a_fail_that_needs_a_photo_is_refused_without_one(cast, setup, on_site, client_for, audit_count):
    type(setup.p_food).objects.filter(pk=setup.p_food.pk).update(photo_on_fail=True)
    row = on_site.points.get(point=setup.p_food)
    before = audit_count()
    data = {f"p{row.pk}-result": "fail", f"p{row.pk}-note": "消毒柜未通电"}
    response = client_for(cast.responder).post(url("inspection-point", on_site.pk, row.pk), data)
    assert response.status_code == 400 and 'data-testid="error-photos"' in response.content.decode()
    row.refresh_from_db()
    assert row.result == PointResult.PENDING and audit_count() == before
    data[f"p{row.pk}-photos"] = upload()
    assert (
        client_for(cast.responder).post(url("inspection-point", on_site.pk, row.pk), data).status_code == 302
    )


def test_a_file_that_is_not_a_photo_is_refused(cast, setup, on_site, client_for):
    row = on_site.points.get(point=setup.p_stall)
    data = {
        f"p{row.pk}-result": "fail",
        f"p{row.pk}-note": "x",
        f"p{row.pk}-photos": upload("evil.png", b"<script>alert(1)</script>"),
    }
    response = client_for(cast.officer_a).post(url("inspection-point", on_site.pk, row.pk), data)
    assert response.status_code == 400 and not PointPhoto.objects.exists()
    row.refresh_from_db()
    assert row.result == PointResult.PENDING


def test_only_officers_on_the_visit_answer(cast, setup, on_site, client_for, audit_count):
    row = on_site.points.get(point=setup.p_stall)
    before = audit_count()
    data = {f"p{row.pk}-result": "pass"}
    assert (
        client_for(cast.supervisor_a).post(url("inspection-point", on_site.pk, row.pk), data).status_code
        == 403
    )
    assert (
        client_for(cast.officer_b).post(url("inspection-point", on_site.pk, row.pk), data).status_code == 404
    )
    assert client_for(None).post(url("inspection-point", on_site.pk, row.pk), data).status_code == 302
    row.refresh_from_db()
    assert row.result == PointResult.PENDING and audit_count() == before


def test_finishing_needs_every_answer_and_the_sign_off(cast, setup, on_site, client_for):
    client = client_for(cast.officer_a)
    finish = url("inspection-finish", on_site.pk)
    present = [cast.officer_a.pk, cast.responder.pk]
    response = client.post(finish, {"present": present, "business_signatory": "张三"})
    assert response.status_code == 400 and "3" in response.content.decode()
    for row in on_site.points.all():
        point_record(actor=cast.officer_a, task_point=row, result=PointResult.PASS)
    response = client.post(finish, {"present": [cast.officer_a.pk], "business_signatory": "张三"})
    assert response.status_code == 400 and 'data-testid="error-present"' in response.content.decode()
    response = client.post(finish, {"present": present})
    assert (
        response.status_code == 400 and 'data-testid="error-business_signatory"' in response.content.decode()
    )
    assert InspectionTask.objects.get(pk=on_site.pk).status == TaskStatus.ON_SITE
    response = client.post(finish, {"present": present, "business_refusal": "店主拒绝签字，称要等老板回来"})
    task = InspectionTask.objects.get(pk=on_site.pk)
    assert response.status_code == 302 and task.status == TaskStatus.CHECKED
    assert task.business_refusal and task.officers.filter(signed_at__isnull=False).count() == 2


def test_an_ad_hoc_point_comes_only_from_the_published_list(cast, setup, make_task, on_day, client_for):
    task = make_task(kind="clue", exemption_ref="12345", templates=[setup.town_template])
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    task_publish(actor=cast.officer_a, task=task)
    task_approve(actor=cast.supervisor_a, task=task)
    task_enter(actor=cast.officer_a, task=task)
    client = client_for(cast.officer_a)
    assert client.post(url("inspection-point-add", task.pk), {"point": setup.p_food.pk}).status_code == 302
    assert task.points.filter(point=setup.p_food, ad_hoc=True).exists()
    assert client.post(url("inspection-point-add", task.pk), {"point": 999999}).status_code == 400


# --- results ------------------------------------------------------------------------------------------------


def test_findings_become_a_draft_case_and_a_whistle_and_the_task_closes(cast, setup, checked, client_for):
    client = client_for(cast.officer_a)
    response = client.post(url("inspection-action", checked.pk, "findings"))
    assert response.status_code == 302
    stall = TaskPoint.objects.get(task=checked, point=setup.p_stall)
    food = TaskPoint.objects.get(task=checked, point=setup.p_food)
    assert Case.objects.get(pk=stall.case_id).town == cast.town_a
    assert WhistleRequest.objects.get(pk=food.whistle_id).assignments.get().department == cast.department
    page = client.get(url("inspection-detail", checked.pk)).content.decode()
    assert 'data-testid="finding-case"' in page and 'data-testid="finding-whistle"' in page
    assert client.post(url("inspection-action", checked.pk, "close")).status_code == 302
    assert InspectionTask.objects.get(pk=checked.pk).status == TaskStatus.CLOSED
    response = client.post(url("inspection-action", checked.pk, "follow-up"), {"planned_on": "2099-01-25"})
    follow = InspectionTask.objects.get(follow_up_of=checked)
    assert response["Location"] == url("inspection-detail", follow.pk) and follow.exemption == "recheck"


def test_the_department_cannot_hand_the_town_s_findings_on(cast, checked, client_for, audit_count):
    before = audit_count()
    assert (
        client_for(cast.responder).post(url("inspection-action", checked.pk, "findings")).status_code == 403
    )
    assert not Case.objects.exists() and audit_count() == before


# --- a department's invitations -----------------------------------------------------------------------------


def test_the_department_accepts_from_its_inbox_with_its_checklist(cast, setup, make_task, on_day, client_for):
    task = make_task()
    invitation = task_invite(actor=cast.officer_a, task=task, department=cast.department)
    client = client_for(cast.responder)
    assert 'data-testid="invitation-card"' not in client.get(url("inspection-invitations")).content.decode()
    task_publish(actor=cast.officer_a, task=task)  # 任务发布: the invitations go out
    page = client.get(url("inspection-invitations")).content.decode()
    assert 'data-testid="invitation-card"' in page and task.title in page
    response = client.post(
        url("inspection-invitation-answer", invitation.pk, "accept"),
        {f"i{invitation.pk}-template": setup.dept_template.pk},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == TaskInvitation.Status.ACCEPTED
    # the shared point appears once, asked for by both
    row = task.points.get(point=setup.p_sign)
    assert {u.pk for u in row.requested_by.all()} == {cast.town_a.pk, cast.department.pk}
    assert task.points.count() == 3


def test_declining_needs_a_reason_and_only_the_invited_department_answers(
    cast, setup, make_task, on_day, client_for, audit_count
):
    task = make_task()
    invitation = task_invite(actor=cast.officer_a, task=task, department=cast.department)
    before = audit_count()
    answer = url("inspection-invitation-answer", invitation.pk, "decline")
    assert client_for(cast.responder).post(answer, {f"d{invitation.pk}-reason": " "}).status_code == 400
    assert client_for(cast.officer_a).post(answer, {f"d{invitation.pk}-reason": "x"}).status_code == 404
    assert client_for(cast.officer_b).post(answer, {f"d{invitation.pk}-reason": "x"}).status_code == 404
    assert client_for(cast.officer_a).get(url("inspection-invitations")).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == TaskInvitation.Status.INVITED and audit_count() == before
    client_for(cast.responder).post(answer, {f"d{invitation.pk}-reason": "本月已安排专项检查"})
    invitation.refresh_from_db()
    assert invitation.status == TaskInvitation.Status.DECLINED and invitation.reason == "本月已安排专项检查"


# --- the business's page ------------------------------------------------------------------------------------


def test_the_business_page_lists_every_visit_and_opens_only_visible_inspections(
    cast, setup, on_site, client_for
):
    target = url("inspection-subject", setup.subject.pk)
    own = client_for(cast.officer_a).get(target).content.decode()
    assert own.count('data-testid="ledger-row"') == 1 and url("inspection-detail", on_site.pk) in own
    # the officer of town B sees that the business was visited (the ledger is the district's) but not the
    # inspection
    other = client_for(cast.officer_b).get(target).content.decode()
    assert other.count('data-testid="ledger-row"') == 1 and url("inspection-detail", on_site.pk) not in other
    assert client_for(None).get(target).status_code == 302
    from tests.factories import make_district

    elsewhere = make_district(code="T999", name_zh="别区")
    stranger = make_user(
        make_unit(elsewhere, "town", code="T999-A", name_zh="别街道"), ["officer"], username="far"
    )
    assert client_for(stranger).get(target).status_code == 404


def test_a_visit_outside_an_inspection_goes_on_the_ledger(cast, setup, on_day, client_for):
    target = url("inspection-subject", setup.subject.pk)
    data = {
        "purpose": "guidance",
        "visited_on": on_day.isoformat(),
        "town": cast.town_a.pk,
        "with_code": "on",
    }
    assert client_for(cast.officer_a).post(target, data).status_code == 302
    assert Visit.objects.get().purpose == "guidance"
    assert client_for(cast.officer_a).post(target, {**data, "visited_on": "2999-01-01"}).status_code == 400
    assert client_for(cast.reviewer_a).post(target, data).status_code == 403
    assert Visit.objects.count() == 1


# --- languages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", ["综合查一次", "合并检查表", "检查人员"]),
        ("en", ["Joint inspections", "Merged checklist", "Officers on the visit"]),
    ],
)
def test_the_pages_speak_the_user_s_language(cast, checked, client_for, language, expected):
    client = client_for(cast.officer_a)
    client.cookies["django_language"] = language
    pages = "".join(
        client.get(target).content.decode()
        for target in (
            url("inspection-board"),
            url("inspection-detail", checked.pk),
            url("inspection-checklist", checked.pk),
            url("inspection-subject", checked.subject_id),
        )
    )
    for text in expected:
        assert text in pages, text
    assert not AuditEvent.objects.filter(action="x").exists()


def test_the_home_page_shows_the_inspections_waiting(cast, joint, client_for):
    task_publish(actor=cast.officer_a, task=joint)
    head = client_for(cast.supervisor_a).get("/").content.decode()
    assert 'data-testid="panel-inspections"' in head and 'data-testid="panel-to-approve">1<' in head
    task_approve(actor=cast.supervisor_a, task=joint)
    officer = client_for(cast.officer_a).get("/").content.decode()
    assert joint.title in officer  # on the visit, approved: to make
    assert joint.title not in client_for(cast.officer_b).get("/").content.decode()


def test_the_figures_per_unit_with_csv(cast, checked, client_for):
    client = client_for(cast.supervisor_a)
    client.cookies["django_language"] = "en"
    page = client.get(url("inspection-report")).content.decode()
    assert page.count('data-testid="report-row"') == 2  # town A led, the market department joined
    assert 'data-testid="visits-saved">1<' in page
    day = checked.planned_on.isoformat()
    csv = client.get(url("inspection-report"), {"start": day, "end": day, "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Unit,visits made,of which joint") and lines[1].startswith(
        "District total,1,1,2.0,1"
    )
    assert client.get(url("inspection-report"), {"format": "xlsx"})["Content-Type"].startswith(
        "application/vnd"
    )
    assert (
        client.get(url("inspection-report"), {"start": "2026-13-01"}).status_code == 200
    )  # a bad date is ignored
    assert client_for(cast.officer_a).get(url("inspection-report")).status_code == 403
    assert client_for(None).get(url("inspection-report")).status_code == 302


def test_the_merge_proposal_is_accepted_from_the_kept_visit_s_page(
    cast, setup, make_task, day, client_for, audit_count
):
    kept = make_task(title="街道餐饮检查")
    joining = make_task(
        actor=cast.responder,
        lead_unit=cast.department,
        title="市场监管餐饮检查",
        planned_on=day - dt.timedelta(days=3),
        templates=[setup.dept_template],
    )
    page = client_for(cast.officer_a).get(url("inspection-detail", kept.pk)).content.decode()
    assert 'data-testid="merge-proposal"' in page and 'data-testid="merge-accept"' in page
    other = client_for(cast.responder).get(url("inspection-detail", joining.pk)).content.decode()
    assert 'data-testid="merge-proposal"' in other and 'data-testid="merge-accept"' not in other
    before = audit_count()
    # the department may not pull the town's plan into its own: the merge keeps the town's (the older one
    # here)
    refused = client_for(cast.responder).post(
        url("inspection-action", joining.pk, "merge"), {"joining": kept.pk}
    )
    assert refused.status_code == 400 and audit_count() == before
    assert InspectionTask.objects.get(pk=kept.pk).status == TaskStatus.DRAFT
    response = client_for(cast.officer_a).post(
        url("inspection-action", kept.pk, "merge"), {"joining": joining.pk}
    )
    assert response.status_code == 302
    joining.refresh_from_db()
    assert joining.status == TaskStatus.MERGED and joining.merged_into == kept
    assert kept.points.count() == 3 and kept.invitations.get().status == "accepted"


def test_a_unit_s_figures_count_each_joint_visit_once(cast, setup, checked):
    from inspections.selectors import inspection_figures

    other = make_unit(
        cast.district, "department", code="T500-EMG", name_zh="测试区应急管理局", domain="emergency"
    )
    TaskInvitation.objects.create(
        task=checked, department=other, status="declined", reason="另有安排", invited_by=cast.officer_a
    )
    town = inspection_figures(district=cast.district, unit=cast.town_a)
    market = inspection_figures(district=cast.district, unit=cast.department)
    assert (town.inspections, town.joint, town.departments_per_joint, town.visits_saved) == (1, 1, 2.0, 0)
    assert (market.inspections, market.joint, market.departments_per_joint, market.visits_saved) == (
        1,
        1,
        2.0,
        1,
    )
