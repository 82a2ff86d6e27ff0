"""Every write to whistles goes through here: permission first, then the change (status moves by a conditional
UPDATE, so two clicks move it once), a timeline event, an audit row, notifications; external delivery on
commit.

Errors: PermissionDenied (may not act), ValidationError (bad input), InvalidTransition (not possible from the
current state), StaleObject (someone else moved it first).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from authority.models import EnforcementItem
from enforcement.audit import audit_record
from enforcement.models import District, Unit, User
from enforcement.referrals import Referral
from enforcement.rules import require
from enforcement.work_cache import work_changed
from enforcement.workflow import InvalidTransition, StaleObject

from . import clock
from .models import (
    DeadlinePolicy,
    Notification,
    WhistleAlert,
    WhistleAssignment,
    WhistleEvent,
    WhistlePhoto,
    WhistleRequest,
    WhistleReturn,
)
from .notifications import district_admins, notify, responders_of, town_contacts
from .photos import MAX_PHOTOS_PER_UPLOAD, CheckedPhoto, check_photo
from .rules import (
    can_act_on_assignment,
    can_add_department,
    can_add_photo,
    can_edit_deadlines,
    can_raise_whistle,
    can_withdraw_whistle,
)
from .selectors import deadlines_for
from .workflow import (
    ALERT_ORDER,
    DEPARTMENT_WORK,
    OPEN_STATUSES,
    STEP_OWED_IN,
    WORKFLOW,
    Action,
    AlertLevel,
    Deadlines,
    Reason,
    ReturnReason,
    Status,
    Step,
    Urgency,
    WhistleStatus,
    alert_times,
    check_transition,
)

MIN_EXPLANATION = 5  # characters: "不归我们" is not an explanation


def _due_text(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _params(
    whistle: WhistleRequest, assignment: WhistleAssignment | None = None, **extra: Any
) -> dict[str, Any]:
    params: dict[str, Any] = {"ref": whistle.reference, "title": whistle.title, "town": whistle.town.name_zh}
    if assignment is not None:
        params["department"] = assignment.department.name_zh
    params.update(extra)
    return params


def _tell(
    recipients: Iterable[User],
    kind: str,
    whistle: WhistleRequest,
    assignment: WhistleAssignment,
    actor: User,
    params: dict[str, Any],
) -> None:
    """Notify the people on one side of an assignment about what `actor` just did (not the actor)."""
    notify(recipients, kind, whistle=whistle, assignment=assignment, params=params, exclude=actor)


def _event(
    whistle: WhistleRequest,
    kind: str,
    *,
    actor: User | None,
    assignment: WhistleAssignment | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> WhistleEvent:
    return WhistleEvent.objects.create(
        whistle=whistle,
        assignment=assignment,
        kind=kind,
        at=clock.now(),
        actor=actor,
        note=note,
        data=data or {},
    )


def _text(value: str, field: str, *, required: bool = True, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if max_length is not None and len(value) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return value


def _explanation(value: str, field: str = "note") -> str:
    value = _text(value, field)
    if len(value) < MIN_EXPLANATION:
        raise ValidationError({field: _("Explain in at least %(n)d characters.") % {"n": MIN_EXPLANATION}})
    return value


# --- deadlines and alerts -----------------------------------------------------------------------------------


def _deadline_fields(start: dt.datetime, deadlines: Deadlines) -> dict[str, Any]:
    return {
        "sent_at": start,
        "check_in_due": start + deadlines.check_in,
        "on_site_due": start + deadlines.on_site,
        "handle_due": start + deadlines.handle,
        "remind_before": deadlines.remind_before,
        "escalate_after": deadlines.escalate_after,
    }


def _alert_schedule(assignment: WhistleAssignment) -> list[tuple[dt.datetime, Step, AlertLevel]]:
    """Every reminder and escalation still owed in the current cycle for the steps still owed."""
    fired = set(
        WhistleAlert.objects.filter(assignment_id=assignment.pk, cycle=assignment.cycle).values_list(
            "step", "level"
        )
    )
    schedule = []
    for step in Step:
        if assignment.status not in STEP_OWED_IN[step]:
            continue
        times = alert_times(
            due=assignment.due_of(step),
            remind_before=assignment.remind_before,
            escalate_after=assignment.escalate_after,
        )
        for level, moment in times.items():
            if level == AlertLevel.REMIND and moment <= assignment.sent_at:
                # the window is shorter than the reminder lead time: the deadline itself is the reminder
                continue
            if (step.value, level.value) not in fired:
                schedule.append((moment, step, level))
    return sorted(schedule)


def _reschedule(assignment: WhistleAssignment) -> None:
    schedule = _alert_schedule(assignment) if assignment.status in DEPARTMENT_WORK else []
    alert_at = schedule[0][0] if schedule else None
    WhistleAssignment.objects.filter(pk=assignment.pk).update(alert_at=alert_at)
    assignment.alert_at = alert_at


# --- raising ------------------------------------------------------------------------------------------------


def _coordinate(value: Any, field: str, limit: int) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = decimal.Decimal(str(value)).quantize(decimal.Decimal("0.000001"))
    except (decimal.InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc
    if not -limit <= number <= limit:
        raise ValidationError({field: _("Out of range.")})
    return number


def _check_photos(photos: Sequence[UploadedFile]) -> list[CheckedPhoto]:
    if len(photos) > MAX_PHOTOS_PER_UPLOAD:
        raise ValidationError({"photos": _("At most %(n)d photos at a time.") % {"n": MAX_PHOTOS_PER_UPLOAD}})
    checked = []
    for upload in photos:
        try:
            checked.append(check_photo(upload))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return checked


def _store_photo(
    whistle: WhistleRequest,
    photo: CheckedPhoto,
    *,
    actor: User,
    assignment: WhistleAssignment | None,
    caption: str = "",
) -> WhistlePhoto:
    row = WhistlePhoto(
        whistle=whistle,
        assignment=assignment,
        content_type=photo.content_type,
        size=len(photo.data),
        width=photo.width,
        height=photo.height,
        sha256=photo.sha256,
        original_sha256=photo.original_sha256,
        caption=caption[:200],
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    # Inputs are all checked before the first file is written; a rollback after that leaves an orphan file,
    # never a row without its file.
    row.file.save(f"photo.{photo.extension}", ContentFile(photo.data), save=False)
    row.save()
    return row


def _create_assignment(
    whistle: WhistleRequest, department: Unit, *, actor: User, start: dt.datetime, kind: str
) -> WhistleAssignment:
    deadlines = deadlines_for(whistle.district_id, whistle.urgency)
    assignment = WhistleAssignment.objects.create(
        whistle=whistle,
        department=department,
        status=Status.SENT,
        cycle=1,
        **_deadline_fields(start, deadlines),
    )
    _reschedule(assignment)
    _event(
        whistle,
        WhistleEvent.Kind.SENT,
        actor=actor,
        assignment=assignment,
        data={"department": department.name_zh, "check_in_due": assignment.check_in_due},
    )
    due = _due_text(assignment.check_in_due)
    _tell(responders_of(department), kind, whistle, assignment, actor, _params(whistle, assignment, due=due))
    return assignment


def _departments(district_id: int, departments: Iterable[Unit]) -> list[Unit]:
    unique: dict[int, Unit] = {}
    for department in departments:
        if (
            department.kind != Unit.Kind.DEPARTMENT
            or department.district_id != district_id
            or not department.is_active
        ):
            raise ValidationError(
                {"departments": _("%(unit)s is not a department of this district.") % {"unit": department}}
            )
        unique.setdefault(department.pk, department)
    if not unique:
        raise ValidationError({"departments": _("Choose at least one department to whistle to.")})
    return list(unique.values())


@transaction.atomic
def whistle_raise(
    *,
    actor: User,
    town: Unit,
    title: str,
    description: str,
    reason: str,
    urgency: str,
    address: str,
    departments: Iterable[Unit],
    item: EnforcementItem | None = None,
    latitude: Any = None,
    longitude: Any = None,
    origin_type: str = "",
    origin_id: str = "",
    origin_label: str = "",
    photos: Sequence[UploadedFile] = (),
) -> WhistleRequest:
    require(can_raise_whistle(actor, town), "only the town's officers may whistle for it")
    title = _text(title, "title", max_length=200)
    description = _text(description, "description")
    address = _text(address, "address", max_length=300)
    if reason not in Reason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose an urgency from the list.")})
    targets = _departments(town.district_id, departments)
    if item is not None and item.district_id != town.district_id:
        raise ValidationError({"item": _("This enforcement item is not in the district's catalog.")})
    lat = _coordinate(latitude, "latitude", 90)
    lng = _coordinate(longitude, "longitude", 180)
    if (lat is None) != (lng is None):
        raise ValidationError({"latitude": _("Give both latitude and longitude, or neither.")})
    if origin_type not in WhistleRequest.OriginType.values:
        raise ValidationError({"origin_type": _("Unknown origin.")})
    origin_id = (origin_id or "").strip()[:64]
    if bool(origin_type) != bool(origin_id):
        raise ValidationError({"origin_id": _("An origin needs both its type and its id.")})
    checked = _check_photos(photos)

    now = clock.now()
    whistle = WhistleRequest.objects.create(
        district_id=town.district_id,
        town=town,
        raised_by=actor,
        raised_at=now,
        title=title,
        description=description,
        reason=reason,
        urgency=urgency,
        address=address,
        latitude=lat,
        longitude=lng,
        item=item,
        origin_type=origin_type,
        origin_id=origin_id if origin_type else "",
        origin_label=(origin_label or "")[:200],
    )
    _event(
        whistle,
        WhistleEvent.Kind.RAISED,
        actor=actor,
        data={"reason": reason, "urgency": urgency, "departments": [d.name_zh for d in targets]},
    )
    for photo in checked:
        _store_photo(whistle, photo, actor=actor, assignment=None)
    for department in targets:
        _create_assignment(whistle, department, actor=actor, start=now, kind="raised")
    audit_record(
        actor=actor,
        action="whistles.whistle.raise",
        obj=whistle,
        town=town,
        after={
            "title": title,
            "reason": reason,
            "urgency": urgency,
            "address": address,
            "departments": [d.code for d in targets],
            "item": item.code if item else None,
            "origin": f"{origin_type}:{origin_id}" if origin_type else None,
            "photos": len(checked),
        },
    )
    return whistle


def whistle_from_referral(actor: User, referral: Referral) -> int:
    """A matter another app hands to a department (a case transferred, 移送) arrives as a whistle: registered
    with enforcement.referrals in WhistlesConfig.ready. Returns the whistle's id."""
    item = EnforcementItem.objects.filter(pk=referral.item_id).first() if referral.item_id else None
    whistle = whistle_raise(
        actor=actor,
        town=referral.town,
        title=referral.title,
        description=referral.description,
        reason=Reason.EXPERTISE if referral.town_holds else Reason.NO_POWER,
        urgency=Urgency.NORMAL,
        address=referral.address,
        departments=[referral.department],
        item=item,
        latitude=referral.latitude,
        longitude=referral.longitude,
        origin_type=referral.origin_type,
        origin_id=referral.origin_id,
        origin_label=referral.origin_label,
    )
    return whistle.pk


