"""POST /api/match/ answers from the matcher and the answers held with it (issue 18): the same body as a match
read from the database, changes of grants, items and units seen at once, and one query when warm."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from rest_framework.test import APIClient

from authority.matching.loader import forget_local
from authority.matching.selectors import match_answer, match_for_town
from authority.models import AuthorityGrant, GrantKind
from cases.complaints import complaints_import, complaints_match
from cases.models import Complaint
from enforcement import units as held_units
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db

TEXTS = [
    "电瓶车在楼道里充电，还有人占道摆摊",
    "超市卖过期的牛奶",
    "Someone blocks the fire exit",
    "邻居借钱不还",
]


def post(user, payload: dict, lang: str = "zh-hans") -> dict:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(f"/api/match/?lang={lang}", payload, format="json")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def from_database(text: str, town, on: dt.date, lang: str) -> dict:
    """The answer as the pages build it: every item and holder read from the database."""
    with translation.override(lang):
        body = match_for_town(text=text, town=town, on=on).as_dict()
    body["date"] = on.isoformat()
    return body


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_answer_is_the_same_cold_warm_and_as_read_from_the_database(cast, catalog, lang):
    today = timezone.localdate()
    for town in (cast.town_a, cast.town_b):
        for on in (today, today - dt.timedelta(days=60)):
            for text in TEXTS:
                payload = {"text": text, "town": town.code, "date": on.isoformat()}
                forget_local()
                cold = post(cast.officer_a, payload, lang)
                warm = post(cast.officer_a, payload, lang)
                assert cold == warm == from_database(text, town, on, lang)


def test_a_grant_change_shows_at_once(cast, catalog):
    payload = {"text": "超市卖过期的牛奶", "town": cast.town_a.code}
    food = post(cast.officer_a, payload)["candidates"][0]
    assert food["code"] == "T-FOOD" and food["holder"]["town_holds"] is False
    # a new grant (a save: the signal's token, and the town's grant count)
    grant = AuthorityGrant.objects.create(
        town=cast.town_a,
        item=catalog["T-FOOD"],
        kind=GrantKind.STATUTORY,
        valid_from=timezone.localdate() - dt.timedelta(days=10),
    )
    food = post(cast.officer_a, payload)["candidates"][0]
    assert food["holder"]["town_holds"] is True and food["holder"]["kind"] == "statutory"
    # corrected in place (the admin site's save: no count changes, the signal replaces the token)
    grant.kind = GrantKind.EMPOWERED
    grant.save()
    assert post(cast.officer_a, payload)["candidates"][0]["holder"]["kind"] == "empowered"
    # ended by an update() with no signal at all: the town's grants read with the fingerprint see it
    AuthorityGrant.objects.filter(pk=grant.pk).update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    assert post(cast.officer_a, payload)["candidates"][0]["holder"]["town_holds"] is False


def test_a_renamed_department_and_item_show_at_once(cast, catalog):
    payload = {"text": "超市卖过期的牛奶", "town": cast.town_b.code}
    food = post(cast.officer_a, payload, "en")["candidates"][0]
    assert food["holder"]["unit"]["code"] == cast.department.code
    cast.department.name_en = "Market Bureau (renamed)"
    cast.department.save()
    food = post(cast.officer_a, payload, "en")["candidates"][0]
    assert food["holder"]["unit"]["name"] == "Market Bureau (renamed)"
    item = catalog["T-FOOD"]
    item.name_en = "Selling expired food"
    item.save()
    assert post(cast.officer_a, payload, "en")["candidates"][0]["name"] == "Selling expired food"


def test_a_town_code_changed_resolves_at_once(cast, catalog):
    payload = {"text": "有人占道摆摊", "town": cast.town_a.code}
    assert post(cast.officer_a, payload)["town"] == cast.town_a.code
    old = cast.town_a.code
    cast.town_a.code = old + "-N"
    cast.town_a.save()
    client = APIClient()
    client.force_authenticate(cast.officer_a)
    assert client.post("/api/match/?lang=en", payload, format="json").status_code == 400
    assert post(cast.officer_a, {**payload, "town": old + "-N"})["town"] == old + "-N"


def test_a_warm_match_request_is_one_query(cast, catalog, django_assert_num_queries):
    payload = {"text": "电瓶车在楼道里充电，还有人占道摆摊", "town": cast.town_a.code}
    client = APIClient()
    client.force_authenticate(cast.officer_a)
    assert client.post("/api/match/", payload, format="json").status_code == 200
    with django_assert_num_queries(1):  # the fingerprints of the matcher and of the town's answers
        response = client.post("/api/match/", payload, format="json")
    assert response.status_code == 200 and response.json()["candidates"]
    forget_local()  # another process: the matcher and the answers come from the cache, not the database;
    with django_assert_num_queries(2):  # the officer's unit (their town) is read once by each process
        assert client.post("/api/match/", payload, format="json").status_code == 200


def test_a_warm_match_request_reads_the_towns_grants_not_the_catalog(cast, catalog):
    """The district's catalog fingerprint (its items, rules and five thousand lexicon rows) is held under the
    reference-data token: a warm request's one query is the town's grants."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from authority.models import LexiconEntry

    payload = {"text": "电瓶车在楼道里充电，还有人占道摆摊", "town": cast.town_a.code}
    post(cast.officer_a, payload)
    with CaptureQueriesContext(connection) as ctx:
        post(cast.officer_a, payload)
    assert len(ctx.captured_queries) == 1
    assert LexiconEntry._meta.db_table not in ctx.captured_queries[0]["sql"]
    assert AuthorityGrant._meta.db_table in ctx.captured_queries[0]["sql"]


