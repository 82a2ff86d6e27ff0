"""The penalty case's lifecycle (处罚案件): record a lead, change its details and officers, declare recusal,
and move it through the procedure.

One entry point moves a case: `case_act`. It locks the row, refuses a form opened on an older version (two
clicks, two people), checks the role and the stage, runs the legal checks the action needs (the step handlers
in `steps.py`), then writes the change, a timeline event and an audit row in one transaction. Handlers only
compute; they never save.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from enforcement.audit import audit_record, json_safe
from enforcement.fences import FenceRefusal
from enforcement.models import Unit, User
from enforcement.rules import require
from enforcement.workflow import InvalidTransition, StaleObject

from . import checks, clock, notices
from . import deadlines as dl
from .models import PENALTY_FIELDS, Case, CaseEvent, CaseOfficer
from .rules import (
    EDITABLE_STAGES,
    can_declare_recusal,
    can_file_case,
    can_handle_cases,
    may_edit_case_details,
    may_take,
)
from .steps import HANDLERS, _Step
from .workflow import TRANSITIONS, Action, Stage, check_transition

log = logging.getLogger(__name__)


def _require_editable(actor: User, case: Case, message: str) -> None:
    """Not one who may change the case: PermissionDenied (403); past the notice: InvalidTransition, a stage
    conflict."""
    require(may_edit_case_details(actor, case), message)
    if case.stage not in EDITABLE_STAGES:
        raise InvalidTransition(message)


CASE_DETAIL_FIELDS = (
    "source",
    "title",
    "description",
    "findings",
    "item",
    "place",
    "latitude",
    "longitude",
    "act_on",
    "act_continuing",
    "act_ended_on",
    "discovered_on",
    "harm_to_life_or_finance",
    "party_kind",
    "party_name",
    "party_identifier",
    "party_age",
    "party_representative",
    "party_contact",
    "party_address",
)


def _snapshot(case: Case, fields: Iterable[str]) -> dict[str, Any]:
    out = {}
    for name in fields:
        value = getattr(
            case, f"{name}_id" if name in {"item", "subject", "reviewed_by", "decided_by"} else name
        )
        out[name] = value
    return out


def _subject_for(actor: User, case: Case) -> None:
    """Link the party to the district's subject registry (history across towns, repeat inspections)."""
    from enforcement.services import subject_get_or_create

    if case.party_name:
        case.subject = subject_get_or_create(
            actor=actor,
            district=case.town.district,
            kind=case.party_kind,
            name=case.party_name,
            identifier=case.party_identifier,
            address=case.party_address,
        )


def _event(
    case: Case,
    action: str,
    *,
    actor: User | None,
    before: str = "",
    after: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        from_stage=before,
        to_stage=after,
        actor=actor,
        at=clock.now(),
        note=note,
        data=data or {},
    )


def _check_version(case: Case, version: int | None) -> None:
    if version is not None and version != case.version:
        raise StaleObject(
            _("Someone else changed this case after you opened it. Look at it again before acting.")
        )


@transaction.atomic
def case_create(*, actor: User, data: Mapping[str, Any]) -> Case:
    town: Unit = data["town"]
    require(can_file_case(actor, town), _("Only officers and supervisors of the town record its cases."))
    today = clock.today()
    case = Case(
        district_id=town.district_id,
        town=town,
        created_by=actor,
        created_at=clock.now(),
        stage_changed_at=clock.now(),
        stage=Stage.LEAD,
    )
    for name in CASE_DETAIL_FIELDS:
        value = data.get(name)
        if value is not None or name in NULLABLE_DETAILS:  # an empty text keeps the model's default
            setattr(case, name, value)
    _require_catalog_item(case)
    case.source_ref = str(data.get("source_ref") or "")[:80]
    complaint = data.get("complaint")
    if complaint is not None:
        if complaint.town_id != town.pk:
            raise ValidationError({"town": [_("The complaint belongs to another town.")]})
        case.complaint = complaint
        case.source = "complaint"
        case.source_ref = case.source_ref or complaint.external_id or str(complaint.pk)
    case.match_result = _suggestions(case)
    _subject_for(actor, case)
    policy = dl.policy_for(town.district_id)
    case.check_due = dl.check_due(today, policy)  # 15 working days from receiving the lead
    case.next_due = case.check_due
    case.save()
    CaseOfficer.objects.create(case=case, officer=actor, lead=True, assigned_at=clock.now())
    for officer in data.get("officers") or []:
        if officer.pk != actor.pk:
            _require_team(officer, town, today)
            CaseOfficer.objects.create(case=case, officer=officer, assigned_at=clock.now())
    notices.notify_declarations(case, actor=actor)
    _event(
        case,
        "create",
        actor=actor,
        after=Stage.LEAD,
        note=case.title,
        data={
            "officers": sorted(o.officer_id for o in case.officers.all()),
            "suggested": case.match_result.get("codes", []),
            "confirmed": case.item.code if case.item else "",
        },
    )
    audit_record(
        actor=actor,
        action="cases.case.create",
        obj=case,
        town=town,
        after={**_snapshot(case, CASE_DETAIL_FIELDS), "stage": case.stage},
    )
    return case


