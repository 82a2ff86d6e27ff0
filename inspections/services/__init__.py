"""Every write for inspections: `<noun>_<verb>(*, actor, ...)`, atomic, audited, state changes under a row
lock.

Raises PermissionDenied (the actor may not), ValidationError (the law or the data refuses, with the reason),
InvalidTransition (not from this status) or StaleObject (someone else changed the task first).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from authority.models import EnforcementItem
from authority.selectors import who_enforces
from enforcement import clock
from enforcement.audit import audit_record
from enforcement.calendar import add_working_days
from enforcement.models import District, Subject, Unit, User
from enforcement.officers import officer_may_act
from enforcement.rules import is_district_admin_of, require
from enforcement.services import normalise_identifier
from enforcement.uploads import Photo, photo_taken_at, reencode_photo, safe_filename
from enforcement.workflow import InvalidTransition, StaleObject

from ..models import (
    ChecklistTemplate,
    CheckPoint,
    FrequencyPolicy,
    InspectionItem,
    InspectionList,
    InspectionTask,
    PointPhoto,
    TaskInvitation,
    TaskOfficer,
    TaskPoint,
    TaskSource,
    TemplatePoint,
    Visit,
    WhiteListEntry,
)
from ..rules import (
    can_answer_invitation,
    can_approve_task,
    can_edit_task,
    can_handle_findings,
    can_manage_inspection_lists,
    can_manage_template,
    can_plan_task,
    can_record_results,
)
from ..selectors import frequency_check, frequency_policy_for, merge_keeps, participants, points_off_list
from ..workflow import (
    APPROVE_AFTERWARDS_FROM,
    CHECKLIST_EDITABLE,
    INVITATION_OPEN,
    KIND_EXEMPTION,
    Action,
    Exemption,
    PointResult,
    Scenario,
    TaskKind,
    TaskStatus,
    start_states,
    workflow_for,
)

MIN_OFFICERS = 2
MAX_PHOTOS_PER_ANSWER = 9


def _text(value: Any, field: str, *, required: bool = True, max_length: int | None = None) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if max_length is not None and len(text) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return text


# --- the inspection-item list -------------------------------------------------------------------------------


@transaction.atomic
def inspection_list_create(
    *, actor: User, district: District, title: str, document_number: str = ""
) -> InspectionList:
    require(
        can_manage_inspection_lists(actor, district),
        _("Only the district administrator keeps the inspection-item list."),
    )
    listing = InspectionList.objects.create(
        district=district,
        title=_text(title, "title", max_length=200),
        document_number=_text(document_number, "document_number", required=False, max_length=120),
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(actor=actor, action="inspections.list.create", obj=listing, after={"title": listing.title})
    return listing


def _require_draft_list(listing: InspectionList) -> None:
    if listing.published_on is not None:
        raise ValidationError(_("A published list is not changed; publish a new list instead."))


@transaction.atomic
def inspection_item_add(
    *,
    actor: User,
    inspection_list: InspectionList,
    code: str,
    name_zh: str,
    legal_basis: str,
    name_en: str = "",
    inspecting_unit: Unit | None = None,
    high_risk: bool = False,
    method: str = InspectionItem.Method.ON_SITE,
    enterprise_related: bool = True,
) -> InspectionItem:
    require(
        can_manage_inspection_lists(actor, inspection_list.district_id),
        _("Only the district administrator keeps the inspection-item list."),
    )
    listing = InspectionList.objects.select_for_update().get(pk=inspection_list.pk)
    _require_draft_list(listing)
    if inspecting_unit is not None and inspecting_unit.district_id != listing.district_id:
        raise ValidationError({"inspecting_unit": _("The inspecting body must be a unit of this district.")})
    if method not in InspectionItem.Method.values:
        raise ValidationError({"method": _("Choose a method from the list.")})
    code = _text(code, "code", max_length=40)
    if listing.items.filter(code=code).exists():
        raise ValidationError(
            {"code": _("The list already has an item with code %(code)s.") % {"code": code}}
        )
    item = InspectionItem.objects.create(
        inspection_list=listing,
        code=code,
        name_zh=_text(name_zh, "name_zh", max_length=300),
        name_en=_text(name_en, "name_en", required=False, max_length=300),
        legal_basis=_text(legal_basis, "legal_basis"),
        inspecting_unit=inspecting_unit,
        high_risk=high_risk,
        method=method,
        enterprise_related=enterprise_related,
    )
    audit_record(
        actor=actor,
        action="inspections.item.add",
        obj=item,
        after={"list": listing.pk, "code": code, "high_risk": high_risk},
    )
    return item


@transaction.atomic
def check_point_add(
    *,
    actor: User,
    item: InspectionItem,
    code: str,
    text_zh: str,
    enforcement_item: EnforcementItem | None,
    legal_basis: str = "",
    text_en: str = "",
    note_on_fail: bool = True,
    photo_on_fail: bool = False,
) -> CheckPoint:
    listing = InspectionList.objects.select_for_update().get(pk=item.inspection_list_id)
    require(
        can_manage_inspection_lists(actor, listing.district_id),
        _("Only the district administrator keeps the inspection-item list."),
    )
    _require_draft_list(listing)
    if enforcement_item is None or enforcement_item.district_id != listing.district_id:
        raise ValidationError(
            {"enforcement_item": _("A check point names an enforcement item of the district's catalog.")}
        )
    code = _text(code, "code", max_length=40)
    if item.points.filter(code=code).exists():
        raise ValidationError(
            {"code": _("The item already has a check point with code %(code)s.") % {"code": code}}
        )
    point = CheckPoint.objects.create(
        item=item,
        code=code,
        text_zh=_text(text_zh, "text_zh", max_length=500),
        text_en=_text(text_en, "text_en", required=False, max_length=500),
        enforcement_item=enforcement_item,
        legal_basis=_text(legal_basis, "legal_basis", required=False)
        or enforcement_item.legal_basis
        or item.legal_basis,
        note_on_fail=note_on_fail,
        photo_on_fail=photo_on_fail,
    )
    audit_record(
        actor=actor,
        action="inspections.point.add",
        obj=point,
        after={"item": item.code, "code": code, "enforcement_item": enforcement_item.code},
    )
    return point


@transaction.atomic
def inspection_list_publish(*, actor: User, inspection_list: InspectionList, on: dt.date) -> InspectionList:
    """Publish the list from `on`; the district's earlier list in force is withdrawn from the same day."""
    listing = InspectionList.objects.select_for_update().get(pk=inspection_list.pk)
    require(
        can_manage_inspection_lists(actor, listing.district_id),
        _("Only the district administrator keeps the inspection-item list."),
    )
    _require_draft_list(listing)
    items = list(listing.items.all())
    if not items:
        raise ValidationError(_("An empty list cannot be published."))
    empty = [i.code for i in items if not i.points.exists()]
    if empty:
        raise ValidationError(_("These items have no check points: %(codes)s.") % {"codes": ", ".join(empty)})
    earlier = (
        InspectionList.objects.select_for_update()
        .filter(district_id=listing.district_id, published_on__lt=on, withdrawn_on__isnull=True)
        .exclude(pk=listing.pk)
    )
    for old in earlier:
        old.withdrawn_on = on
        old.save(update_fields=["withdrawn_on"])
        audit_record(
            actor=actor,
            action="inspections.list.withdraw",
            obj=old,
            after={"withdrawn_on": on.isoformat(), "replaced_by": listing.pk},
        )
    listing.published_on = on
    listing.save(update_fields=["published_on"])
    audit_record(
        actor=actor,
        action="inspections.list.publish",
        obj=listing,
        after={"published_on": on.isoformat(), "items": len(items)},
    )
    return listing


