"""Every write of the matching data: curated rules and lexicon entries. Atomic, permission-checked, audited.

A change is picked up by every process on its next match (see `loader`): the district's fingerprint changes,
so the matcher is rebuilt once and shared through the cache.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from authority.models import EnforcementItem, LexiconEntry, MatchRule
from enforcement.audit import audit_record
from enforcement.models import District, User
from enforcement.rules import require

from .loader import BUILTIN_LEXICON, DATA, split_canonical
from .normalize import fold, term_key
from .rules import can_edit_lexicon, can_edit_match_rules

MAX_WEIGHT = Decimal("5")
DEMO_RULES = DATA / "demo_rules.csv"


def _rule_after(rule: MatchRule) -> dict[str, Any]:
    return {
        "item": rule.item.code,
        "kind": rule.kind,
        "pattern": rule.pattern,
        "weight": str(rule.weight),
        "note": rule.note,
        "is_active": rule.is_active,
    }


def clean_rule(*, kind: str, pattern: str, weight: Decimal | str | float) -> tuple[str, Decimal]:
    """Check a rule before it is saved; ValidationError with a message per field."""
    errors: dict[str, list[str]] = {}
    pattern = (pattern or "").strip()
    if kind not in MatchRule.Kind.values:
        errors["kind"] = [_("Unknown kind of rule.")]
    if not pattern:
        errors["pattern"] = [_("Enter a word, a phrase or a regular expression.")]
    elif kind == MatchRule.Kind.REGEX:
        try:
            compiled = re.compile(fold(pattern))
        except re.error as exc:
            errors["pattern"] = [_("Not a valid regular expression: %(error)s") % {"error": exc}]
        else:
            if compiled.search(""):
                errors["pattern"] = [
                    _("This regular expression matches empty text; it would fire on everything.")
                ]
    elif kind == MatchRule.Kind.PHRASE and "+" in pattern:
        if any(not term_key(part) for part in pattern.split("+")):
            errors["pattern"] = [_("Each part of a co-occurrence phrase (a+b) needs a word.")]
    elif not term_key(pattern):
        errors["pattern"] = [_("The pattern has no letters or characters to match.")]
    try:
        value = Decimal(str(weight))
    except (InvalidOperation, ValueError):
        errors["weight"] = [_("Enter a number.")]
    else:
        if not (Decimal("0") < value <= MAX_WEIGHT):
            errors["weight"] = [_("The weight must be above 0 and at most %(max)s.") % {"max": MAX_WEIGHT}]
    if errors:
        raise ValidationError(errors)
    return pattern, value.quantize(Decimal("0.01"))


@transaction.atomic
def match_rule_create(
    *,
    actor: User | None,
    item: EnforcementItem,
    kind: str,
    pattern: str,
    weight: Decimal | str | float = 1,
    note: str = "",
    check: bool = True,
) -> MatchRule:
    if check:
        require(
            can_edit_match_rules(actor, item.district_id),
            _("Only supervisors and district administrators edit matching rules."),
        )
    pattern, value = clean_rule(kind=kind, pattern=pattern, weight=weight)
    if MatchRule.objects.filter(item=item, kind=kind, pattern=pattern).exists():
        raise ValidationError({"pattern": [_("This item already has this rule.")]})
    rule = MatchRule.objects.create(
        item=item,
        kind=kind,
        pattern=pattern,
        weight=value,
        note=note.strip()[:300],
        updated_by=actor if actor and actor.pk else None,
        updated_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="authority.match_rule.create",
        obj=rule,
        after=_rule_after(rule),
        summary=f"{item.code} {kind}:{pattern}",
    )
    return rule


@transaction.atomic
def match_rule_update(
    *,
    actor: User,
    rule: MatchRule,
    kind: str | None = None,
    pattern: str | None = None,
    weight: Decimal | str | float | None = None,
    note: str | None = None,
    is_active: bool | None = None,
) -> MatchRule:
    rule = MatchRule.objects.select_for_update(of=("self",)).select_related("item").get(pk=rule.pk)
    require(
        can_edit_match_rules(actor, rule.item.district_id),
        _("Only supervisors and district administrators edit matching rules."),
    )
    before = _rule_after(rule)
    new_kind = kind if kind is not None else rule.kind
    new_pattern, new_weight = clean_rule(
        kind=new_kind,
        pattern=pattern if pattern is not None else rule.pattern,
        weight=weight if weight is not None else rule.weight,
    )
    if (
        MatchRule.objects.filter(item=rule.item, kind=new_kind, pattern=new_pattern)
        .exclude(pk=rule.pk)
        .exists()
    ):
        raise ValidationError({"pattern": [_("This item already has this rule.")]})
    rule.kind, rule.pattern, rule.weight = new_kind, new_pattern, new_weight
    if note is not None:
        rule.note = note.strip()[:300]
    if is_active is not None:
        rule.is_active = is_active
    after = _rule_after(rule)
    if after == before:
        return rule
    rule.updated_by = actor
    rule.updated_at = timezone.now()
    rule.save()
    audit_record(
        actor=actor,
        action="authority.match_rule.update",
        obj=rule,
        before=before,
        after=after,
        summary=f"{rule.item.code} {rule.kind}:{rule.pattern}",
    )
    return rule


@transaction.atomic
def match_rule_delete(*, actor: User, rule: MatchRule) -> None:
    rule = MatchRule.objects.select_for_update(of=("self",)).select_related("item").get(pk=rule.pk)
    require(
        can_edit_match_rules(actor, rule.item.district_id),
        _("Only supervisors and district administrators edit matching rules."),
    )
    before = _rule_after(rule)
    audit_record(
        actor=actor,
        action="authority.match_rule.delete",
        obj=rule,
        before=before,
        summary=f"{rule.item.code} {rule.kind}:{rule.pattern}",
    )
    rule.delete()


def _lexicon_after(entry: LexiconEntry) -> dict[str, Any]:
    return {
        "district": entry.district.code if entry.district is not None else None,
        "term": entry.term,
        "canonical": entry.canonical,
        "lang": entry.lang,
        "note": entry.note,
        "is_active": entry.is_active,
    }


# The languages the matcher reads (normalize.detect_lang); a lexicon entry says which one its everyday word is
# in.
LEXICON_LANGS = ("zh", "en", "de", "fr", "es", "ar", "ko", "ja")


def clean_lexicon(*, term: str, canonical: str, lang: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    term = (term or "").strip()
    lang = (lang or "zh").strip().lower()
    parts = split_canonical(canonical or "")
    if not term or not term_key(term):
        errors["term"] = [_("Enter the everyday word.")]
    if not parts:
        errors["canonical"] = [_("Enter at least one legal term (several separated by |).")]
    if lang not in LEXICON_LANGS:
        errors["lang"] = [_("The language is one of: %(langs)s.") % {"langs": ", ".join(LEXICON_LANGS)}]
    if errors:
        raise ValidationError(errors)
    return term, "|".join(parts), lang


@transaction.atomic
def lexicon_entry_create(
    *,
    actor: User | None,
    district: District | None,
    term: str,
    canonical: str,
    lang: str = "zh",
    note: str = "",
    check: bool = True,
) -> LexiconEntry:
    """A district's own entry (district set), or a shared one (district None: data loading only,
    check=False)."""
    if check:
        require(
            district is not None and can_edit_lexicon(actor, district),
            _("Only supervisors and district administrators edit the lexicon."),
        )
    term, canonical, lang = clean_lexicon(term=term, canonical=canonical, lang=lang)
    if LexiconEntry.objects.filter(district=district, term=term, lang=lang).exists():
        raise ValidationError({"term": [_("This word is already in the lexicon.")]})
    entry = LexiconEntry.objects.create(
        district=district,
        term=term,
        canonical=canonical,
        lang=lang,
        note=note.strip()[:300],
        updated_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="authority.lexicon_entry.create",
        obj=entry,
        after=_lexicon_after(entry),
        summary=f"{term} → {canonical}",
    )
    return entry


@transaction.atomic
def lexicon_entry_update(
    *,
    actor: User,
    entry: LexiconEntry,
    canonical: str | None = None,
    note: str | None = None,
    is_active: bool | None = None,
) -> LexiconEntry:
    entry = LexiconEntry.objects.select_for_update(of=("self",)).select_related("district").get(pk=entry.pk)
    require(
        entry.district_id is not None and can_edit_lexicon(actor, entry.district_id),
        _("Only supervisors and district administrators edit the lexicon."),
    )
    before = _lexicon_after(entry)
    if canonical is not None:
        entry.canonical = clean_lexicon(term=entry.term, canonical=canonical, lang=entry.lang)[1]
    if note is not None:
        entry.note = note.strip()[:300]
    if is_active is not None:
        entry.is_active = is_active
    after = _lexicon_after(entry)
    if after == before:
        return entry
    entry.updated_at = timezone.now()
    entry.save()
    audit_record(
        actor=actor,
        action="authority.lexicon_entry.update",
        obj=entry,
        before=before,
        after=after,
        summary=f"{entry.term} → {entry.canonical}",
    )
    return entry


@transaction.atomic
def lexicon_entry_delete(*, actor: User, entry: LexiconEntry) -> None:
    entry = LexiconEntry.objects.select_for_update(of=("self",)).select_related("district").get(pk=entry.pk)
    require(
        entry.district_id is not None and can_edit_lexicon(actor, entry.district_id),
        _("Only supervisors and district administrators edit the lexicon."),
    )
    audit_record(
        actor=actor,
        action="authority.lexicon_entry.delete",
        obj=entry,
        before=_lexicon_after(entry),
        summary=f"{entry.term} → {entry.canonical}",
    )
    entry.delete()


@transaction.atomic
def lexicon_load_shared(*, path: Path = BUILTIN_LEXICON) -> int:
    """Load the built-in lexicon into the database as shared rows (district empty) so that it can be read and
    overridden there by a district's own rows. Shared rows come only from this file (nobody edits them), so
    they follow it: a new word is added, a word whose legal vocabulary or note changed is updated, a word no
    longer in the file is deleted (switching it off would also switch off another spelling of the same word
    still in the file, "shout" for "shouting"; a district switches a word off with its own row). Idempotent;
    returns the number of rows added. The new words are written in one statement under one audit entry naming
    them (a first load adds two thousand); a changed or deleted word has its own entry, as when a supervisor
    edits one."""
    existing = {
        (e.term, e.lang): e for e in LexiconEntry.objects.select_for_update().filter(district__isnull=True)
    }
    new: list[LexiconEntry] = []
    added: set[tuple[str, str]] = set()
    seen: set[tuple[str, str]] = set()
    now = timezone.now()
    with path.open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            term, lang = row["term"].strip(), (row["lang"] or "zh").strip()
            if not term or not row["canonical"].strip() or (term, lang) in seen:
                continue
            seen.add((term, lang))
            note = (row.get("note") or "").strip()[:300]
            entry = existing.get((term, lang))
            term, canonical, lang = clean_lexicon(term=term, canonical=row["canonical"], lang=lang)
            if entry is None:
                if (term, lang) in existing or (term, lang) in added:  # the same word spelt "ZH" and "zh"
                    raise ValidationError({"term": [_("This word is already in the lexicon.")]})
                added.add((term, lang))
                new.append(
                    LexiconEntry(
                        district=None, term=term, canonical=canonical, lang=lang, note=note, updated_at=now
                    )
                )
            elif (entry.canonical, entry.note, entry.is_active) != (canonical, note, True):
                _shared_entry_set(entry, canonical=canonical, note=note, is_active=True)
    if new:
        LexiconEntry.objects.bulk_create(new)
        audit_record(
            actor=None,
            action="authority.lexicon_entry.load",
            summary=f"{len(new)} shared entries from {path.name}",
            after={"source": path.name, "added": [f"{e.term} ({e.lang}) → {e.canonical}" for e in new]},
        )
    for key, entry in existing.items():
        if key not in seen:
            audit_record(
                actor=None,
                action="authority.lexicon_entry.delete",
                obj=entry,
                before=_lexicon_after(entry),
                summary=f"{entry.term} → {entry.canonical}",
            )
            entry.delete()
    return len(new)


def _shared_entry_set(entry: LexiconEntry, *, canonical: str, note: str, is_active: bool) -> None:
    before = _lexicon_after(entry)
    entry.canonical, entry.note, entry.is_active = canonical, note, is_active
    entry.updated_at = timezone.now()
    entry.save(update_fields=["canonical", "note", "is_active", "updated_at"])
    audit_record(
        actor=None,
        action="authority.lexicon_entry.update",
        obj=entry,
        before=before,
        after=_lexicon_after(entry),
        summary=f"{entry.term} → {entry.canonical}",
    )


@transaction.atomic
def match_rules_load(*, district: District, path: Path = DEMO_RULES, actor: User | None = None) -> int:
    """Load curated rules from a CSV (code,kind,pattern,weight,note) for a district's items. Existing rules
    are kept; codes the district does not have are skipped; a bad rule refuses the whole file. Idempotent;
    returns the number of rules added, written in one statement under one audit entry naming them."""
    items = {i.code: i for i in EnforcementItem.objects.filter(district=district)}
    existing = set(
        MatchRule.objects.filter(item__district=district).values_list("item__code", "kind", "pattern")
    )
    new: list[MatchRule] = []
    now = timezone.now()
    with path.open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            item = items.get(row["code"].strip())
            key = (row["code"].strip(), row["kind"].strip(), row["pattern"].strip())
            if item is None or key in existing:
                continue
            pattern, weight = clean_rule(kind=key[1], pattern=key[2], weight=row.get("weight") or 1)
            new.append(
                MatchRule(
                    item=item,
                    kind=key[1],
                    pattern=pattern,
                    weight=weight,
                    note=(row.get("note") or "").strip()[:300],
                    updated_by=actor if actor and actor.pk else None,
                    updated_at=now,
                )
            )
            existing.add(key)
    if new:
        MatchRule.objects.bulk_create(new)
        audit_record(
            actor=actor,
            action="authority.match_rule.load",
            obj=district,
            summary=f"{len(new)} curated rules from {path.name}",
            after={"source": path.name, "added": [f"{r.item.code} {r.kind}:{r.pattern}" for r in new]},
        )
    return len(new)
