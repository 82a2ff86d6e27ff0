"""The approvals queue and the case page in Chromium, on a phone (390 px) and a desktop (1366 px), in Chinese
and English: grouped requests with urgency in words, batch archiving, the stage progress bar and deadlines in
words. Screenshots land in test-artifacts/ (approvals-*, case-progress-*)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.deadlines import next_due
from cases.models import Case
from enforcement.calendar import add_working_days
from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def _page(browser, live_server, size: str):
    context = browser.new_context(viewport=SIZES[size], device_scale_factor=1)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.base_url = live_server.url
    return context, page


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{page.url} scrolls"


def _world(cast, make_case):
    today = timezone.localdate()
    cases = [
        make_case("filing_review", check_due=today - dt.timedelta(days=6), title="占道经营（逾期待立案）"),
        make_case("filing_review", check_due=add_working_days(today, 1), title="店外堆放杂物"),
        make_case("deciding", decision_due=add_working_days(today, 12), title="违规设置户外广告"),
    ]
    for case in cases:
        Case.objects.filter(pk=case.pk).update(next_due=next_due(case))
    closed = [make_case("closed", closed_on=today, title=f"已结案件{n}") for n in range(2)]
    notified = make_case(
        "notified",
        notice_served_on=today,
        reply_due=add_working_days(today, 2),
        title="夜间施工噪声",
    )
    Case.objects.filter(pk=notified.pk).update(next_due=notified.reply_due)
    return closed, notified


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_queue_and_the_case_page_read_well_and_archive_in_one_go(
    cast, make_case, browser, live_server, size
):
    closed, notified = _world(cast, make_case)
    context, page = _page(browser, live_server, size)
    browser_login(page, "supervisor_a")
    for lang in ("zh-hans", "en"):
        page.goto(f"{page.base_url}/cases/approvals/?lang={lang}")
        groups = page.locator("[data-testid=approval-group]")
        assert groups.count() == 4
        first = groups.nth(0).locator("[data-testid=case-row]").first
        assert first.get_attribute("data-urgency") == "overdue"
        assert first.locator("[data-testid=urgency]").inner_text() in ("已逾期", "Overdue")
        _no_sideways_scroll(page)
        save_screenshot(page, f"approvals-{size}-{lang}")
        page.goto(f"{page.base_url}/cases/{notified.pk}/?lang={lang}")
        bar = page.locator("[data-testid=case-progress]")
        assert bar.locator("[aria-current=step]").get_attribute("data-step") == "notice"
        deadline = page.locator("[data-testid=deadlines] [data-testid=deadline]").first.inner_text()
        assert ("陈述申辩期限" in deadline and "还剩2个工作日" in deadline) or (
            "Statement deadline" in deadline and "2 working days left" in deadline
        )
        _no_sideways_scroll(page)
        save_screenshot(page, f"case-progress-{size}-{lang}")
    # Batch archiving from the page: tick both closed cases, give the box, archive.
    page.goto(f"{page.base_url}/cases/approvals/?lang=zh-hans")
    for case in closed:
        page.check(f"#archive-case-{case.pk}")
    page.fill("#archive-archive_ref", "2026-城管-03")
    with page.expect_navigation():
        page.click("[data-testid=archive-submit]")
    assert "已归档2件" in page.inner_text("body")
    assert set(Case.objects.filter(pk__in=[c.pk for c in closed]).values_list("stage", flat=True)) == {
        "archived"
    }
    save_screenshot(page, f"approvals-archived-{size}")
    context.close()