@transaction.atomic
def whistle_add_department(*, actor: User, whistle: WhistleRequest, department: Unit) -> WhistleAssignment:
    require(
        can_add_department(actor, whistle),
        "only the town or the district administrator may call another department",
    )
    locked = WhistleRequest.objects.select_for_update().get(pk=whistle.pk)
    if locked.status != WhistleStatus.OPEN:
        raise InvalidTransition(WORKFLOW.refuse("add_department", locked.status))
    (department,) = _departments(locked.district_id, [department])
    if locked.assignments.filter(department=department).exists():
        raise ValidationError(
            {"department": _("%(unit)s has already been called on this whistle.") % {"unit": department}}
        )
    assignment = _create_assignment(locked, department, actor=actor, start=clock.now(), kind="added")
    audit_record(
        actor=actor,
        action="whistles.whistle.add_department",
        obj=locked,
        town=locked.town,
        after={"department": department.code},
    )
    return assignment


@transaction.atomic
def whistle_photo_add(
    *,
    actor: User,
    whistle: WhistleRequest,
    photos: Sequence[UploadedFile],
    assignment: WhistleAssignment | None = None,
    caption: str = "",
) -> list[WhistlePhoto]:
    require(can_add_photo(actor, whistle, assignment), "you may not add photos to this whistle")
    if assignment is not None and assignment.whistle_id != whistle.pk:
        raise ValidationError({"assignment": _("That assignment belongs to another whistle.")})
    if not photos:
        raise ValidationError({"photos": _("Choose at least one photo.")})
    checked = _check_photos(photos)
    rows = [
        _store_photo(whistle, photo, actor=actor, assignment=assignment, caption=caption) for photo in checked
    ]
    _event(
        whistle,
        WhistleEvent.Kind.PHOTO,
        actor=actor,
        assignment=assignment,
        note=caption,
        data={"count": len(rows)},
    )
    audit_record(
        actor=actor,
        action="whistles.whistle.add_photo",
        obj=whistle,
        town=whistle.town,
        after={"photos": [r.sha256 for r in rows], "assignment": assignment.pk if assignment else None},
    )
    return rows


