"""The audit trail on a phone (issue 17's done-when): each entry reads as a sentence, and the page filters by
case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.lifecycle import case_update
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_reads_sentences_and_narrows_the_trail_to_one_case(cast, make_case, phone_page):
    one, other = make_case(), make_case()
    case_update(actor=cast.officer_a, case=one, data={"place": "一号地点"})
    case_update(actor=cast.officer_a2, case=other, data={"place": "二号地点"})
    page = phone_page
    browser_login(page, "supervisor_a")
    page.goto(page.base_url + reverse("audit-list"))
    sentences = page.locator("[data-testid=audit-sentence]")
    sentences.first.wait_for()
    text = page.inner_text("[data-testid=audit-entries]")
    assert "一号地点" in text and "二号地点" in text
    said = " ".join(sentences.all_inner_texts())
    assert str(cast.officer_a) in said and str(cast.officer_a2) in said  # who did it, in words
    assert "cases.case" not in said and "None" not in said  # not code names or Python values
    page.fill("#id_object", one.number)
    with page.expect_navigation():
        page.click("[data-testid=audit-filters] button.btn-primary")
    narrowed = page.inner_text("[data-testid=audit-entries]")
    assert "一号地点" in narrowed and "二号地点" not in narrowed
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
