"""The compiled matcher follows the database: a rule or item change gives a new version on the next match, and
a matcher compiled by one process is shared with the others through the cache."""

from __future__ import annotations

import pickle

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from authority.matching import loader
from authority.matching.loader import forget_local, matcher_for
from authority.matching.services import (
    lexicon_entry_create,
    lexicon_entry_update,
    lexicon_load_shared,
    match_rule_create,
    match_rule_delete,
    match_rule_update,
)
from authority.models import EnforcementItem, LexiconEntry
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db


def codes(matcher, text):
    return [c.code for c in matcher.match(text).candidates]


def test_a_new_rule_changes_the_version_and_fires(cast, catalog):
    text = "有人在小区门口卖烤苕皮"  # 苕皮 (a Chongqing street snack): a word no lexicon entry knows
    before = matcher_for(cast.district.pk)
    assert before.match(text).no_match
    rule = match_rule_create(
        actor=cast.supervisor_a, item=catalog["T-STALL"], kind="keyword", pattern="苕皮", weight=1
    )
    after = matcher_for(cast.district.pk)
    assert after.version != before.version
    assert codes(after, text)[0] == "T-STALL"
    # switched off: the rule no longer fires; deleted: same
    match_rule_update(actor=cast.supervisor_a, rule=rule, is_active=False)
    off = matcher_for(cast.district.pk)
    assert off.version not in (after.version,)
    assert off.match(text).no_match
    match_rule_update(actor=cast.supervisor_a, rule=rule, is_active=True)
    assert codes(matcher_for(cast.district.pk), text)[0] == "T-STALL"
    match_rule_delete(actor=cast.supervisor_a, rule=rule)
    assert matcher_for(cast.district.pk).match(text).no_match


def test_an_item_change_is_picked_up(cast, catalog):
    text = "有人在江边电鱼"
    assert matcher_for(cast.district.pk).match(text).no_match
    EnforcementItem.objects.create(
        district=cast.district,
        code="T-FISH",
        name_zh="对使用电鱼等禁用方法捕捞的行政处罚",
        domain="agriculture",
    )
    assert codes(matcher_for(cast.district.pk), text)[0] == "T-FISH"


def test_a_district_lexicon_entry_overrides_and_switches_off_the_shared_word(cast, catalog):
    text = "院子里停满了电马儿"  # dialect for an e-bike that the built-in lexicon does not know
    assert matcher_for(cast.district.pk).match(text).no_match
    entry = lexicon_entry_create(
        actor=cast.supervisor_a, district=cast.district, term="电马儿", canonical="电动自行车"
    )
    assert codes(matcher_for(cast.district.pk), text)[0] == "T-EBIKE"
    lexicon_entry_update(actor=cast.supervisor_a, entry=entry, is_active=False)
    assert matcher_for(cast.district.pk).match(text).no_match
    # the built-in word 电瓶车 can be switched off for this district by an entry of its own
    assert codes(matcher_for(cast.district.pk), "院子里全是电瓶车")[0] == "T-EBIKE"
    off = lexicon_entry_create(
        actor=cast.supervisor_a, district=cast.district, term="电瓶车", canonical="电动自行车"
    )
    lexicon_entry_update(actor=cast.supervisor_a, entry=off, is_active=False)
    assert matcher_for(cast.district.pk).match("院子里全是电瓶车").no_match


def test_another_process_loads_the_matcher_from_the_cache(cast, catalog, monkeypatch):
    first = matcher_for(cast.district.pk)
    blob = cache.get(f"matching:matcher:{first.version}")
    assert blob is not None and pickle.loads(blob).version == first.version
    forget_local()  # a fresh process: nothing in memory

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again although the cache holds this version")

    monkeypatch.setattr(loader, "compile_matcher", no_compiling)
    second = matcher_for(cast.district.pk)
    assert second.version == first.version
    assert codes(second, "电瓶车在楼道充电")[0] == "T-EBIKE"


def test_the_same_content_gives_the_same_version_in_every_process(cast, catalog):
    one = loader.build(cast.district.pk)
    two = loader.build(cast.district.pk)
    assert one.version == two.version == matcher_for(cast.district.pk).version


def test_the_shared_lexicon_follows_the_built_in_file(cast, catalog, tmp_path):
    path = tmp_path / "lexicon.csv"
    path.write_text("term,canonical,lang,note\n电马儿,电动自行车,zh,\nkiddo,未成年人,en,\n", encoding="utf-8")
    assert lexicon_load_shared(path=path) == 2
    assert codes(matcher_for(cast.district.pk), "院子里停满了电马儿")[0] == "T-EBIKE"
    audits = AuditEvent.objects.count()
    assert lexicon_load_shared(path=path) == 0  # idempotent: nothing added, nothing changed
    assert AuditEvent.objects.count() == audits
    # the file changes: a word's vocabulary changes, a word is dropped; the shared rows follow, with audit
    # rows
    path.write_text("term,canonical,lang,note\n电马儿,?电动自行车,zh,context only\n", encoding="utf-8")
    assert lexicon_load_shared(path=path) == 0
    shared = {e.term: e for e in LexiconEntry.objects.filter(district__isnull=True)}
    assert (shared["电马儿"].canonical, shared["电马儿"].note, shared["电马儿"].is_active) == (
        "?电动自行车",
        "context only",
        True,
    )
    assert "kiddo" not in shared
    assert AuditEvent.objects.count() == audits + 2
    # a context word alone is not enough any more
    assert matcher_for(cast.district.pk).match("院子里停满了电马儿").no_match


def test_the_shared_lexicon_loads_the_languages_the_matcher_reads(cast, catalog, tmp_path):
    # seed_demo failed once the built-in file held German and Arabic words: only zh and en were accepted
    path = tmp_path / "lexicon.csv"
    path.write_text(
        "term,canonical,lang,note\nelektroroller,电动自行车,de,\nدراجة كهربائية,电动自行车,ar,\n",
        encoding="utf-8",
    )
    assert lexicon_load_shared(path=path) == 2
    assert codes(matcher_for(cast.district.pk), "Elektroroller im Treppenhaus geladen")[0] == "T-EBIKE"
    path.write_text("term,canonical,lang,note\nvelo,电动自行车,xx,\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        lexicon_load_shared(path=path)
    assert not LexiconEntry.objects.filter(term="velo").exists()