@transaction.atomic
def whistle_withdraw(*, actor: User, whistle: WhistleRequest, reason: str) -> WhistleRequest:
    require(can_withdraw_whistle(actor, whistle), "only the raising town may withdraw its whistle")
    reason = _explanation(reason, "reason")
    locked = WhistleRequest.objects.select_for_update().get(pk=whistle.pk)
    now = clock.now()
    moved = WhistleRequest.objects.filter(pk=locked.pk, status=WhistleStatus.OPEN).update(
        status=WhistleStatus.WITHDRAWN, closed_at=now, withdrawn_reason=reason
    )
    if moved != 1:
        raise StaleObject(_("Someone else changed this whistle at the same moment; nothing was done."))
    locked.refresh_from_db()
    open_assignments = list(locked.assignments.filter(status__in=OPEN_STATUSES).select_related("department"))
    WhistleAssignment.objects.filter(pk__in=[a.pk for a in open_assignments]).update(
        status=Status.CANCELLED, closed_at=now, alert_at=None
    )
    WhistleReturn.objects.filter(assignment__whistle=locked, decision=WhistleReturn.Decision.PENDING).update(
        decision=WhistleReturn.Decision.WITHDRAWN, decided_at=now
    )
    _event(locked, WhistleEvent.Kind.CANCELLED, actor=actor, note=reason)
    for assignment in open_assignments:
        _tell(
            responders_of(assignment.department),
            "withdrawn",
            locked,
            assignment,
            actor,
            _params(locked, assignment),
        )
    audit_record(
        actor=actor,
        action="whistles.whistle.withdraw",
        obj=locked,
        town=locked.town,
        before={"status": WhistleStatus.OPEN},
        after={"status": WhistleStatus.WITHDRAWN, "reason": reason},
    )
    return locked


