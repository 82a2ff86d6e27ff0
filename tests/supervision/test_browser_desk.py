"""The supervisor half of the Done-when journey in Chromium: a warning raised with the officer's reason (as
the officer path leaves it), the supervisor finds it on the desk by its filters, reviews it (justified, then
another confirmed with a follow-up) and sees it leave the open queue. Also the screenshots of the desk, a
warning and the team view at 390 and 1366 px in Chinese and English."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from enforcement.models import FenceWarning
from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    save_screenshot(page, name)
    shots = Path("/work/shots/desk")
    if shots.parent.is_dir():  # the team's screenshot folder, when there is one
        shots.mkdir(exist_ok=True)
        shutil.copy(Path(settings.BASE_DIR) / "test-artifacts" / f"{name}.png", shots / f"{name}.png")


def _world(cast, raise_warning, make_case):
    case = make_case()
    late = timezone.localdate() - dt.timedelta(days=4)
    make_case(officers=[cast.officer_a2], decision_due=late, next_due=late)
    fine = raise_warning(
        obj=case,
        details={"fine": 800, "tier_min": 50, "tier_max": 200, "tier": "一般"},
        message="拟罚款800元，超出“一般”阶次（50–200元）",
    )
    other = raise_warning(
        rule="procedure.same_investigator_reviewer",
        officer=cast.officer_a2,
        reason="",
        severity=FenceWarning.Severity.BLOCK,
        message="调查人员与法制审核人员为同一人",
        details={"investigator": "甲执法员二", "reviewer": "甲执法员二"},
    )
    confirm = raise_warning(message="拟罚款1000元，超出阶次", details={"fine": 1000, "tier_max": 200})
    raise_warning(
        severity=FenceWarning.Severity.PROMPT,
        reason="",
        message="该经营者30日内已被检查2次",
        rule="inspections.repeat",
        details={"visits": 2, "window_days": 30},
        raised_at=timezone.now() - dt.timedelta(days=3),
    )
    return fine, other, confirm


def test_a_supervisor_finds_a_warning_by_filters_and_reviews_it(
    cast, browser, live_server, raise_warning, make_case
):
    fine, other, confirm = _world(cast, raise_warning, make_case)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.base_url = live_server.url
    browser_login(page, "supervisor_a")
    assert page.locator("[data-testid=desk-panel]").is_visible()
    page.click("[data-testid=desk-panel] >> text=进入监督台")
    page.wait_for_selector("[data-testid=desk-queue]")
    assert page.locator("[data-testid=desk-row]").count() == 4
    _shot(page, "desk-1366-zh")

    # Find it by rule and officer.
    page.select_option("#id_rule", FenceWarning.objects.get(pk=fine.pk).rule)
    page.select_option("#id_officer", str(cast.officer_a.pk))
    with page.expect_navigation():
        page.click("[data-testid=apply-filters]")
    rows = page.locator("[data-testid=desk-row]")
    assert rows.count() == 2
    row = page.locator(f"[data-warning='{fine.pk}']")
    assert "当事人系初次违法且积极配合" in row.inner_text()
    with page.expect_navigation():
        row.locator("[data-testid=desk-row-link]").click()

    # The facts and the officer's reason, then "justified".
    facts = page.locator("[data-testid=warning-facts]").inner_text()
    assert "800" in facts and "阶次最高罚款" in facts
    assert "当事人系初次违法" in page.locator("[data-testid=warning-reason]").inner_text()
    _shot(page, "desk-warning-1366-zh")
    page.check("input[name=outcome][value=justified]")
    page.fill("#id_note", "初次违法且配合，降一阶次理由成立")
    with page.expect_navigation():
        page.click("[data-testid=review-submit]")
    assert "理由成立" in page.locator("[data-testid=warning-review]").inner_text()

    # Back on the desk (same filters): it has left the open queue.
    page.goto(f"{live_server.url}/desk/?rule={fine.rule}&officer={cast.officer_a.pk}")
    assert page.locator(f"[data-warning='{fine.pk}']").count() == 0
    assert page.locator(f"[data-warning='{confirm.pk}']").count() == 1

    # Confirm the other one as a problem: without the follow-up the form says what is missing.
    page.goto(f"{live_server.url}/desk/warnings/{confirm.pk}/")
    page.check("input[name=outcome][value=confirmed]")
    with page.expect_navigation():
        page.click("[data-testid=review-submit]")
    assert page.locator(".invalid-feedback").first.inner_text() == "请写明要求的后续整改。"
    page.check("input[name=outcome][value=confirmed]")
    page.fill("#id_follow_up", "重新集体讨论，按阶次作出决定")
    with page.expect_navigation():
        page.click("[data-testid=review-submit]")
    assert page.locator("[data-testid=resolve-form]").is_visible()
    confirm.refresh_from_db()
    assert confirm.status == FenceWarning.Status.CONFIRMED
    assert confirm.follow_up == "重新集体讨论，按阶次作出决定"
    page.goto(f"{live_server.url}/desk/")
    assert page.locator(f"[data-warning='{confirm.pk}']").count() == 0
    assert page.locator("[data-testid=desk-row]").count() == 2

    # English, and the team view.
    page.goto(f"{live_server.url}/desk/?lang=en&status=all")
    page.wait_for_selector("text=Supervisor's desk")
    _shot(page, "desk-1366-en")
    page.goto(f"{live_server.url}/desk/warnings/{other.pk}/?lang=en")
    _shot(page, "desk-warning-1366-en")
    page.goto(f"{live_server.url}/desk/team/?lang=en")
    assert page.locator("[data-testid=overdue-row]").count() == 1
    _shot(page, "desk-team-1366-en")
    page.goto(f"{live_server.url}/desk/team/?lang=zh-hans")
    _shot(page, "desk-team-1366-zh")
    context.close()


def test_the_desk_on_a_phone(cast, phone_page, raise_warning, make_case):
    _world(cast, raise_warning, make_case)
    page = phone_page
    browser_login(page, "supervisor_a")
    page.goto(f"{page.base_url}/desk/")
    wide = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(wide), "the desk scrolls sideways on a phone"
    # Bulk acknowledge: tick every open warning on the page, acknowledge.
    page.check("#tick-all")
    with page.expect_navigation():
        page.click("[data-testid=bulk-acknowledge]")
    assert page.locator("[data-testid=desk-empty]").is_visible()
    assert FenceWarning.objects.filter(status=FenceWarning.Status.ACKNOWLEDGED).count() == 4
    page.goto(f"{page.base_url}/desk/?status=all")
    _shot(page, "desk-390-zh")
    page.goto(f"{page.base_url}/desk/?status=all&lang=en")
    assert page.evaluate(wide)
    _shot(page, "desk-390-en")
    warning = FenceWarning.objects.order_by("pk").first()
    page.goto(f"{page.base_url}/desk/warnings/{warning.pk}/?lang=zh-hans")
    assert page.evaluate(wide)
    _shot(page, "desk-warning-390-zh")
    page.goto(f"{page.base_url}/desk/team/")
    assert page.evaluate(wide)
    _shot(page, "desk-team-390-zh")
    page.goto(f"{page.base_url}/desk/team/?lang=en")
    _shot(page, "desk-team-390-en")