# --- checklist templates ------------------------------------------------------------------------------------


@transaction.atomic
def template_create(
    *, actor: User, unit: Unit, scenario: str, name: str, points: Sequence[CheckPoint]
) -> ChecklistTemplate:
    """A new draft version of the unit's checklist for the scenario (the previous versions stay as they
    were)."""
    require(
        can_manage_template(actor, unit), _("Only the unit's supervisor or responder keeps its checklists.")
    )
    if scenario not in Scenario.values:
        raise ValidationError({"scenario": _("Choose a scenario from the list.")})
    unique = list({p.pk: p for p in points}.values())
    if not unique:
        raise ValidationError({"points": _("A checklist needs at least one check point.")})
    if any(p.item.inspection_list.district_id != unit.district_id for p in unique):
        raise ValidationError(
            {"points": _("Every check point must come from the district's inspection-item list.")}
        )
    Unit.objects.select_for_update().get(pk=unit.pk)  # serialises version numbers per unit
    latest = (
        ChecklistTemplate.objects.filter(unit=unit, scenario=scenario).aggregate(v=Max("version"))["v"] or 0
    )
    template = ChecklistTemplate.objects.create(
        unit=unit,
        scenario=scenario,
        name=_text(name, "name", max_length=200),
        version=latest + 1,
        created_by=actor,
        created_at=clock.now(),
    )
    TemplatePoint.objects.bulk_create(
        [TemplatePoint(template=template, point=p, position=i) for i, p in enumerate(unique)]
    )
    audit_record(
        actor=actor,
        action="inspections.template.create",
        obj=template,
        after={
            "unit": unit.code,
            "scenario": scenario,
            "version": template.version,
            "points": [p.pk for p in unique],
        },
    )
    return template


@transaction.atomic
def template_activate(*, actor: User, template: ChecklistTemplate) -> ChecklistTemplate:
    locked = ChecklistTemplate.objects.select_for_update().select_related("unit").get(pk=template.pk)
    require(
        can_manage_template(actor, locked.unit),
        _("Only the unit's supervisor or responder keeps its checklists."),
    )
    if locked.status != ChecklistTemplate.Status.DRAFT:
        raise ValidationError(_("Only a draft version can be put in use."))
    ChecklistTemplate.objects.filter(
        unit=locked.unit, scenario=locked.scenario, status=ChecklistTemplate.Status.ACTIVE
    ).update(status=ChecklistTemplate.Status.RETIRED)
    locked.status = ChecklistTemplate.Status.ACTIVE
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor, action="inspections.template.activate", obj=locked, after={"version": locked.version}
    )
    return locked