# --- the department's answer and the town's confirmation ----------------------------------------------------


def _move(
    *,
    actor: User | None,
    assignment: WhistleAssignment,
    action: Action,
    changes: dict[str, Any],
    event_kind: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    audit_after: dict[str, Any] | None = None,
) -> tuple[WhistleRequest, str]:
    """Permission, state check, then the conditional UPDATE that decides who won. Returns the locked whistle
    and the status the assignment was in."""
    require(can_act_on_assignment(actor, assignment, action), "you may not do this on this whistle")
    transition = check_transition(assignment.status, action)
    assert transition.target is not None  # every assignment action moves the assignment
    whistle = WhistleRequest.objects.select_for_update().select_related("town").get(pk=assignment.whistle_id)
    if whistle.status != WhistleStatus.OPEN:
        raise InvalidTransition(WORKFLOW.refuse(action, whistle.status))
    before = assignment.status
    moved = WhistleAssignment.objects.filter(pk=assignment.pk, status=before, cycle=assignment.cycle).update(
        status=transition.target, **changes
    )
    if moved != 1:
        raise StaleObject(_("Someone else changed this whistle at the same moment; nothing was done."))
    assignment.refresh_from_db()
    assignment.whistle = whistle
    _reschedule(assignment)
    _event(whistle, event_kind, actor=actor, assignment=assignment, note=note, data=data)
    audit_record(
        actor=actor,
        action=f"whistles.assignment.{action.value}",
        obj=assignment,
        town=whistle.town,
        before={"status": before},
        after={"status": transition.target.value, **(audit_after or {})},
    )
    return whistle, before