NULLABLE_DETAILS = frozenset({"latitude", "longitude", "act_ended_on", "party_age", "item"})


def _require_catalog_item(case: Case, previous_item_id: int | None = None) -> None:
    """The item is of the district's catalog and, when it is newly named, still in it (not retired)."""
    if case.item is None:
        return
    if case.item.district_id != case.district_id:
        raise ValidationError({"item": [_("This enforcement item belongs to another district's catalog.")]})
    if not case.item.is_active and case.item_id != previous_item_id:
        raise ValidationError(
            {"item": [_("This enforcement item has been retired from the catalog; choose one in force.")]}
        )


def _suggestions(case: Case) -> dict[str, Any]:
    """What the matching engine suggested for the facts when the lead was recorded, kept beside the item the
    officer confirmed (so a supervisor can see both, and the engine's accuracy can be measured on real
    cases)."""
    from authority.matching.selectors import match_for_town

    try:
        with translation.override("zh-hans"):
            outcome = match_for_town(text=case.description, town=case.town, on=case.act_on)
    except Exception:  # matching is advice: a failure must not stop the officer recording the lead
        log.exception("matching the description of a new case failed")
        return {}
    return {
        "version": outcome.result.version,
        "no_match": outcome.no_match,
        "codes": [m.item.code for m in outcome.matched][:5],
    }


def _require_team(officer: User, town: Unit, on: dt.date) -> None:
    """A handling officer is an officer or supervisor of the town's team on the day (art 42: enforcement
    officers)."""
    from enforcement.officers import officer_towns

    if town.pk not in officer_towns(officer, on):
        raise ValidationError(
            {"officers": [_("%(name)s does not work for %(town)s.") % {"name": officer, "town": town}]}
        )
    if not can_handle_cases(officer):
        raise ValidationError(
            {
                "officers": [
                    _("%(name)s is not an enforcement officer or supervisor and cannot handle cases.")
                    % {"name": officer}
                ]
            }
        )


@transaction.atomic
def case_update(*, actor: User, case: Case, data: Mapping[str, Any], version: int | None = None) -> Case:
    locked = Case.objects.select_for_update(of=("self",)).select_related("town", "item").get(pk=case.pk)
    _check_version(locked, version)
    _require_editable(
        actor, locked, _("The details may be changed by the handling officers until the notice is served.")
    )
    before = _snapshot(locked, CASE_DETAIL_FIELDS)
    for name in CASE_DETAIL_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    _require_catalog_item(locked, before["item"])
    if locked.stage not in {Stage.LEAD, Stage.CHECKING} and locked.item_id != before["item"]:
        # The item decides who may act and the penalty range: after filing it changes only with a fresh
        # holding check.
        problems = checks.holding_problems(locked)
        if problems:
            raise ValidationError({"item": problems})
    if before["party_name"] != locked.party_name or before["party_identifier"] != locked.party_identifier:
        _subject_for(actor, locked)
    after = _snapshot(locked, CASE_DETAIL_FIELDS)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if not changed:
        return locked
    locked.version += 1
    locked.save()
    _event(locked, "update", actor=actor, data={"changed": sorted(changed)})
    audit_record(
        actor=actor,
        action="cases.case.update",
        obj=locked,
        town=locked.town,
        before={k: before[k] for k in changed},
        after=changed,
    )
    case.refresh_from_db()
    return locked


