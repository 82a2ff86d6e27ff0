"""Whistles on the town map (issue 17): the raise form's place picker and the whistle layer, scoped as the
whistle list is (the raising town; a department only what was sent to it)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from whistles.services import whistle_withdraw

pytestmark = pytest.mark.django_db

PLACE = {"latitude": Decimal("29.557000"), "longitude": Decimal("106.577000")}


def _ids(client, **params):
    response = client.get(reverse("api-map-markers"), {"kind": "whistle", **params})
    assert response.status_code == 200, response.content
    return [m["id"] for m in response.json()["markers"]]


def test_the_raise_form_has_the_picker(cast, client_for):
    html = client_for(cast.officer_a).get(reverse("whistle-raise")).content.decode()
    assert "data-point-picker" in html and 'id="id_latitude"' in html and 'id="locate"' in html
    assert "whistle_raise.js" not in html  # one picker for every form


def test_the_whistle_layer_shows_a_department_only_what_was_sent_to_it(
    cast, raise_whistle, env_department, env_responder, client_for
):
    to_market = raise_whistle(**PLACE)
    to_environment = raise_whistle(departments=[env_department], **PLACE)
    raise_whistle()  # no place
    assert _ids(client_for(cast.officer_a)) == [to_environment.pk, to_market.pk]
    assert _ids(client_for(cast.officer_b)) == []
    assert _ids(client_for(cast.responder)) == [to_market.pk]
    assert _ids(client_for(env_responder)) == [to_environment.pk]
    assert _ids(client_for(cast.admin)) == [to_environment.pk, to_market.pk]


def test_the_whistle_layer_filters_open_and_closed(cast, raise_whistle, client_for):
    open_one = raise_whistle(**PLACE)
    withdrawn = raise_whistle(**PLACE)
    whistle_withdraw(actor=cast.officer_a, whistle=withdrawn, reason="已自行处理")
    client = client_for(cast.officer_a)
    assert _ids(client, state="open") == [open_one.pk]
    assert _ids(client, state="closed") == [withdrawn.pk]
    assert _ids(client, stage="whistle:withdrawn") == [withdrawn.pk]
    marker = client.get(reverse("api-map-markers"), {"kind": "whistle", "lang": "en"}).json()["markers"][-1]
    assert marker["url"] == reverse("whistle-detail", args=[open_one.pk]) and marker["open"] is True
    assert marker["title"].startswith(open_one.reference)