# --- frequency policy and white list ------------------------------------------------------------------------

POLICY_FIELDS = (
    "routine_per_year",
    "high_risk_per_year",
    "high_risk_min_days",
    "quiet_first_day",
    "quiet_last_day",
    "no_code_filing_working_days",
    "immediate_warn_at",
)


@transaction.atomic
def frequency_policy_set(*, actor: User, district: District, values: dict[str, int]) -> FrequencyPolicy:
    require(
        is_district_admin_of(actor, district.pk),
        _("Only the district administrator sets the frequency caps."),
    )
    policy = FrequencyPolicy.objects.select_for_update().filter(district=district).first() or FrequencyPolicy(
        district=district
    )
    before = {f: getattr(policy, f) for f in POLICY_FIELDS}
    for name, value in values.items():
        if name not in POLICY_FIELDS:
            raise ValidationError({name: _("Unknown setting.")})
        if not isinstance(value, int) or value < 0 or value > 366:
            raise ValidationError({name: _("Enter a whole number from 0 to 366.")})
        setattr(policy, name, value)
    if not 1 <= policy.quiet_first_day <= 31 or policy.quiet_last_day > 31:
        raise ValidationError({"quiet_first_day": _("Quiet days are days of the month, 1 to 31.")})
    policy.updated_by, policy.updated_at = actor, clock.now()
    policy.save()
    audit_record(
        actor=actor,
        action="inspections.frequency_policy.set",
        obj=policy,
        before=before,
        after={f: getattr(policy, f) for f in POLICY_FIELDS},
    )
    return policy


@transaction.atomic
def whitelist_add(
    *, actor: User, subject: Subject, valid_from: dt.date, valid_to: dt.date, basis: str
) -> WhiteListEntry:
    require(
        is_district_admin_of(actor, subject.district_id),
        _("Only the district administrator keeps the white list."),
    )
    if valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end is before the start.")})
    entry = WhiteListEntry.objects.create(
        district_id=subject.district_id,
        subject=subject,
        valid_from=valid_from,
        valid_to=valid_to,
        basis=_text(basis, "basis", max_length=300),
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="inspections.whitelist.add",
        obj=entry,
        after={
            "subject": subject.pk,
            "from": valid_from.isoformat(),
            "to": valid_to.isoformat(),
            "basis": entry.basis,
        },
    )
    return entry


# --- tasks: helpers -----------------------------------------------------------------------------------------


def _lock(task: InspectionTask, version: int | None = None) -> InspectionTask:
    locked = (
        InspectionTask.objects.select_for_update()
        .select_related("lead_unit", "town", "subject")
        .get(pk=task.pk)
    )
    if version is not None and version != locked.version:
        raise StaleObject(
            _("Someone else changed this inspection after you opened it. Look at it again before acting.")
        )
    return locked


def _move(task: InspectionTask, action: Action, *, extra: Iterable[str] = ()) -> str:
    """Check the transition and save the new status with the given fields (the task is locked)."""
    before = task.status
    target = workflow_for(task.kind).check_transition(before, action).target
    task.status = target or before  # every action of an inspection moves it (None: one that only records)
    task.version += 1
    task.save(update_fields=["status", "version", *extra])
    return before


def _snapshot(task: InspectionTask) -> dict[str, Any]:
    return {
        "status": task.status,
        "kind": task.kind,
        "exemption": task.exemption,
        "planned_on": task.planned_on.isoformat(),
        "lead_unit": task.lead_unit_id,
        "subject": task.subject_id,
        "headcount": task.headcount,
    }


def _high_risk(task: InspectionTask) -> bool:
    return task.points.filter(point__item__high_risk=True).exists()


def _require_frequency(task: InspectionTask, on: dt.date, bodies: Sequence[int] | None = None) -> str:
    # Two plans for one business at the same moment would each count the other's absence: the subject's row
    # lock makes the second wait until the first is committed, and then count it.
    Subject.objects.select_for_update().get(pk=task.subject_id)
    verdict = frequency_check(
        subject=task.subject,
        body_ids=bodies or participants(task),
        kind=task.kind,
        exemption=task.exemption,
        on=on,
        high_risk=_high_risk(task),
        exclude=task.pk,
    )
    if not verdict.ok:
        raise ValidationError({"planned_on": [verdict.message()]})
    return verdict.exemption


def _require_on_list(task: InspectionTask, points: Iterable[CheckPoint], on: dt.date) -> None:
    off = points_off_list(points, task.district_id, on)
    if off:
        raise ValidationError(
            {
                "points": [
                    _(
                        "Not on the inspection-item list published and in force on %(date)s, so "
                        "not to be inspected: %(points)s."
                    )
                    % {"date": on, "points": "; ".join(f"{p.item.code} {p.code}" for p in off)}
                ]
            }
        )


