"""scripts/demo shows what users see: the house error pages (not Django's technical ones, which list every URL
pattern and setting) and static files by their hashed names, as in production."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.production.test_topology import HASHED, Browser, _free_port

pytestmark = pytest.mark.production

ROOT = Path(settings.BASE_DIR)


def test_the_demo_answers_a_missing_page_with_the_house_404_and_serves_hashed_static_files(tmp_path):
    # Beside the topology test's fixed port when one is set (the two may run at once on two workers).
    port = _free_port() + (1 if os.environ.get("ZHIFA_TOPOLOGY_PORT") else 0)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "DEBUG"}
    }
    env.update(
        {
            "SQLITE_PATH": str(tmp_path / "demo.sqlite3"),
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PORT": str(port),
            "SEED_DEMO": "0",
            "DEMO_PROGRESS_FILE": str(tmp_path / "demo-progress.json"),
        }
    )
    log = tmp_path / "demo.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "demo")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        browser = Browser(f"http://127.0.0.1:{port}", https=False)
        deadline = time.monotonic() + 600
        progress_pages = []
        while True:
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            try:
                landing = browser.request("/")
            except (urllib.error.URLError, ConnectionError):
                time.sleep(1)
                continue
            if landing.status != 503:
                break
            progress_pages.append(landing)  # the server answers while the tables are made
            time.sleep(1)
        assert landing.status == 200 and 'data-testid="demo-banner"' in landing.html
        assert progress_pages, "the first page should come before the migrations are over"
        building = progress_pages[0]
        assert 'data-testid="demo-building"' in building.html and "正在建立演示辖区" in building.html
        assert building.headers["retry-after"] == "3"
        log_text = log.read_text(errors="replace")
        assert "Service Unavailable" not in log_text and "DEMO MODE" not in log_text, log_text[-3000:]
        missing = browser.request("/authority/items/999999999/")
        assert missing.status == 404
        assert "找不到该页面" in missing.html and "DEBUG = True" not in missing.html
        stylesheet = re.search(r'href="(/static/vendor/bootstrap/[^"]+\.css)"', landing.html).group(1)
        assert HASHED.search(stylesheet), stylesheet
        assert browser.request(stylesheet).status == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_every_page_answers_on_the_demos_sqlite_as_each_role(tmp_path):
    """The demo runs on SQLite, the suite on PostgreSQL: SQL only PostgreSQL understands passed every other
    test and answered 500 in demo mode (the responder's inbox once, the inspection plan calendar's JSON
    containment). `sqlite_walk` migrates a fresh SQLite file, loads the demo's people, catalog and whistles,
    and fetches every page without parameters and the links they show as each role."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "DEBUG"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "enforcement.settings",
            "SQLITE_PATH": str(tmp_path / "demo.sqlite3"),
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.production.sqlite_walk"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    pages = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(pages) >= {"officer", "department responder", "district administrator"}
    failed = {role: {p: s for p, s in seen.items() if s >= 500} for role, seen in pages.items()}
    assert not any(failed.values()), failed
    assert all(len(seen) >= 20 for role, seen in pages.items() if role != "anonymous public"), {
        role: len(seen) for role, seen in pages.items()
    }
    assert pages["department responder"].get("/whistles/inbox/") == 200
