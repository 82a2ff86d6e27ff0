"""Planning an inspection: the task, its checklist, the departments invited (部门邀约) and their answers, the
officers, publication, the unit head's approval of the plan, cancelling, and the plan merge."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement import clock
from enforcement.audit import audit_record
from enforcement.models import Subject, Unit, User
from enforcement.rules import require
from enforcement.workflow import InvalidTransition

from ..models import (
    ChecklistTemplate,
    CheckPoint,
    InspectionItem,
    InspectionTask,
    TaskInvitation,
    TaskOfficer,
    TaskPoint,
    TaskSource,
)
from ..rules import (
    can_answer_invitation,
    can_approve_task,
    can_edit_task,
    can_plan_task,
)
from ..selectors import merge_keeps
from ..sweeps import evaluate_plan_on_commit
from ..workflow import (
    APPROVE_AFTERWARDS_FROM,
    CHECKLIST_EDITABLE,
    INVITATION_OPEN,
    KIND_EXEMPTION,
    Action,
    Exemption,
    Scenario,
    TaskKind,
    TaskStatus,
    start_states,
)
from ._common import (
    MIN_OFFICERS,
    _add_template,
    _lock,
    _merge_points,
    _move,
    _no_checklist,
    _require_frequency,
    _require_officers,
    _require_on_list,
    _require_plan_holds,
    _snapshot,
    _text,
)

# --- tasks: planning ----------------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    actor: User,
    lead_unit: Unit,
    town: Unit,
    subject: Subject,
    kind: str,
    title: str,
    planned_on: dt.date,
    headcount: int = 2,
    scenario: str = "",
    exemption: str = "",
    exemption_ref: str = "",
    templates: Sequence[ChecklistTemplate] = (),
    items: Sequence[InspectionItem] = (),
    follow_up_of: InspectionTask | None = None,
) -> InspectionTask:
    """Plan an inspection of a subject with the lead unit's checklist(s) and/or whole items of the published
    list.
    A routine visit over the cap is refused with the reason and the visit already planned that it could join;
    an exempt one records its exemption."""
    require(can_plan_task(actor, lead_unit), _("Only officers of the leading unit plan its inspections."))
    if kind not in TaskKind.values:
        raise ValidationError({"kind": _("Choose an inspection type from the list.")})
    if exemption not in Exemption.values:
        raise ValidationError({"exemption": _("Choose an exemption from the list.")})
    if scenario and scenario not in Scenario.values:
        raise ValidationError({"scenario": _("Choose a scenario from the list.")})
    if town.kind != Unit.Kind.TOWN or town.district_id != lead_unit.district_id:
        raise ValidationError({"town": _("Choose a town of the district.")})
    if subject.district_id != lead_unit.district_id:
        raise ValidationError({"subject": _("The subject is not in this district's registry.")})
    if not isinstance(headcount, int) or headcount < MIN_OFFICERS or headcount > 50:
        raise ValidationError(
            {"headcount": _("A visit takes at least two officers (and at most 50 people).")}
        )
    exemption = exemption or KIND_EXEMPTION.get(kind, "")
    exemption_ref = _text(
        exemption_ref, "exemption_ref", required=bool(exemption) and follow_up_of is None, max_length=200
    )
    task = InspectionTask.objects.create(
        district_id=lead_unit.district_id,
        town=town,
        lead_unit=lead_unit,
        kind=kind,
        exemption=exemption,
        exemption_ref=exemption_ref or (f"inspection:{follow_up_of.pk}" if follow_up_of else ""),
        subject=subject,
        scenario=scenario,
        title=_text(title, "title", max_length=200),
        planned_on=planned_on,
        headcount=headcount,
        follow_up_of=follow_up_of,
        created_by=actor,
        created_at=clock.now(),
    )
    for template in templates:
        _add_template(task, lead_unit, template, actor)
    if items:
        _add_items(task, lead_unit, items)
    if kind != TaskKind.IMMEDIATE:
        _require_frequency(task, planned_on)
    audit_record(
        actor=actor,
        action="inspections.task.create",
        obj=task,
        town=town,
        after={
            **_snapshot(task),
            "exemption_ref": task.exemption_ref,
            "templates": [t.pk for t in templates],
            "items": [i.pk for i in items],
        },
    )
    evaluate_plan_on_commit(task.subject_id)
    return task


def _add_items(task: InspectionTask, unit: Unit, items: Sequence[InspectionItem]) -> list[TaskPoint]:
    """Every check point of the chosen items, which must be on the list in force on the planned day."""
    unique = list({i.pk: i for i in items}.values())
    if any(i.inspection_list.district_id != task.district_id for i in unique):
        raise ValidationError({"items": _("Choose items of the district's inspection-item list.")})
    points = list(
        CheckPoint.objects.filter(item__in=unique)
        .select_related("item", "enforcement_item")
        .order_by("item__code", "code")
    )
    _require_on_list(task, points, task.planned_on)
    return _merge_points(task, unit, points)


def _lock_checklist(actor: User, task: InspectionTask) -> InspectionTask:
    """The task locked for a change of its checklist: by the lead unit, before the plan is approved."""
    locked = _lock(task)
    require(can_edit_task(actor, locked), _("Only officers of the leading unit change this inspection."))
    if locked.status not in CHECKLIST_EDITABLE:
        raise InvalidTransition(_("The checklist is fixed once the plan is approved."))
    return locked


@transaction.atomic
def task_items_add(*, actor: User, task: InspectionTask, items: Sequence[InspectionItem]) -> InspectionTask:
    """The lead unit adds whole items of the published list (清单之外无检查), merged point by point."""
    locked = _lock_checklist(actor, task)
    if not items:
        raise ValidationError({"items": _("Choose at least one inspection item.")})
    rows = _add_items(locked, locked.lead_unit, items)
    if locked.kind != TaskKind.IMMEDIATE:
        _require_frequency(locked, locked.planned_on)  # a high-risk item brings the high-risk cap
    locked.version += 1
    locked.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action="inspections.task.items_add",
        obj=locked,
        town=locked.town,
        after={"items": [i.code for i in items], "points": len(rows)},
    )
    return locked


@transaction.atomic
def task_template_add(*, actor: User, task: InspectionTask, template: ChecklistTemplate) -> InspectionTask:
    """The lead unit adds another of its checklists (merged point by point into the task's)."""
    locked = _lock_checklist(actor, task)
    rows = _add_template(locked, locked.lead_unit, template, actor)
    locked.version += 1
    locked.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action="inspections.task.template_add",
        obj=locked,
        town=locked.town,
        after={"template": template.pk, "points": len(rows)},
    )
    return locked


