"""Results (处罚办案, 结果运用): failures handed on as draft cases or whistles to the body holding the power,
the follow-up visit of the failed points, and closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement import clock
from enforcement.audit import audit_record
from enforcement.models import User
from enforcement.rules import require
from enforcement.workflow import InvalidTransition

from ..models import (
    InspectionTask,
    TaskInvitation,
    TaskPoint,
)
from ..rules import (
    can_edit_task,
    can_handle_findings,
)
from ..workflow import (
    Action,
    Exemption,
    PointResult,
    TaskKind,
    TaskStatus,
)
from ._common import _lock, _merge_points, _move, _require_on_list, _snapshot, _text

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
