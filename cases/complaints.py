"""Complaint intake (投诉举报): file one, import many, and match them to enforcement items in the background.

Every write is atomic and audited. Matching runs in Celery: a complaint is created PENDING and its id is
queued on commit (in bounded batches for imports); the worker matches it against the catalog of its town's
district and stores the candidates, with who enforces each on the day it was received. A complaint is only
ever moved out of PENDING by a conditional update, so a task that runs twice, or two workers on the same
batch, write one result and one audit row.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from enforcement.audit import audit_record, linking_deferred
from enforcement.models import Unit, User
from enforcement.outbox import enqueue_many
from enforcement.rules import require

from .models import Complaint
from .rules import can_file_complaint, can_rematch_complaint

log = logging.getLogger(__name__)

BATCH_SIZE = 50  # complaints per matching task
MAX_IMPORT = 2000  # rows per import
MAX_TEXT = 4000
SWEEP_LIMIT = 500  # pending complaints picked up per sweep

# --- filing and importing -----------------------------------------------------------------------------------


def _parse_received(value: Any) -> dt.datetime:
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(9, 0))
    else:
        text = str(value).strip().replace("/", "-")
        parsed = parse_datetime(text) or (
            dt.datetime.combine(d, dt.time(9, 0)) if (d := parse_date(text)) else None
        )
        if parsed is None:
            raise ValidationError(
                {
                    "received_at": [
                        _("“%(value)s” is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM).")
                        % {"value": text[:40]}
                    ]
                }
            )
        moment = parsed
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


def _duplicate_ticket() -> ValidationError:
    return ValidationError({"external_id": [_("A complaint with this ticket number is already recorded.")]})


def _create(*, actor: User, town: Unit, data: dict[str, Any], summary: str) -> Complaint:
    """Insert one complaint. A ticket recorded meanwhile by another request (the check before is not enough
    when two arrive at once) is refused by the unique constraint: a ValidationError, not a database error."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives the refusal
            complaint = Complaint.objects.create(
                district_id=town.district_id, town=town, created_by=actor, **data
            )
    except IntegrityError as exc:
        if data.get("external_id"):
            raise _duplicate_ticket() from exc
        raise
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
        raise _duplicate_ticket()
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
        try:
            report.created.append(_create(actor=actor, town=town, data=data, summary=summary).pk)
        except ValidationError:  # recorded meanwhile by another request
            report.skipped.append(
                (number, _("ticket %(ticket)s is already recorded") % {"ticket": data["external_id"]})
            )
    if not report.created:
        raise ValidationError(
            {
                "complaints": [_("No row could be imported.")]
                + [f"#{n}: {why}" for n, why in report.skipped[:20]]
            }
        )
    _queue_matching(report.created)
    return report


# --- matching (system) --------------------------------------------------------------------------------------


def _result_of(complaint: Complaint, matchers: dict[int, Any]) -> tuple[str, dict[str, Any], str]:
    """The match of one complaint, in Chinese (with each item's English name too), from the town's matcher
    of this batch (`matchers`: town id -> TownMatcher, filled as the batch goes)."""
    from authority.matching.selectors import TownMatcher

    town = complaint.town
    matcher = matchers.get(town.pk)
    if matcher is None:
        matcher = matchers[town.pk] = TownMatcher(town)
    with translation.override("zh-hans"):
        answer = matcher.answer(
            text=complaint.text, on=timezone.localdate(complaint.received_at), with_name_en=True
        )
    status = Complaint.MatchStatus.NO_MATCH if answer.no_match else Complaint.MatchStatus.MATCHED
    return status, answer.body, answer.version


def complaints_match(*, ids: Iterable[int]) -> int:
    """Match the PENDING complaints among `ids` (a system action). At most BATCH_SIZE are matched in this
    call; the rest are queued again. Idempotent. Returns how many complaints this call moved out of
    PENDING."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    now_ids, later = ids[:BATCH_SIZE], ids[BATCH_SIZE:]
    # One small transaction per complaint; the batch's audit rows are chained once at its end, not after each
    # commit (the link run was 40 % of the batch's CPU: issue 18, bench/complaint_batch.py).
    with linking_deferred():
        done = _match_each(now_ids)
    if later:
        _queue_matching(later)
    return done


def _match_each(now_ids: list[int]) -> int:
    """Match the batch's PENDING complaints, then write all their results in one conditional statement and
    one transaction (a complaint another worker moved out of PENDING meanwhile is left alone), with one audit
    row per complaint this call moved."""
    matchers: dict[int, Any] = {}
    results: list[tuple[Complaint, str, dict[str, Any], str]] = []
    for complaint in Complaint.objects.filter(
        pk__in=now_ids, match_status=Complaint.MatchStatus.PENDING
    ).select_related("town"):
        try:
            status, result, version = _result_of(complaint, matchers)
        except Exception as exc:  # one complaint the matcher cannot handle must not stop the batch
            log.exception("matching complaint %s failed", complaint.pk)
            status, result, version = Complaint.MatchStatus.FAILED, {"error": str(exc)[:300]}, ""
        results.append((complaint, status, result, version))
    if not results:
        return 0
    with transaction.atomic():
        won = _store_results(results, timezone.now())
        for complaint, status, result, version in results:
            if complaint.pk in won:
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
    return len(won)


def _store_results(results: list[tuple[Complaint, str, dict[str, Any], str]], now: dt.datetime) -> set[int]:
    """Write the results of complaints still PENDING; returns the ids written. On PostgreSQL one UPDATE ...
    FROM (VALUES ...) WHERE still pending RETURNING id; elsewhere (the SQLite demo) one conditional update
    per complaint."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        won: set[int] = set()
        for complaint, status, result, version in results:
            if Complaint.objects.filter(pk=complaint.pk, match_status=Complaint.MatchStatus.PENDING).update(
                match_status=status, match_result=result, matched_at=now, matcher_version=version
            ):
                won.add(complaint.pk)
        return won
    table = connection.ops.quote_name(Complaint._meta.db_table)
    rows = ", ".join(["(%s::bigint, %s, %s::jsonb, %s)"] * len(results))
    params: list[Any] = []
    for complaint, status, result, version in results:
        params += [
            complaint.pk,
            status,
            json.dumps(result, ensure_ascii=False, cls=DjangoJSONEncoder),
            version,
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS c SET match_status = v.status, match_result = v.result, "  # noqa: S608 (names ours)
            f"matched_at = %s, matcher_version = v.version "
            f"FROM (VALUES {rows}) AS v(id, status, result, version) "
            f"WHERE c.id = v.id AND c.match_status = %s RETURNING c.id",
            [now, *params, Complaint.MatchStatus.PENDING],
        )
        return {row[0] for row in cursor.fetchall()}


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
    """Match again the town's complaints that found no item or failed (bounded). Returns how many were
    queued."""
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