@transaction.atomic
def task_invite(*, actor: User, task: InspectionTask, department: Unit) -> TaskInvitation:
    locked = _lock(task)
    require(can_edit_task(actor, locked), _("Only officers of the leading unit invite departments."))
    if locked.status not in CHECKLIST_EDITABLE:
        raise InvalidTransition(_("Departments are invited before the plan is approved."))
    if (
        department.kind != Unit.Kind.DEPARTMENT
        or department.district_id != locked.district_id
        or department.pk == locked.lead_unit_id
    ):
        raise ValidationError(
            {"department": _("%(unit)s is not another department of this district.") % {"unit": department}}
        )
    if locked.invitations.filter(department=department).exists():
        raise ValidationError({"department": _("%(unit)s is already invited.") % {"unit": department}})
    invitation = TaskInvitation.objects.create(
        task=locked, department=department, invited_by=actor, invited_at=clock.now()
    )
    locked.version += 1
    locked.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action="inspections.task.invite",
        obj=locked,
        town=locked.town,
        after={"department": department.code},
    )
    return invitation


def _lock_invitation(invitation: TaskInvitation) -> tuple[TaskInvitation, InspectionTask]:
    task = _lock(invitation.task)
    return TaskInvitation.objects.select_for_update().select_related("department").get(pk=invitation.pk), task


