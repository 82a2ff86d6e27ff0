"""The public front door (issue 17): the landing page is the district's portal, and "who enforces this?" takes
plain words through the matching engine."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

pytestmark = pytest.mark.django_db


def test_the_portal_names_the_district_and_links_each_towns_list_and_decisions(cast, catalog):
    body = Client().get(reverse("home")).content.decode()
    assert cast.district.name_zh in body
    assert reverse("authority-town", args=[cast.town_a.code]) in body
    assert reverse("cases:public-decisions", args=[cast.town_a.code]) in body
    assert f'action="{reverse("authority-ask")}"' in body
    assert reverse("login") in body


def test_plain_words_find_the_street_stall_item_and_who_holds_it(cast, catalog):
    client = Client()
    answer = client.get(reverse("authority-ask"), {"q": "夜市摆摊", "district": cast.district.code})
    body = answer.content.decode()
    assert answer.status_code == 200
    results = body.split('data-testid="ask-results"')[1]
    assert results.index('data-code="T-STALL"') == results.index("data-code=")  # the first answer
    text = " ".join(strip_tags(results).split())
    assert catalog["T-STALL"].name_zh in text and cast.town_a.name_zh in text
    in_town = client.get(
        reverse("authority-ask"), {"q": "夜市摆摊", "district": cast.district.code, "town": cast.town_a.code}
    ).content.decode()
    assert 'data-testid="ask-holder"' in in_town and cast.town_a.name_zh in strip_tags(in_town)


@pytest.mark.parametrize("query", ["", "   ", "x" * 5000, "今天天气很好", "<script>alert(1)</script>"])
def test_odd_questions_get_a_page_not_an_error(cast, catalog, query):
    response = Client().get(reverse("authority-ask"), {"q": query, "town": "NOPE"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_portal_checks_an_inspection_code(cast, catalog):
    client = Client()
    assert reverse("inspection-code-lookup") in client.get(reverse("home")).content.decode()
    found = client.get(reverse("inspection-code-lookup"), {"code": " AB-12/../x "})
    assert found.status_code == 302 and found.url == reverse("inspection-code", args=["AB-12x"])
    assert client.get(reverse("inspection-code-lookup"), {"code": "  "}).url == reverse("home")
