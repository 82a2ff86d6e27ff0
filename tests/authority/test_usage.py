"""赋权事项使用效果评估: with no source registered the report says so; with sources it finds zombies and
demand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from authority import usage
from authority.usage import (
    UsageCount,
    UsageSource,
    UsageStatus,
    months_before,
    register_usage_source,
    usage_report,
)

from .conftest import approve_adjustment

pytestmark = pytest.mark.django_db
END = dt.date(2026, 6, 30)


@pytest.fixture
def no_sources(monkeypatch):
    monkeypatch.setattr(usage, "_SOURCES", {})


@pytest.fixture
def sources(cast, catalog, monkeypatch):
    """Cases: town A used T-CG-001 five times recently and T-SC-001 once, long ago; town B used T-CG-001
    twice.
    Whistles: town A asked for T-SL-001 (which it does not hold) three times."""
    monkeypatch.setattr(usage, "_SOURCES", {})
    cg, sc, sl = catalog["T-CG-001"].pk, catalog["T-SC-001"].pk, catalog["T-SL-001"].pk
    a, b = cast.town_a.pk, cast.town_b.pk
    uses = (
        [(cg, a, dt.date(2026, 5, 1))] * 5
        + [(sc, a, dt.date(2024, 3, 1))]
        + [(cg, b, dt.date(2026, 1, 10))] * 2
    )
    asks = [(sl, a, dt.date(2026, 4, 2))] * 3

    def counter(events):
        def fn(district, start, end):
            result: dict[tuple[int, int], UsageCount] = {}
            for item_id, town_id, day in events:
                if start <= day <= end:
                    seen = result.get((item_id, town_id), UsageCount(0, None))
                    result[(item_id, town_id)] = UsageCount(seen.count + 1, max(day, seen.last_used or day))
            return result

        return fn

    register_usage_source(UsageSource("cases", "Cases filed", counter(uses)))
    register_usage_source(UsageSource("whistles", "Whistles", counter(asks), counts_as_use=False))


def test_without_sources_nothing_is_called_a_zombie(cast, catalog, no_sources, client_for):
    report = usage_report(district=cast.district, end=END)
    assert report.rows and not report.has_use_sources
    assert {r.status for r in report.rows} == {UsageStatus.UNKNOWN} and not report.zombies
    page = client_for(cast.admin).get(reverse("authority-usage"), {"on": "2026-06-30"})
    assert page.status_code == 200 and 'data-testid="no-sources"' in page.content.decode()


def test_statuses_most_used_and_demand(cast, catalog, sources):
    approve_adjustment(
        cast, catalog, effective=dt.date(2026, 3, 1), recover=("T-XF-001",), grant=(), towns=[cast.town_b]
    )
    report = usage_report(district=cast.district, end=END, months=12)
    status = {(r.item.code, r.town.code): r.status for r in report.rows}
    a, b = cast.town_a.code, cast.town_b.code
    assert status[("T-CG-001", a)] == UsageStatus.ACTIVE
    assert status[("T-SC-001", a)] == UsageStatus.IDLE  # used in 2024, not in the last 12 months
    assert status[("T-XF-001", a)] == UsageStatus.NEVER
    assert ("T-XF-001", b) not in status  # recovered from B: no longer evaluated there
    row = next(r for r in report.rows if (r.item.code, r.town.code) == ("T-CG-001", a))
    assert row.uses == {"cases": 5} and row.total == 5 and row.last_used == dt.date(2026, 5, 1)
    assert [(r.item.code, r.town.code) for r in report.most_used(2)] == [("T-CG-001", a), ("T-CG-001", b)]
    assert [(d.item.code, d.town.code, d.count, d.town_holds) for d in report.demand] == [
        ("T-SL-001", a, 3, False)
    ]
    assert report.demand[0].department.domain == "water"
    assert {e["town"].code: e["zombies"] for e in report.by_town()} == {a: 2, b: 1}


def test_recently_granted_items_are_too_new_to_judge(cast, catalog, sources):
    approve_adjustment(
        cast, catalog, effective=dt.date(2026, 3, 1), recover=(), grant=("T-SL-001",), towns=[cast.town_b]
    )
    report = usage_report(district=cast.district, end=END, months=12, town_ids={cast.town_b.pk})
    status = {r.item.code: r.status for r in report.rows}
    assert status["T-SL-001"] == UsageStatus.NEW
    short = usage_report(district=cast.district, end=END, months=3, town_ids={cast.town_b.pk})
    assert {r.item.code: r.status for r in short.rows}["T-SL-001"] == UsageStatus.NEVER


def test_report_page_chart_and_exports(cast, catalog, sources, client_for):
    admin = client_for(cast.admin)
    page = admin.get(reverse("authority-usage"), {"on": "2026-06-30", "months": 12}).content.decode()
    assert 'id="usage-chart-data"' in page and "chart.umd.min.js" in page
    assert f'data-row="T-CG-001:{cast.town_a.code}" data-status="active"' in page
    assert f'data-demand="T-SL-001:{cast.town_a.code}"' in page
    zombies = admin.get(reverse("authority-usage"), {"on": "2026-06-30", "status": "zombie"}).content.decode()
    assert 'data-status="active"' not in zombies and 'data-status="never"' in zombies
    csv_text = admin.get(reverse("authority-usage"), {"on": "2026-06-30", "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[0] == "code,name_zh,domain,town,kind,held_since,cases,total,last_used,status"
    assert (
        f"T-CG-001,对擅自占道经营的行政处罚,city_management,{cast.town_a.code},statutory,2024-01-01,5,5,2026-05-01,active"
        in csv_text
    )
    xlsx = admin.get(reverse("authority-usage"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    api = admin.get(reverse("api-authority-usage"), {"on": "2026-06-30"}).json()
    assert api["sources"] == ["cases"] and api["demand_sources"] == ["whistles"]


def test_officers_see_their_own_towns_only(cast, catalog, sources, client_for):
    rows = client_for(cast.officer_a).get(reverse("api-authority-usage"), {"on": "2026-06-30"}).json()["rows"]
    assert {r["town"]["code"] for r in rows} == {cast.town_a.code}
    demand = (
        client_for(cast.officer_b).get(reverse("api-authority-usage"), {"on": "2026-06-30"}).json()["demand"]
    )
    assert demand == []


def test_months_before_clamps_to_month_end():
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 12) == dt.date(2025, 1, 15)
