"""Cases on the map (issue 17): the place picker on the case form (validated on the server; the inputs keep
their names), the place on the case page, and the case layer of the town map scoped as the case list is."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Case
from enforcement.models import AuditEvent
from tests.cases.test_pages import _lead_data

pytestmark = pytest.mark.django_db

A = {"latitude": Decimal("29.556100"), "longitude": Decimal("106.530200")}


def _markers(client, **params):
    response = client.get(reverse("api-map-markers"), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_lead_keeps_the_place_picked(cast, stall_item, client_for):
    response = client_for(cast.officer_a).post(
        reverse("cases:case-new"), _lead_data(cast, stall_item, latitude="29.556100", longitude="106.530200")
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.latitude, case.longitude) == (A["latitude"], A["longitude"])


@pytest.mark.parametrize(
    "place",
    [
        {"latitude": "29.5561"},
        {"longitude": "106.53"},
        {"latitude": "95", "longitude": "106.53"},
        {"latitude": "29.55", "longitude": "-190"},
        {"latitude": "north", "longitude": "106.53"},
    ],
)
def test_a_bad_place_is_a_form_error_and_nothing_is_written(cast, stall_item, client_for, place):
    before = AuditEvent.objects.count()
    response = client_for(cast.officer_a).post(
        reverse("cases:case-new"), {**_lead_data(cast, stall_item), **place}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["form"].errors["location"]
    assert 'data-testid="error-location"' in response.content.decode()
    assert not Case.objects.exists() and AuditEvent.objects.count() == before


def test_the_edit_form_shows_the_place_and_can_clear_it(cast, make_case, client_for):
    case = make_case("lead", **A)
    client = client_for(cast.officer_a)
    html = client.get(reverse("cases:case-edit", args=[case.pk])).content.decode()
    assert 'name="latitude"' in html and 'value="29.556100"' in html and 'value="106.530200"' in html
    assert "data-point-picker" in html


def test_the_case_page_shows_the_place_on_a_map(cast, make_case, client_for):
    with_place = make_case("lead", **A)
    without = make_case("lead")
    html = client_for(cast.officer_a).get(with_place.get_absolute_url()).content.decode()
    assert 'data-testid="case-place-map"' in html and 'data-lat="29.556100"' in html
    assert "测试路1号门前" in html  # the address text beside it
    html = client_for(cast.officer_a).get(without.get_absolute_url()).content.decode()
    assert "case-place-map" not in html and "leaflet.js" not in html


def test_the_case_layer_is_scoped_as_the_case_list(cast, make_case, client_for):
    mine = make_case("investigating", **A)
    make_case("investigating")  # no place: not on the map
    kinds = {"kind": "case"}
    seen = _markers(client_for(cast.officer_a), **kinds)
    assert [(m["kind"], m["id"]) for m in seen["markers"]] == [("case", mine.pk)]
    marker = seen["markers"][0]
    assert marker["url"] == mine.get_absolute_url() and marker["open"] is True
    assert (marker["lat"], marker["lng"]) == (29.5561, 106.5302)
    assert mine.number in marker["title"]
    assert _markers(client_for(cast.officer_b), **kinds)["markers"] == []  # the outsider sees none of town A
    assert _markers(client_for(cast.responder), **kinds)["markers"] == []  # nothing was transferred to it
    assert [m["id"] for m in _markers(client_for(cast.admin), **kinds)["markers"]] == [mine.pk]


def test_the_case_layer_filters_and_stays_bounded(cast, make_case, client_for, settings):
    open_case = make_case("investigating", **A)
    closed_case = make_case("closed", **A)
    client = client_for(cast.officer_a)
    assert [m["id"] for m in _markers(client, kind="case", state="open")["markers"]] == [open_case.pk]
    assert [m["id"] for m in _markers(client, kind="case", state="closed")["markers"]] == [closed_case.pk]
    assert [m["id"] for m in _markers(client, stage="case:closed")["markers"]] == [closed_case.pk]
    settings.MAP_MARKER_LIMIT = 1
    bounded = _markers(client, kind="case")
    assert len(bounded["markers"]) == 1 and bounded["more"] == {"case": True}
    assert bounded["markers"][0]["id"] == closed_case.pk  # the newest


def test_the_map_page_costs_no_query_per_marker(cast, make_case, client_for, django_assert_max_num_queries):
    for _n in range(5):
        make_case("investigating", **A)
    client = client_for(cast.officer_a)
    _markers(client)  # the scope in the cache, as on any second request
    with django_assert_max_num_queries(12):
        assert len(_markers(client)["markers"]) == 5
