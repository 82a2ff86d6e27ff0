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
    assert f'action="{reverse("matching:ask")}"' in body
    assert reverse("login") in body


def test_the_portals_question_in_plain_words_finds_the_street_stall_item(cast, catalog):
    """The portal's form asks the matching engine's public page (matching:ask) with what it holds: the
    words, the district and a town; 夜市摆摊 is answered with the street-stall item first, held by town A."""
    body = Client().get(reverse("home")).content.decode()
    form = body.split('data-testid="ask-form"')[1].split("</form>")[0]
    assert 'name="q"' in form and 'name="district"' in form and 'name="town"' in form
    answer = Client().get(
        reverse("matching:ask"), {"q": "夜市摆摊", "district": cast.district.code, "town": cast.town_a.code}
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    candidates = page.split('data-testid="ask-answer"')[1]
    assert candidates.index('data-code="T-STALL"') == candidates.index("data-code=")  # the first answer
    assert cast.town_a.name_zh in strip_tags(candidates)


def test_the_portal_checks_an_inspection_code(cast, catalog):
    client = Client()
    assert reverse("inspection-code-lookup") in client.get(reverse("home")).content.decode()
    found = client.get(reverse("inspection-code-lookup"), {"code": " AB-12/../x "})
    assert found.status_code == 302 and found["Location"] == reverse("inspection-code", args=["AB-12x"])
    assert client.get(reverse("inspection-code-lookup"), {"code": "  "})["Location"] == reverse("home")