def _close_if_done(whistle: WhistleRequest, actor: User | None) -> None:
    if whistle.assignments.filter(status__in=OPEN_STATUSES).exists():
        return
    now = clock.now()
    if WhistleRequest.objects.filter(pk=whistle.pk, status=WhistleStatus.OPEN).update(
        status=WhistleStatus.CLOSED, closed_at=now
    ):
        whistle.status, whistle.closed_at = WhistleStatus.CLOSED, now
        _event(whistle, WhistleEvent.Kind.CLOSED, actor=actor)
        audit_record(
            actor=actor,
            action="whistles.whistle.close",
            obj=whistle,
            town=whistle.town,
            before={"status": WhistleStatus.OPEN},
            after={"status": WhistleStatus.CLOSED},
        )


def _report(
    *,
    actor: User,
    assignment: WhistleAssignment,
    action: Action,
    event_kind: str,
    step: str,
    due: dt.datetime,
    note: str,
) -> WhistleAssignment:
    """The department reports a step (报到: acknowledged, then on site): the time and who, whether it was
    within its deadline, and the town's contacts told."""
    require(can_act_on_assignment(actor, assignment, action), "you may not do this on this whistle")
    now = clock.now()
    whistle, _before = _move(
        actor=actor,
        assignment=assignment,
        action=action,
        event_kind=event_kind,
        changes={f"{step}_at": now, f"{step}_by": actor},
        note=(note or "").strip(),
        data={"on_time": now <= due},
    )
    _tell(town_contacts(whistle), step, whistle, assignment, actor, _params(whistle, assignment))
    return assignment


@transaction.atomic
def assignment_acknowledge(
    *, actor: User, assignment: WhistleAssignment, note: str = ""
) -> WhistleAssignment:
    return _report(
        actor=actor,
        assignment=assignment,
        action=Action.ACKNOWLEDGE,
        event_kind=WhistleEvent.Kind.ACKNOWLEDGED,
        step="acknowledged",
        due=assignment.check_in_due,
        note=note,
    )


@transaction.atomic
def assignment_arrive(*, actor: User, assignment: WhistleAssignment, note: str = "") -> WhistleAssignment:
    return _report(
        actor=actor,
        assignment=assignment,
        action=Action.ARRIVE,
        event_kind=WhistleEvent.Kind.ON_SITE,
        step="on_site",
        due=assignment.on_site_due,
        note=note,
    )


@transaction.atomic
def assignment_handle(
    *,
    actor: User,
    assignment: WhistleAssignment,
    note: str,
    case_ref: str = "",
    photos: Sequence[UploadedFile] = (),
) -> WhistleAssignment:
    require(can_act_on_assignment(actor, assignment, Action.HANDLE), "you may not do this on this whistle")
    note = _explanation(note, "note")
    case_ref = _text(case_ref, "case_ref", required=False, max_length=120)
    checked = _check_photos(photos)
    now = clock.now()
    whistle, _before = _move(
        actor=actor,
        assignment=assignment,
        action=Action.HANDLE,
        event_kind=WhistleEvent.Kind.HANDLED,
        changes={
            "handled_at": now,
            "handled_by": actor,
            "handling_note": note,
            "department_case_ref": case_ref,
        },
        note=note,
        data={"case_ref": case_ref, "on_time": now <= assignment.handle_due},
        audit_after={"note": note, "case_ref": case_ref},
    )
    for photo in checked:
        _store_photo(whistle, photo, actor=actor, assignment=assignment)
    _tell(town_contacts(whistle), "handled", whistle, assignment, actor, _params(whistle, assignment))
    return assignment


