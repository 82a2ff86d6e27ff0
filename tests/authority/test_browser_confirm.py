"""Heavy actions ask first (issue 17): approving an adjustment whose document still reads as a draft warns,
and the approval asks for confirmation; dismissing it changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from authority.models import Adjustment, AdjustmentLine
from authority.services import adjustment_create, adjustment_line_add
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approving_a_draft_numbered_adjustment_warns_and_asks(cast, catalog, phone_page):
    adjustment = adjustment_create(
        actor=cast.admin,
        district=cast.district,
        title="关于调整镇街执法事项的决定（征求意见稿）",
        document_number="测府发〔2025〕1号（拟）",
        document_date=dt.date(2025, 6, 1),
        effective_from=dt.date(2025, 7, 1),
    )
    adjustment_line_add(
        actor=cast.admin,
        adjustment=adjustment,
        action=AdjustmentLine.Action.GRANT,
        item=catalog["T-SL-001"],
        towns=[cast.town_a],
        kind="empowered",
    )
    page = phone_page
    browser_login(page, "district_admin")
    page.goto(page.base_url + reverse("authority-adjustment", args=[adjustment.pk]))
    assert page.locator("[data-testid=draft-document-warning]").is_visible()
    asked: list[str] = []

    def dismiss(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("[data-testid=approve]")
    page.wait_for_timeout(300)
    assert asked and "不可撤销" in asked[0]
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.DRAFT
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=approve]")
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.APPROVED
