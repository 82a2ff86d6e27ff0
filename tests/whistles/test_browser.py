"""Two people on their phones: a town officer raises a whistle, the department's responder checks in, goes on
site and reports it handled, the officer confirms and rates. Real Chromium, real server."""

from __future__ import annotations

import pytest

from tests.conftest import browser_login, save_screenshot
from whistles.models import WhistleAssignment, WhistleRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser, base_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(30_000)  # the suite shares 2 cores with a production boot
    page = context.new_page()
    page.base_url = base_url
    return context, page


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{page.url} scrolls sideways"
    )


def test_raise_acknowledge_handle_rate(cast, phone_page, browser):
    town = phone_page
    browser_login(town, "officer_a")
    town.goto(f"{town.base_url}/whistles/new/")
    _no_sideways_scroll(town)
    town.fill("#id_title", "商场消防通道被货物堵塞")
    town.fill("#id_description", "负一楼消防通道堆满纸箱，商场拒不清理。")
    town.check("input[name=reason][value=expertise]")
    town.check("input[name=urgency][value=emergency]")
    town.check(f"#dept-{cast.department.pk}")
    town.fill("#id_address", "解放碑步行街8号负一楼")
    save_screenshot(town, "whistle-raise-form")
    town.click("[data-testid=raise-submit]")
    town.wait_for_selector("[data-testid=whistle-title]")
    whistle = WhistleRequest.objects.get()
    assert town.url.endswith(f"/whistles/{whistle.pk}/")
    assert "商场消防通道被货物堵塞" in town.inner_text("[data-testid=whistle-title]")
    assert "待报到" in town.inner_text("[data-testid=assignment]")
    _no_sideways_scroll(town)

    context, dept = _phone(browser, town.base_url)
    try:
        browser_login(dept, "responder")
        # A function, not an expression: Playwright polls an expression with eval, which the page's CSP
        # refuses.
        dept.wait_for_function(
            "() => document.querySelector('[data-testid=bell-count]').textContent.trim() === '1'"
        )
        dept.goto(f"{dept.base_url}/whistles/inbox/")
        _no_sideways_scroll(dept)
        assert dept.inner_text("[data-testid=count-waiting]") == "1"
        save_screenshot(dept, "whistle-inbox")
        dept.click("[data-testid=inbox-row]")
        dept.click("[data-testid=do-acknowledge]")
        dept.wait_for_selector("[data-testid=do-arrive]")
        dept.click("[data-testid=do-arrive]")
        dept.wait_for_selector("[data-testid=form-handle]")
        dept.fill("[data-testid=form-handle] textarea", "已清理通道，责令商场整改，并立案调查。")
        dept.fill("[data-testid=form-handle] input[type=text]", "渝中市监罚〔2026〕88号")
        dept.click("[data-testid=do-handle]")
        dept.wait_for_selector("[data-testid=handling-note]")
        assert "已清理通道" in dept.inner_text("[data-testid=handling-note]")
        save_screenshot(dept, "whistle-handled-by-department")
    finally:
        context.close()

    town.reload()
    town.wait_for_selector("[data-testid=form-confirm]")
    town.check("[data-testid=form-confirm] input[name$=rating][value='4']")
    town.fill("[data-testid=form-confirm] textarea", "到场快，处置到位")
    town.click("[data-testid=do-confirm]")
    town.wait_for_selector("[data-testid=rating]")
    assert "已办结" in town.inner_text("[data-testid=whistle-status]")
    kinds = town.eval_on_selector_all("[data-testid=timeline] li", "items => items.map(i => i.dataset.kind)")
    assert kinds == ["raised", "sent", "acknowledged", "on_site", "handled", "confirmed", "closed"]
    save_screenshot(town, "whistle-closed-and-rated")
    _no_sideways_scroll(town)

    assignment = WhistleAssignment.objects.get(whistle=whistle)
    assert (assignment.status, assignment.rating, assignment.department_case_ref) == (
        "closed",
        4,
        "渝中市监罚〔2026〕88号",
    )
    assert assignment.acknowledged_by == cast.responder and assignment.rated_by == cast.officer_a


def test_the_assessment_dashboard_draws_its_charts(cast, raise_whistle, phone_page):
    from whistles.services import assignment_return

    assignment_return(
        actor=cast.responder,
        assignment=raise_whistle().assignments.get(),
        reason="town_holds_power",
        note="属地责任，退回街道",
    )
    page = phone_page
    browser_login(page, "district_admin")
    page.goto(f"{page.base_url}/whistles/assessment/")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-departments') !== undefined")
    assert page.locator("[data-testid=department-row]").count() == 1
    assert "100%" in page.inner_text("[data-testid=return-rate]")
    save_screenshot(page, "whistle-assessment")
