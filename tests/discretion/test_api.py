"""The discretion API: who may read and maintain, the recommendation and deviation endpoints, clear 400s."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from discretion.models import Benchmark
from enforcement.models import AuditEvent
from tests.factories import make_district

from .conftest import make_item

pytestmark = pytest.mark.django_db


def api(client_for, user):
    return client_for(user)


TIERS: list[dict[str, Any]] = [
    {
        "level": "minor",
        "conditions_text": "2平方米以下",
        "conditions": "area_m2 <= 2",
        "penalty_kinds": ["fine"],
        "fine_min": "50",
        "fine_max": "100",
    },
    {
        "level": "normal",
        "conditions_text": "一般",
        "penalty_kinds": ["fine"],
        "fine_min": "100",
        "fine_max": "200",
    },
    {
        "level": "serious",
        "conditions_text": "5平方米以上",
        "conditions": "area_m2 > 5",
        "penalty_kinds": ["fine"],
        "fine_min": "200",
        "fine_max": "350",
    },
    {
        "level": "grave",
        "conditions_text": "拒不改正",
        "conditions": [{"fact": "refused_correct", "op": "has"}],
        "penalty_kinds": ["fine"],
        "fine_min": "350",
        "fine_max": "500",
    },
]


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("officer_a", 200), ("officer_b", 200), ("responder", 200), ("admin", 200)],
)
def test_reading_needs_a_login_and_shows_only_the_district(cast, client_for, published, who, status):
    elsewhere = make_item(make_district(), code="X-1")
    from discretion.services import benchmark_generate

    benchmark_generate(actor=None, item=elsewhere)
    response = client_for(getattr(cast, who) if who else None).get(reverse("api-discretion-benchmarks"))
    assert response.status_code == status
    if status == 200:
        codes = {row["item_code"] for row in response.json()["results"]}
        assert codes == {"T-STALL"}


def test_list_filters_and_detail(cast, client_for, published):
    client = client_for(cast.officer_a)
    rows = client.get(
        reverse("api-discretion-benchmarks"), {"item": "T-STALL", "status": "published", "in_force": "1"}
    ).json()["results"]
    assert [r["version"] for r in rows] == [published.version]
    detail = client.get(reverse("api-discretion-benchmark", args=[published.pk])).json()
    assert [t["level"] for t in detail["tiers"]] == ["minor", "normal", "serious", "grave"]
    assert detail["tiers"][0]["conditions_dsl"] == "area_m2 <= 2; corrected_after_order = yes"
    assert detail["entries"][0]["kind"] == "first_violation"
    assert (
        client.get(
            reverse("api-discretion-item-benchmark", args=["T-STALL"]), {"on": "2020-01-01"}
        ).status_code
        == 404
    )
    assert client.get(reverse("api-discretion-item-benchmark", args=["T-STALL"])).json()["id"] == published.pk
    outsider = client_for(cast.officer_b)
    assert outsider.get(reverse("api-discretion-benchmark", args=[999999])).status_code == 404


def test_maintain_a_draft_through_the_api(cast, client_for, item):
    client = client_for(cast.supervisor_a)
    created = client.post(
        reverse("api-discretion-benchmarks"), {"item": "T-STALL"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = [dict(t) for t in TIERS]
    bad[3]["fine_max"] = "900"
    response = client.put(
        reverse("api-discretion-benchmark", args=[pk]) + "?lang=en",
        {"scale": "four", "tiers": bad},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {
            "section": "tier",
            "index": 3,
            "field": "fine_max",
            "message": "The Grave (严重) tier goes up to 900 yuan, above the statutory maximum of 500 yuan "
            "(50–500 yuan).",
        }
    ]
    syntax = client.put(
        reverse("api-discretion-benchmark", args=[pk]),
        {"scale": "four", "tiers": [{**TIERS[0], "conditions": "area > 2"}]},
        content_type="application/json",
    )
    assert syntax.status_code == 400 and "unknown fact 'area'" in str(syntax.json())
    ok = client.put(
        reverse("api-discretion-benchmark", args=[pk]),
        {"scale": "four", "tiers": TIERS},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["tiers"][3]["conditions_dsl"] == "refused_correct"
    check = client.post(
        reverse("api-discretion-check"),
        {"item": "T-STALL", "scale": "three", "tiers": TIERS},
        content_type="application/json",
    )
    assert check.status_code == 200 and len(check.json()["problems"]) >= 3
    # Supervisors do not publish; the district administrator does.
    denied = client.post(
        reverse("api-discretion-publish", args=[pk]),
        {"document_number": "测〔2026〕1号", "document_title": "基准", "valid_from": "2026-01-01"},
        content_type="application/json",
    )
    assert denied.status_code == 403
    assert Benchmark.objects.get(pk=pk).status == "draft"
    published = client_for(cast.admin).post(
        reverse("api-discretion-publish", args=[pk]),
        {"document_number": "测〔2026〕1号", "document_title": "基准", "valid_from": "2026-01-01"},
        content_type="application/json",
    )
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = client_for(cast.admin).post(
        reverse("api-discretion-publish", args=[pk]),
        {"document_number": "x", "document_title": "y", "valid_from": "2026-02-01"},
        content_type="application/json",
    )
    assert again.status_code == 403
    withdrawn = client_for(cast.admin).post(
        reverse("api-discretion-withdraw", args=[pk]), {"reason": "录入错误"}, content_type="application/json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_officers_cannot_create_or_change(cast, client_for, published):
    client = client_for(cast.officer_a)
    before = (AuditEvent.objects.count(), Benchmark.objects.count())
    assert (
        client.post(
            reverse("api-discretion-benchmarks"), {"item": "T-STALL"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        client.put(
            reverse("api-discretion-benchmark", args=[published.pk]),
            {"scale": "four", "tiers": TIERS},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert client.delete(reverse("api-discretion-benchmark", args=[published.pk])).status_code == 403
    assert client.post(reverse("api-discretion-generate-missing")).status_code == 403
    assert (AuditEvent.objects.count(), Benchmark.objects.count()) == before


def test_recommend_endpoint_explains_in_both_languages(cast, client_for, published):
    body = {"item": "T-STALL", "on": "2026-05-01", "facts": {"area_m2": 12}, "factors": ["cooperated"]}
    response = client_for(cast.officer_a).post(
        reverse("api-discretion-recommend"), body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (
        data["punish"]
        and data["tier"] == "grave"
        and data["fine_min"] == "350.00"
        and data["fine_max"] == "425.00"
    )
    assert (
        data["citation"]["benchmark_id"] == published.pk
        and data["citation"]["document_number"] == "测司发〔2024〕1号"
    )
    assert data["explanation_en"][-1].startswith("Basis: Benchmark for T-STALL")
    assert data["explanation_zh"][-1].startswith("依据：")
    assert data["explanation"] == data["explanation_zh"]  # Chinese is the default language
    english = client_for(cast.officer_a).post(
        reverse("api-discretion-recommend") + "?lang=en", body, content_type="application/json"
    )
    assert english.json()["explanation"] == data["explanation_en"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"item": "T-STALL", "facts": {"aera": 3}}, "Unknown fact"),
        ({"item": "T-STALL", "facts": {"area_m2": "lots"}}, "Give a number"),
        ({"item": "T-STALL", "factors": ["bribed"]}, "Unknown circumstance"),
        ({"item": "T-STALL", "facts": {"prior_12m": 2}}, "history"),
        ({"item": "T-STALL", "subject_id": 999999}, "no such party"),
        ({"item": "T-STALL", "on": "yesterday"}, "Date has wrong format"),
    ],
)
def test_recommend_bad_input_is_a_400_with_a_message(cast, client_for, published, body, words):
    response = client_for(cast.officer_a).post(
        reverse("api-discretion-recommend") + "?lang=en", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert words in str(response.json())


def test_recommend_for_an_item_elsewhere_is_a_400_naming_the_item(cast, client_for, published):
    make_item(make_district(), code="X-2")
    response = client_for(cast.officer_a).post(
        reverse("api-discretion-recommend"), {"item": "X-2"}, content_type="application/json"
    )
    assert response.status_code == 400 and "item" in response.json()["errors"]


def test_deviation_endpoint(cast, client_for, published):
    body = {
        "item": "T-STALL",
        "on": "2026-05-01",
        "facts": {"area_m2": 3},
        "proposed": {"punish": True, "kinds": ["fine"], "fine": "450"},
    }
    data = (
        client_for(cast.officer_a)
        .post(reverse("api-discretion-deviation") + "?lang=en", body, content_type="application/json")
        .json()
    )
    assert (
        data["deviation"]["kind"] == "heavier"
        and data["deviation"]["needs_reason"]
        and data["deviation"]["delta"] == "250.00"
    )
    assert data["recommendation"]["tier"] == "normal"
    body["proposed"] = {"punish": True, "kinds": ["revoke_permit"]}
    assert (
        client_for(cast.officer_a)
        .post(reverse("api-discretion-deviation"), body, content_type="application/json")
        .json()["deviation"]["kind"]
        == "outside_statutory"
    )
    body["proposed"] = {"punish": True, "kinds": ["seize_car"]}
    assert (
        client_for(cast.officer_a)
        .post(reverse("api-discretion-deviation"), body, content_type="application/json")
        .status_code
        == 400
    )


def test_vocabulary(cast, client_for):
    data = client_for(cast.officer_a).get(reverse("api-discretion-vocabulary")).json()
    assert {"area_m2", "harm", "prior_12m"} <= {f["key"] for f in data["facts"]}
    effects = {f["code"]: f["effect"] for f in data["factors"]}
    assert (
        effects["coerced"] == "reduced"
        and effects["repeat_12m"] == "heavier"
        and effects["under_14"] == "no_penalty"
    )
    assert data["scales"]["three"] == ["lighter", "normal", "heavier"]


def test_export_and_import_through_the_api(cast, client_for, published):
    client = client_for(cast.admin)
    exported = client.get(reverse("api-discretion-export"), {"file": "csv"})
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    content = exported.content.decode("utf-8-sig")
    assert content.count("T-STALL") == 5  # four tiers and one list row
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("tables.csv", exported.content, content_type="text/csv")
    response = client.post(reverse("api-discretion-import"), {"file": upload, "dry_run": "true"})
    assert response.status_code == 200, response.content
    assert response.json()["ok"] and response.json()["dry_run"]
    assert not Benchmark.objects.filter(item=published.item, status="draft").exists()
    assert (
        client_for(cast.officer_a)
        .post(reverse("api-discretion-import"), {"file": SimpleUploadedFile("t.csv", exported.content)})
        .status_code
        == 403
    )
    assert client.get(reverse("api-discretion-export"), {"file": "pdf"}).status_code == 400


def test_schema_documents_the_endpoints(client_for, db):
    schema = client_for(None).get(reverse("api-schema")).content.decode()
    for path in (
        "/api/discretion/recommend/",
        "/api/discretion/deviation/",
        "/api/discretion/benchmarks/{id}/publish/",
        "/api/discretion/import/",
    ):
        assert path in schema


def test_list_endpoint_query_count_does_not_grow_with_rows(cast, client_for, django_assert_num_queries):
    from discretion.services import benchmark_generate

    client = client_for(cast.officer_a)
    benchmark_generate(actor=None, item=make_item(cast.district))
    client.get(reverse("api-discretion-benchmarks"))  # warm the session and the user's scope
    import django.db

    def count() -> int:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(django.db.connection) as ctx:
            assert client.get(reverse("api-discretion-benchmarks")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(5):
        benchmark_generate(actor=None, item=make_item(cast.district))
    # New items replace the reference-data token: the first request after them reads the user's unit once
    # more (enforcement.units); the budget is what a list costs once that is held again.
    client.get(reverse("api-discretion-benchmarks"))
    assert count() == one
