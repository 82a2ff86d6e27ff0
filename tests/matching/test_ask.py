"""Who enforces this? asked in one's own words (issue 15, where people meet the engine): the public page
answers a free-text question with the item, the words that led there, a confidence in words and who holds it
in the town; the catalog search shows that answer beside its literal results."""

from __future__ import annotations

import pytest

from tests.matching.test_fresh_catalog import DISTRICT, imported  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_a_free_text_question_is_answered_with_the_item_and_who_holds_it(client, imported):  # noqa: F811
    response = client.get("/matching/ask/", {"district": DISTRICT, "q": "夜市摆摊卖烧烤"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-code="F-STALL"' in body
    assert '<mark class="term">摆摊</mark>' in body  # the words that led there
    assert 'data-testid="confidence"' in body
    # a town-held item says the town holds it, a district item names the department to whistle to
    assert "holds it" in body or "持有" in body or "承接" in body or "is responsible" in body


def test_an_english_question_and_the_partial_for_the_catalog_search(client, imported):  # noqa: F811
    response = client.get(
        "/matching/ask/", {"district": DISTRICT, "q": "restaurant fumes blow into my window", "partial": "1"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-code="F-FUME"' in body
    assert "<html" not in body  # the answer alone


def test_a_question_about_no_item_says_why(client, imported):  # noqa: F811
    response = client.get("/matching/ask/", {"district": DISTRICT, "q": "请问社区医院几点开门"})
    assert response.status_code == 200
    assert 'data-testid="no-match-reason"' in response.content.decode()


def test_bad_input_is_a_form_error_not_a_500(client, imported):  # noqa: F811
    response = client.get("/matching/ask/", {"district": DISTRICT, "q": "电鱼", "town": "nowhere"})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    response = client.get("/matching/ask/", {"district": DISTRICT, "q": "电" * 5000})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert client.get("/matching/ask/", {"district": "000000", "q": "电鱼"}).status_code == 404


def test_the_catalog_search_asks_the_engine_beside_its_literal_results(client, imported):  # noqa: F811
    response = client.get("/authority/items/", {"district": DISTRICT, "q": "夜市摆摊"})
    body = response.content.decode()
    assert 'data-testid="by-meaning"' in body
    assert "/matching/ask/?district=" + DISTRICT + "&amp;partial=1&amp;q=" in body
