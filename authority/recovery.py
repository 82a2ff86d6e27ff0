"""Propose recovering zombie items (建议收回): from the usage evaluation to an adjustment draft.

The evaluation finds items no town that holds them used in the period; the district administrator picks some
and gets a draft adjustment (调整) recovering each from the towns that hold it without using it, with the
figures as its reason. The draft is then edited and decided like any other, through the adjustment services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit import audit_record
from enforcement.models import District, User
from enforcement.rules import require

from .models import Adjustment, AdjustmentLine
from .rules import can_propose_recovery
from .services import adjustment_create, adjustment_line_add
from .usage import ItemUsage, items_usage, usage_report

# The draft takes effect a month after it is drafted, so the towns are told before the power goes back.
NOTICE_DAYS = 30


@dataclass(frozen=True)
class RecoveryProposal:
    adjustment: Adjustment
    created: bool  # False: an open draft already recovers these items, and nothing was written


def open_recovery_drafts(district: District, item_ids: Iterable[int]) -> dict[int, Adjustment]:
    """item id -> an open draft of the district that already recovers the item (one query)."""
    ids = set(item_ids)
    if not ids:
        return {}
    lines = (
        AdjustmentLine.objects.filter(
            adjustment__district=district,
            adjustment__status=Adjustment.Status.DRAFT,
            action=AdjustmentLine.Action.RECOVER,
            item_id__in=ids,
        )
        .select_related("adjustment")
        .order_by("adjustment_id")
    )
    found: dict[int, Adjustment] = {}
    for line in lines:
        found.setdefault(line.item_id, line.adjustment)
    return found


def _open_draft_for(district: District, item_ids: set[int]) -> Adjustment | None:
    """An open draft that recovers every one of these items (the same proposal, made before)."""
    match = (
        AdjustmentLine.objects.filter(
            adjustment__district=district,
            adjustment__status=Adjustment.Status.DRAFT,
            action=AdjustmentLine.Action.RECOVER,
            item_id__in=item_ids,
        )
        .values("adjustment_id")
        .annotate(n=Count("item_id", distinct=True))
        .filter(n=len(item_ids))
        .order_by("adjustment_id")
        .first()
    )
    return Adjustment.objects.get(pk=match["adjustment_id"]) if match else None


def _reason(zombies: list[ItemUsage], start: dt.date, end: dt.date) -> str:
    lines = [
        _("Usage evaluation from %(start)s to %(end)s: no town that holds these items used them.")
        % {"start": start.isoformat(), "end": end.isoformat()}
    ]
    for entry in zombies:
        towns = "、".join(str(r.town.name) for r in entry.zombie_rows)
        last = entry.last_used.isoformat() if entry.last_used else _("never")
        figures = {"code": entry.item.code, "name": entry.item.name, "towns": towns, "last": last}
        figures["n"] = str(len(entry.zombie_rows))
        lines.append(
            _("%(code)s %(name)s: held unused by %(n)s towns (%(towns)s), last used: %(last)s.") % figures
        )
    return "\n".join(lines)


@transaction.atomic
def adjustment_propose_recovery(
    *, actor: User, district: District, item_ids: Iterable[int], end: dt.date, months: int = 12
) -> RecoveryProposal:
    """Draft an adjustment recovering the chosen zombie items from the towns that hold them unused.

    Raises PermissionDenied for anyone but the district's administrator, ValidationError when an item is not a
    zombie in the period (it is re-evaluated here, not taken from the page). When an open draft already
    recovers every chosen item, returns it with `created` False and writes nothing."""
    require(can_propose_recovery(actor, district), "only a district administrator proposes recovery")
    ids = {int(i) for i in item_ids}
    if not ids:
        raise ValidationError(_("Choose at least one zombie item to recover."))
    # One proposal at a time per district: a double click waits here and then finds the first one's draft.
    District.objects.select_for_update().filter(pk=district.pk).first()
    existing = _open_draft_for(district, ids)
    if existing is not None:
        return RecoveryProposal(existing, created=False)

    report = usage_report(district=district, end=end, months=months)
    by_item = {e.item.pk: e for e in items_usage(report.rows)}
    if not report.has_use_sources:
        raise ValidationError(_("No source of usage is registered: no item can be called a zombie."))
    not_zombie = sorted(
        by_item[i].item.code if i in by_item else str(i)
        for i in ids
        if i not in by_item or not by_item[i].is_zombie
    )
    if not_zombie:
        raise ValidationError(
            _("Not a zombie item in this period (a town used it, or none holds it): %(items)s.")
            % {"items": ", ".join(not_zombie)}
        )
    zombies = sorted((by_item[i] for i in ids), key=lambda e: e.item.code)
    today = timezone.localdate()
    title = _("Decision on recovering unused enforcement items (draft for comment)")
    adjustment = adjustment_create(
        actor=actor,
        district=district,
        title=title,
        document_number=_("(proposed) to be numbered"),
        document_date=today,
        effective_from=today + dt.timedelta(days=NOTICE_DAYS),
        note=_reason(zombies, report.start, report.end),
    )
    for entry in zombies:
        adjustment_line_add(
            actor=actor,
            adjustment=adjustment,
            action=AdjustmentLine.Action.RECOVER,
            item=entry.item,
            towns=[r.town for r in entry.zombie_rows],
        )
    audit_record(
        actor=actor,
        action="authority.adjustment.propose_recovery",
        obj=adjustment,
        after={
            "items": [e.item.code for e in zombies],
            "towns": sorted({r.town.code for e in zombies for r in e.zombie_rows}),
            "period": [report.start, report.end],
        },
    )
    return RecoveryProposal(adjustment, created=True)