@transaction.atomic
def invitation_accept(
    *, actor: User, invitation: TaskInvitation, template: ChecklistTemplate | None = None
) -> TaskInvitation:
    """The department joins the visit; its checklist is merged into the task's point by point."""
    locked, task = _lock_invitation(invitation)
    require(can_answer_invitation(actor, locked), _("Only the invited department answers this invitation."))
    if locked.status != TaskInvitation.Status.INVITED or task.status not in CHECKLIST_EDITABLE:
        raise InvalidTransition(_("This invitation is no longer open."))
    rows = _add_template(task, locked.department, template, actor) if template is not None else []
    locked.status, locked.template = TaskInvitation.Status.ACCEPTED, template
    locked.responded_by, locked.responded_at = actor, clock.now()
    locked.save(update_fields=["status", "template", "responded_by", "responded_at"])
    if task.kind != TaskKind.IMMEDIATE:
        _require_frequency(task, task.planned_on, [locked.department_id])
    task.version += 1
    task.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action="inspections.invitation.accept",
        obj=task,
        town=task.town,
        after={
            "department": locked.department.code,
            "template": template.pk if template else None,
            "points": len(rows),
        },
    )
    return locked


@transaction.atomic
def invitation_decline(*, actor: User, invitation: TaskInvitation, reason: str) -> TaskInvitation:
    locked, task = _lock_invitation(invitation)
    require(can_answer_invitation(actor, locked), _("Only the invited department answers this invitation."))
    if (
        locked.status != TaskInvitation.Status.INVITED
        or task.status not in INVITATION_OPEN | CHECKLIST_EDITABLE
    ):
        raise InvalidTransition(_("This invitation is no longer open."))
    locked.reason = _text(reason, "reason", max_length=1000)
    locked.status = TaskInvitation.Status.DECLINED
    locked.responded_by, locked.responded_at = actor, clock.now()
    locked.save(update_fields=["status", "reason", "responded_by", "responded_at"])
    task.version += 1
    task.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action="inspections.invitation.decline",
        obj=task,
        town=task.town,
        after={"department": locked.department.code, "reason": locked.reason},
    )
    return locked


@transaction.atomic
def task_officers_set(*, actor: User, task: InspectionTask, officers: Sequence[User]) -> InspectionTask:
    locked = _lock(task)
    require(can_edit_task(actor, locked), _("Only officers of the leading unit change this inspection."))
    if locked.status not in CHECKLIST_EDITABLE | {TaskStatus.APPROVED}:
        raise InvalidTransition(_("The officers are fixed once the visit has started."))
    chosen = _require_officers(locked, officers, locked.planned_on)
    locked.officers.all().delete()
    rows = []
    for officer, number in chosen:
        assert officer.unit is not None  # an officer who may act belongs to a unit
        rows.append(TaskOfficer(task=locked, officer=officer, unit=officer.unit, certificate_number=number))
    TaskOfficer.objects.bulk_create(rows)
    locked.version += 1
    locked.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action="inspections.task.officers",
        obj=locked,
        town=locked.town,
        after={"officers": [[o.pk, n] for o, n in chosen]},
    )
    return locked


@transaction.atomic
def task_publish(*, actor: User, task: InspectionTask, version: int | None = None) -> InspectionTask:
    """任务发布: the invitations go out."""
    locked = _lock(task, version)
    require(can_edit_task(actor, locked), _("Only officers of the leading unit publish this inspection."))
    if not locked.points.exists():
        raise _no_checklist()
    before = _move(locked, Action.PUBLISH)
    audit_record(
        actor=actor,
        action="inspections.task.publish",
        obj=locked,
        town=locked.town,
        before={"status": before},
        after={"status": locked.status},
    )
    return locked


