"""Reads for matching: match a description for a town on a date, with who enforces each candidate; rules and
lexicon entries visible to a user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from authority.models import EnforcementItem, LexiconEntry, MatchRule
from authority.selectors import Holder, who_enforces_many
from enforcement.models import Unit

from .engine import DEFAULT_LIMIT, THRESHOLD, THRESHOLDS, Candidate, MatchResult
from .loader import matcher_for

CONFIDENCE_LABELS = {"high": _("High"), "medium": _("Medium"), "low": _("Low")}
CONFIDENCE_REASONS = {
    "clear_lead": _(
        "several words of the description point to this item, and clearly more than to any other"
    ),
    "several_words": _("several words of the description point to this item"),
    "one_strong_word": _("one distinctive word of the description points to this item"),
    "close_second": _("another item is almost as likely: check which one fits"),
    "few_words": _("only a word or two point to this item, and they are common ones"),
    "below_threshold": _("too little points to this item to suggest it"),
}
NO_MATCH_REASONS = {
    "off_topic": _(
        "The description is about something that is not an enforcement matter (praise, a debt, a family "
        "or private dispute, lost property ...)."
    ),
    "service_question": _(
        "The description asks about a public service (opening hours, how to apply ...), not about "
        "a violation."
    ),
    "no_conduct": _("No conduct that an enforcement item covers was found in the description."),
    "too_weak": _(
        "Some words point to enforcement items, but too few to name one: the description may be too vague."
    ),
}


def confidence_text(candidate: Candidate) -> tuple[str, str]:
    """The candidate's confidence in words and the reason for it, in the current language."""
    return (
        str(CONFIDENCE_LABELS.get(candidate.confidence, candidate.confidence)),
        str(CONFIDENCE_REASONS.get(candidate.confidence_reason, "")),
    )


@dataclass
class MatchedItem:
    candidate: Candidate
    item: EnforcementItem
    holder: Holder
    confident: bool

    @property
    def name(self) -> str:
        return self.item.name

    @property
    def confidence_label(self) -> str:
        return confidence_text(self.candidate)[0]

    @property
    def confidence_reason(self) -> str:
        return confidence_text(self.candidate)[1]


@dataclass
class Outcome:
    """A match for a town on a date: what the API returns and the pages show."""

    result: MatchResult
    district_id: int
    town: Unit | None
    on: dt.date
    matched: list[MatchedItem]
    weak: list[MatchedItem]

    @property
    def no_match(self) -> bool:
        return self.result.no_match

    @property
    def no_match_reason(self) -> str:
        """Why nothing is suggested, in words (empty when there are suggestions)."""
        return str(NO_MATCH_REASONS.get(self.result.no_match_reason, "")) if self.no_match else ""

    @property
    def highlighted(self) -> SafeString:
        return highlight(self.result.text, self.result.highlight_spans())

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidates": [matched_item_dict(m) for m in self.matched],
            "no_match": self.no_match,
            "no_match_reason": self.result.no_match_reason,
            "no_match_reason_display": self.no_match_reason,
            "off_topic": list(self.result.off_topic),
            "service_question": list(self.result.service),
            "lang": self.result.lang,
            "version": self.result.version,
            "threshold": THRESHOLDS.get(self.result.lang, THRESHOLD),
            "town": self.town.code if self.town else None,
            "date": self.on.isoformat(),
        }


def holder_dict(holder: Holder) -> dict[str, Any]:
    """Who enforces the item: the town's kind (and the name it acts in) or the responsible department."""
    unit = holder.town if holder.town_holds else holder.department
    return {
        "town_holds": holder.town_holds,
        "kind": holder.kind,
        "kind_display": str(holder.grant.get_kind_display()) if holder.grant else "",
        "unit": {"code": unit.code, "name": unit.name} if unit else None,
        "acting_name": holder.acting_name,
        "explain": holder.explain(),
    }


def matched_item_dict(m: MatchedItem) -> dict[str, Any]:
    c = m.candidate
    return {
        "code": c.code,
        "name": m.item.name,
        "score": c.score,
        "terms": c.terms,
        "confident": m.confident,
        "confidence": c.confidence,
        "confidence_display": m.confidence_label,
        "confidence_reason": m.confidence_reason,
        "evidence": [
            {"text": e.text, "start": e.start, "end": e.end, "term": e.term, "via": e.via, "source": e.source}
            for e in sorted(c.evidence, key=lambda e: e.start)
        ],
        "holder": holder_dict(m.holder),
    }


def _attach(
    candidates: list[Candidate], town: Unit | None, on: dt.date, confident: bool
) -> list[MatchedItem]:
    if not candidates:
        return []
    items = EnforcementItem.objects.select_related("default_holder").in_bulk([c.item_id for c in candidates])
    holders = who_enforces_many(list(items.values()), town, on)
    out = []
    for c in candidates:
        item = items.get(c.item_id)
        if item is None:  # deleted since the matcher was compiled
            continue
        out.append(
            MatchedItem(
                candidate=c,
                item=item,
                holder=holders[item.pk],
                confident=confident and c.confidence_reason != "below_threshold",
            )
        )
    return out


def match_for_town(
    *,
    text: str,
    town: Unit,
    on: dt.date,
    limit: int = DEFAULT_LIMIT,
    with_weak: bool = False,
    only_item: int | None = None,
) -> Outcome:
    """Match `text` against the catalog of the town's district; each candidate says who enforces it there on
    `on`."""
    return match_in_district(
        text=text,
        district_id=town.district_id,
        town=town,
        on=on,
        limit=limit,
        with_weak=with_weak,
        only_item=only_item,
    )


def match_in_district(
    *,
    text: str,
    district_id: int,
    town: Unit | None,
    on: dt.date,
    limit: int = DEFAULT_LIMIT,
    with_weak: bool = False,
    only_item: int | None = None,
) -> Outcome:
    result = matcher_for(district_id).match(text, limit=limit, only_item=only_item)
    return Outcome(
        result=result,
        district_id=district_id,
        town=town,
        on=on,
        matched=_attach(result.candidates, town, on, confident=True),
        weak=_attach(result.weak, town, on, confident=False) if with_weak else [],
    )


def highlight(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """The text, escaped, with the matched stretches in <mark>."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(f'<mark class="term">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308  (every piece is escaped above)


def towns_for_matching(district_id: int) -> QuerySet[Unit]:
    return Unit.objects.filter(district_id=district_id, kind=Unit.Kind.TOWN, is_active=True).order_by("code")


def items_with_rules(*, district_id: int, query: str = "") -> QuerySet[EnforcementItem]:
    qs = EnforcementItem.objects.filter(district_id=district_id, is_active=True)
    if query:
        qs = qs.filter(Q(code__icontains=query) | Q(name_zh__icontains=query) | Q(name_en__icontains=query))
    return qs.annotate(
        rule_count=Count("match_rules", filter=Q(match_rules__is_active=True)),
    ).order_by("code")


def rules_of(item: EnforcementItem) -> QuerySet[MatchRule]:
    return (
        MatchRule.objects.filter(item=item)
        .select_related("updated_by")
        .order_by("-is_active", "kind", "pattern")
    )


def lexicon_rows(*, district_id: int, query: str = "") -> QuerySet[LexiconEntry]:
    qs = LexiconEntry.objects.filter(Q(district__isnull=True) | Q(district_id=district_id))
    if query:
        qs = qs.filter(Q(term__icontains=query) | Q(canonical__icontains=query))
    return qs.order_by("lang", "term", "district_id")


def display_language_is_english() -> bool:
    return (get_language() or "").startswith("en")
