"""The installable app: the web manifest, the service worker and the offline page it keeps."""

from __future__ import annotations

import json
import re
from unittest import mock

import pytest
from django.templatetags.static import static
from django.urls import reverse

from enforcement import pwa

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["short_name"]) == ("执法 Zhifa", "执法")
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["theme_color"] == "#1f3b66"
    assert [(icon["src"], icon["sizes"], icon["type"]) for icon in manifest["icons"]] == [
        (static("enforcement/icons/icon-192.png"), "192x192", "image/png"),
        (static("enforcement/icons/icon-512.png"), "512x512", "image/png"),
    ]


def test_the_manifest_speaks_the_users_language(client):
    chinese = json.loads(client.get("/manifest.webmanifest").content)
    english = json.loads(client.get("/manifest.webmanifest?lang=en").content)
    assert chinese["lang"] == "zh-CN" and english["lang"] == "en"
    assert english["description"].startswith("Zhifa:") and not chinese["description"].startswith("Zhifa")


def test_the_theme_colour_is_the_apps(settings):
    css = (settings.BASE_DIR / "static" / "enforcement" / "app.css").read_text()
    assert f"--zhifa: {pwa.THEME_COLOUR};" in css


def test_the_icons_are_pngs_of_their_size(settings):
    for size in (192, 512):
        data = (settings.BASE_DIR / "static" / "enforcement" / "icons" / f"icon-{size}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (size, size)


def test_the_service_worker_is_served_from_the_root_and_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    script = response.content.decode()
    config = json.loads(re.search(r"const ZHIFA = (\{.*\});", script).group(1))
    assert config["version"] == pwa.static_version() and re.fullmatch(r"[0-9a-f]{12}", config["version"])
    assert static("enforcement/offline.js") in config["shell"]
    assert config["offline"] == {"zh-hans": "/offline/zh-hans/", "en": "/offline/en/"}


def test_the_workers_version_follows_the_static_files(settings, tmp_path):
    # Production: the manifest storage's hash of all hashed names, so a deploy that changes a file changes it.
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

    storage = ManifestStaticFilesStorage(location=tmp_path)
    storage.manifest_hash = "0123456789abcdef0123"
    pwa._manifest_version.cache_clear()
    try:
        with mock.patch.object(pwa, "staticfiles_storage", storage):
            assert pwa.static_version() == "0123456789ab"
    finally:
        pwa._manifest_version.cache_clear()


def test_the_csp_allows_the_worker_and_the_manifest_from_the_site_only(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


def test_every_page_links_the_manifest_and_the_outbox(client_for, cast):
    html = client_for(cast.officer_a).get(reverse("home")).content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert 'data-testid="outbox-banner"' in html and f'data-user="{cast.officer_a.pk}"' in html
    assert static("enforcement/offline.js") in html


@pytest.mark.parametrize(
    ("lang", "words"), [("zh-hans", "无网络连接"), ("en", "No connection"), ("xx", "无网络连接")]
)
def test_the_offline_page_is_in_its_language_and_names_no_one(client_for, cast, lang, words):
    response = client_for(cast.officer_a).get(reverse("offline", args=[lang]))
    assert response.status_code == 200
    html = response.content.decode()
    assert words in html and 'data-user=""' in html
    assert cast.officer_a.username not in html and "甲执法员" not in html
    assert not response.cookies  # the worker keeps this page: it must not change the session or the language


def test_the_outbox_can_read_the_csrf_token_it_replays_with(settings):
    # static/enforcement/offline.js sends a waiting submission with the token of the session as it is then,
    # read from the CSRF cookie: it must stay a cookie that scripts may read.
    assert not settings.CSRF_USE_SESSIONS and not settings.CSRF_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_NAME == "csrftoken"


def test_in_production_the_worker_caches_the_hashed_files_and_its_version_is_the_manifests(
    settings, tmp_path, client
):
    # The storage production uses, less WhiteNoise's compression (slow, and the names are the same).
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    pwa._manifest_version.cache_clear()
    try:
        script = client.get("/sw.js").content.decode()
        config = json.loads(re.search(r"const ZHIFA = (\{.*\});", script).group(1))
        assert config["version"] == staticfiles_storage.manifest_hash[:12]  # type: ignore[attr-defined]
        names = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
        assert "/static/" + names["enforcement/offline.js"] in config["shell"]
        assert all(re.search(r"\.[0-9a-f]{12}\.\w+$", url) for url in config["shell"]), config["shell"]
        manifest = json.loads(client.get("/manifest.webmanifest").content)
        assert manifest["icons"][0]["src"] == "/static/" + names["enforcement/icons/icon-192.png"]
    finally:
        pwa._manifest_version.cache_clear()
