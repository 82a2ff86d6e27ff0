"""Complaint intake (投诉举报): file one, import many, and match them to enforcement items in the background.

Every write is atomic and audited. Matching runs in Celery: a complaint is created PENDING and its id is queued on
commit (in bounded batches for imports); the worker matches it against the catalog of its town's district and stores
the candidates, with who enforces each on the day it was received. A complaint is only ever moved out of PENDING by a
conditional update, so a task that runs twice, or two workers on the same batch, write one result and one audit row.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from authority.selectors import who_enforces
from enforcement.access import scope_for
from enforcement.audit import audit_record, json_safe
from enforcement.models import Role, Unit, User
from enforcement.outbox import enqueue_many
from enforcement.rules import AnyUser, is_district_admin_of, require

from .models import Complaint

log = logging.getLogger(__name__)

BATCH_SIZE = 50  # complaints per matching task
MAX_IMPORT = 2000  # rows per import
MAX_TEXT = 4000
SWEEP_LIMIT = 500  # pending complaints picked up per sweep


# --- permissions (can_<verb>_<noun>) -----------------------------------------------------------------------------


def can_file_complaint(user: AnyUser, town: Unit) -> bool:
    """Officers and supervisors of the town (or seconded to it) and the district administrator record complaints."""
    if not isinstance(user, User) or not user.is_active or town.kind != Unit.Kind.TOWN:
        return False
    if is_district_admin_of(user, town.district_id):
        return True
    return town.pk in scope_for(user).town_ids and (
        user.has_role(Role.OFFICER) or user.has_role(Role.SUPERVISOR)
    )


def can_rematch_complaint(user: AnyUser, complaint: Complaint) -> bool:
    """Ask for a new match (after rules changed, say): supervisors of the town and the district administrator."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if is_district_admin_of(user, complaint.district_id):
        return True
    return user.has_role(Role.SUPERVISOR) and complaint.town_id in scope_for(user).town_ids


# --- filing and importing -----------------------------------------------------------------------------------------


def _parse_received(value: Any) -> dt.datetime:
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(9, 0))
    else:
        text = str(value).strip().replace("/", "-")
        moment = parse_datetime(text) or (
            dt.datetime.combine(d, dt.time(9, 0)) if (d := parse_date(text)) else None
        )  # type: ignore[assignment]
        if moment is None:
            raise ValidationError(
                {
                    "received_at": [
                        _("“%(value)s” is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM).")
                        % {"value": text[:40]}
                    ]
                }
            )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": [_("The complaint cannot be received in the future.")]})
    return moment


CHANNEL_ALIASES = {
    "12345": Complaint.Channel.HOTLINE,
    "热线": Complaint.Channel.HOTLINE,
    "来访": Complaint.Channel.WALK_IN,
    "网上": Complaint.Channel.ONLINE,
    "网络": Complaint.Channel.ONLINE,
    "其他": Complaint.Channel.OTHER,
}


