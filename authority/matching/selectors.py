"""Reads for matching: match a description for a town on a date, with who enforces each candidate; rules and
lexicon entries visible to a user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from authority.models import EnforcementItem, LexiconEntry, MatchRule
from authority.selectors import Holder, who_enforces_many
from enforcement import units as held_units
from enforcement.held import Held, held_or_cached
from enforcement.models import Unit

from .engine import DEFAULT_LIMIT, THRESHOLD, THRESHOLDS, Candidate, MatchResult
from .loader import matcher_and_town_fingerprint, matcher_for

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
    labels, reasons = _confidence_words()
    return (
        labels.get(candidate.confidence, candidate.confidence),
        reasons.get(candidate.confidence_reason, ""),
    )


# The labels and reasons in words, per language: translated once per process, not twice per candidate.
_confidence_words_held: dict[str | None, tuple[dict[str, str], dict[str, str]]] = {}


def _confidence_words() -> tuple[dict[str, str], dict[str, str]]:
    language = get_language()
    words = _confidence_words_held.get(language)
    if words is None:
        words = _confidence_words_held[language] = (
            {key: str(label) for key, label in CONFIDENCE_LABELS.items()},
            {key: str(reason) for key, reason in CONFIDENCE_REASONS.items()},
        )
    return words


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
        return answer_dict(self.result, [matched_item_dict(m) for m in self.matched], self.town, self.on)


def answer_dict(
    result: MatchResult, candidates: list[dict[str, Any]], town: Unit | None, on: dt.date
) -> dict[str, Any]:
    """What the API answers (and a complaint keeps) for a match: its candidates, written out, and the rest."""
    return {
        "candidates": candidates,
        "no_match": result.no_match,
        "no_match_reason": result.no_match_reason,
        "no_match_reason_display": (
            str(NO_MATCH_REASONS.get(result.no_match_reason, "")) if result.no_match else ""
        ),
        "off_topic": list(result.off_topic),
        "service_question": list(result.service),
        "lang": result.lang,
        "version": result.version,
        "threshold": THRESHOLDS.get(result.lang, THRESHOLD),
        "town": town.code if town else None,
        "date": on.isoformat(),
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
    return candidate_dict(m.candidate, name=m.item.name, holder=holder_dict(m.holder), confident=m.confident)


def candidate_dict(c: Candidate, *, name: str, holder: dict[str, Any], confident: bool) -> dict[str, Any]:
    label, reason = confidence_text(c)
    return {
        "code": c.code,
        "name": name,
        "score": c.score,
        "terms": c.terms,
        "confident": confident,
        "confidence": c.confidence,
        "confidence_display": label,
        "confidence_reason": reason,
        "evidence": [
            {"text": e.text, "start": e.start, "end": e.end, "term": e.term, "via": e.via, "source": e.source}
            for e in sorted(c.evidence, key=lambda e: e.start)
        ],
        "holder": holder,
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


# --- answers held with the matcher (the API and the complaint worker) ---------------------------------------
#
# A match's answer is the engine's result plus, for each candidate, the item's name and who enforces it in the
# town on the date. That second part is the same for every description matched in the town on that date, so
# it is worked out once for all the district's items and held (in this process, and in the cache for the
# others) under a key made of what it is read from:
# - the town's fingerprint (`loader.fingerprints`): the district's catalog, rules and lexicon and the town's
#   grants, read in the same single query that checks the matcher is current;
# - the reference-data token (`enforcement.public_cache.public_version`), replaced at once and again on commit
#   by any save or delete of the authority app's models (grants, items), of a unit or a district, and by every
#   audited authority action (the services' bulk writes): a renamed department, a grant whose kind or
#   delegating department was corrected in place;
# - the town, the date and the language (names, kinds and explanations are in it).
# When the cache is down the token cannot be read; then nothing is held and every match reads the database.

HELD_ANSWERS = 64  # (town, date, language, version) entries this process holds
SHOWN_TTL = 24 * 3600


@dataclass(frozen=True)
class ShownItem:
    """What an answer shows of an item in a town on a date, in one language (shared: read only)."""

    name: str
    name_en: str
    holder: dict[str, Any]


_held_shown: Held[str, dict[int, ShownItem]] = Held(HELD_ANSWERS)


def reference_version() -> str:
    """The reference-data token ("" when the cache cannot give it: then nothing is held). A request reads it
    once and passes it to the reads below (one cache round trip rather than three)."""
    from enforcement.public_cache import public_version

    return public_version()


def shown_items_now(town: Unit, on: dt.date) -> dict[int, ShownItem]:
    """Name and holder of each active item of the town's district, from the database (three queries)."""
    items = list(
        EnforcementItem.objects.filter(district_id=town.district_id, is_active=True).select_related(
            "default_holder"
        )
    )
    holders = who_enforces_many(items, town, on)
    return {
        item.pk: ShownItem(name=item.name, name_en=item.name_en, holder=holder_dict(holders[item.pk]))
        for item in items
    }


