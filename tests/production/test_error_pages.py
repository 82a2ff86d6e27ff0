"""Error pages: a person gets the house layout in their language, an API client gets JSON, never an HTML page.

DEBUG is off under pytest, so these are the pages production serves.
"""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.production.urls_raising")]


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)  # what a real server does: the handler answers
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("lang", "heading", "advice"),
    [
        ("zh-hans", "找不到该页面", "返回首页"),
        ("en", "Page not found", "Back to the home page"),
    ],
)
def test_a_missing_page_is_the_house_404_in_the_users_language(cast, lang, heading, advice):
    response = _client(cast.officer_a).get("/cases/999999999/", {"lang": lang})
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="navbar' in html and heading in html and advice in html
    assert "/cases/999999999/" in html  # says which address was not found
    assert 'data-testid="logout"' in html  # the usual top bar: the officer is still logged in


def test_an_unknown_api_url_is_a_json_404(cast):
    for path in ("/api/no-such-endpoint/", "/api/cases/999999999/"):
        response = _client(cast.officer_a).get(path, HTTP_ACCEPT="application/json")
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
        assert response.json()["detail"] in {"未找到。", f"API 中没有地址 {path}。"}, path
        assert response.json()["errors"] == {}, path


@pytest.mark.parametrize(
    ("lang", "heading"), [("zh-hans", "服务器出了点问题"), ("en", "Something went wrong on our side")]
)
def test_a_failing_page_is_the_house_500_without_touching_the_database(
    cast, django_assert_num_queries, lang, heading
):
    client = _client(cast.officer_a)
    # The login check (LoginRequiredMiddleware) reads the session and the user before the view runs; the 500
    # page adds no query: it uses no context processor (no session, user or menu lookups), so it still renders
    # when the database is what failed.
    with django_assert_num_queries(2) as queries:
        response = client.get("/boom/", {"lang": lang})
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0] for q in queries.captured_queries]
    assert tables == ['"django_session"', '"enforcement_user"'], tables
    assert response.status_code == 500
    html = response.content.decode()
    assert heading in html and 'class="navbar' in html
    assert response["X-Request-ID"] in html  # the reference to quote to support, as in the log
    assert "Boom" not in html and "Traceback" not in html


@pytest.mark.parametrize("path", ["/api/boom/", "/api/plain-boom/"])
def test_a_failing_api_call_is_a_json_500_with_the_request_id(cast, path):
    response = _client(cast.officer_a).get(path)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body == {"detail": "服务器出现了错误。", "errors": {}, "request_id": response["X-Request-ID"]}


def test_a_plain_view_under_api_answers_403_and_400_as_json_too(cast):
    client = _client(cast.officer_a)
    denied = client.get("/api/plain-denied/")
    assert (denied.status_code, denied["Content-Type"]) == (403, "application/json")
    assert denied.json()["detail"] == "您没有执行该操作的权限。"
    suspicious = client.get("/api/plain-suspicious/")
    assert (suspicious.status_code, suspicious["Content-Type"]) == (400, "application/json")


def test_a_bad_request_page_is_the_house_400(cast):
    response = _client(cast.officer_a).get("/suspicious/", {"lang": "en"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bad request" in html and 'class="navbar' in html


def test_api_errors_follow_the_language_of_the_request(cast):
    response = _client(cast.officer_a).get("/api/boom/", {"lang": "en"})
    assert response.json()["detail"] == "A server error occurred."


def test_the_log_line_of_a_500_carries_the_request_id_the_page_shows(cast):
    import io
    import logging

    console = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and getattr(h, "name", None) == "console"
    )
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = _client(cast.officer_a).get("/boom/")
    finally:
        console.setStream(previous)
    request_id = response["X-Request-ID"]
    assert request_id in response.content.decode()
    assert f"[{request_id}] Internal Server Error: /boom/" in stream.getvalue()
