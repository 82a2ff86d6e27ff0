"""While scripts/demo builds the demo district the server already answers, with the build's progress on every
page (demo/middleware.py), and steps aside once the build is over."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from demo import progress
from demo.middleware import DemoBuildingMiddleware


@pytest.fixture
def progress_file(tmp_path, monkeypatch):
    path = tmp_path / "demo-progress.json"
    monkeypatch.setenv(progress.PROGRESS_ENV, str(path))
    return path


def app(request):
    from django.http import HttpResponse

    return HttpResponse("the app")


def test_while_the_district_is_built_every_page_shows_the_progress_in_the_visitors_language(progress_file):
    progress.report("cases")
    middleware = DemoBuildingMiddleware(app)
    factory = RequestFactory()

    page = middleware(factory.get("/cases/", HTTP_ACCEPT_LANGUAGE="zh-CN"))
    html = page.content.decode()
    assert page.status_code == 503 and page["Retry-After"] == "3"
    assert "正在建立演示辖区" in html and "处罚案件" in html
    assert 'value="32"' in html  # tables, people, lists, benchmarks and whistles done: 32 of 100
    assert "default-src 'none'" in page["Content-Security-Policy"]

    english = middleware(factory.get("/", {"lang": "en"}))
    assert "Building the demo district" in english.content.decode()
    # The static files are served meanwhile (the progress page uses the app's stylesheets).
    assert middleware(factory.get("/static/enforcement/app.css")).content == b"the app"


def test_once_the_build_is_over_the_app_answers_and_the_file_is_not_read_again(progress_file):
    progress.report("figures")
    middleware = DemoBuildingMiddleware(app)
    factory = RequestFactory()
    assert middleware(factory.get("/")).status_code == 503
    progress_file.unlink()
    assert middleware(factory.get("/")).content == b"the app"
    progress.report("tables")  # a file appearing later (another build) does not take the running app back
    assert middleware(factory.get("/")).content == b"the app"


def test_the_percentages_follow_the_steps_and_a_broken_file_is_no_build(progress_file):
    seen = []
    for step in progress.STEPS:
        progress.report(step)
        seen.append(progress.read()["percent"])
    assert seen == sorted(seen) and seen[0] == 0 and seen[-1] < 100
    progress_file.write_text("{half a")
    assert progress.read() is None
