"""Issue 17's "done when" for on-site records, in Chromium on a phone (390 px): the officer opens a case,
makes an inquiry record, adds a question row, draws the three signatures with the finger (the mouse here),
stores it, then downloads the PDF from the case page: pdftotext finds the questions and answers, the names,
the organ's legal name and the party's confirmation line."""

from __future__ import annotations

import subprocess

import pytest

from cases.models import Evidence, OnSiteRecord
from enforcement.models import Unit
from tests.conftest import browser_login, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEGAL_NAME = "测试市测试区甲街道办事处"


def _pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return "".join("".join(line.split()) for line in out.splitlines())


def _draw(page, name: str, wiggle: int) -> None:
    canvas = page.locator(f"#canvas-{name}")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + 100)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + 30 + step * 25, y + 100 + (-1) ** step * (30 + wiggle), steps=3)
    page.mouse.up()


def test_an_officer_signs_an_inquiry_record_on_the_phone_and_gets_its_pdf(cast, make_case, phone_page):
    Unit.objects.filter(pk=cast.town_a.pk).update(legal_name=LEGAL_NAME)
    case = make_case("investigating")
    page = phone_page
    browser_login(page, "officer_a")
    page.goto(f"{page.base_url}/cases/{case.pk}/")
    page.click("[data-testid=record-new-inquiry]")
    page.wait_for_selector("[data-testid=record-form]")
    page.fill("#id_person_id_number", "500103198001010001")
    page.select_option("#id_person_id_kind", "id_card")
    page.check("#id_rights_told")
    rows = page.locator("[data-qa-row]")
    rows.nth(0).locator("[name=question]").fill("门前的货架是谁摆放的？")
    rows.nth(0).locator("[name=answer]").fill("是我摆放的，用来卖水果。")
    page.click("[data-testid=add-question]")
    assert rows.count() == 2
    rows.nth(1).locator("[name=question]").fill("摆放了多长时间？")
    rows.nth(1).locator("[name=answer]").fill("大约三天。")
    # The party's box first left empty: the server refuses and says which signature is missing.
    _draw(page, "officer_1_signature", 0)
    _draw(page, "officer_2_signature", 10)
    with page.expect_navigation():
        page.click("[data-testid=record-submit]")
    assert "has not signed" in page.inner_text("[data-testid=error-party_signature]") or "签名" in (
        page.inner_text("[data-testid=error-party_signature]")
    )
    assert page.locator("[data-qa-row]").count() == 2  # what was typed is kept
    assert not OnSiteRecord.objects.exists()
    # Signatures come back drawn; the party signs now.
    _draw(page, "party_signature", 20)
    save_screenshot(page, "record-form-390")
    with page.expect_navigation():
        page.click("[data-testid=record-submit]")
    page.wait_for_selector("[data-testid=record-row]")
    assert page.url.endswith(f"/cases/{case.pk}/#records")
    record = OnSiteRecord.objects.get()
    assert record.pdf.kind == Evidence.Kind.RECORD
    link = page.locator("[data-testid=record-pdf]")
    href = link.get_attribute("href")
    response = page.request.get(page.base_url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = _pdf_text(response.body())
    for words in (
        "询问笔录",
        LEGAL_NAME,
        "问：门前的货架是谁摆放的？",
        "答：是我摆放的，用来卖水果。",
        "问：摆放了多长时间？",
        "答：大约三天。",
        "张三",
        "甲执法员二",
        "以上笔录我已看过，与我所说的相符",
    ):
        assert words in text, words
    assert text.count("询问笔录") == 1
    save_screenshot(page, "record-case-390")
