"""On a phone: a supervisor meets the editor's validation messages; an officer asks for a recommendation
(htmx); the public reads a published benchmark. Screenshots land in test-artifacts/."""

from __future__ import annotations

import pytest

from discretion.models import Benchmark
from discretion.services import benchmark_draft_create
from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_shows_problems_then_saves(cast, published, phone_page):
    draft = benchmark_draft_create(actor=cast.supervisor_a, item=published.item)
    page = phone_page
    browser_login(page, cast.supervisor_a.username)
    page.goto(f"{page.base_url}/discretion/items/{published.item_id}/?lang=en")
    page.click(f"a[href='/discretion/benchmarks/{draft.pk}/']")
    page.click("[data-testid=edit]")
    page.fill("#id_tier-3-fine_max", "800")
    page.fill("#id_tier-2-conditions", "aera_m2 > 5")
    page.click("[data-testid=save]")
    problems = page.locator("[data-testid=problems]")
    problems.wait_for()
    assert "Tier row 3 · Structured conditions: Condition 1: unknown fact 'aera_m2'" in problems.inner_text()
    assert "unknown fact 'aera_m2'" in page.locator("[data-testid=field-error]").first.inner_text()
    page.fill("#id_tier-2-conditions", "area_m2 > 5")
    page.click("[data-testid=save]")
    page.locator("text=above the statutory maximum of 500 yuan").first.wait_for()
    assert "above the statutory maximum of 500 yuan" in page.locator("[data-testid=problems]").inner_text()
    save_screenshot(page, "discretion-editor-problems")
    assert Benchmark.objects.get(pk=draft.pk).tiers.get(level="grave").fine_max == 500
    page.fill("#id_tier-3-fine_max", "480")
    page.click("[data-testid=save]")
    page.wait_for_url(f"{page.base_url}/discretion/benchmarks/{draft.pk}/")
    assert Benchmark.objects.get(pk=draft.pk).tiers.get(level="grave").fine_max == 480


def test_officer_gets_an_explained_recommendation(cast, published, phone_page):
    page = phone_page
    browser_login(page, cast.officer_a.username)
    page.goto(f"{page.base_url}/discretion/recommend/")
    page.select_option("#id_item", str(published.item_id))
    page.fill("#id_fact_area_m2", "12")
    page.check("input[name=factors][value=cooperated]")
    page.click("[data-testid=recommend-submit]")
    summary = page.locator("[data-testid=rec-summary]")
    summary.wait_for()
    assert "严重档" in summary.inner_text() and "350–425" in summary.inner_text()
    assert page.url.endswith("/discretion/recommend/")  # swapped in by htmx, no page load
    assert "依据" in page.locator("[data-testid=explanation]").inner_text()
    save_screenshot(page, "discretion-recommendation")


def test_public_reads_the_published_benchmark(cast, published, phone_page):
    page = phone_page
    page.goto(f"{page.base_url}/discretion/public/")
    page.click("text=T-STALL")
    assert "测司发〔2024〕1号" in page.locator("[data-testid=public-document]").inner_text()
    assert page.locator("[data-testid=tiers] .card").count() == 4
    save_screenshot(page, "discretion-public-item")