def _set_holder(row: TaskPoint, town: Unit, on: dt.date, memo: dict[int, Any] | None = None) -> None:
    """The body holding the point's enforcement item in the town on the day (points share items: `memo` asks
    once)."""
    item_id = row.point.enforcement_item_id
    holder = memo.get(item_id) if memo is not None else None
    if holder is None:
        holder = who_enforces(row.point.enforcement_item, town, on)
        if memo is not None:
            memo[item_id] = holder
    row.holder_town = holder.town if holder.town_holds else None
    row.holder_department = None if holder.town_holds else holder.department
    row.holder_kind = holder.kind


def _merge_points(
    task: InspectionTask, unit: Unit, points: Iterable[CheckPoint], *, ad_hoc: bool = False
) -> list[TaskPoint]:
    """The merge at the level of the check point: a point already on the task gains the unit among those that
    asked for it; a new one becomes a row with the body holding its enforcement item on the planned date."""
    points = list(points)
    rows = []
    memo: dict[int, Any] = {}
    existing = {r.point_id: r for r in TaskPoint.objects.filter(task=task, point__in=points)}
    for point in points:
        row = existing.get(point.pk)
        if row is None:
            row = TaskPoint(task=task, point=point, ad_hoc=ad_hoc)
            _set_holder(row, task.town, task.planned_on, memo)
            row.save()
            existing[point.pk] = row
        row.requested_by.add(unit)
        rows.append(row)
    return rows


def _template_points(template: ChecklistTemplate) -> list[CheckPoint]:
    return [
        r.point
        for r in template.rows.select_related("point__item__inspection_list", "point__enforcement_item")
    ]


def _add_template(
    task: InspectionTask, unit: Unit, template: ChecklistTemplate, actor: User
) -> list[TaskPoint]:
    template = ChecklistTemplate.objects.get(
        pk=template.pk
    )  # the status as it is now, not as the caller saw it
    if template.unit_id != unit.pk:
        raise ValidationError({"template": _("A unit brings its own checklist.")})
    if template.status == ChecklistTemplate.Status.DRAFT:
        raise ValidationError({"template": _("This checklist version is a draft; put it in use first.")})
    points = _template_points(template)
    _require_on_list(task, points, task.planned_on)
    TaskSource.objects.get_or_create(task=task, unit=unit, template=template)
    return _merge_points(task, unit, points)


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


@transaction.atomic
def task_items_add(*, actor: User, task: InspectionTask, items: Sequence[InspectionItem]) -> InspectionTask:
    """The lead unit adds whole items of the published list (清单之外无检查), merged point by point."""
    locked = _lock(task)
    require(can_edit_task(actor, locked), _("Only officers of the leading unit change this inspection."))
    if locked.status not in CHECKLIST_EDITABLE:
        raise InvalidTransition(_("The checklist is fixed once the plan is approved."))
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
    locked = _lock(task)
    require(can_edit_task(actor, locked), _("Only officers of the leading unit change this inspection."))
    if locked.status not in CHECKLIST_EDITABLE:
        raise InvalidTransition(_("The checklist is fixed once the plan is approved."))
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


def _require_officers(task: InspectionTask, officers: Sequence[User], on: dt.date) -> list[tuple[User, str]]:
    unique = list({o.pk: o for o in officers}.values())
    if len(unique) < MIN_OFFICERS:
        raise ValidationError(
            {"officers": [_("At least two officers with valid certificates go on a visit.")]}
        )
    if len(unique) > task.headcount:
        raise ValidationError(
            {"officers": [_("The plan fixes %(n)s people for this visit.") % {"n": task.headcount}]}
        )
    bodies = set(participants(task))
    out = []
    for officer in unique:
        in_body = officer.unit_id in bodies or (
            task.lead_unit.is_town and officer_may_act(officer, on, town=task.lead_unit).ok
        )
        if not in_body:
            raise ValidationError(
                {
                    "officers": [
                        _("%(name)s is not in a unit taking part in this inspection.") % {"name": officer}
                    ]
                }
            )
        eligible = officer_may_act(officer, on)
        if not eligible:
            raise ValidationError({"officers": [eligible.reason]})
        assert eligible.certificate is not None
        out.append((officer, eligible.certificate.number))
    return out


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
        raise ValidationError({"points": [_("An inspection needs a checklist from the published list.")]})
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
        if locked.officers.count() < MIN_OFFICERS:
            raise ValidationError(
                {"officers": [_("At least two officers with valid certificates go on a visit.")]}
            )
        _require_officers(
            locked, [o.officer for o in locked.officers.select_related("officer")], locked.planned_on
        )
        _require_on_list(
            locked, [r.point for r in locked.points.select_related("point__item")], locked.planned_on
        )
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


# --- on site ------------------------------------------------------------------------------------------------