@transaction.atomic
def assignment_return(*, actor: User, assignment: WhistleAssignment, reason: str, note: str) -> WhistleReturn:
    require(can_act_on_assignment(actor, assignment, Action.RETURN), "you may not do this on this whistle")
    if reason not in ReturnReason.values:
        raise ValidationError({"reason": _("Choose a reason for returning from the list.")})
    note = _explanation(note, "note")
    now = clock.now()
    cycle = assignment.cycle
    whistle, before = _move(
        actor=actor,
        assignment=assignment,
        action=Action.RETURN,
        event_kind=WhistleEvent.Kind.RETURNED,
        changes={"return_count": F("return_count") + 1},
        note=note,
        data={"reason": reason},
        audit_after={"reason": reason, "note": note},
    )
    ret = WhistleReturn.objects.create(
        assignment=assignment,
        cycle=cycle,
        reason=reason,
        note=note,
        from_status=before,
        returned_by=actor,
        returned_at=now,
    )
    params = _params(whistle, assignment, reason=reason)
    _tell(town_contacts(whistle), "returned", whistle, assignment, actor, params)
    _tell(district_admins(whistle.district_id), "return_review", whistle, assignment, actor, params)
    return ret


@transaction.atomic
def assignment_confirm(
    *, actor: User, assignment: WhistleAssignment, rating: Any, comment: str = ""
) -> WhistleAssignment:
    require(can_act_on_assignment(actor, assignment, Action.CONFIRM), "you may not do this on this whistle")
    try:
        stars = int(rating)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"rating": _("Rate from 1 to 5.")}) from exc
    if not 1 <= stars <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    comment = (comment or "").strip()
    if stars <= 2 and len(comment) < MIN_EXPLANATION:
        raise ValidationError({"comment": _("Say what was wrong when you rate 1 or 2.")})
    now = clock.now()
    whistle, _before = _move(
        actor=actor,
        assignment=assignment,
        action=Action.CONFIRM,
        event_kind=WhistleEvent.Kind.CONFIRMED,
        changes={"closed_at": now, "rating": stars, "rating_comment": comment, "rated_by": actor},
        note=comment,
        data={"rating": stars},
        audit_after={"rating": stars, "comment": comment},
    )
    _tell(
        responders_of(assignment.department),
        "confirmed",
        whistle,
        assignment,
        actor,
        _params(whistle, assignment, rating=stars),
    )
    _close_if_done(whistle, actor)
    return assignment


@transaction.atomic
def assignment_reopen(*, actor: User, assignment: WhistleAssignment, note: str) -> WhistleAssignment:
    require(can_act_on_assignment(actor, assignment, Action.REOPEN), "you may not do this on this whistle")
    note = _explanation(note, "note")
    whistle, _before = _move(
        actor=actor,
        assignment=assignment,
        action=Action.REOPEN,
        event_kind=WhistleEvent.Kind.REOPENED,
        changes={"handled_at": None, "handled_by": None},
        note=note,
        audit_after={"note": note},
    )
    _tell(
        responders_of(assignment.department),
        "reopened",
        whistle,
        assignment,
        actor,
        _params(whistle, assignment),
    )
    return assignment


def _pending_return(assignment: WhistleAssignment) -> WhistleReturn:
    ret = assignment.returns.filter(decision=WhistleReturn.Decision.PENDING).order_by("-returned_at").first()
    if ret is None:  # a RETURNED assignment always has one; guard against hand-edited data
        raise InvalidTransition(WORKFLOW.refuse("review", assignment.status))
    return ret


