"""Static files under the production storage: collectstatic succeeds and every file gets a hashed name."""

from __future__ import annotations

import json
import re

from django.core.management import call_command


def test_collectstatic_with_the_manifest_storage_names_every_vendored_file_by_its_hash(settings, tmp_path):
    # Django's manifest storage does the same reference checks as WhiteNoise's, without the slow compression.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/chartjs/chart.umd.min.js",
        "vendor/htmx/htmx.min.js",
        "enforcement/app.css",
    ):
        stem, dot, ext = name.rpartition(".")
        assert re.fullmatch(rf"{re.escape(stem)}\.[0-9a-f]{{12}}\.{ext}", paths[name]), paths.get(name)
