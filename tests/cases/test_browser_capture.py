"""Issue 17's "done when", in Chromium at 390 px: from the bottom bar to the case's capture page, two photos
taken with a (faked) location, sent, and seen on the case stamped with the time and the place; the stored
stamped copy differs from the original, which is kept byte for byte."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.urls import reverse
from PIL import Image

from cases.models import Evidence
from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HERE = {"latitude": 29.55, "longitude": 106.55, "accuracy": 12}


def _jpeg(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "JPEG", quality=90)
    return out.getvalue()


def _phone(browser, base_url: str, **extra):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        **extra,
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.base_url = base_url
    return context, page


def test_two_photos_with_the_phones_location_are_stamped_on_the_case(cast, make_case, browser, live_server):
    case = make_case("investigating")
    photos = [_jpeg((200, 60, 40)), _jpeg((40, 90, 200))]
    context, page = _phone(browser, live_server.url, geolocation=HERE, permissions=["geolocation"])
    try:
        browser_login(page, "officer_a")
        page.goto(f"{page.base_url}/?lang=zh-hans")
        page.click("[data-testid=bottom-capture]")
        page.wait_for_url(f"{page.base_url}{reverse('cases:capture-start')}")
        page.click(f"a[href='{reverse('cases:case-capture', args=[case.pk])}']")
        status = page.locator("[data-testid=capture-location-text]")
        page.wait_for_function(
            "() => document.getElementById('capture-location').dataset.state === 'located'", timeout=15_000
        )
        assert "北纬29.550000°" in status.inner_text() and "±12 米" in status.inner_text()
        page.set_input_files(
            "[data-testid=capture-photos]",
            files=[
                {"name": "shot-1.jpg", "mimeType": "image/jpeg", "buffer": photos[0]},
                {"name": "shot-2.jpg", "mimeType": "image/jpeg", "buffer": photos[1]},
            ],
        )
        page.wait_for_selector("[data-testid=capture-preview] img[src^='data:image/jpeg']")
        assert page.locator("[data-testid=capture-preview]").count() == 2
        assert "2" in page.locator("[data-testid=capture-count]").inner_text()
        page.fill("#capture-caption", "门前人行道上的货架")
        save_screenshot(page, "capture-page-390-filled")
        with page.expect_navigation():
            page.click("[data-testid=capture-submit]")
        assert page.url.endswith(f"{case.get_absolute_url()}#evidence")
        items = page.locator("[data-testid=evidence-item][data-stamped='1']")
        assert items.count() == 2
        for index in range(2):
            item = items.nth(index)
            assert (
                "北纬29.550000°，东经106.550000°，误差约 12 米"
                in item.locator("[data-testid=evidence-place]").inner_text()
            )
            assert "拍摄于" in item.locator("[data-testid=evidence-time]").inner_text()
        # The stamped thumbnails loaded (a broken image has no natural width).
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=evidence-stamped]')]"
            ".every((img) => img.complete && img.naturalWidth === 640)"
        )
        save_screenshot(page, "capture-case-evidence-390")
    finally:
        context.close()
    rows = list(Evidence.objects.filter(case=case).order_by("pk"))
    assert len(rows) == 2
    for row, sent in zip(rows, photos, strict=True):
        with row.original_file.open("rb") as handle:
            assert handle.read() == sent
        with row.stamped_file.open("rb") as handle:
            stamped = handle.read()
        assert stamped != sent and hashlib.sha256(stamped).hexdigest() == row.stamped_sha256
        assert row.original_sha256 == hashlib.sha256(sent).hexdigest()
        assert (float(row.latitude), float(row.longitude), row.accuracy_m) == (29.55, 106.55, 12)
        assert row.location_source == "device" and row.device_time is not None
        assert row.caption == "门前人行道上的货架"


def test_without_a_location_the_photo_is_kept_and_marked(cast, make_case, browser, live_server):
    case = make_case("investigating")
    context, page = _phone(browser, live_server.url)  # no permission: the location is refused
    try:
        browser_login(page, "officer_a")
        page.goto(f"{page.base_url}{reverse('cases:case-capture', args=[case.pk])}?lang=en")
        page.wait_for_function("() => document.getElementById('capture-location').dataset.state === 'none'")
        assert "No location available" in page.locator("[data-testid=capture-location-text]").inner_text()
        page.set_input_files(
            "[data-testid=capture-photos]",
            files=[{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((10, 10, 10))}],
        )
        with page.expect_navigation():
            page.click("[data-testid=capture-submit]")
        place = page.locator("[data-testid=evidence-place]").first.inner_text()
        assert "No location" in place
    finally:
        context.close()
    row = Evidence.objects.get(case=case)
    assert row.location_source == "none" and row.stamped_file