def test_a_rule_is_seen_at_once_while_the_catalog_is_held(cast, catalog):
    """A rule saved through the service (a signal and an audit row: a new token) is matched on the next
    request; one written with neither (a bare bulk insert) within the catalog's holding time."""
    from authority.matching import loader
    from authority.matching.services import match_rule_create
    from authority.models import MatchRule

    payload = {"text": "有人在河里用电瓶电鱼捞虾", "town": cast.town_a.code}
    codes = [c["code"] for c in post(cast.officer_a, payload)["candidates"]]
    assert "T-NIGHT" not in codes
    match_rule_create(
        actor=None, item=catalog["T-NIGHT"], kind="keyword", pattern="电鱼", weight=5, check=False
    )
    assert "T-NIGHT" in [c["code"] for c in post(cast.officer_a, payload)["candidates"]]
    assert "T-FUME" not in [c["code"] for c in post(cast.officer_a, payload)["candidates"]]
    MatchRule.objects.bulk_create(
        [
            MatchRule(
                item=catalog["T-FUME"], kind="keyword", pattern="捞虾", weight=5, updated_at=timezone.now()
            )
        ]
    )
    assert "T-FUME" not in [c["code"] for c in post(cast.officer_a, payload)["candidates"]]  # still held
    for district, (version, read, fp) in list(loader._held_catalog.items()):  # held long enough
        loader._held_catalog[district] = (version, read - loader.CATALOG_HELD_SECONDS - 1, fp)
    assert "T-FUME" in [c["code"] for c in post(cast.officer_a, payload)["candidates"]]


def test_without_the_version_token_nothing_is_held(cast, catalog, monkeypatch):
    """A cache that cannot give the token (down): every answer is read from the database, none is kept."""
    from authority.matching import selectors

    monkeypatch.setattr(selectors, "reference_version", lambda: "")
    on = timezone.localdate()
    first = match_answer(text="超市卖过期的牛奶", town=cast.town_a, on=on).body
    AuthorityGrant.objects.filter(town=cast.town_a).update(kind=GrantKind.EMPOWERED)
    AuthorityGrant.objects.create(
        town=cast.town_a, item=catalog["T-FOOD"], kind=GrantKind.DELEGATED, valid_from=on,
        delegating_department=cast.department,
    )  # fmt: skip
    second = match_answer(text="超市卖过期的牛奶", town=cast.town_a, on=on).body
    assert first["candidates"][0]["holder"]["town_holds"] is False
    assert second["candidates"][0]["holder"]["kind"] == "delegated"
    assert not selectors._held_shown and not held_units._held


def test_a_complaint_batch_writes_once_with_one_audit_row_each(cast, catalog, django_assert_max_num_queries):
    rows = [{"text": f"第{n}号：{TEXTS[n % len(TEXTS)]}"} for n in range(12)]
    report = complaints_import(actor=cast.officer_a, town=cast.town_a, rows=rows)
    cache.clear()
    forget_local()
    complaints_match(ids=report.created[:1])  # the matcher compiled, as in a warm worker
    audit = AuditEvent.objects.filter(action="cases.complaint.match").count()
    # the batch read, the fingerprints, one UPDATE for all and one audit row each in one savepoint, then the
    # audit chain's link run for the batch (6 queries and its savepoint)
    with django_assert_max_num_queries(1 + 1 + 2 + 1 + 11 + 8):
        assert complaints_match(ids=report.created) == 11
    assert AuditEvent.objects.filter(action="cases.complaint.match").count() == audit + 11
    assert not Complaint.objects.filter(pk__in=report.created, match_status="pending").exists()
    # what each complaint keeps is the API's answer in Chinese, with the items' English names
    on = timezone.localdate()
    for complaint in Complaint.objects.filter(pk__in=report.created):
        with translation.override("zh-hans"):
            expected = match_for_town(text=complaint.text, town=cast.town_a, on=on)
            body = expected.as_dict()
        for row, matched in zip(body["candidates"], expected.matched, strict=True):
            row["name_en"] = matched.item.name_en
        assert complaint.match_result == body
        assert complaint.match_status == ("no_match" if expected.no_match else "matched")