@transaction.atomic
def assignment_overrule_return(*, actor: User, assignment: WhistleAssignment, note: str) -> WhistleAssignment:
    """The district finds the return unjustified and sends the whistle back to the department with fresh
    deadlines (a new cycle)."""
    require(can_act_on_assignment(actor, assignment, Action.OVERRULE), "you may not do this on this whistle")
    note = _explanation(note, "note")
    now = clock.now()
    deadlines = deadlines_for(assignment.whistle.district_id, assignment.whistle.urgency)
    ret = _pending_return(assignment)
    whistle, _before = _move(
        actor=actor,
        assignment=assignment,
        action=Action.OVERRULE,
        event_kind=WhistleEvent.Kind.OVERRULED,
        changes={
            **_deadline_fields(now, deadlines),
            "cycle": assignment.cycle + 1,
            "acknowledged_at": None,
            "acknowledged_by": None,
            "on_site_at": None,
            "on_site_by": None,
            "handled_at": None,
            "handled_by": None,
        },
        note=note,
        data={"return_id": ret.pk, "reason": ret.reason},
        audit_after={"note": note, "return": ret.pk},
    )
    WhistleReturn.objects.filter(pk=ret.pk, decision=WhistleReturn.Decision.PENDING).update(
        decision=WhistleReturn.Decision.OVERRULED, decided_by=actor, decided_at=now, decision_note=note
    )
    _tell(
        responders_of(assignment.department),
        "resent",
        whistle,
        assignment,
        actor,
        _params(whistle, assignment, due=_due_text(assignment.check_in_due)),
    )
    _tell(town_contacts(whistle), "overruled", whistle, assignment, actor, _params(whistle, assignment))
    return assignment


@transaction.atomic
def assignment_uphold_return(*, actor: User, assignment: WhistleAssignment, note: str) -> WhistleAssignment:
    """The district agrees with the department: this part of the whistle ends."""
    require(can_act_on_assignment(actor, assignment, Action.UPHOLD), "you may not do this on this whistle")
    note = _explanation(note, "note")
    now = clock.now()
    ret = _pending_return(assignment)
    whistle, _before = _move(
        actor=actor,
        assignment=assignment,
        action=Action.UPHOLD,
        event_kind=WhistleEvent.Kind.UPHELD,
        changes={"closed_at": now},
        note=note,
        data={"return_id": ret.pk, "reason": ret.reason},
        audit_after={"note": note, "return": ret.pk},
    )
    WhistleReturn.objects.filter(pk=ret.pk, decision=WhistleReturn.Decision.PENDING).update(
        decision=WhistleReturn.Decision.UPHELD, decided_by=actor, decided_at=now, decision_note=note
    )
    params = _params(whistle, assignment)
    _tell(town_contacts(whistle), "upheld", whistle, assignment, actor, params)
    _tell(responders_of(assignment.department), "upheld", whistle, assignment, actor, params)
    _close_if_done(whistle, actor)
    return assignment


# Each takes (*, actor, assignment, ...) with the action's own inputs.
ACTION_SERVICES: dict[str, Callable[..., WhistleAssignment | WhistleReturn]] = {
    Action.ACKNOWLEDGE: assignment_acknowledge,
    Action.ARRIVE: assignment_arrive,
    Action.HANDLE: assignment_handle,
    Action.RETURN: assignment_return,
    Action.CONFIRM: assignment_confirm,
    Action.REOPEN: assignment_reopen,
    Action.OVERRULE: assignment_overrule_return,
    Action.UPHOLD: assignment_uphold_return,
}


# --- deadlines: reminders and escalation --------------------------------------------------------------------


@transaction.atomic
def assignment_alert(*, assignment_id: int) -> list[WhistleAlert]:
    """Send the reminders and escalations that are due for one assignment, record them, and schedule the next
    look.
    Idempotent: an alert already recorded for this (cycle, step, level) is never sent again."""
    now = clock.now()
    current = WhistleAssignment.objects.filter(pk=assignment_id).values_list("whistle_id", flat=True).first()
    if current is None:
        return []
    whistle = WhistleRequest.objects.select_for_update().select_related("town").get(pk=current)
    assignment = (
        WhistleAssignment.objects.select_for_update().select_related("department").get(pk=assignment_id)
    )
    assignment.whistle = whistle
    if assignment.status not in DEPARTMENT_WORK or assignment.alert_at is None or assignment.alert_at > now:
        return []
    due_now: dict[Step, list[AlertLevel]] = {}
    for moment, step, level in _alert_schedule(assignment):
        if moment <= now:
            due_now.setdefault(step, []).append(level)
    sent = []
    for step, levels in due_now.items():
        top = max(levels, key=ALERT_ORDER.index)
        for level in levels:
            try:
                with transaction.atomic():
                    alert = WhistleAlert.objects.create(
                        assignment=assignment,
                        cycle=assignment.cycle,
                        step=step,
                        level=level,
                        created_at=now,
                        notified=level == top,
                    )
            except IntegrityError:
                continue  # recorded by an earlier run
            if level != top:
                continue  # superseded by a later level that is also due: send only the most serious
            sent.append(alert)
            _send_alert(whistle, assignment, step, level)
    _reschedule(assignment)
    return sent


