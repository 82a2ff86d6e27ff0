"""On site (现场检查): entering with or without the code, the subject's ledger of visits, each check point's
answer with its photos, ad hoc points, and the sign-off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import clock
from enforcement.audit import audit_record
from enforcement.calendar import add_working_days
from enforcement.models import Subject, Unit, User
from enforcement.rules import require
from enforcement.services import normalise_identifier
from enforcement.uploads import Photo, photo_taken_at, reencode_photo, safe_filename
from enforcement.workflow import InvalidTransition

from ..models import (
    CheckPoint,
    FrequencyPolicy,
    InspectionTask,
    PointPhoto,
    TaskOfficer,
    TaskPoint,
    Visit,
)
from ..rules import (
    can_record_results,
)
from ..selectors import frequency_policy_for
from ..sweeps import evaluate_visit_on_commit
from ..workflow import (
    Action,
    PointResult,
    TaskKind,
    TaskStatus,
    start_states,
)
from ._common import (
    MAX_PHOTOS_PER_ANSWER,
    MIN_OFFICERS,
    _lock,
    _move,
    _require_frequency,
    _require_on_list,
    _require_plan_holds,
    _set_holder,
    _text,
)

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
        _no_code_filing_due(policy, visited_on)
        today = visited_on
    if locked.status not in start_states(Action.ENTER, locked.kind):
        if locked.status in {TaskStatus.DRAFT, TaskStatus.PUBLISHED}:
            raise InvalidTransition(
                _("No entry before the inspection plan is approved (an on-the-spot visit excepted).")
            )
        raise InvalidTransition(_("This inspection has already started or ended."))
    rows = _require_plan_holds(locked, today)
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
        file_due=None if with_code else _no_code_filing_due(policy, today),
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
    evaluate_visit_on_commit(visit.subject_id)
    return visit


def _no_code_filing_due(policy: FrequencyPolicy, visited_on: dt.date) -> dt.date:
    """The day a visit without a code must be filed by (art 18: within the district's working days); refused
    once it has passed. For a visit of a task and one outside a task alike."""
    due = add_working_days(visited_on, policy.no_code_filing_working_days)
    if clock.today() > due:
        raise ValidationError(
            {
                "visited_on": [
                    _("A visit without a code is filed within %(n)s working days (by %(date)s).")
                    % {"n": policy.no_code_filing_working_days, "date": due}
                ]
            }
        )
    return due


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
    due = None if with_code else _no_code_filing_due(policy, visited_on)
    visit = Visit.objects.create(
        district_id=unit.district_id,
        subject=subject,
        unit=unit,
        town=town,
        purpose=purpose,
        visited_on=visited_on,
        with_code=with_code,
        no_code_reason=reason if not with_code else "",
        file_due=due,
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
    evaluate_visit_on_commit(visit.subject_id)
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
