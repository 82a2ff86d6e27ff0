"""Rules and lexicon entries are edited in the browser by supervisors and district administrators; officers
read.
Every change writes an audit row; every refusal changes nothing and writes none."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from authority.matching.services import lexicon_entry_create, match_rule_create
from authority.models import LexiconEntry, MatchRule
from enforcement.models import AuditEvent
from tests.factories import make_district, make_unit, make_user

pytestmark = pytest.mark.django_db


def test_officers_read_the_rule_pages(cast, catalog, client_for):
    item = catalog["T-EBIKE"]
    client = client_for(cast.officer_a)
    page = client.get(f"/matching/rules/item/{item.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "电动自行车" in html  # derived terms are shown
    assert 'data-testid="rule-form"' not in html  # no add form for officers
    assert client.get("/matching/rules/").status_code == 200
    assert client.get("/matching/lexicon/").status_code == 200
    assert client.get("/matching/").status_code == 200


def test_a_supervisor_adds_edits_switches_off_and_deletes_a_rule(cast, catalog, client_for):
    item = catalog["T-STALL"]
    client = client_for(cast.supervisor_a)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/matching/rules/item/{item.pk}/",
        {"kind": "keyword", "pattern": "烤红薯", "weight": "1", "note": "冬天常见"},
    )
    assert response.status_code == 302
    rule = MatchRule.objects.get(item=item, pattern="烤红薯")
    assert rule.updated_by == cast.supervisor_a
    assert AuditEvent.objects.filter(action="authority.match_rule.create", object_id=str(rule.pk)).exists()
    response = client.post(
        f"/matching/rules/{rule.pk}/edit/",
        {"kind": "phrase", "pattern": "卖+烤红薯", "weight": "0.8", "note": ""},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.kind, rule.pattern, str(rule.weight)) == ("phrase", "卖+烤红薯", "0.80")
    update = AuditEvent.objects.get(action="authority.match_rule.update", object_id=str(rule.pk))
    assert update.before["pattern"] == "烤红薯" and update.after["pattern"] == "卖+烤红薯"
    assert client.post(f"/matching/rules/{rule.pk}/toggle/").status_code == 302
    rule.refresh_from_db()
    assert not rule.is_active
    assert client.post(f"/matching/rules/{rule.pk}/delete/").status_code == 302
    assert not MatchRule.objects.filter(pk=rule.pk).exists()
    assert AuditEvent.objects.filter(action="authority.match_rule.delete", object_id=str(rule.pk)).exists()
    assert AuditEvent.objects.count() == before + 4


def test_officers_may_not_edit_rules(cast, catalog, client_for):
    item = catalog["T-STALL"]
    rule = match_rule_create(actor=cast.supervisor_a, item=item, kind="keyword", pattern="烤红薯", weight=1)
    before = AuditEvent.objects.count()
    client = client_for(cast.officer_a)
    assert (
        client.post(
            f"/matching/rules/item/{item.pk}/", {"kind": "keyword", "pattern": "卖菜", "weight": "1"}
        ).status_code
        == 403
    )
    assert client.get(f"/matching/rules/{rule.pk}/edit/").status_code == 403
    assert (
        client.post(
            f"/matching/rules/{rule.pk}/edit/", {"kind": "keyword", "pattern": "x", "weight": "1"}
        ).status_code
        == 403
    )
    assert client.post(f"/matching/rules/{rule.pk}/toggle/").status_code == 403
    assert client.post(f"/matching/rules/{rule.pk}/delete/").status_code == 403
    rule.refresh_from_db()
    assert (rule.pattern, rule.is_active) == ("烤红薯", True)
    assert MatchRule.objects.filter(item=item).count() == 1
    assert AuditEvent.objects.count() == before
    with pytest.raises(PermissionDenied):
        match_rule_create(actor=cast.officer_a, item=item, kind="keyword", pattern="卖菜", weight=1)


def test_another_district_sees_nothing(cast, catalog, client_for):
    other = make_district(code="T901")
    boss = make_user(make_unit(other, code="T901-A"), ["supervisor", "officer"], username="far_boss")
    item = catalog["T-STALL"]
    rule = match_rule_create(actor=cast.supervisor_a, item=item, kind="keyword", pattern="烤红薯", weight=1)
    before = AuditEvent.objects.count()
    client = client_for(boss)
    assert client.get(f"/matching/rules/item/{item.pk}/").status_code == 404
    assert client.post(f"/matching/rules/{rule.pk}/delete/").status_code == 404
    assert MatchRule.objects.filter(pk=rule.pk).exists()
    assert AuditEvent.objects.count() == before
    assert client_for(None).get("/matching/").status_code == 302  # the public is sent to log in


def test_bad_rules_are_refused_with_a_message(cast, catalog, client_for):
    item = catalog["T-STALL"]
    client = client_for(cast.supervisor_a)
    # the page speaks Chinese by default: each message is looked for in English and in its translation
    for data, messages in [
        (
            {"kind": "regex", "pattern": "(unclosed", "weight": "1"},
            ("Not a valid regular expression", "正则表达式无效"),
        ),
        ({"kind": "regex", "pattern": ".*", "weight": "1"}, ("matches empty text", "能匹配空文本")),
        ({"kind": "keyword", "pattern": "烤红薯", "weight": "9"}, ("at most", "不超过", "最多")),
        ({"kind": "keyword", "pattern": "！！", "weight": "1"}, ("no letters", "没有可匹配的文字")),
    ]:
        response = client.post(f"/matching/rules/item/{item.pk}/", data)
        assert response.status_code == 200
        html = response.content.decode()
        assert any(message in html for message in messages), data
    assert not MatchRule.objects.filter(item=item).exists()
    match_rule_create(actor=cast.supervisor_a, item=item, kind="keyword", pattern="烤红薯", weight=1)
    with pytest.raises(ValidationError):
        match_rule_create(actor=cast.supervisor_a, item=item, kind="keyword", pattern="烤红薯", weight=1)


def test_the_try_box_shows_which_terms_fire_for_the_item(cast, catalog, client_for):
    item = catalog["T-EBIKE"]
    response = client_for(cast.officer_a).post(
        f"/matching/rules/item/{item.pk}/try/", {"text": "电瓶车在楼道里充电", "town": cast.town_a.code}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="term">电瓶车</mark> → 电动自行车' in html
    assert "Rank 1" in html or "排名 1" in html or "第 1" in html
    silent = client_for(cast.officer_a).post(
        f"/matching/rules/item/{item.pk}/try/", {"text": "超市卖过期牛奶", "town": cast.town_a.code}
    )
    assert 'data-testid="item-silent"' in silent.content.decode()


def test_lexicon_editing_is_for_supervisors(cast, catalog, client_for):
    before = AuditEvent.objects.count()
    response = client_for(cast.officer_a).post(
        "/matching/lexicon/", {"term": "小电驴", "canonical": "电动自行车", "lang": "zh"}
    )
    assert response.status_code == 403
    assert not LexiconEntry.objects.filter(term="小电驴").exists()
    assert AuditEvent.objects.count() == before
    response = client_for(cast.supervisor_a).post(
        "/matching/lexicon/", {"term": "小电驴", "canonical": "电动自行车|电动车", "lang": "zh"}
    )
    assert response.status_code == 302
    entry = LexiconEntry.objects.get(term="小电驴")
    assert entry.district == cast.district
    assert AuditEvent.objects.filter(
        action="authority.lexicon_entry.create", object_id=str(entry.pk)
    ).exists()
    response = client_for(cast.admin).post(
        f"/matching/lexicon/{entry.pk}/edit/", {"canonical": "电动自行车", "note": "渝中说法"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.canonical == "电动自行车"
    with pytest.raises(ValidationError):
        lexicon_entry_create(
            actor=cast.supervisor_a, district=cast.district, term="小电驴", canonical="电动自行车"
        )


def test_the_lexicon_page_shows_a_shared_rows_note_without_the_builders_tag(cast, catalog, client_for):
    LexiconEntry.objects.create(
        term="遥控秤",
        canonical="作弊|准确度",
        note="issue 15 round 10: weights and measures (a rigged scale)",
    )
    LexiconEntry.objects.create(term="小电驴", canonical="电动自行车", note="mzh6: e-bikes")
    LexiconEntry.objects.create(term="棒棒", canonical="?搬运", note="渝中说法: porters")
    body = client_for(cast.supervisor_a).get("/matching/lexicon/").content.decode()
    assert "weights and measures (a rigged scale)" in body
    assert ">e-bikes<" in body
    assert "渝中说法: porters" in body  # a district's own note is shown as written
    assert "issue 15" not in body and "mzh6" not in body
