"""Weak signal (issue 17): a whistle raised with a photo while the phone has no connection waits on the phone,
photo included, and is raised once when the connection returns. Real Chromium at 390 px."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.conftest import browser_login, go_offline, wait_for
from whistles.models import WhistlePhoto, WhistleRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_whistle_with_a_photo_raised_offline_is_raised_once_when_the_connection_returns(cast, phone_page):
    page = phone_page
    browser_login(page, "officer_a")
    page.goto(f"{page.base_url}/whistles/new/")
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.fill("#id_title", "商场消防通道被货物堵塞")
    page.fill("#id_description", "负一楼消防通道堆满纸箱，商场拒不清理。")

    go_offline(page)
    page.check("input[name=reason][value=expertise]")
    page.check("input[name=urgency][value=emergency]")
    page.check(f"#dept-{cast.department.pk}")
    page.fill("#id_address", "解放碑步行街8号负一楼")
    page.set_input_files("#id_photos", {"name": "通道.png", "mimeType": "image/png", "buffer": _photo()})
    page.click("[data-testid=raise-submit]")
    page.locator("[data-testid=outbox-waiting]").wait_for()
    assert not WhistleRequest.objects.exists()

    page.reload()  # the photo is kept with the rest (IndexedDB keeps the file itself)
    page.locator("[data-testid=outbox-waiting]").wait_for()
    page.context.set_offline(False)
    page.click("[data-offline-retry]")
    page.locator("[data-testid=outbox-sent]").wait_for()
    whistle = wait_for(lambda: WhistleRequest.objects.get())
    assert whistle.title == "商场消防通道被货物堵塞" and whistle.urgency == "emergency"
    assert WhistlePhoto.objects.filter(whistle=whistle).count() == 1
    page.click("[data-testid=outbox-open]")
    page.wait_for_url(f"{page.base_url}/whistles/{whistle.pk}/")