@transaction.atomic
def task_approve(
    *, actor: User, task: InspectionTask, reason: str = "", version: int | None = None
) -> InspectionTask:
    """检查方案 approved by the unit head, before entry (art 17). For an on-the-spot visit the approval is
    recorded afterwards, with the reason for the emergency. An approved task gets its inspection code (执法
    码)."""
    locked = _lock(task, version)
    require(
        can_approve_task(actor, locked), _("Only the head of the leading unit approves the inspection plan.")
    )
    if locked.approved_at is not None:
        raise InvalidTransition(_("The plan is already approved."))
    fields = ["approved_by", "approved_at", "code"]
    if locked.kind == TaskKind.IMMEDIATE and locked.status in APPROVE_AFTERWARDS_FROM:
        locked.approval_reason = _text(reason, "reason", max_length=2000)
        locked.approved_afterwards = True
        fields += ["approval_reason", "approved_afterwards"]
        before = locked.status
        locked.version += 1
        fields.append("version")
    else:
        if locked.status != TaskStatus.PUBLISHED:
            raise InvalidTransition(_("Publish the inspection before approving its plan."))
        _require_plan_holds(locked, locked.planned_on)
        before = locked.status
        locked.status = TaskStatus.APPROVED
        locked.version += 1
        fields += ["status", "version"]
    locked.approved_by, locked.approved_at = actor, clock.now()
    locked.code = secrets.token_urlsafe(32)
    locked.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="inspections.task.approve",
        obj=locked,
        town=locked.town,
        before={"status": before},
        after={
            "status": locked.status,
            "afterwards": locked.approved_afterwards,
            "reason": locked.approval_reason,
        },
    )
    return locked


@transaction.atomic
def task_cancel(*, actor: User, task: InspectionTask, reason: str) -> InspectionTask:
    locked = _lock(task)
    require(can_edit_task(actor, locked), _("Only officers of the leading unit cancel this inspection."))
    locked.cancel_reason = _text(reason, "reason", max_length=2000)
    before = _move(locked, Action.CANCEL, extra=["cancel_reason"])
    audit_record(
        actor=actor,
        action="inspections.task.cancel",
        obj=locked,
        town=locked.town,
        before={"status": before},
        after={"status": locked.status, "reason": locked.cancel_reason},
    )
    return locked


# --- the plan merge -----------------------------------------------------------------------------------------


@transaction.atomic
def task_merge(*, actor: User, joining: InspectionTask, keep: InspectionTask) -> InspectionTask:
    """The lead of `keep` accepts the proposal: `joining` ends as merged and its unit takes part in `keep` (an
    accepted invitation), bringing its checklists, merged point by point."""
    first, second = sorted(
        [joining, keep], key=lambda t: t.pk
    )  # one lock order, so two merges cannot deadlock
    locks = {t.pk: _lock(t) for t in (first, second)}
    source, target = locks[joining.pk], locks[keep.pk]
    require(can_edit_task(actor, target), _("Only the lead of the visit that is kept accepts the merge."))
    if source.pk == target.pk or source.subject_id != target.subject_id:
        raise ValidationError(_("Only two inspections of the same subject can be merged."))
    if target.status not in CHECKLIST_EDITABLE:
        raise InvalidTransition(_("The visit that is kept must not be approved yet: its checklist changes."))
    if source.status not in start_states(Action.MERGE, source.kind):
        raise InvalidTransition(_("This inspection can no longer join another visit."))
    if not merge_keeps(target, source):
        # the low-frequency check joins the high-frequency one, never the other way round (nor a stranger's
        # plan)
        raise ValidationError(
            _("The merge does not propose that “%(joining)s” join “%(keep)s”.")
            % {"joining": source.title, "keep": target.title}
        )
    before = source.status
    unit = source.lead_unit
    points = [r.point for r in source.points.select_related("point__item")]
    _require_on_list(target, points, target.planned_on)
    invitation, _created = TaskInvitation.objects.get_or_create(
        task=target, department=unit, defaults={"invited_by": actor, "invited_at": clock.now()}
    )
    invitation.status, invitation.responded_by, invitation.responded_at = (
        TaskInvitation.Status.ACCEPTED,
        actor,
        clock.now(),
    )
    invitation.save(update_fields=["status", "responded_by", "responded_at"])
    for src in source.sources.all():
        TaskSource.objects.get_or_create(task=target, unit=unit, template_id=src.template_id)
    moved = len(_merge_points(target, unit, points))
    source.status, source.merged_into = TaskStatus.MERGED, target
    source.version += 1
    source.save(update_fields=["status", "merged_into", "version"])
    target.version += 1
    target.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action="inspections.task.merge",
        obj=source,
        town=source.town,
        before={"status": before},
        after={"status": source.status, "merged_into": target.pk},
    )
    audit_record(
        actor=actor,
        action="inspections.task.merge_in",
        obj=target,
        town=target.town,
        after={"joined": source.pk, "unit": unit.code, "points": moved},
    )
    return target
