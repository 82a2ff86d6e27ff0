"""The maps' core: the tile server setting and the CSP, the place picker's server-side validation, the map
page and its endpoint's refusals. Each layer's scoping is tested beside its app (tests/cases/test_map.py,
tests/whistles/test_map.py, tests/inspections/test_map.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse

from enforcement.maps import PointField, point_split
from enforcement.settings import tile_img_sources

pytestmark = pytest.mark.django_db


def _img_src(response) -> list[str]:
    header = response.headers["Content-Security-Policy"]
    part = next(p for p in header.split(";") if p.strip().startswith("img-src"))
    return part.split()[1:]


def test_without_a_tile_server_the_csp_allows_no_other_image_host(cast, client_for):
    assert settings.MAP_TILE_URL == ""
    response = client_for(cast.officer_a).get(reverse("town-map"))
    assert response.status_code == 200
    assert _img_src(response) == ["'self'", "data:"]


def _settings_with_env(**env: str) -> dict[str, object]:
    """The settings module as a process started with these variables computes it (the real path from the
    environment to the policy)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'img': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], "
        "'url': settings.MAP_TILE_URL}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "enforcement.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_configured_tile_server_is_allowed_in_img_src_only(cast, client_for, settings):
    configured = _settings_with_env(MAP_TILE_URL="https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png")
    assert configured["img"] == ["'self'", "data:", "https://*.tiles.example.gov.cn"]
    policy = json.loads(json.dumps(settings.CONTENT_SECURITY_POLICY))
    policy["DIRECTIVES"]["img-src"] = configured["img"]
    settings.CONTENT_SECURITY_POLICY = policy
    settings.MAP_TILE_URL = configured["url"]
    response = client_for(cast.officer_a).get(reverse("town-map"))
    assert _img_src(response) == ["'self'", "data:", "https://*.tiles.example.gov.cn"]
    header = response.headers["Content-Security-Policy"]
    for directive in ("default-src", "script-src", "connect-src", "style-src"):
        part = next(p for p in header.split(";") if p.strip().startswith(directive))
        assert "example" not in part, part
    assert 'data-tile-url="https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png"' in response.content.decode()


@pytest.mark.parametrize(
    ("url", "sources"),
    [
        ("", []),
        ("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png", ["http://10.1.2.3:8080"]),
        ("https://tiles.example.org/{z}/{x}/{y}.png", ["https://tiles.example.org"]),
        ("javascript:alert(1)", []),
        ("/tiles/{z}/{x}/{y}.png", []),  # our own host: 'self' covers it
    ],
)
def test_tile_img_sources(url, sources):
    assert tile_img_sources(url) == sources


class _PlaceForm(forms.Form):
    location = PointField()

    def clean(self):
        return point_split(super().clean() or {})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"latitude": "91", "longitude": "106.5"}, "from -90 to 90"),
        ({"latitude": "29.5", "longitude": "181"}, "from -180 to 180"),
        ({"latitude": "abc", "longitude": "106.5"}, "as numbers"),
        ({"latitude": "29.5", "longitude": ""}, "Give both latitude and longitude, or neither."),
        ({"latitude": "", "longitude": "106.5"}, "Give both latitude and longitude, or neither."),
    ],
)
def test_the_picker_refuses_a_bad_place(data, message):
    form = _PlaceForm(data)
    assert not form.is_valid()
    assert message in str(form.errors["location"])


def test_the_picker_gives_the_services_latitude_and_longitude():
    form = _PlaceForm({"latitude": "29.556123", "longitude": "106.530456"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"latitude": Decimal("29.556123"), "longitude": Decimal("106.530456")}
    empty = _PlaceForm({"latitude": "", "longitude": ""})
    assert empty.is_valid() and empty.cleaned_data == {"latitude": None, "longitude": None}


def test_the_picker_renders_the_inputs_by_their_own_names():
    html = str(_PlaceForm(initial={"location": (Decimal("29.5"), Decimal("106.5"))})["location"])
    assert 'name="latitude"' in html and 'id="id_latitude"' in html and 'value="29.5"' in html
    assert 'name="longitude"' in html and 'id="id_longitude"' in html
    assert "data-point-picker" in html and "vendor/leaflet/leaflet.js" in html


def test_the_endpoint_refuses_the_public(client_for):
    response = client_for(None).get(reverse("api-map-markers"))
    assert response.status_code == 401
    assert "markers" not in response.json()


def test_the_page_needs_a_login(client_for):
    response = client_for(None).get(reverse("town-map"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_tiles_note_is_for_the_administrator(cast, client_for):
    admin_page = client_for(cast.admin).get(reverse("town-map"), {"lang": "en"}).content.decode()
    officer_page = client_for(cast.officer_a).get(reverse("town-map"), {"lang": "en"}).content.decode()
    assert 'data-testid="tiles-note"' in admin_page and "MAP_TILE_URL" in admin_page
    assert 'data-testid="tiles-note"' not in officer_page


def test_unknown_filters_are_left_out(cast, client_for):
    response = client_for(cast.officer_a).get(
        reverse("api-map-markers"), {"kind": ["nothing", "case"], "state": "maybe", "stage": "case:nonsense"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["markers"] == [] and set(body["more"]) == {"case"}
    assert body["limit"] == settings.MAP_MARKER_LIMIT