def _send_alert(
    whistle: WhistleRequest, assignment: WhistleAssignment, step: Step, level: AlertLevel
) -> None:
    due = assignment.due_of(step)
    params = _params(whistle, assignment, step=step.value, due=_due_text(due))
    responders = responders_of(assignment.department)
    if level == AlertLevel.REMIND:
        recipients = responders
    elif level == AlertLevel.OVERDUE:
        recipients = responders + town_contacts(whistle)
    else:
        recipients = district_admins(whistle.district_id) + responders
    notify(recipients, level.value, whistle=whistle, assignment=assignment, params=params)
    _event(
        whistle,
        WhistleEvent.Kind.ALERT,
        actor=None,
        assignment=assignment,
        data={"step": step.value, "level": level.value, "due": due},
    )
    audit_record(
        actor=None,
        action=f"whistles.assignment.{level.value}",
        obj=assignment,
        town=whistle.town,
        after={"step": step.value, "level": level.value, "due": due, "cycle": assignment.cycle},
    )


# --- settings and notifications -----------------------------------------------------------------------------


@transaction.atomic
def deadline_policy_set(
    *,
    actor: User,
    district: District,
    urgency: str,
    check_in_minutes: int,
    on_site_minutes: int,
    handle_minutes: int,
    remind_before_minutes: int,
    escalate_after_minutes: int,
) -> DeadlinePolicy:
    require(can_edit_deadlines(actor, district.pk), "only the district administrator sets whistle deadlines")
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose an urgency from the list.")})
    values = {
        "check_in_minutes": check_in_minutes,
        "on_site_minutes": on_site_minutes,
        "handle_minutes": handle_minutes,
        "remind_before_minutes": remind_before_minutes,
        "escalate_after_minutes": escalate_after_minutes,
    }
    for key, value in values.items():
        if not isinstance(value, int) or value < (1 if key != "remind_before_minutes" else 0):
            raise ValidationError({key: _("Enter a whole number of minutes.")})
    if not check_in_minutes <= on_site_minutes <= handle_minutes:
        raise ValidationError(
            {"on_site_minutes": _("Deadlines must not get shorter: check in ≤ on site ≤ handled.")}
        )
    before = DeadlinePolicy.objects.filter(district=district, urgency=urgency).values(*values.keys()).first()
    policy, _created = DeadlinePolicy.objects.update_or_create(
        district=district, urgency=urgency, defaults={**values, "updated_at": clock.now()}
    )
    audit_record(
        actor=actor,
        action="whistles.deadlines.set",
        obj=policy,
        before=before,
        after={"urgency": urgency, **values},
    )
    return policy


# Reading a notification changes only the reader's own inbox; it is not enforcement work and is not audited.
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    require(notification.recipient_id == actor.pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=clock.now())
        work_changed()  # the reader's bell and inbox (not audited, and an update() sends no signal)
        notification.refresh_from_db()
    return notification


def notifications_mark_all_read(*, actor: User, before: dt.datetime | None = None) -> int:
    """Everything unread in the actor's inbox, or only what arrived before `before`."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if before is not None:
        unread = unread.filter(created_at__lt=before)
    marked = unread.update(read_at=clock.now())
    if marked:
        work_changed()  # the reader's bell and inbox (not audited, and an update() sends no signal)
    return marked
