"""The usage page as a heatmap of items by town (issue 17): zombie items counted per item, not per grant;
"propose recovery" (建议收回) starts one adjustment draft, for district administrators only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from authority import usage
from authority.models import Adjustment, AdjustmentLine, EnforcementItem
from authority.recovery import adjustment_propose_recovery
from authority.usage import UsageCount, UsageSource, heat_level, heatmap, items_usage, usage_report
from enforcement.models import AuditEvent, Unit
from tests.factories import make_unit

from .conftest import ROWS, Catalog, import_rows

pytestmark = pytest.mark.django_db
END = dt.date(2026, 6, 30)
PAGE = {"on": END.isoformat(), "months": 12}


@pytest.fixture
def town_c(cast):
    return make_unit(cast.district, Unit.Kind.TOWN, code="T500-C", name_zh="丙街道")


@pytest.fixture
def catalog3(cast, town_c) -> Catalog:
    """The test catalog imported with three towns: every town-held item is held by A, B and C."""
    import_rows(cast.district.code)
    return Catalog({i.code: i for i in EnforcementItem.objects.filter(district=cast.district)})


def _counter(events):
    def fn(district, start, end):
        result: dict[tuple[int, int], UsageCount] = {}
        for item_id, town_id, day in events:
            if start <= day <= end:
                seen = result.get((item_id, town_id), UsageCount(0, None))
                result[(item_id, town_id)] = UsageCount(seen.count + 1, max(day, seen.last_used or day))
        return result

    return fn


@pytest.fixture
def uses(cast, town_c, catalog3, monkeypatch):
    """Cases: A used T-CG-001 five times; B used T-SC-001 once (A and C never did). Nobody used T-XF-001."""
    monkeypatch.setattr(usage, "_SOURCES", {})
    cg, sc = catalog3["T-CG-001"].pk, catalog3["T-SC-001"].pk
    events = [(cg, cast.town_a.pk, dt.date(2026, 5, 1))] * 5 + [(sc, cast.town_b.pk, dt.date(2026, 2, 1))]
    usage.register_usage_source(UsageSource("cases", "Cases filed", _counter(events)))


def test_zombies_are_counted_per_item_with_the_towns_holding_them(cast, town_c, catalog3, uses, client_for):
    report = usage_report(district=cast.district, end=END)
    per_item = {e.item.code: e for e in items_usage(report.rows)}
    xf, sc, cg = per_item["T-XF-001"], per_item["T-SC-001"], per_item["T-CG-001"]
    assert xf.is_zombie and xf.towns_holding == 3 and len(xf.zombie_rows) == 3
    assert not sc.is_zombie and sc.towns_using == 1  # used by one town of three: not a zombie item
    assert not cg.is_zombie and cg.total == 5
    assert [e.item.code for e in per_item.values() if e.is_zombie] == ["T-XF-001"]
    # per grant there are 3 + 2 + 2 unused holdings; the page counts the one zombie item
    assert len(report.zombies) == 7

    page = client_for(cast.admin).get(reverse("authority-usage"), PAGE).content.decode()
    count = page.split('data-testid="zombie-count"')[1].split("</div>")[0]
    assert '<div class="stat text-danger">1' in count
    zombies = page.split('data-testid="zombies"')[1]
    assert 'data-zombie="T-XF-001"' in zombies and 'data-zombie="T-SC-001"' not in zombies
    assert "甲、乙、丙" in zombies  # the towns holding it unused, by short name


def test_heatmap_of_a_small_world(cast, town_c, catalog3, uses, client_for):
    report = usage_report(district=cast.district, end=END)
    towns = [cast.town_a, cast.town_b, town_c]
    with translation.override("zh-hans"):
        heat = heatmap(items_usage(report.rows), towns, sort="total")
    assert [c.short for c in heat.columns] == ["甲", "乙", "丙"]  # 甲街道, 乙镇, 丙街道 without the suffix
    assert [c.total for c in heat.columns] == [5, 1, 0]
    assert [g.domain for g in heat.groups] == ["city_management", "market", "fire_safety"]
    cg = heat.groups[0].rows[0]
    assert cg.usage.item.code == "T-CG-001"
    assert [(c.row.total if c.row else None, c.level) for c in cg.cells] == [(5, 5), (0, 0), (0, 0)]
    assert heat.highest == 5 and heat.total == 6
    by_code = heatmap(items_usage(report.rows), towns, sort="code", group=False)
    assert [r.usage.item.code for r in by_code.groups[0].rows] == ["T-CG-001", "T-SC-001", "T-XF-001"]

    page = client_for(cast.admin).get(reverse("authority-usage"), PAGE).content.decode()
    assert f'data-row="T-CG-001:{cast.town_a.code}" data-status="active"' in page
    assert "hm-cell hm-l5" in page and "hm-cell hm-zombie" in page
    assert "对擅自占道经营的行政处罚" in page  # names, not only codes
    sorted_page = client_for(cast.admin).get(reverse("authority-usage"), {**PAGE, "sort": "code"})
    html = sorted_page.content.decode()
    rows = [part.split('"')[0] for part in html.split('<tr data-item="')[1:]]
    assert rows == ["T-CG-001", "T-XF-001", "T-SC-001"]  # grouped by domain (code order), then by code
    assert 'aria-sort="ascending"' in html and "sort=total" in html
    english = client_for(cast.admin).get(reverse("authority-usage"), {**PAGE, "lang": "en"}).content.decode()
    assert "Penalty for street vending without approval" in english
    assert '"Fire safety"' in english  # the per-domain chart is labelled with names


def test_heat_levels():
    assert [heat_level(n, 10) for n in (0, 1, 2, 3, 5, 10)] == [0, 1, 1, 2, 3, 5]
    assert heat_level(3, 0) == 0


def test_period_selector_has_a_label_and_a_default(cast, catalog3, uses, client_for):
    page = client_for(cast.admin).get(reverse("authority-usage")).content.decode()
    assert '<label class="form-label mb-0" for="id_months">' in page
    assert '<option value="12" selected>' in page
    short = client_for(cast.admin).get(reverse("authority-usage"), {**PAGE, "months": 3}).content.decode()
    assert "2026-03-31" in short  # the 3 months that end on 2026-06-30 start on 2026-03-31


def test_officers_see_their_own_town_only(cast, town_c, catalog3, uses, client_for):
    page = client_for(cast.officer_a).get(reverse("authority-usage"), PAGE).content.decode()
    assert f'data-town="{cast.town_a.code}"' in page
    assert f'data-town="{cast.town_b.code}"' not in page and f'data-town="{town_c.code}"' not in page
    assert 'data-testid="propose-recovery"' not in page and 'name="items"' not in page
    other = client_for(cast.officer_b).get(reverse("authority-usage"), {**PAGE, "town": cast.town_a.code})
    assert f'data-row="T-CG-001:{cast.town_a.code}"' not in other.content.decode()
    assert client_for(cast.responder).get(reverse("authority-usage")).status_code == 403
    admin = client_for(cast.admin).get(reverse("authority-usage"), PAGE).content.decode()
    assert 'data-testid="propose-recovery"' in admin


def _propose(client, *items, **extra):
    return client.post(
        reverse("authority-usage-propose-recovery"),
        {"items": [i.pk for i in items], "on": END.isoformat(), "months": 12, **extra},
    )


@pytest.mark.parametrize("who", ["officer_a", "supervisor_a", "reviewer_a", "officer_b", "responder"])
def test_propose_recovery_is_refused_to_everyone_but_the_administrator(cast, catalog3, uses, client_for, who):
    adjustments, audits = Adjustment.objects.count(), AuditEvent.objects.count()
    response = _propose(client_for(getattr(cast, who)), catalog3["T-XF-001"])
    assert response.status_code == 403
    assert Adjustment.objects.count() == adjustments and AuditEvent.objects.count() == audits
    assert client_for(None).post(reverse("authority-usage-propose-recovery")).status_code == 302  # to login
    assert client_for(cast.admin).get(reverse("authority-usage-propose-recovery")).status_code == 405


def test_propose_recovery_drafts_the_zombie_items_from_the_towns_holding_them(
    cast, town_c, catalog3, uses, client_for
):
    admin = client_for(cast.admin)
    response = _propose(admin, catalog3["T-XF-001"])
    adjustment = Adjustment.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "authority-adjustment", args=[adjustment.pk]
    )
    assert adjustment.status == Adjustment.Status.DRAFT and adjustment.created_by == cast.admin
    lines = {
        (ln.action, ln.item.code, ln.town.code) for ln in adjustment.lines.select_related("item", "town")
    }
    recover = AdjustmentLine.Action.RECOVER
    assert lines == {(recover, "T-XF-001", t.code) for t in (cast.town_a, cast.town_b, town_c)}
    assert (
        "2025-07-01" in adjustment.note and "2026-06-30" in adjustment.note and "T-XF-001" in adjustment.note
    )
    assert "（拟）" in adjustment.document_number  # to be numbered before approval
    audit = AuditEvent.objects.get(action="authority.adjustment.propose_recovery")
    assert audit.actor == cast.admin and audit.after["items"] == ["T-XF-001"]
    assert len(audit.after["towns"]) == 3
    draft_page = admin.get(response.url)
    assert draft_page.status_code == 200 and "T-XF-001" in draft_page.content.decode()


def test_a_second_click_finds_the_open_draft(cast, town_c, catalog3, uses, client_for):
    admin = client_for(cast.admin)
    first = _propose(admin, catalog3["T-XF-001"])
    second = admin.post(
        reverse("authority-usage-propose-recovery"),
        {"items": [catalog3["T-XF-001"].pk], "on": END.isoformat(), "months": 12},
        follow=True,
    )
    assert Adjustment.objects.count() == 1
    assert second.redirect_chain[-1][0] == first.url
    assert "没有再建" in second.content.decode() or "no second draft" in second.content.decode()
    page = admin.get(reverse("authority-usage"), PAGE).content.decode()
    assert f'href="{first.url}" data-testid="open-draft"' in page
    # the service says the same to any caller
    again = adjustment_propose_recovery(
        actor=cast.admin, district=cast.district, item_ids=[catalog3["T-XF-001"].pk], end=END
    )
    assert not again.created and again.adjustment.pk == Adjustment.objects.get().pk


def test_an_item_someone_used_cannot_be_proposed(cast, catalog3, uses, client_for):
    response = _propose(client_for(cast.admin), catalog3["T-SC-001"])
    assert response.status_code == 302 and response.url.startswith(reverse("authority-usage"))
    assert not Adjustment.objects.exists()
    nothing = client_for(cast.admin).post(reverse("authority-usage-propose-recovery"), {"items": ["x"]})
    assert nothing.status_code == 302 and not Adjustment.objects.exists()


def test_the_heatmap_costs_the_same_queries_for_a_bigger_district(cast, catalog3, client_for):
    """Real sources (cases, inspections, whistles): one grouped query each, not one per item or town. The
    district grows twice (3 more towns, 6 more items each time); the page costs the same."""
    admin = client_for(cast.admin)
    rows = list(ROWS)

    def grow(step: int) -> list[dict]:
        for n in range(3):
            make_unit(cast.district, Unit.Kind.TOWN, code=f"T500-X{step}{n}", name_zh=f"新{step}{n}镇")
        rows.extend(
            [f"T-CG-{step}{n:02d}", f"对第{step}{n}种占道行为的行政处罚", "", *ROWS[0][3:]] for n in range(6)
        )
        import_rows(cast.district.code, rows, effective=dt.date(2024, 1 + step, 1))
        admin.get(reverse("authority-usage"), PAGE)
        with CaptureQueriesContext(connection) as ctx:
            assert admin.get(reverse("authority-usage"), PAGE).status_code == 200
        return ctx.captured_queries

    medium = grow(1)
    big = grow(2)
    assert EnforcementItem.objects.filter(district=cast.district).count() == len(ROWS) + 12
    assert len(big) == len(medium), "\n".join(q["sql"][:200] for q in big)
    assert len(big) <= 16


def test_the_proposed_draft_gets_its_final_number_before_approval(cast, catalog3, uses, client_for):
    admin = client_for(cast.admin)
    url = _propose(admin, catalog3["T-XF-001"]).url
    adjustment = Adjustment.objects.get()
    form = {
        "do": "edit",
        "doc-title": "关于收回部分街道消防执法事项的决定",
        "doc-document_number": "测府发〔2026〕9号",
        "doc-document_date": "2026-12-01",
        "doc-effective_from": "2027-01-01",
        "doc-note": adjustment.note,
    }
    assert client_for(cast.supervisor_a).post(url, form).status_code == 404  # a draft is not theirs to see
    bad = admin.post(url, {**form, "doc-effective_from": "2026-11-01"})
    assert bad.status_code == 400
    assert admin.post(url, form).status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.document_number == "测府发〔2026〕9号"
    assert adjustment.effective_from == dt.date(2027, 1, 1)
    audit = AuditEvent.objects.get(action="authority.adjustment.update")
    assert audit.after["document_number"] == "测府发〔2026〕9号" and "note" not in audit.after


def test_the_api_proposes_through_the_same_service(cast, town_c, catalog3, uses, client_for):
    url = reverse("api-authority-usage-propose-recovery")
    body = {"items": [catalog3["T-XF-001"].pk], "on": END.isoformat(), "months": 12}
    assert client_for(cast.officer_a).post(url, body, content_type="application/json").status_code == 403
    assert not Adjustment.objects.exists()
    admin = client_for(cast.admin)
    first = admin.post(url, body, content_type="application/json")
    assert first.status_code == 201 and first.json()["created"] is True
    assert len(first.json()["adjustment"]["lines"]) == 3
    again = admin.post(url, body, content_type="application/json")
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["adjustment"]["id"] == first.json()["adjustment"]["id"]
    used = admin.post(url, {**body, "items": [catalog3["T-CG-001"].pk]}, content_type="application/json")
    assert used.status_code == 400 and Adjustment.objects.count() == 1
