"""Pages: the list, one item, the editor with its validation messages, publication, the recommendation tool,
import/export, circumstances and the public pages (published versions only, no login)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from discretion.models import Benchmark
from discretion.services import benchmark_draft_create, benchmark_generate
from enforcement.models import AuditEvent

from .conftest import make_item

pytestmark = pytest.mark.django_db


def page(client, name, *args, **params):
    return client.get(reverse(name, args=args), params)


def test_route_matrix(cast, client_for, published):
    draft = benchmark_draft_create(actor=cast.admin, item=published.item)
    routes: dict[tuple[Any, ...], dict[str | None, int]] = {
        ("discretion-home",): {None: 302, "officer_a": 200, "responder": 200, "admin": 200},
        ("discretion-item", published.item_id): {None: 302, "officer_a": 200, "officer_b": 200},
        ("discretion-benchmark", draft.pk): {None: 302, "officer_a": 200},
        ("discretion-edit", draft.pk): {
            None: 302,
            "officer_a": 403,
            "reviewer_a": 403,
            "supervisor_a": 200,
            "admin": 200,
        },
        ("discretion-publish", draft.pk): {None: 302, "supervisor_a": 403, "admin": 200},
        ("discretion-recommend",): {None: 302, "officer_a": 200},
        ("discretion-import",): {None: 302, "officer_a": 403, "supervisor_a": 200},
        ("discretion-circumstances",): {None: 302, "officer_a": 200, "admin": 200},
        ("discretion-public-list",): {None: 200, "officer_a": 200},
        ("discretion-public-item", "T500", "T-STALL"): {None: 200},
    }
    for (name, *args), expected in routes.items():
        for who, status in expected.items():
            before = AuditEvent.objects.count()
            response = client_for(getattr(cast, who) if who else None).get(reverse(name, args=args))
            assert response.status_code == status, (name, who, response.status_code)
            assert AuditEvent.objects.count() == before


def test_list_shows_state_and_filters(cast, client_for, published):
    generated_item = make_item(cast.district, code="T-GEN", name_zh="对生成事项的行政处罚")
    benchmark_generate(actor=None, item=generated_item)
    make_item(cast.district, code="T-NONE", name_zh="对没有基准事项的行政处罚")
    client = client_for(cast.supervisor_a)
    html = page(client, "discretion-home").content.decode()
    assert "T-STALL" in html and "T-GEN" in html and "T-NONE" in html
    assert "生成默认基准" in html or "Generated default" in html
    only_generated = page(client, "discretion-home", state="generated").content.decode()
    assert "T-GEN" in only_generated and "T-STALL" not in only_generated
    missing = page(client, "discretion-home", state="missing").content.decode()
    assert "T-NONE" in missing and "T-GEN" not in missing
    assert "T-STALL" in page(client, "discretion-home", q="STALL").content.decode()


def test_item_page_shows_tiers_lists_and_buttons_by_role(cast, client_for, published):
    html = page(client_for(cast.officer_a), "discretion-item", published.item_id, lang="en").content.decode()
    assert "Grave (严重)" in html and "350–500" in html and "First violation, no penalty" in html
    assert 'data-testid="new-version"' not in html and 'data-testid="edit"' not in html
    supervisor = page(client_for(cast.supervisor_a), "discretion-item", published.item_id).content.decode()
    assert 'data-testid="new-version"' in supervisor


def test_editor_shows_validation_messages_and_keeps_the_table(cast, client_for, item):
    draft = benchmark_draft_create(actor=cast.supervisor_a, item=item)
    client = client_for(cast.supervisor_a)
    form = {
        "scale": "four",
        "basis": "",
        "note": "",
        "updated_at": "",
        "tier-TOTAL_FORMS": "4",
        "tier-INITIAL_FORMS": "0",
        "entry-TOTAL_FORMS": "1",
        "entry-INITIAL_FORMS": "0",
        "tier-0-level": "minor",
        "tier-0-conditions_text": "2平方米以下",
        "tier-0-conditions": "area_m2 <= 2",
        "tier-0-match": "all",
        "tier-0-penalty_kinds": ["fine"],
        "tier-0-fine_min": "50",
        "tier-0-fine_max": "100",
        "tier-1-level": "normal",
        "tier-1-conditions_text": "一般",
        "tier-1-conditions": "",
        "tier-1-match": "all",
        "tier-1-penalty_kinds": ["fine"],
        "tier-1-fine_min": "100",
        "tier-1-fine_max": "200",
        "tier-2-level": "serious",
        "tier-2-conditions_text": "较重",
        "tier-2-conditions": "area_m2 > 5",
        "tier-2-match": "all",
        "tier-2-penalty_kinds": ["fine"],
        "tier-2-fine_min": "150",
        "tier-2-fine_max": "350",
        "tier-3-level": "grave",
        "tier-3-conditions_text": "严重",
        "tier-3-conditions": "area_m2 > 10",
        "tier-3-match": "all",
        "tier-3-penalty_kinds": ["fine"],
        "tier-3-fine_min": "350",
        "tier-3-fine_max": "800",
        "entry-0-kind": "",
        "entry-0-conditions_text": "",
        "entry-0-conditions": "",
        "entry-0-match": "all",
        "entry-0-measures": "",
        "entry-0-legal_basis": "",
        "action": "save",
    }
    before_rows = list(draft.tiers.values_list("level", "fine_min", "fine_max"))
    before_audit = AuditEvent.objects.count()
    html = client.post(reverse("discretion-edit", args=[draft.pk]) + "?lang=en", form).content.decode()
    assert 'data-testid="problems"' in html
    assert "overlaps the Normal (一般) tier" in html
    assert "above the statutory maximum of 500 yuan" in html
    assert list(draft.tiers.values_list("level", "fine_min", "fine_max")) == before_rows
    assert AuditEvent.objects.count() == before_audit
    zh = client.post(
        reverse("discretion-edit", args=[draft.pk]) + "?lang=zh-hans",
        {**form, "tier-3-conditions": "aera > 3"},
    ).content.decode()
    assert "未知的事实" in zh or "unknown fact" in zh
    form.update({"tier-2-fine_min": "200", "tier-3-fine_max": "500"})
    checked = client.post(
        reverse("discretion-edit", args=[draft.pk]), {**form, "action": "check"}
    ).content.decode()
    assert 'data-testid="no-problems"' in checked
    saved = client.post(reverse("discretion-edit", args=[draft.pk]), form)
    assert saved.status_code == 302
    assert list(
        Benchmark.objects.get(pk=draft.pk).tiers.order_by("rank").values_list("fine_max", flat=True)
    ) == [100, 200, 350, 500]


def test_publish_page(cast, client_for, item):
    draft = benchmark_draft_create(actor=cast.admin, item=item)
    client = client_for(cast.admin)
    html = client.post(
        reverse("discretion-publish", args=[draft.pk]) + "?lang=en",
        {"document_number": "", "document_title": "x", "valid_from": "2026-01-01"},
    ).content.decode()
    assert "This field is required" in html
    response = client.post(
        reverse("discretion-publish", args=[draft.pk]),
        {"document_number": "测司发〔2026〕1号", "document_title": "测试区基准", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 302
    assert Benchmark.objects.get(pk=draft.pk).status == "published"


def test_recommendation_tool(cast, client_for, published):
    client = client_for(cast.officer_a)
    data = {
        "item": published.item_id,
        "on": "2026-05-01",
        "fact_area_m2": "12",
        "factors": ["cooperated"],
        "proposed_punish": "yes",
        "proposed_kinds": ["fine"],
        "proposed_fine": "600",
    }
    html = client.post(reverse("discretion-recommend") + "?lang=en", data).content.decode()
    assert 'data-testid="recommendation"' in html
    assert "Grave (严重) tier: Fine (罚款), 350–425 yuan" in html
    assert "Outside the statutory range" in html
    assert "依据" in html  # the other language is there too
    partial = client.post(reverse("discretion-recommend"), data, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'data-testid="recommendation"' in partial
    prefilled = client.get(reverse("discretion-recommend"), {"item": published.item_id}).content.decode()
    assert 'data-testid="recommendation"' in prefilled


def test_export_downloads(cast, client_for, published):
    client = client_for(cast.officer_a)
    xlsx = client.get(reverse("discretion-export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("discretion-export", args=["pdf"])).status_code == 404


def test_import_page_reports_rows(cast, client_for, published):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = (
        "item_code,level,conditions_text,penalty_kinds,fine_min,fine_max\nT-STALL,normal,一"
        "般,fine,100,200\nT-NOPE,normal,x,fine,1,2\n"
    )
    response = client_for(cast.supervisor_a).post(
        reverse("discretion-import") + "?lang=en",
        {"file": SimpleUploadedFile("t.csv", bad.encode()), "dry_run": "on"},
    )
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html and "Row 3: No item T-NOPE" in html


def test_public_pages_show_published_versions_only(cast, client_for, published):
    draft_only = make_item(cast.district, code="T-DRAFT", name_zh="对只有草稿事项的行政处罚")
    benchmark_draft_create(actor=cast.admin, item=draft_only)
    generated = make_item(cast.district, code="T-GEN2", name_zh="对只有默认基准事项的行政处罚")
    benchmark_generate(actor=None, item=generated)
    anonymous = client_for(None)
    listing = anonymous.get(reverse("discretion-public-list")).content.decode()
    assert "T-STALL" in listing and "T-DRAFT" not in listing and "T-GEN2" not in listing
    html = anonymous.get(reverse("discretion-public-item", args=["T500", "T-STALL"])).content.decode()
    assert "测司发〔2024〕1号" in html and "350–500" in html
    assert anonymous.get(reverse("discretion-public-item", args=["T500", "T-DRAFT"])).status_code == 404
    assert anonymous.get(reverse("discretion-public-item", args=["T500", "T-GEN2"])).status_code == 404
    assert anonymous.get(reverse("discretion-home")).status_code == 302


def test_public_page_of_a_future_version_waits_for_its_date(cast, client_for, item):
    from .conftest import publish_table, stall_tiers

    publish_table(cast.admin, item, stall_tiers(), valid_from=dt.date(2099, 1, 1))
    assert (
        client_for(None).get(reverse("discretion-public-item", args=["T500", "T-STALL"])).status_code == 404
    )


def test_home_panel_for_supervisors(cast, client_for, published):
    html = client_for(cast.supervisor_a).get(reverse("home")).content.decode()
    assert 'data-panel="discretion"' in html
    assert 'data-panel="discretion"' not in client_for(cast.officer_a).get(reverse("home")).content.decode()


def test_denied_posts_change_nothing(cast, client_for, published):
    draft = benchmark_draft_create(actor=cast.admin, item=published.item)
    posts = [
        ("discretion-edit", [draft.pk], {"scale": "four"}),
        (
            "discretion-publish",
            [draft.pk],
            {"document_number": "x", "document_title": "y", "valid_from": "2026-01-01"},
        ),
        ("discretion-discard", [draft.pk], {}),
        ("discretion-withdraw", [published.pk], {"reason": "x"}),
        ("discretion-generate-missing", [], {}),
        ("discretion-import", [], {}),
    ]
    before = (
        AuditEvent.objects.count(),
        list(Benchmark.objects.order_by("pk").values_list("pk", "status", "updated_at")),
    )
    for name, args, data in posts:
        response = client_for(cast.officer_a).post(reverse(name, args=args), data)
        assert response.status_code == 403, name
    outsider = client_for(cast.responder).post(reverse("discretion-draft-create", args=[published.item_id]))
    assert outsider.status_code == 403
    anonymous = client_for(None).post(reverse("discretion-discard", args=[draft.pk]))
    assert anonymous.status_code == 302
    assert (
        AuditEvent.objects.count(),
        list(Benchmark.objects.order_by("pk").values_list("pk", "status", "updated_at")),
    ) == before
