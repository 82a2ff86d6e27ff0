"""The place picker and the case page's map on a phone (issue 17): tap the map on the case form, the
coordinates fill in; the case page then shows the place with its marker. Real Chromium under the app's CSP
(no tile server: the offline grid); any console error or CSP violation fails the test (tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case
from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tap_the_map_then_see_the_place_on_the_case_page(cast, stall_item, phone_page):
    page = phone_page
    browser_login(page, "officer_a")
    page.goto(page.base_url + reverse("cases:case-new"))
    picker = page.locator("[data-point-picker] [data-map-el]")
    picker.scroll_into_view_if_needed()
    picker.locator(".leaflet-tile-container canvas").first.wait_for()  # the offline grid drew
    box = picker.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
    page.wait_for_function("() => document.getElementById('id_latitude').value !== ''")
    lat, lng = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    assert 29.4 < lat < 29.7 and 106.4 < lng < 106.7  # near the configured centre (Yuzhong)
    assert picker.locator("path.map-point").count() == 1

    page.fill("#id_title", "占道摆摊")
    page.fill("#id_description", "解放路夜市烧烤摊占道经营")
    page.fill("#id_place", "解放路12号")
    page.select_option("#id_item", stall_item.code)
    page.fill("#id_party_name", "王五")
    page.check(f"input[name=officers][value='{cast.officer_a2.pk}']")
    with page.expect_navigation():
        page.click("[data-testid=case-submit]")
    case = Case.objects.get()
    assert page.url.endswith(case.get_absolute_url())
    assert (float(case.latitude), float(case.longitude)) == (lat, lng)

    place = page.locator("[data-testid=case-place-map]")
    place.scroll_into_view_if_needed()
    place.locator("path.map-point").wait_for()
    assert "解放路12号" in page.locator("[data-testid=case-act]").inner_text()
    save_screenshot(page, "case-place-map")