def clean_complaint(row: Mapping[str, Any]) -> dict[str, Any]:
    """Check one complaint's fields; ValidationError with a message per field."""
    errors: dict[str, list[str]] = {}
    text = str(row.get("text") or "").strip()
    if not text:
        errors["text"] = [_("The complaint has no text.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("The text is longer than %(max)s characters.") % {"max": MAX_TEXT}]
    channel = str(row.get("channel") or Complaint.Channel.HOTLINE).strip()
    channel = CHANNEL_ALIASES.get(channel, channel)
    if channel not in Complaint.Channel.values:
        errors["channel"] = [_("Unknown channel “%(value)s”.") % {"value": channel[:30]}]
    external_id = str(row.get("external_id") or "").strip()
    if len(external_id) > 64:
        errors["external_id"] = [_("The ticket number is longer than 64 characters.")]
    address = str(row.get("address") or "").strip()[:300]
    received_at = None
    try:
        received_at = _parse_received(row.get("received_at"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return {
        "text": text,
        "channel": channel,
        "external_id": external_id,
        "address": address,
        "received_at": received_at,
    }


def _create(*, actor: User, town: Unit, data: dict[str, Any], summary: str) -> Complaint:
    complaint = Complaint.objects.create(district_id=town.district_id, town=town, created_by=actor, **data)
    audit_record(
        actor=actor,
        action="cases.complaint.create",
        obj=complaint,
        town=town,
        summary=summary,
        after={
            "channel": complaint.channel,
            "external_id": complaint.external_id,
            "received_at": complaint.received_at.isoformat(),
            "text": complaint.text[:200],
        },
    )
    return complaint


def _queue_matching(ids: Sequence[int]) -> None:
    from .tasks import complaint_match_task

    enqueue_many(
        complaint_match_task, [[list(ids[k : k + BATCH_SIZE])] for k in range(0, len(ids), BATCH_SIZE)]
    )


@transaction.atomic
def complaint_create(
    *,
    actor: User,
    town: Unit,
    text: str,
    channel: str = Complaint.Channel.HOTLINE,
    external_id: str = "",
    address: str = "",
    received_at: Any = None,
) -> Complaint:
    require(
        can_file_complaint(actor, town), _("Only officers and supervisors of the town record its complaints.")
    )
    data = clean_complaint(
        {
            "text": text,
            "channel": channel,
            "external_id": external_id,
            "address": address,
            "received_at": received_at,
        }
    )
    if (
        data["external_id"]
        and Complaint.objects.filter(
            district_id=town.district_id, channel=data["channel"], external_id=data["external_id"]
        ).exists()
    ):
        raise ValidationError(
            {"external_id": [_("A complaint with this ticket number is already recorded.")]}
        )
    complaint = _create(actor=actor, town=town, data=data, summary="")
    _queue_matching([complaint.pk])
    return complaint


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)

    @property
    def summary(self) -> str:
        return _(
            "%(created)s complaints recorded, %(skipped)s rows skipped; matching runs in the background."
        ) % {"created": len(self.created), "skipped": len(self.skipped)}


@transaction.atomic
def complaints_import(
    *, actor: User, town: Unit, rows: Sequence[Mapping[str, Any]], source: str = ""
) -> ImportReport:
    """Record many complaints for a town (CSV import, bulk API). Invalid rows and tickets already recorded are
    skipped with a reason; the others are created and queued for matching in batches of BATCH_SIZE."""
    require(
        can_file_complaint(actor, town), _("Only officers and supervisors of the town record its complaints.")
    )
    if not rows:
        raise ValidationError({"complaints": [_("There is no complaint to import.")]})
    if len(rows) > MAX_IMPORT:
        raise ValidationError(
            {"complaints": [_("At most %(max)s complaints per import.") % {"max": MAX_IMPORT}]}
        )
    report = ImportReport()
    tickets = {
        (channel, ticket)
        for channel, ticket in Complaint.objects.filter(district_id=town.district_id)
        .exclude(external_id="")
        .values_list("channel", "external_id")
    }
    summary = _("imported") + (f": {source[:100]}" if source else "")
    for number, row in enumerate(rows, start=1):
        try:
            data = clean_complaint(row)
        except ValidationError as exc:
            report.skipped.append(
                (number, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
            )
            continue
        key = (data["channel"], data["external_id"])
        if data["external_id"] and key in tickets:
            report.skipped.append(
                (number, _("ticket %(ticket)s is already recorded") % {"ticket": data["external_id"]})
            )
            continue
        if data["external_id"]:
            tickets.add(key)
        report.created.append(_create(actor=actor, town=town, data=data, summary=summary).pk)
    if not report.created:
        raise ValidationError(
            {
                "complaints": [_("No row could be imported.")]
                + [f"#{n}: {why}" for n, why in report.skipped[:20]]
            }
        )
    _queue_matching(report.created)
    return report


# --- matching (system) --------------------------------------------------------------------------------------------


def _result_of(complaint: Complaint) -> tuple[str, dict[str, Any], str]:
    from authority.matching.selectors import match_for_town

    on = timezone.localdate(complaint.received_at)
    with translation.override("zh-hans"):
        outcome = match_for_town(text=complaint.text, town=complaint.town, on=on)
        result = outcome.as_dict()
    for row, matched in zip(result["candidates"], outcome.matched, strict=True):
        row["name_en"] = matched.item.name_en
    status = Complaint.MatchStatus.NO_MATCH if outcome.no_match else Complaint.MatchStatus.MATCHED
    return status, result, outcome.result.version


def complaints_match(*, ids: Iterable[int]) -> int:
    """Match the PENDING complaints among `ids` (a system action). At most BATCH_SIZE are matched in this call; the
    rest are queued again. Idempotent. Returns how many complaints this call moved out of PENDING."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    now_ids, later = ids[:BATCH_SIZE], ids[BATCH_SIZE:]
    done = 0
    for complaint in Complaint.objects.filter(
        pk__in=now_ids, match_status=Complaint.MatchStatus.PENDING
    ).select_related("town"):
        try:
            status, result, version = _result_of(complaint)
        except Exception as exc:  # one complaint the matcher cannot handle must not stop the batch
            log.exception("matching complaint %s failed", complaint.pk)
            status, result, version = Complaint.MatchStatus.FAILED, {"error": str(exc)[:300]}, ""
        with transaction.atomic():
            won = Complaint.objects.filter(
                pk=complaint.pk, match_status=Complaint.MatchStatus.PENDING
            ).update(
                match_status=status,
                match_result=result,
                matched_at=timezone.now(),
                matcher_version=version,
            )
            if won:
                audit_record(
                    actor=None,
                    action="cases.complaint.match",
                    obj=complaint,
                    town=complaint.town,
                    before={"match_status": Complaint.MatchStatus.PENDING},
                    after={
                        "match_status": status,
                        "codes": [c["code"] for c in result.get("candidates", [])],
                        "version": version,
                    },
                )
                done += 1
    if later:
        _queue_matching(later)
    return done


def complaints_match_sweep(limit: int = SWEEP_LIMIT) -> int:
    """Queue complaints still PENDING (a lost task, a worker that was down): bounded, oldest first."""
    ids = list(
        Complaint.objects.filter(match_status=Complaint.MatchStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        with transaction.atomic():
            _queue_matching(ids)
    return len(ids)


@transaction.atomic
def complaint_rematch(*, actor: User, complaint: Complaint) -> Complaint:
    """Match again (after the rules or the catalog changed): back to PENDING, queued on commit."""
    require(can_rematch_complaint(actor, complaint), _("Only supervisors ask for a new match."))
    before = Complaint.objects.select_for_update().get(pk=complaint.pk)
    Complaint.objects.filter(pk=complaint.pk).update(
        match_status=Complaint.MatchStatus.PENDING, match_result=None, matched_at=None, matcher_version=""
    )
    audit_record(
        actor=actor,
        action="cases.complaint.rematch",
        obj=before,
        town=before.town,
        before={"match_status": before.match_status, "version": before.matcher_version},
        after={"match_status": Complaint.MatchStatus.PENDING},
    )
    _queue_matching([complaint.pk])
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaints_rematch_unmatched(*, actor: User, town: Unit, limit: int = MAX_IMPORT) -> int:
    """Match again the town's complaints that found no item or failed (bounded). Returns how many were queued."""
    probe = Complaint(town=town, district_id=town.district_id)
    require(can_rematch_complaint(actor, probe), _("Only supervisors ask for a new match."))
    ids = list(
        Complaint.objects.filter(
            town=town, match_status__in=[Complaint.MatchStatus.NO_MATCH, Complaint.MatchStatus.FAILED]
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    Complaint.objects.filter(pk__in=ids).update(
        match_status=Complaint.MatchStatus.PENDING, match_result=None, matched_at=None, matcher_version=""
    )
    audit_record(
        actor=actor,
        action="cases.complaint.rematch",
        town=town,
        object_type="cases.complaint",
        summary=_("%(n)s complaints without an item queued for matching again") % {"n": len(ids)},
        after={"ids": ids[:200], "count": len(ids)},
    )
    _queue_matching(ids)
    return len(ids)


# --- penalty cases ------------------------------------------------------------------------------------------------
# One entry point moves a case: `case_act`. It locks the row, refuses a form opened on an older version (two clicks,
# two people), checks the role and the stage, runs the legal checks the action needs, then writes the change, a
# timeline event and an audit row in one transaction. Handlers below only compute; they never save.

from . import checks, clock  # noqa: E402
from . import deadlines as dl  # noqa: E402
from .models import Case, CaseEvent, CaseOfficer, CasePolicy, CaseSequence, Procedure  # noqa: E402
from .rules import EDITABLE_STAGES, can_declare_recusal, can_file_case, may_edit_case_details, may_take  # noqa: E402
from .workflow import TRANSITIONS, Action, InvalidTransition, Stage, StaleCase, check_transition  # noqa: E402


def _require_editable(actor: User, case: Case, message: str) -> None:
    """Not one who may change the case: PermissionDenied (403); past the notice: InvalidTransition, a stage conflict."""
    require(may_edit_case_details(actor, case), message)
    if case.stage not in EDITABLE_STAGES:
        raise InvalidTransition(message)


CASE_DETAIL_FIELDS = (
    "source",
    "title",
    "description",
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
        raise StaleCase(
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
    _require_district_item(case)
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
        action="case.create",
        obj=case,
        town=town,
        after={**_snapshot(case, CASE_DETAIL_FIELDS), "stage": case.stage},
    )
    return case


NULLABLE_DETAILS = frozenset({"latitude", "longitude", "act_ended_on", "party_age", "item"})


def _require_district_item(case: Case) -> None:
    if case.item is not None and case.item.district_id != case.district_id:
        raise ValidationError({"item": [_("This enforcement item belongs to another district's catalog.")]})


def _suggestions(case: Case) -> dict[str, Any]:
    """What the matching engine suggested for the facts when the lead was recorded, kept beside the item the officer
    confirmed (so a supervisor can see both, and the engine's accuracy can be measured on real cases)."""
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
    from enforcement.officers import officer_towns

    if town.pk not in officer_towns(officer, on):
        raise ValidationError(
            {"officers": [_("%(name)s does not work for %(town)s.") % {"name": officer, "town": town}]}
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
    _require_district_item(locked)
    if locked.stage not in {Stage.LEAD, Stage.CHECKING} and locked.item_id != before["item"]:
        # The item decides who may act and the penalty range: after filing it changes only with a fresh holding check.
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
        action="case.update",
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
        row = rows.get(pk)
        if row is None:
            CaseOfficer.objects.create(
                case=locked, officer=officer, lead=pk == lead.pk, assigned_at=clock.now()
            )
        else:
            row.lead = pk == lead.pk
            if row.recused_at is not None and not row.conflict:
                row.recused_at, row.recusal_reason = None, ""
            row.save(update_fields=["lead", "recused_at", "recusal_reason"])
    locked.version += 1
    locked.save(update_fields=["version"])
    after = sorted(wanted)
    _event(locked, "officers", actor=actor, data={"before": before, "after": after, "lead": lead.pk})
    audit_record(
        actor=actor,
        action="case.officers",
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
        action="case.declare",
        obj=locked,
        town=locked.town,
        after={"conflict": conflict, "note": note},
    )
    return row


def case_recommendation(
    case: Case, factors: Sequence[str] | None = None, *, on: dt.date | None = None
) -> Any:
    """The discretion benchmark's recommendation for the case's facts (None without an item)."""
    if case.item_id is None:
        return None
    from discretion.recommend import recommend

    facts = {
        "on": on or case.decided_on or clock.today(),
        "factors": list(factors if factors is not None else case.facts.get("factors", [])),
        "values": dict(case.facts.get("values", {})),
        "act_date": case.act_end,
        "discovered_on": case.discovered_on,
        "subject_id": case.subject_id,
        "identifier": case.party_identifier,
    }
    if case.party_kind == "person" and case.party_age is not None and 14 <= case.party_age < 18:
        facts["factors"] = sorted({*facts["factors"], "aged_14_18"})
    return recommend(case.item, facts)


def _number(case: Case, today: dt.date) -> None:
    """Give the case its number: per town and year, under a row lock, never reused (a withdrawn case keeps it)."""
    sequence, _created = CaseSequence.objects.select_for_update().get_or_create(
        town=case.town, year=today.year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    prefix = case.town.case_prefix or f"{case.town.name_zh}执"
    case.year, case.sequence = today.year, sequence.last
    case.number = f"{prefix}〔{today.year}〕{sequence.last}号"


@dataclass
class _Step:
    case: Case
    actor: User
    data: Mapping[str, Any]
    today: dt.date
    policy: CasePolicy
    target: str | None
    event: dict[str, Any] = field(default_factory=dict)
    problems: checks.Problems = field(default_factory=checks.Problems)

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self.case, name, value)

    def check(self, *groups: list[str]) -> None:
        for group in groups:
            self.problems.extend(group)
        self.problems.raise_if_any()


def _date_not_future(step: _Step, name: str) -> dt.date:
    day = step.data.get(name) or step.today
    if day > step.today:
        raise ValidationError({name: [_("This date cannot be in the future.")]})
    return day


def _filing_checks(step: _Step) -> None:
    case = step.case
    officers = list(case.officers.select_related("officer"))
    step.check(
        checks.item_problems(case),
        checks.holding_problems(case),
        checks.officer_problems(case, step.today, officers),
        checks.recusal_problems(case, officers),
        checks.limitation_problems(case, step.policy),
        checks.camera_problems(case),
    )


def _record_checks(step: _Step, on: dt.date) -> None:
    officers = list(step.case.officers.select_related("officer"))
    step.check(checks.officer_problems(step.case, on, officers), checks.recusal_problems(step.case, officers))


def _do_propose_filing(step: _Step) -> None:
    _filing_checks(step)


def _do_approve_filing(step: _Step) -> None:
    _filing_checks(step)
    case = step.case
    holder = who_enforces(case.item, case.town, case.act_on)  # type: ignore[arg-type]
    _number(case, step.today)
    step.set(filed_on=step.today, acting_name=holder.acting_name, grant_kind=holder.kind)
    step.set(decision_due=dl.decision_due(case, step.policy))
    step.event.update(number=case.number, acting_name=holder.acting_name, decision_due=case.decision_due)


def _do_close_lead(step: _Step) -> None:
    step.set(closed_on=step.today, outcome=str(step.data.get("note") or "")[:200])


def _prior_violations(case: Case, today: dt.date) -> list[Any]:
    from discretion.history import HistoryQuery, party_history

    history = party_history(
        HistoryQuery(
            district_id=case.district_id,
            before=today,
            subject_id=case.subject_id,
            identifier=case.party_identifier,
        )
    )
    return [
        p
        for p in history or ()
        if p.item_id == case.item_id or (p.item_code and case.item and p.item_code == case.item.code)
    ]


def _first_violation_check(step: _Step, basis: str) -> None:
    """Art 33 "first violation, no penalty" only for a party with no earlier violation of the item in the district."""
    if basis != "art33_first":
        return
    case = step.case
    prior = [p for p in _prior_violations(case, step.today) if p.reference != case.number]
    if prior:
        step.check(
            [
                _(
                    "Not a first violation: the party was dealt with for this item before (%(refs)s), so art 33 "
                    "(first violation, no penalty) does not apply."
                )
                % {"refs": "、".join(p.reference or str(p.decided_on) for p in prior[:3])}
            ]
        )


def _do_order_correction(step: _Step) -> None:
    _record_checks(step, step.today)
    basis = step.data["basis"]
    _first_violation_check(step, basis)
    step.set(correction_due=step.data["correction_due"], no_penalty_basis=basis)
    step.event.update(basis=basis, correction_due=step.data["correction_due"])


def _do_confirm_correction(step: _Step) -> None:
    checked = _date_not_future(step, "checked_on")
    step.set(
        closed_on=step.today,
        decided_on=checked,
        outcome=str(_("Corrected in time: no penalty (art 33); education recorded.")),
    )
    step.event.update(checked_on=checked)


def _do_correction_failed(step: _Step) -> None:
    step.set(no_penalty_basis="")
    step.event.update(checked_on=_date_not_future(step, "checked_on"))


def _penalty_checks(step: _Step, kinds: list[str], fine: Decimal | None, on: dt.date) -> Any:
    """Checks shared by the notice, the decision and the on-the-spot decision; returns the recommendation."""
    case = step.case
    officers = list(case.officers.select_related("officer"))
    item = checks.heavier_item(case)
    step.problems.extend(checks.item_problems(case))
    step.problems.extend(checks.holding_problems(case))
    step.problems.extend(checks.officer_problems(case, on, officers))
    step.problems.extend(checks.recusal_problems(case, officers))
    step.problems.extend(checks.limitation_problems(case, step.policy))
    step.problems.extend(checks.age_problems(case, kinds))
    if not kinds:
        step.problems.append(_("Choose the penalty."))
    recommendation = None
    if item is not None:
        step.problems.extend(checks.kinds_problems(item, kinds))
        recommendation = case_recommendation(case, step.data.get("factors"), on=on) if case.item_id else None
        reduced = bool(recommendation is not None and recommendation.reduced)
        step.problems.extend(checks.fine_range_problems(item, fine, reduced=reduced))
    step.problems.raise_if_any()
    return recommendation


def _recommendation_record(recommendation: Any) -> dict[str, Any]:
    if recommendation is None:
        return {}
    return json_safe(
        {
            "summary": recommendation.summary("zh-hans"),
            "summary_en": recommendation.summary("en"),
            "tier": recommendation.tier_level if recommendation.punish else "",
            "fine_min": recommendation.fine_min,
            "fine_max": recommendation.fine_max,
            "fine_suggested": recommendation.fine_suggested,
            "punish": recommendation.punish,
            "benchmark": recommendation.citation.text("zh-hans"),
            "benchmark_id": recommendation.citation.benchmark_id,
            "benchmark_version": recommendation.citation.version,
        }
    )


def _do_serve_notice(step: _Step) -> None:
    case = step.case
    kinds = list(step.data.get("penalty_kinds") or [])
    fine = step.data.get("proposed_fine")
    served = _date_not_future(step, "served_on")
    if case.filed_on and served < case.filed_on:
        raise ValidationError({"served_on": [_("The notice cannot be served before the case was filed.")]})
    factors = sorted(step.data.get("factors") or [])
    case.facts = {**case.facts, "factors": factors}
    recommendation = _penalty_checks(step, kinds, fine, served)
    offered = checks.hearing_right(case, kinds, fine, step.policy)
    step.set(
        notice_served_on=served,
        proposed_kinds=kinds,
        proposed_fine=fine,
        hearing_offered=offered,
        reply_due=dl.reply_due(served, step.policy),
        rights_waived=False,
        statement_made=False,
        hearing_requested_on=None,
        hearing_on=None,
        hearing_held_on=None,
        reviewed_by=None,
        reviewed_at=None,
        review_opinion="",
        recommendation=_recommendation_record(recommendation),
    )
    step.event.update(
        kinds=kinds, fine=fine, hearing_offered=offered, reply_due=case.reply_due, factors=factors
    )


def _do_record_statement(step: _Step) -> None:
    made = _date_not_future(step, "made_on")
    step.set(statement_made=True)
    step.event.update(made_on=made, accepted=bool(step.data.get("accepted")))


def _do_waive_rights(step: _Step) -> None:
    step.set(rights_waived=True)


def _do_request_hearing(step: _Step) -> None:
    case = step.case
    requested = _date_not_future(step, "requested_on")
    if not case.hearing_offered:
        step.check(
            [_("This penalty does not give the right to a hearing (art 63); record a statement instead.")]
        )
    if case.reply_due and requested > case.reply_due:
        step.check(
            [
                _(
                    "A hearing must be requested within %(days)d working days of the notice, by %(date)s (art 64)."
                )
                % {"days": step.policy.reply_working_days, "date": case.reply_due}
            ]
        )
    step.set(hearing_requested_on=requested, paused_since=requested, pause_reason="hearing")
    step.event.update(requested_on=requested)


def _do_schedule_hearing(step: _Step) -> None:
    hearing_on = step.data["hearing_on"]
    earliest = dl.earliest_hearing(step.today, step.policy)
    if hearing_on < earliest:
        raise ValidationError(
            {
                "hearing_on": [
                    _(
                        "The party must be told at least %(days)d working days before the hearing (art 64): the earliest date is %(date)s."
                    )
                    % {"days": step.policy.hearing_notice_working_days, "date": earliest}
                ]
            }
        )
    step.set(hearing_on=hearing_on)
    step.event.update(hearing_on=hearing_on, place=step.data.get("place_of_hearing", ""))


def _resume(step: _Step, on: dt.date) -> None:
    case = step.case
    if case.paused_since is not None:
        step.set(
            paused_days=case.paused_days + max(0, (on - case.paused_since).days),
            paused_since=None,
            pause_reason="",
        )
        step.set(decision_due=dl.decision_due(case, step.policy))


def _do_finish_hearing(step: _Step) -> None:
    case = step.case
    held = _date_not_future(step, "held_on")
    if case.hearing_on is None:
        step.check([_("Schedule the hearing first.")])
    if held < case.hearing_on:  # type: ignore[operator]
        raise ValidationError(
            {"held_on": [_("The hearing was scheduled for %(date)s.") % {"date": case.hearing_on}]}
        )
    step.set(
        hearing_held_on=held, review_required=True, review_reasons=sorted({*case.review_reasons, "hearing"})
    )
    _resume(step, held)
    step.event.update(held_on=held)


def _do_submit(step: _Step) -> None:
    case = step.case
    step.check(checks.heard_problems(case, step.today))
    reasons = checks.review_reasons(
        case, case.proposed_kinds, case.proposed_fine, step.policy, major=bool(step.data.get("major"))
    )
    step.set(review_required=bool(reasons), review_reasons=reasons)
    step.target = Stage.LEGAL_REVIEW if reasons else Stage.DECIDING
    step.event.update(review_reasons=reasons)


def _do_pass_review(step: _Step) -> None:
    step.check(checks.reviewer_problems(step.case, step.actor.pk))
    step.set(reviewed_by=step.actor, reviewed_at=clock.now(), review_opinion=step.data["note"])


def _do_return_review(step: _Step) -> None:
    step.check(checks.reviewer_problems(step.case, step.actor.pk))
    step.set(review_opinion=step.data["note"])


def _do_decide(step: _Step) -> None:
    from discretion.recommend import Decision, ProposedPenalty, deviation

    case = step.case
    kinds = list(step.data.get("penalty_kinds") or [])
    fine = step.data.get("fine")
    decided = _date_not_future(step, "decided_on")
    step.problems.extend(checks.heard_problems(case, decided))
    step.problems.extend(checks.heavier_problems(case, kinds, fine))
    step.problems.extend(checks.review_problems(case))
    step.problems.extend(checks.one_fine_problems(case, fine))
    recommendation = _penalty_checks(step, kinds, fine, decided)
    discussion = str(step.data.get("collective_discussion") or "").strip()
    if {"major_penalty", "major_or_complex"} & set(case.review_reasons) and not discussion:
        raise ValidationError(
            {
                "collective_discussion": [
                    _(
                        "A major or complex case is decided by the agency's leaders collectively (art 57): record when they "
                        "discussed it and what they concluded."
                    )
                ]
            }
        )
    reason = str(step.data.get("deviation_reason") or "").strip()
    kind, explanation = "", []
    if recommendation is not None:
        result = deviation(
            Decision(
                recommendation, ProposedPenalty(punish=True, kinds=tuple(kinds), fine=fine, reason=reason)
            )
        )
        kind, explanation = result.kind, result.explain("zh-hans")
        if result.needs_reason and not result.reason_given:
            raise ValidationError(
                {
                    "deviation_reason": [
                        _(
                            "The penalty departs from the benchmark (%(label)s: %(summary)s). Give the written reason (art 34)."
                        )
                        % {"label": result.label(), "summary": recommendation.summary()}
                    ]
                }
            )
    late = bool(case.decision_due and decided > case.decision_due)
    step.set(
        decided_on=decided,
        decided_by=step.actor,
        penalty_kinds=kinds,
        fine=fine,
        confiscated=step.data.get("confiscated"),
        tier=recommendation.tier_level if recommendation and recommendation.punish else "",
        recommendation=_recommendation_record(recommendation),
        deviation_kind=kind,
        deviation_reason=reason,
        service_due=dl.service_due(decided, step.policy),
    )
    step.event.update(
        kinds=kinds,
        fine=fine,
        deviation=kind,
        deviation_explanation=explanation,
        late=late,
        collective_discussion=discussion,
    )


def _do_decide_no_penalty(step: _Step) -> None:
    step.check(checks.review_problems(step.case))
    _first_violation_check(step, step.data["basis"])
    step.set(
        decided_on=step.today,
        decided_by=step.actor,
        closed_on=step.today,
        no_penalty_basis=step.data["basis"],
        penalty_kinds=[],
        fine=None,
        outcome=str(step.data["note"])[:200],
    )
    step.event.update(basis=step.data["basis"])


def _do_serve_decision(step: _Step) -> None:
    case = step.case
    served = _date_not_future(step, "served_on")
    if case.decided_on and served < case.decided_on:
        raise ValidationError({"served_on": [_("The decision cannot be served before it was made.")]})
    step.set(served_on=served, service_method=step.data["method"])
    if case.fine or case.confiscated:
        step.set(payment_due=dl.payment_due(served, step.policy))
    else:
        step.target = Stage.EXECUTED  # a warning is carried out by serving it
    step.event.update(
        served_on=served,
        method=step.data["method"],
        late=bool(case.service_due and served > case.service_due),
    )


def _do_record_payment(step: _Step) -> None:
    case = step.case
    paid = _date_not_future(step, "paid_on")
    if case.served_on and paid < case.served_on:
        raise ValidationError({"paid_on": [_("Payment cannot precede service of the decision.")]})
    fee = dl.late_fee(case.fine, case.payment_due, paid, step.policy)
    due_total = (case.fine or Decimal("0")) + (case.confiscated or Decimal("0")) + fee
    step.check(
        checks.payment_problems(case, step.data["amount"], step.data["channel"], due_total, step.policy)
    )
    step.set(
        paid_on=paid, amount_paid=step.data["amount"], late_fee=fee, payment_channel=step.data["channel"]
    )
    step.event.update(
        paid_on=paid,
        amount=step.data["amount"],
        late_fee=fee,
        channel=step.data["channel"],
        receipt=step.data.get("receipt", ""),
    )


def _do_record_enforcement(step: _Step) -> None:
    step.set(outcome=str(_("Compulsory execution: %(note)s") % {"note": step.data["note"]})[:200])


def _do_close(step: _Step) -> None:
    step.set(closed_on=step.today)


def _do_archive(step: _Step) -> None:
    step.set(archived_on=step.today)
    step.event.update(archive_ref=step.data["archive_ref"])


def _do_on_spot(step: _Step) -> None:
    case = step.case
    kinds = list(step.data.get("penalty_kinds") or [])
    fine = step.data.get("fine")
    step.problems.extend(checks.simple_procedure_problems(case, kinds, fine, step.policy))
    step.problems.extend(checks.one_fine_problems(case, fine))
    paid_now = bool(step.data.get("paid_on_spot"))
    if paid_now and fine and fine > step.policy.on_spot_collection:
        step.problems.append(
            _("Officers may collect on the spot only fines up to %(limit)s yuan (art 68).")
            % {"limit": checks.money(step.policy.on_spot_collection)}
        )
    recommendation = _penalty_checks(step, kinds, fine, step.today)
    holder = who_enforces(case.item, case.town, case.act_on)  # type: ignore[arg-type]
    _number(case, step.today)
    step.set(
        procedure=Procedure.SIMPLE,
        acting_name=holder.acting_name,
        grant_kind=holder.kind,
        decided_on=step.today,
        decided_by=step.actor,
        served_on=step.today,
        service_method="direct",
        penalty_kinds=kinds,
        fine=fine,
        recommendation=_recommendation_record(recommendation),
    )
    if paid_now or not fine:
        step.set(
            paid_on=step.today if fine else None,
            amount_paid=fine,
            late_fee=Decimal("0") if fine else None,
            payment_channel="on_spot" if fine else "",
        )
        step.target = Stage.EXECUTED
    else:
        step.set(payment_due=dl.payment_due(step.today, step.policy))
    step.event.update(number=case.number, kinds=kinds, fine=fine, paid_on_spot=paid_now)


def _do_transfer(step: _Step) -> None:
    from enforcement.access import share_with_unit
    from whistles.services import whistle_raise
    from whistles.workflow import Reason, Urgency

    case = step.case
    department: Unit = step.data["department"]
    holds = case.item_id is not None and who_enforces(case.item, case.town, case.act_on).town_holds  # type: ignore[arg-type]
    whistle = whistle_raise(
        actor=step.actor,
        town=case.town,
        title=case.title,
        description=f"{case.description}\n\n{step.data['note']}",
        reason=Reason.EXPERTISE if holds else Reason.NO_POWER,
        urgency=Urgency.NORMAL,
        address=case.place or case.party_address or case.town.name_zh,
        departments=[department],
        item=case.item,
        latitude=case.latitude,
        longitude=case.longitude,
        origin_type="case",
        origin_id=str(case.pk),
        origin_label=case.reference,
    )
    share_with_unit(case, department)
    step.set(
        whistle_id=whistle.pk,
        closed_on=step.today,
        outcome=str(_("Transferred to %(dept)s") % {"dept": department.name})[:200],
    )
    step.event.update(department=department.pk, whistle=whistle.pk)


def _do_withdraw(step: _Step) -> None:
    step.set(closed_on=step.today, outcome=str(step.data["note"])[:200])


def _do_pause(step: _Step) -> None:
    if step.case.paused_since is not None:
        step.check([_("The decision period is already paused.")])
    step.set(paused_since=step.today, pause_reason=step.data["reason"])
    step.event.update(reason=step.data["reason"])


def _do_resume(step: _Step) -> None:
    case = step.case
    if case.paused_since is None:
        step.check([_("The decision period is not paused.")])
    if case.pause_reason == "hearing":
        step.check([_("The hearing pause ends when the hearing is recorded.")])
    _resume(step, step.today)


def _do_extend(step: _Step) -> None:
    if step.case.extended:
        step.check([_("The decision period has already been extended once (art 60).")])
    step.set(extended=True)
    step.set(decision_due=dl.decision_due(step.case, step.policy))
    step.event.update(decision_due=step.case.decision_due)


def _do_nothing(step: _Step) -> None:
    return None


HANDLERS: dict[str, Callable[[_Step], None]] = {
    Action.START_CHECK: _do_nothing,
    Action.PROPOSE_FILING: _do_propose_filing,
    Action.APPROVE_FILING: _do_approve_filing,
    Action.REJECT_FILING: _do_nothing,
    Action.DECLINE_FILING: _do_close_lead,
    Action.ORDER_CORRECTION: _do_order_correction,
    Action.CONFIRM_CORRECTION: _do_confirm_correction,
    Action.CORRECTION_FAILED: _do_correction_failed,
    Action.SERVE_NOTICE: _do_serve_notice,
    Action.RECORD_STATEMENT: _do_record_statement,
    Action.WAIVE_RIGHTS: _do_waive_rights,
    Action.REQUEST_HEARING: _do_request_hearing,
    Action.SCHEDULE_HEARING: _do_schedule_hearing,
    Action.FINISH_HEARING: _do_finish_hearing,
    Action.SUBMIT_FOR_DECISION: _do_submit,
    Action.PASS_REVIEW: _do_pass_review,
    Action.RETURN_REVIEW: _do_return_review,
    Action.DECIDE: _do_decide,
    Action.DECIDE_NO_PENALTY: _do_decide_no_penalty,
    Action.SERVE_DECISION: _do_serve_decision,
    Action.RECORD_PAYMENT: _do_record_payment,
    Action.RECORD_ENFORCEMENT: _do_record_enforcement,
    Action.CLOSE: _do_close,
    Action.ARCHIVE: _do_archive,
    Action.ON_SPOT: _do_on_spot,
    Action.TRANSFER: _do_transfer,
    Action.WITHDRAW: _do_withdraw,
    Action.PAUSE: _do_pause,
    Action.RESUME: _do_resume,
    Action.EXTEND: _do_extend,
}

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
    "penalty_kinds",
    "fine",
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
    InvalidTransition (not from this stage) or StaleCase (someone else changed the case first)."""
    try:
        transition = TRANSITIONS[Action(action)]
    except ValueError as exc:
        raise InvalidTransition(_("Unknown action “%(action)s”.") % {"action": action}) from exc
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
        HANDLERS[action](step)
        if step.target is not None:
            locked.stage = step.target
            locked.stage_changed_at = clock.now()
        locked.version += 1
        locked.next_due = dl.next_due(locked)
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
        after = _snapshot(locked, AUDITED)
        audit_record(
            actor=actor,
            action=f"case.{action}",
            obj=locked,
            town=locked.town,
            summary=note[:200],
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    for name in ("stage", "version", "number", "next_due"):
        setattr(case, name, getattr(locked, name))
    return event
