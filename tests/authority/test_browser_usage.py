"""The usage heatmap on a phone (issue 17): the page never scrolls sideways, the heatmap scrolls inside its
box with the item column kept in view, and "propose recovery" asks before it drafts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from authority.models import Adjustment
from enforcement.models import Unit
from tests.conftest import browser_login
from tests.factories import make_unit

from .conftest import import_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eight_towns(cast):
    for n in range(6):
        make_unit(cast.district, Unit.Kind.TOWN, code=f"T500-M{n}", name_zh=f"第{n}号街道")
    import_rows(cast.district.code)


def test_the_heatmap_scrolls_inside_its_box_and_recovery_asks_first(cast, eight_towns, phone_page):
    page = phone_page
    browser_login(page, cast.admin.username)
    page.goto(page.base_url + reverse("authority-usage"))
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    box = page.locator("[data-testid=heatmap-scroll]")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth"), "8 towns overflow a phone"
    item = page.locator("[data-testid=heatmap] tbody tr[data-item] th").first
    before = item.bounding_box()
    box.evaluate("el => { el.scrollLeft = 200; }")
    page.wait_for_timeout(100)
    after = item.bounding_box()
    assert before and after and abs(after["x"] - before["x"]) < 1, "the item column stays in view"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")

    page.click("[data-select-all=items]")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("[data-testid=propose-recovery]")
    page.wait_for_timeout(300)
    assert not Adjustment.objects.exists(), "dismissing the confirmation creates nothing"
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=propose-recovery]")
    adjustment = Adjustment.objects.get()
    assert page.url.endswith(reverse("authority-adjustment", args=[adjustment.pk]))
    assert adjustment.lines.count() == 3 * 8  # three town-held items, each held unused by eight towns