@transaction.atomic
def case_officers_set(
    *, actor: User, case: Case, officers: Sequence[User], lead: User, version: int | None = None
) -> Case:
    locked = Case.objects.select_for_update().select_related("town").get(pk=case.pk)
    _check_version(locked, version)
    _require_editable(actor, locked, _("Handling officers may be changed until the notice is served."))
    today = clock.today()
    wanted = {o.pk: o for o in officers}
    wanted.setdefault(lead.pk, lead)
    for officer in wanted.values():
        _require_team(officer, locked.town, today)
    rows = {r.officer_id: r for r in locked.officers.all()}
    before = sorted(pk for pk, r in rows.items() if r.active)
    for pk, row in rows.items():
        if pk not in wanted and row.active:
            row.recused_at, row.lead = clock.now(), False
            row.recusal_reason = row.recusal_reason or "removed"
            row.save(update_fields=["recused_at", "lead", "recusal_reason"])
    for pk, officer in wanted.items():
        current = rows.get(pk)
        if current is None:
            CaseOfficer.objects.create(
                case=locked, officer=officer, lead=pk == lead.pk, assigned_at=clock.now()
            )
        else:
            current.lead = pk == lead.pk
            if current.recused_at is not None and not current.conflict:
                current.recused_at, current.recusal_reason = None, ""
            current.save(update_fields=["lead", "recused_at", "recusal_reason"])
    locked.version += 1
    locked.save(update_fields=["version"])
    notices.notify_declarations(locked, actor=actor)
    after = sorted(wanted)
    _event(locked, "officers", actor=actor, data={"before": before, "after": after, "lead": lead.pk})
    audit_record(
        actor=actor,
        action="cases.case.set_officers",
        obj=locked,
        town=locked.town,
        before={"officers": before},
        after={"officers": after, "lead": lead.pk},
    )
    case.refresh_from_db()
    return locked


