"""An officer's label on a complaint (issue 15): confirm the engine's suggestion, pick another item of the
district's catalog, or say that the complaint names no item of it and why.

One service writes the label with what the engine had suggested at that moment (its first three codes, the
language it read, the matcher's fingerprint), so the label is the district's own labelled data: the evaluation
(`match_eval --from-labels`) re-matches each complaint's text with the current engine and compares with it.
Labelling again replaces the label; the audit row keeps the earlier one (before) and the new one (after).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from authority.models import EnforcementItem
from enforcement.audit import audit_record
from enforcement.models import User
from enforcement.rules import require

from .models import Complaint, ComplaintLabel
from .rules import can_label_complaint

MAX_ITEMS = 2  # a complaint may name two conducts (a night market stall and its loudspeaker)
SUGGESTED = 3  # how many of the engine's candidates the label keeps


def _snapshot(label: ComplaintLabel | None) -> dict[str, Any]:
    if label is None:
        return {}
    return {
        "verdict": label.verdict,
        "codes": label.codes,
        "none_reason": label.none_reason,
        "suggested": label.suggested,
        "matcher_version": label.matcher_version,
        "labelled_by": label.labelled_by.get_username() if label.labelled_by_id else "",
        "labelled_at": label.labelled_at.isoformat() if label.labelled_at else "",
    }


def _items(complaint: Complaint, codes: Sequence[str]) -> list[EnforcementItem]:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not wanted:
        raise ValidationError({"codes": [_("Choose the item the complaint names, or say it names none.")]})
    if len(wanted) > MAX_ITEMS:
        raise ValidationError(
            {"codes": [_("Choose at most %(max)s items (two conducts).") % {"max": MAX_ITEMS}]}
        )
    found = {
        i.code: i
        for i in EnforcementItem.objects.filter(
            district_id=complaint.district_id, code__in=wanted, is_active=True
        )
    }
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError(
            {"codes": [_("“%(code)s” is not an item of the district's catalog.") % {"code": unknown[0][:40]}]}
        )
    return [found[c] for c in wanted]


def _suggested(complaint: Complaint) -> tuple[list[str], str, str]:
    result = complaint.match_result or {}
    if complaint.match_status not in (Complaint.MatchStatus.MATCHED, Complaint.MatchStatus.NO_MATCH):
        return [], "", ""
    codes = [str(c.get("code", "")) for c in result.get("candidates", [])[:SUGGESTED]]
    return [c for c in codes if c], str(result.get("lang") or ""), complaint.matcher_version


@transaction.atomic
def complaint_label(
    *,
    actor: User,
    complaint: Complaint,
    codes: Sequence[str] = (),
    none_reason: str = "",
) -> ComplaintLabel:
    """Label the complaint with one or two item codes, or (codes empty, `none_reason` given) as naming no
    item of the catalog. Replaces an earlier label. Raises PermissionDenied or ValidationError."""
    require(
        can_label_complaint(actor, complaint),
        _("Only officers and supervisors of the town label its complaints."),
    )
    complaint = Complaint.objects.select_for_update().select_related("town").get(pk=complaint.pk)
    if none_reason and codes:
        raise ValidationError(
            {"none_reason": [_("Either choose items or say the complaint names none, not both.")]}
        )
    if none_reason:
        if none_reason not in ComplaintLabel.NoneReason.values:
            raise ValidationError({"none_reason": [_("Say why no item of the list applies.")]})
        items: list[EnforcementItem] = []
        verdict = ComplaintLabel.Verdict.NONE
    else:
        items = _items(complaint, codes)
        verdict = ComplaintLabel.Verdict.ITEMS
    suggested, lang, version = _suggested(complaint)
    if not lang:
        from authority.matching.normalize import detect_lang

        lang = detect_lang(complaint.text)
    previous = (
        ComplaintLabel.objects.select_related("item", "second_item", "labelled_by")
        .filter(complaint=complaint)
        .first()
    )
    before = _snapshot(previous)
    label, _created = ComplaintLabel.objects.update_or_create(
        complaint=complaint,
        defaults={
            "district_id": complaint.district_id,
            "town": complaint.town,
            "verdict": verdict,
            "item": items[0] if items else None,
            "second_item": items[1] if len(items) > 1 else None,
            "none_reason": none_reason,
            "suggested": suggested,
            "lang": lang,
            "matcher_version": version,
            "labelled_by": actor,
            "labelled_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor,
        action="cases.complaint.label",
        obj=complaint,
        town=complaint.town,
        before=before or None,
        after=_snapshot(label),
    )
    return label