def shown_items(town: Unit, on: dt.date, town_fp: str, version: str | None = None) -> dict[int, ShownItem]:
    """`shown_items_now`, held in this process and in the cache (see above)."""
    version = reference_version() if version is None else version
    if not version:
        return shown_items_now(town, on)
    key = (
        f"matching:shown:{connection.settings_dict['NAME']}:{version}:{town_fp}:{town.pk}:"
        f"{on.isoformat()}:{get_language()}"
    )
    return held_or_cached(_held_shown, key, lambda: shown_items_now(town, on), kind=dict, ttl=SHOWN_TTL)


@dataclass
class Answer:
    body: dict[str, Any]
    no_match: bool
    version: str


class TownMatcher:
    """Answers for one town: the district's matcher and the fingerprints checked once when made (one query),
    the held answers read once per date. A request makes one per match; a complaint batch one per town for
    the batch."""

    def __init__(self, town: Unit, version: str | None = None):
        self.town = town
        self.version = reference_version() if version is None else version
        self.matcher, self.town_fp = matcher_and_town_fingerprint(town.district_id, town.pk, self.version)
        self._shown: dict[tuple[dt.date, str | None], dict[int, ShownItem]] = {}

    def shown(self, on: dt.date) -> dict[int, ShownItem]:
        key = (on, get_language())
        if key not in self._shown:
            self._shown[key] = shown_items(self.town, on, self.town_fp, self.version)
        return self._shown[key]

    def answer(
        self, *, text: str, on: dt.date, limit: int = DEFAULT_LIMIT, with_name_en: bool = False
    ) -> Answer:
        result = self.matcher.match(text, limit=limit)
        shown = self.shown(on) if result.candidates else {}
        candidates = []
        for c in result.candidates:
            item = shown.get(c.item_id)
            if item is None:  # deleted since the matcher was compiled
                continue
            row = candidate_dict(
                c, name=item.name, holder=item.holder, confident=c.confidence_reason != "below_threshold"
            )
            if with_name_en:
                row["name_en"] = item.name_en
            candidates.append(row)
        return Answer(
            body=answer_dict(result, candidates, self.town, on),
            no_match=result.no_match,
            version=result.version,
        )


def match_answer(
    *,
    text: str,
    town: Unit,
    on: dt.date,
    limit: int = DEFAULT_LIMIT,
    with_name_en: bool = False,
    version: str | None = None,
) -> Answer:
    """`match_for_town(...).as_dict()`, answered from the matcher and the held answers: one query (the
    fingerprints) when both are held. `with_name_en`: each candidate also gives the item's English name;
    `version`: the reference-data token if the caller has read it."""
    return TownMatcher(town, version).answer(text=text, on=on, limit=limit, with_name_en=with_name_en)


def forget_held() -> None:
    """Drop this process's held answers and units (tests use it to act as a fresh process)."""
    _held_shown.clear()
    held_units.forget_held()


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
