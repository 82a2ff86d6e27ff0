"""Every role opens its main pages once in Chromium under the real Content-Security-Policy: the links of its
navigation bar and the pages no journey opens (a case, a whistle, the public lists, a benchmark's range bars,
the usage report, the assessment charts, Swagger UI). The shared fixture (tests/conftest.py) fails the test on
any CSP violation, console error or uncaught exception; this test also checks that the moved-out scripts still
run."""

from __future__ import annotations

import pytest

from enforcement.models import User
from tests.conftest import browser_login
from tests.discretion.conftest import first_violation_entry, publish_table, stall_tiers
from tests.factories import PASSWORD
from whistles.services import whistle_raise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Cast members (None: the public) and a superuser for Django's admin.
ROLES = [None, "officer_a", "supervisor_a", "reviewer_a", "responder", "admin", "superuser"]


@pytest.fixture
def district_with_work(cast, make_case, stall_item):
    publish_table(cast.admin, stall_item, stall_tiers(), [first_violation_entry()])
    case = make_case("investigating")
    whistle = whistle_raise(
        actor=cast.officer_a,
        town=cast.town_a,
        title="餐馆油烟扰民",
        description="解放路12号餐馆油烟直排，居民多次投诉。",
        reason="no_power",
        urgency="normal",
        address="解放路12号",
        departments=[cast.department],
    )
    root = User.objects.create_superuser("root", password=PASSWORD)
    return {"case": case, "whistle": whistle, "item": stall_item, "root": root}


def _pages_for(cast, work, who: str | None) -> list[str]:
    item = work["item"]
    public = [
        "/",
        f"/authority/towns/{cast.town_a.code}/",
        "/authority/items/",
        f"/authority/items/{item.pk}/",
        "/discretion/public/",
        f"/discretion/public/{cast.district.code}/{item.code}/",
        "/api/docs/",
    ]
    if who is None:
        return public + ["/accounts/login/", "/admin/login/"]
    if who == "superuser":
        return [
            "/admin/",
            "/admin/enforcement/user/",
            f"/admin/enforcement/user/{work['root'].pk}/change/",
            "/admin/enforcement/user/add/",
        ]
    member = [
        f"/cases/{work['case'].pk}/",
        f"/whistles/{work['whistle'].pk}/",
        "/whistles/new/",
        "/matching/",
    ]
    if who in {"supervisor_a", "admin"}:
        member += ["/authority/usage/", "/whistles/assessment/", f"/discretion/items/{item.pk}/"]
    return public + member


def test_each_role_opens_its_pages_without_a_csp_violation_or_console_error(
    cast, district_with_work, browser, live_server
):
    opened = 0
    for who in ROLES:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.set_default_timeout(30_000)  # the suite shares 2 cores with a production boot
        page = context.new_page()
        page.base_url = live_server.url
        try:
            if who:
                browser_login(page, "root" if who == "superuser" else getattr(cast, who).username, PASSWORD)
            page.goto(f"{live_server.url}/")
            nav = page.eval_on_selector_all(
                "nav a.nav-link, nav a.dropdown-item", "links => links.map(a => a.getAttribute('href'))"
            )
            for path in dict.fromkeys(nav + _pages_for(cast, district_with_work, who)):
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status < 500, (
                    f"{who}: {path} answered {response and response.status}"
                )
                page.wait_for_load_state("load")
                opened += 1
                if path == "/api/docs/":
                    # Swagger UI runs from its split-out script and renders the schema.
                    page.wait_for_selector(".swagger-ui .information-container .title")
                if path.startswith("/discretion/public/") and path.count("/") > 4:
                    band = page.locator(".range-track .band").first
                    assert band.evaluate("el => el.style.width").endswith("%"), "range bands were not placed"
                if path in {"/authority/usage/", "/whistles/assessment/"} and page.locator("canvas").count():
                    page.wait_for_function(
                        "() => window.Chart && document.querySelector('canvas') && "
                        "Chart.getChart(document.querySelector('canvas'))"
                    )
        finally:
            context.close()
    assert opened > 60
