"""What the task services share: the limits, clean text, the row lock and version check, the move through the
workflow, the frequency and published-list checks, and the merge of checklists point by point."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from authority.selectors import who_enforces
from enforcement.models import Subject, Unit, User
from enforcement.officers import officer_may_act
from enforcement.workflow import StaleObject

from ..models import (
    ChecklistTemplate,
    CheckPoint,
    InspectionTask,
    TaskPoint,
    TaskSource,
)
from ..selectors import frequency_check, participants, points_off_list
from ..workflow import (
    Action,
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


def _no_checklist() -> ValidationError:
    return ValidationError({"points": [_("An inspection needs a checklist from the published list.")]})


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


def _require_plan_holds(task: InspectionTask, on: dt.date) -> list[TaskPoint]:
    """What a plan needs on `on` (its approval: the planned day; the entry: the day of the visit): enough
    officers on it, each in a unit taking part and with a certificate valid that day, and a checklist whose
    every point is on the list in force that day. Returns the checklist's rows."""
    _require_officers(task, [o.officer for o in task.officers.select_related("officer")], on)
    rows = list(task.points.select_related("point__item", "point__enforcement_item"))
    if not rows:
        raise _no_checklist()
    _require_on_list(task, [r.point for r in rows], on)
    return rows