@transaction.atomic
def case_declare(*, actor: User, case: Case, conflict: bool, note: str = "") -> CaseOfficer:
    """The officer's recusal declaration (回避声明, art 43). Declaring a conflict takes them off the case."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    require(can_declare_recusal(actor, locked), _("Only the case's handling officers declare."))
    row = locked.officers.get(officer=actor, recused_at__isnull=True)
    note = (note or "").strip()
    if conflict and not note:
        raise ValidationError({"note": [_("Explain the conflict.")]})
    row.declared_at, row.conflict = clock.now(), conflict
    if conflict:
        row.recused_at, row.recusal_reason, row.lead = clock.now(), note[:300], False
    row.save()
    locked.version += 1
    locked.save(update_fields=["version"])
    _event(
        locked, "declare" if not conflict else "recuse", actor=actor, note=note, data={"conflict": conflict}
    )
    audit_record(
        actor=actor,
        action="cases.case.declare",
        obj=locked,
        town=locked.town,
        after={"conflict": conflict, "note": note},
    )
    return row


# What the audit row shows of a case before and after an action.
AUDITED = (
    "stage",
    "number",
    "filed_on",
    "decision_due",
    "paused_days",
    "extended",
    "correction_due",
    "notice_served_on",
    "proposed_kinds",
    "proposed_fine",
    "hearing_offered",
    "reply_due",
    "rights_waived",
    "statement_made",
    "hearing_on",
    "hearing_held_on",
    "review_required",
    "reviewed_by",
    "decided_on",
    *PENALTY_FIELDS,
    "deviation_kind",
    "served_on",
    "payment_due",
    "paid_on",
    "amount_paid",
    "late_fee",
    "closed_on",
    "archived_on",
)


def case_act(*, actor: User, case: Case, action: str, data: Mapping[str, Any]) -> CaseEvent:
    """Take one workflow action. Raises PermissionDenied, ValidationError (bad input or a legal check),
    InvalidTransition (not from this stage) or StaleObject (someone else changed the case first)."""
    try:
        transition = TRANSITIONS[Action(action)]
    except ValueError as exc:
        raise InvalidTransition(_("Unknown action “%(action)s”.") % {"action": action}) from exc
    try:
        event, locked = _act(actor=actor, case=case, action=action, transition=transition, data=data)
    except FenceRefusal as refusal:
        if refusal.blocked:  # the refused attempt stays on record for the supervisors
            _record_refusal(actor, case, action, refusal)
        raise
    for name in ("stage", "version", "number", "next_due"):
        setattr(case, name, getattr(locked, name))
    return event


def _record_refusal(actor: User, case: Case, action: str, refusal: FenceRefusal) -> None:
    from enforcement.services import fence_refusal_record

    current = Case.objects.select_related("town", "subject").filter(pk=case.pk).first()
    if current is None:
        return
    fence_refusal_record(
        actor=actor,
        action=f"cases.{action}",
        key=f"case:{current.pk}:{action}:v{current.version}",
        findings=refusal.findings,
        town=current.town,
        obj=current,
        subject=current.subject,
    )


def _act(
    *, actor: User, case: Case, action: str, transition: Any, data: Mapping[str, Any]
) -> tuple[CaseEvent, Case]:
    from enforcement.outbox import enqueue
    from enforcement.services import fence_findings_record
    from enforcement.tasks import fence_evaluate_after_change_task

    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("town", "town__district", "item", "district")
            .get(pk=case.pk)
        )
        _check_version(locked, data.get("version"))
        require(
            may_take(actor, locked, transition),
            _("You may not “%(action)s” on this case.") % {"action": transition.action.label},
        )
        check_transition(locked.stage, action)
        before = _snapshot(locked, AUDITED)
        from_stage = locked.stage
        step = _Step(
            case=locked,
            actor=actor,
            data=data,
            today=clock.today(),
            policy=dl.policy_for(locked.district_id),
            target=transition.target,
        )
        version = locked.version
        HANDLERS[action](step)
        if step.target is not None:
            locked.stage = step.target
            locked.stage_changed_at = clock.now()
        locked.version += 1
        locked.next_due = dl.next_due(locked, step.today)
        locked.save()
        note = str(data.get("note") or "")
        event = _event(
            locked,
            action,
            actor=actor,
            before=from_stage,
            after=locked.stage if step.target else "",
            note=note,
            data=json_safe(step.event),
        )
        notices.notify_step(locked, action=action, actor=actor, event_id=event.pk, note=note)
        after = _snapshot(locked, AUDITED)
        audit_record(
            actor=actor,
            action=f"cases.case.{action}",
            obj=locked,
            town=locked.town,
            summary=note[:200],
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
        if step.passed:  # prompts, and warnings the officer went past with a reason
            fence_findings_record(
                actor=actor,
                action=step.fence_action,
                key=f"case:{locked.pk}:{action}:v{version}",
                findings=step.passed,
                town=locked.town,
                obj=locked,
                subject=locked.subject,
                reason=step.fence_reason,
            )
        # The rules that judge the committed result run in the worker; with the broker down the row waits in
        # the outbox and the step still succeeds.
        enqueue(fence_evaluate_after_change_task, action, "cases.case", str(locked.pk))
    return event, locked


REPLY_PERIODS_BATCH = 500


def case_reply_periods_end(*, today: dt.date | None = None, limit: int = REPLY_PERIODS_BATCH) -> list[int]:
    """The sweep for notices whose reply period ran out: a notified case whose `next_due` is still the
    party's reply date, passed before `today`, now works against its decision deadline (`deadlines.next_due`
    on the day), so the lists, the case page and the API show the date the team must meet. One conditional
    UPDATE per run (the row still notified, its `next_due` still the reply date, so a step taken meanwhile
    wins), rows claimed with SKIP LOCKED, at most `limit`; an audit row per case with the dates before and
    after. Idempotent: a second run finds nothing. Returns the ids of the cases moved on."""
    day = today or clock.today()
    due_then = Case.objects.filter(stage=Stage.NOTIFIED, next_due=F("reply_due"), reply_due__lt=day).exclude(
        decision_due=F("reply_due")
    )
    with transaction.atomic():
        claimed = list(
            due_then.select_for_update(skip_locked=True, of=("self",))
            .select_related("town")
            .order_by("next_due", "pk")[:limit]
        )
        moved: list[int] = []
        for case in claimed:
            after = dl.next_due(case, day)
            if after == case.next_due:
                continue
            changed = Case.objects.filter(pk=case.pk, stage=Stage.NOTIFIED, next_due=case.next_due).update(
                next_due=after
            )
            if changed != 1:
                continue
            audit_record(
                actor=None,
                action="cases.case.end_reply_period",
                obj=case,
                town=case.town,
                summary=f"reply period ended {case.reply_due}; next deadline {after}",
                before=json_safe({"next_due": case.next_due, "reply_due": case.reply_due}),
                after=json_safe({"next_due": after}),
            )
            moved.append(case.pk)
    return moved
