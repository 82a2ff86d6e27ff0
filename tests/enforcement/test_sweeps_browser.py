"""The zombie-item warning's link in a browser: the district administrator opens the recovery draft it
proposes (title and note filled in), on a phone and a desktop, in Chinese and English, and creates the
draft."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from authority.models import Adjustment, AuthorityGrant, EnforcementItem
from enforcement.models import FenceWarning
from enforcement.sweeps import run_sweep, sweep_for
from tests.conftest import browser_login

pytestmark = pytest.mark.browser

SHOTS = Path("/work/shots/sweeps")


def test_the_district_admin_opens_and_creates_the_proposed_recovery_draft(cast, browser, live_server):
    item = EnforcementItem.objects.create(
        district=cast.district,
        code="T-001",
        name_zh="占道经营",
        domain="market",
        default_holder=cast.department,
    )
    AuthorityGrant.objects.create(
        town=cast.town_a,
        item=item,
        kind="statutory",
        valid_from=timezone.localdate() - dt.timedelta(days=800),
    )
    sweep = sweep_for("authority.zombie_item")
    assert sweep is not None
    run_sweep(sweep)
    url = FenceWarning.objects.get(rule="authority.zombie_item").details["url"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1366, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.base_url = live_server.url
        browser_login(page, cast.admin.username)
        page.goto(f"{live_server.url}{url}")
        assert page.input_value("#id_title") == "收回甲街道的T-001 占道经营"
        page.screenshot(path=str(SHOTS / f"recovery-draft-zh-{width}.png"), full_page=True)
        page.goto(f"{live_server.url}{url}&lang=en")
        assert page.input_value("#id_title") == "Recover T-001 占道经营 from 甲街道"
        page.screenshot(path=str(SHOTS / f"recovery-draft-en-{width}.png"), full_page=True)
        if width == 1366:
            page.fill("#id_document_number", "测试府发〔2026〕1号")
            page.fill("#id_effective_from", page.input_value("#id_document_date"))
            page.get_by_role("button", name="Create draft").click()
            page.wait_for_url("**/authority/adjustments/*/")
            assert Adjustment.objects.get().title == "Recover T-001 占道经营 from 甲街道"
        context.close()