@transaction.atomic
def task_enter(
    *,
    actor: User,
    task: InspectionTask,
    with_code: bool = True,
    no_code_reason: str = "",
    identifier_seen: str = "",
    version: int | None = None,
    visited_on: dt.date | None = None,
) -> Visit:
    """现场检查 begins: the plan must be approved (an on-the-spot visit records its approval afterwards), at
    least two officers hold valid certificates today, every point is on the list in force today, the cap still
    holds. The visit goes on the subject's ledger; without the code it needs a reason and is filed within the
    working days set."""
    locked = _lock(task, version)
    require(can_record_results(actor, locked), _("Only an officer on this inspection records the visit."))
    today = clock.today()
    policy = frequency_policy_for(locked.district_id)
    if visited_on is not None and visited_on != today:
        # Filed afterwards (no network, an emergency): only a visit without a code, within the working days
        # set.
        if with_code or visited_on > today:
            raise ValidationError(
                {"visited_on": [_("Only a visit without a code is filed afterwards, and never ahead.")]}
            )
        due = add_working_days(visited_on, policy.no_code_filing_working_days)
        if today > due:
            raise ValidationError(
                {
                    "visited_on": [
                        _("A visit without a code is filed within %(n)s working days (by %(date)s).")
                        % {"n": policy.no_code_filing_working_days, "date": due}
                    ]
                }
            )
        today = visited_on
    if locked.status not in start_states(Action.ENTER, locked.kind):
        if locked.status in {TaskStatus.DRAFT, TaskStatus.PUBLISHED}:
            raise InvalidTransition(
                _("No entry before the inspection plan is approved (an on-the-spot visit excepted).")
            )
        raise InvalidTransition(_("This inspection has already started or ended."))
    _require_officers(locked, [o.officer for o in locked.officers.select_related("officer")], today)
    rows = list(locked.points.select_related("point__item", "point__enforcement_item"))
    if not rows:
        raise ValidationError({"points": [_("An inspection needs a checklist from the published list.")]})
    _require_on_list(locked, [r.point for r in rows], today)
    if locked.kind != TaskKind.IMMEDIATE:
        _require_frequency(locked, today)
    if with_code and not locked.code:
        raise ValidationError(
            {"with_code": [_("This inspection has no code yet: record why the visit is made without one.")]}
        )
    reason = _text(no_code_reason, "no_code_reason", required=not with_code, max_length=1000)
    seen = normalise_identifier(_text(identifier_seen, "identifier_seen", required=False, max_length=32))
    if seen and locked.subject.identifier and seen != locked.subject.identifier:
        # the two-way handshake: the business's own code must be the subject the plan names
        raise ValidationError(
            {
                "identifier_seen": [
                    _("The credit code recorded on site does not match %(subject)s.")
                    % {"subject": locked.subject}
                ]
            }
        )
    memo: dict[int, Any] = {}
    for row in rows:  # the power is held on the day of the visit, which may differ from the planned day
        _set_holder(row, locked.town, today, memo)
        row.save(update_fields=["holder_town", "holder_department", "holder_kind"])
    locked.entered_at = (
        clock.now()
        if today == clock.today()
        else timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    )
    before = _move(locked, Action.ENTER, extra=["entered_at"])
    visit = Visit.objects.create(
        district_id=locked.district_id,
        subject=locked.subject,
        unit=locked.lead_unit,
        town=locked.town,
        task=locked,
        visited_on=today,
        with_code=with_code,
        no_code_reason=reason if not with_code else "",
        file_due=None if with_code else add_working_days(today, policy.no_code_filing_working_days),
        subject_identifier_seen=seen,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    if locked.kind == TaskKind.IMMEDIATE:
        _warn_frequent_immediate(locked, visit, policy)
    audit_record(
        actor=actor,
        action="inspections.task.enter",
        obj=locked,
        town=locked.town,
        before={"status": before},
        after={
            "status": locked.status,
            "visit": visit.pk,
            "with_code": with_code,
            "reason": visit.no_code_reason,
            "exemption": locked.exemption,
        },
    )
    return visit


FREQUENT_IMMEDIATE = "inspections.frequent_immediate"


def _warn_frequent_immediate(task: InspectionTask, visit: Visit, policy: FrequencyPolicy) -> None:
    """令375 art 30: on-the-spot visits are not capped, but "clearly more than reasonable" ones are a fence
    warning for the supervisor (raised once per visit past the threshold)."""
    from enforcement.services import fence_warning_raise

    since = visit.visited_on - dt.timedelta(days=29)
    recent = Visit.objects.filter(
        subject=task.subject,
        unit=task.lead_unit,
        task__kind=TaskKind.IMMEDIATE,
        visited_on__gte=since,
        visited_on__lte=visit.visited_on,
    ).count()
    if policy.immediate_warn_at and recent >= policy.immediate_warn_at:
        fence_warning_raise(
            rule=FREQUENT_IMMEDIATE,
            key=f"visit:{visit.pk}",
            town=task.town,
            subject=task.subject,
            obj=task,
            message=_("%(unit)s made %(n)s on-the-spot visits to %(subject)s within 30 days.")
            % {"unit": task.lead_unit, "n": recent, "subject": task.subject},
            details={"visits": recent, "since": since.isoformat(), "unit": task.lead_unit.code},
        )


@transaction.atomic
def visit_record(
    *,
    actor: User,
    unit: Unit,
    subject: Subject,
    visited_on: dt.date,
    purpose: str,
    with_code: bool = True,
    no_code_reason: str = "",
    town: Unit | None = None,
) -> Visit:
    """A visit outside a task (guidance, research, publicity) still goes on the subject's ledger."""
    from ..rules import can_record_visit

    require(can_record_visit(actor, unit), _("Only members of the unit record its visits."))
    if purpose not in Visit.Purpose.values or purpose == Visit.Purpose.INSPECTION:
        raise ValidationError(
            {"purpose": _("An inspection is recorded through its task; choose another purpose.")}
        )
    if subject.district_id != unit.district_id:
        raise ValidationError({"subject": _("The subject is not in this district's registry.")})
    town = town or (unit if unit.is_town else None)
    if town is None or town.kind != Unit.Kind.TOWN or town.district_id != unit.district_id:
        raise ValidationError({"town": _("Choose a town of the district.")})
    if visited_on > clock.today():
        raise ValidationError({"visited_on": _("A visit is recorded after it happened.")})
    reason = _text(no_code_reason, "no_code_reason", required=not with_code, max_length=1000)
    policy = frequency_policy_for(unit.district_id)
    due = add_working_days(visited_on, policy.no_code_filing_working_days)
    if not with_code and clock.today() > due:
        raise ValidationError(
            {
                "visited_on": [
                    _("A visit without a code is filed within %(n)s working days (by %(date)s).")
                    % {"n": policy.no_code_filing_working_days, "date": due}
                ]
            }
        )
    visit = Visit.objects.create(
        district_id=unit.district_id,
        subject=subject,
        unit=unit,
        town=town,
        purpose=purpose,
        visited_on=visited_on,
        with_code=with_code,
        no_code_reason=reason if not with_code else "",
        file_due=None if with_code else due,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="inspections.visit.record",
        obj=visit,
        town=town,
        after={
            "subject": subject.pk,
            "purpose": purpose,
            "visited_on": visited_on.isoformat(),
            "with_code": with_code,
        },
    )
    return visit


def _check_photos(photos: Sequence[UploadedFile[bytes]]) -> list[Photo]:
    if len(photos) > MAX_PHOTOS_PER_ANSWER:
        raise ValidationError({"photos": _("At most %(n)d photos at a time.") % {"n": MAX_PHOTOS_PER_ANSWER}})
    checked = []
    for upload in photos:
        name = safe_filename(getattr(upload, "name", ""), fallback=_("the file"))
        try:
            checked.append(reencode_photo(upload, name=name))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return checked


def _store_photo(row: TaskPoint, photo: Photo, actor: User) -> PointPhoto:
    stored = PointPhoto(
        task_point=row,
        content_type=photo.content_type,
        size=len(photo.data),
        width=photo.width,
        height=photo.height,
        sha256=photo.sha256,
        original_sha256=photo.original_sha256,
        taken_at=photo_taken_at(photo),
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    # Every input is checked before the first file is written: a rollback after that leaves an orphan file,
    # never a row without its file.
    stored.file.save(f"photo.{photo.extension}", ContentFile(photo.data), save=False)
    stored.save()
    return stored


@transaction.atomic
def point_record(
    *,
    actor: User,
    task_point: TaskPoint,
    result: str,
    note: str = "",
    major: bool = False,
    rectify_by: dt.date | None = None,
    photos: Sequence[UploadedFile[bytes]] = (),
) -> TaskPoint:
    """One answer on the checklist, with the photos taken at the point. A fail may need a note or a photo (as
    the check point says); only a fail can be a major violation or carry a rectification deadline."""
    task = _lock(task_point.task)
    require(can_record_results(actor, task), _("Only an officer on this inspection records results."))
    if task.status != TaskStatus.ON_SITE:
        raise InvalidTransition(_("Results are recorded on site, after entering and before finishing."))
    row = TaskPoint.objects.select_for_update().select_related("point").get(pk=task_point.pk, task=task)
    if result not in PointResult.values or result == PointResult.PENDING:
        raise ValidationError({"result": _("Choose pass, fail, not applicable or not checked.")})
    note = _text(
        note, "note", required=result == PointResult.FAIL and row.point.note_on_fail, max_length=2000
    )
    if major and result != PointResult.FAIL:
        raise ValidationError({"major": _("Only a failed point can be a major violation.")})
    if rectify_by is not None and (result != PointResult.FAIL or rectify_by < clock.today()):
        raise ValidationError(
            {"rectify_by": _("A rectification deadline belongs to a failed point and lies ahead.")}
        )
    checked = _check_photos(photos)
    if result == PointResult.FAIL and row.point.photo_on_fail and not checked and not row.photos.exists():
        raise ValidationError({"photos": _("A failure at this point needs a photo.")})
    before = {"result": row.result, "note": row.note, "major": row.major}
    row.result, row.note, row.major, row.rectify_by = result, note, major, rectify_by
    row.answered_by, row.answered_at = actor, clock.now()
    row.save(update_fields=["result", "note", "major", "rectify_by", "answered_by", "answered_at"])
    stored = [_store_photo(row, photo, actor) for photo in checked]
    audit_record(
        actor=actor,
        action="inspections.point.record",
        obj=task,
        town=task.town,
        before=before,
        after={
            "point": row.point_id,
            "result": result,
            "note": note,
            "major": major,
            "rectify_by": rectify_by.isoformat() if rectify_by else None,
            "photos": [p.sha256 for p in stored],
        },
    )
    return row


@transaction.atomic
def task_point_add_on_site(*, actor: User, task: InspectionTask, point: CheckPoint) -> TaskPoint:
    """An ad hoc point added on site: still only from the list in force today (清单之外无检查)."""
    locked = _lock(task)
    require(can_record_results(actor, locked), _("Only an officer on this inspection adds points."))
    if locked.status != TaskStatus.ON_SITE:
        raise InvalidTransition(_("Points are added on site."))
    _require_on_list(locked, [point], clock.today())
    if locked.points.filter(point=point).exists():
        raise ValidationError({"point": _("This point is already on the checklist.")})
    row = TaskPoint(task=locked, point=point, ad_hoc=True)
    _set_holder(row, locked.town, clock.today())
    row.save()
    row.requested_by.add(locked.lead_unit)
    audit_record(
        actor=actor,
        action="inspections.point.add_on_site",
        obj=locked,
        town=locked.town,
        after={"point": point.pk},
    )
    return row


@transaction.atomic
def task_finish(
    *,
    actor: User,
    task: InspectionTask,
    present: Sequence[User],
    business_signatory: str = "",
    business_refusal: str = "",
    version: int | None = None,
) -> InspectionTask:
    """The record is signed off: at least two officers on the visit were present, and the business signed (a
    name) or its refusal to sign is recorded (what happened). Every point must have an answer."""
    locked = _lock(task, version)
    require(can_record_results(actor, locked), _("Only an officer on this inspection finishes it."))
    pending = locked.points.filter(result=PointResult.PENDING).count()
    if locked.status == TaskStatus.ON_SITE and pending:
        raise ValidationError({"points": [_("%(n)s points have no answer yet.") % {"n": pending}]})
    on_task = {o.officer_id: o for o in locked.officers.all()}
    present_ids = {o.pk for o in present}
    if not present_ids <= set(on_task):
        raise ValidationError({"present": [_("Only officers on this inspection sign its record.")]})
    if len(present_ids) < MIN_OFFICERS:
        raise ValidationError({"present": [_("At least two officers present sign the record.")]})
    signatory = _text(business_signatory, "business_signatory", required=False, max_length=100)
    refusal = _text(business_refusal, "business_refusal", required=False, max_length=2000)
    if bool(signatory) == bool(refusal):
        raise ValidationError(
            {
                "business_signatory": [
                    _("Record who signed for the business, or that it refused to sign and what happened.")
                ]
            }
        )
    locked.business_signatory, locked.business_refusal = signatory, refusal
    before = _move(locked, Action.FINISH, extra=["business_signatory", "business_refusal"])
    now = clock.now()
    TaskOfficer.objects.filter(task=locked, officer_id__in=present_ids).update(signed_at=now)
    counts = {
        r: locked.points.filter(result=r).count() for r in PointResult.values if r != PointResult.PENDING
    }
    audit_record(
        actor=actor,
        action="inspections.task.finish",
        obj=locked,
        town=locked.town,
        before={"status": before},
        after={
            "status": locked.status,
            "results": counts,
            "signed_by": sorted(present_ids),
            "business_signatory": signatory,
            "business_refusal": refusal,
        },
    )
    return locked


# --- results ------------------------------------------------------------------------------------------------


def _finding_text(task: InspectionTask, row: TaskPoint) -> str:
    return _("Found on inspection %(task)s on %(date)s: %(point)s. %(note)s") % {
        "task": task.title,
        "date": task.entered_at.date() if task.entered_at else task.planned_on,
        "point": row.point.text_zh,
        "note": row.note,
    }


@transaction.atomic
def task_findings_handle(*, actor: User, task: InspectionTask) -> list[TaskPoint]:
    """处罚办案: each failed point goes to the body holding its enforcement item on the day of the visit: a
    draft case for the task's town (through the cases services), or a whistle to the department (through the
    whistles services). A department-led visit keeps the points its own department holds. Safe to call
    twice."""
    from cases.lifecycle import case_create
    from cases.models import Source as CaseSource
    from whistles.services import whistle_raise
    from whistles.workflow import Reason, Urgency

    locked = _lock(task)
    require(can_handle_findings(actor, locked), _("Only officers of the leading unit handle the findings."))
    if locked.status not in {TaskStatus.CHECKED, TaskStatus.CLOSED}:
        raise InvalidTransition(_("Findings are handled after the check is finished."))
    day = locked.entered_at.date() if locked.entered_at else locked.planned_on
    rows = list(
        locked.points.filter(result=PointResult.FAIL, disposition="")
        .select_related("point__enforcement_item", "holder_town", "holder_department")
        .order_by("pk")
    )
    subject = locked.subject
    whistles: dict[int, Any] = {}
    for row in rows:
        text = _finding_text(locked, row)
        if row.holder_town_id == locked.town_id:
            if not locked.lead_unit.is_town:
                continue  # a department cannot file the town's case; the town files it from its own view
            case = case_create(
                actor=actor,
                data={
                    "town": locked.town,
                    "source": CaseSource.INSPECTION,
                    "source_ref": f"inspection:{locked.pk}",
                    "title": _text(f"{subject.name} {row.point.text_zh}", "title")[:200],
                    "description": text,
                    "item": row.point.enforcement_item,
                    "place": subject.address or subject.name,
                    "act_on": day,
                    "discovered_on": day,
                    "party_kind": subject.kind,
                    "party_name": subject.name,
                    "party_identifier": subject.identifier,
                    "party_address": subject.address,
                },
            )
            row.case, row.disposition = case, TaskPoint.Disposition.CASE
        elif row.holder_department_id is not None and row.holder_department_id == locked.lead_unit_id:
            row.disposition = TaskPoint.Disposition.DEPARTMENT
        elif row.holder_department is not None and locked.lead_unit.is_town:
            whistle = whistles.get(row.holder_department.pk)
            if whistle is None:
                whistle = whistle_raise(
                    actor=actor,
                    town=locked.town,
                    title=_("Inspection findings: %(subject)s") % {"subject": subject.name},
                    description=text,
                    reason=Reason.NO_POWER,
                    urgency=Urgency.URGENT if row.major else Urgency.NORMAL,
                    address=subject.address or subject.name,
                    departments=[row.holder_department],
                    item=row.point.enforcement_item,
                    origin_type="inspection",
                    origin_id=str(locked.pk),
                    origin_label=locked.title,
                )
                whistles[row.holder_department.pk] = whistle
            row.whistle, row.disposition = whistle, TaskPoint.Disposition.WHISTLE
        else:
            continue
        row.save(update_fields=["case", "whistle", "disposition"])
    handled = [r for r in rows if r.disposition]
    audit_record(
        actor=actor,
        action="inspections.task.findings",
        obj=locked,
        town=locked.town,
        after={"points": [[r.point_id, r.disposition, r.case_id, r.whistle_id] for r in handled]},
    )
    return handled


@transaction.atomic
def task_follow_up_create(
    *, actor: User, task: InspectionTask, planned_on: dt.date, title: str = ""
) -> InspectionTask:
    """The follow-up visit: only the failed points, a re-check of the rectification (exempt from the cap)."""
    original = _lock(task)
    require(can_edit_task(actor, original), _("Only officers of the leading unit plan the follow-up."))
    if original.status not in {TaskStatus.CHECKED, TaskStatus.CLOSED}:
        raise InvalidTransition(_("A follow-up is planned after the check is finished."))
    failed = list(
        original.points.filter(result=PointResult.FAIL)
        .select_related("point__item")
        .prefetch_related("requested_by")
    )
    if not failed:
        raise ValidationError(_("No point failed: there is nothing to re-check."))
    follow = InspectionTask.objects.create(
        district_id=original.district_id,
        town=original.town,
        lead_unit=original.lead_unit,
        kind=TaskKind.ROUTINE if original.kind == TaskKind.IMMEDIATE else original.kind,
        exemption=Exemption.RECHECK,
        exemption_ref=f"inspection:{original.pk}",
        subject=original.subject,
        scenario=original.scenario,
        title=_text(title, "title", required=False, max_length=200)
        or (_("Re-check: %(title)s") % {"title": original.title})[:200],
        planned_on=planned_on,
        headcount=original.headcount,
        follow_up_of=original,
        created_by=actor,
        created_at=clock.now(),
    )
    _require_on_list(follow, [r.point for r in failed], planned_on)
    for row in failed:
        for unit in row.requested_by.all():
            _merge_points(follow, unit, [row.point])
    for invitation in original.invitations.filter(status=TaskInvitation.Status.ACCEPTED):
        TaskInvitation.objects.create(
            task=follow, department_id=invitation.department_id, invited_by=actor, invited_at=clock.now()
        )
    audit_record(
        actor=actor,
        action="inspections.task.follow_up",
        obj=follow,
        town=follow.town,
        after={**_snapshot(follow), "of": original.pk, "points": [r.point_id for r in failed]},
    )
    return follow


@transaction.atomic
def task_close(*, actor: User, task: InspectionTask) -> InspectionTask:
    """结果运用: closed once every failed point has been handed to its holder."""
    locked = _lock(task)
    require(can_handle_findings(actor, locked), _("Only officers of the leading unit close this inspection."))
    open_points = locked.points.filter(result=PointResult.FAIL, disposition="").count()
    if open_points:
        raise ValidationError(
            _("%(n)s failed points are not yet handed to the body that holds them.") % {"n": open_points}
        )
    before = _move(locked, Action.CLOSE)
    audit_record(
        actor=actor,
        action="inspections.task.close",
        obj=locked,
        town=locked.town,
        before={"status": before},
        after={"status": locked.status},
    )
    return locked
