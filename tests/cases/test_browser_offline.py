"""Weak signal (issue 17): an officer loses the connection in the middle of recording a lead, submits, and the
lead is sent once when the connection returns. Real Chromium at 390 px, real server, the app's CSP."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.models import Case
from enforcement.models import SubmissionKey
from tests.conftest import browser_login, go_offline, save_screenshot, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _start_a_lead(page, cast):
    """Log in, open the lead form with the service worker in charge, type the first half while online."""
    browser_login(page, "officer_a")
    page.goto(f"{page.base_url}/cases/new/")
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.fill("#id_title", "夜市烧烤摊占道经营")
    # The item suggestions are asked for while there is a signal (offline, htmx would log a failed request).
    with page.expect_response(lambda response: "/matching/suggest/" in response.url):
        page.fill("#id_description", "解放路夜市一烧烤摊在人行道上摆桌经营")


def _finish_offline(page, cast):
    go_offline(page)
    page.fill("#id_place", "解放路12号")
    page.fill("#id_party_name", "王五")
    page.check(f"input[name=officers][value='{cast.officer_a2.pk}']")
    page.click("[data-testid=case-submit]")
    waiting = page.locator("[data-testid=outbox-waiting]")
    waiting.wait_for()
    assert "有 1 项待发送" in waiting.inner_text()
    assert not Case.objects.exists() and not SubmissionKey.objects.exists()


def test_a_lead_submitted_without_a_connection_is_sent_once_when_it_returns(cast, phone_page):
    page = phone_page
    _start_a_lead(page, cast)
    page.reload()  # what was typed is kept on the phone across a reload
    assert page.input_value("#id_title") == "夜市烧烤摊占道经营"
    assert page.locator("[data-testid=draft-notice]").is_visible()
    _finish_offline(page, cast)
    assert page.input_value("#id_title") == ""  # the form is empty: its content is in the outbox
    save_screenshot(page, "offline-lead-waiting")

    page.context.set_offline(False)  # the online event sends it
    sent = page.locator("[data-testid=outbox-sent]")
    sent.wait_for()
    case = wait_for(lambda: Case.objects.get())
    assert Case.objects.count() == 1
    assert (case.title, case.place, case.party_name, case.created_by) == (
        "夜市烧烤摊占道经营",
        "解放路12号",
        "王五",
        cast.officer_a,
    )
    assert set(case.officers.values_list("officer__username", flat=True)) == {"officer_a", "officer_a2"}
    assert case.act_on == timezone.localdate()
    assert not page.locator("[data-testid=outbox-waiting]").count()
    sent.locator("[data-testid=outbox-open]").click()
    page.wait_for_url(f"{page.base_url}{case.get_absolute_url()}")
    assert "夜市烧烤摊占道经营" in page.content()

    # Sending it again (another tab's timer, a lost answer) makes nothing new: the key is known.
    assert SubmissionKey.objects.get().result_url == case.get_absolute_url()


def test_a_reload_without_a_connection_keeps_the_waiting_lead(cast, phone_page):
    page = phone_page
    _start_a_lead(page, cast)
    _finish_offline(page, cast)

    page.reload()  # no connection: the service worker answers with its offline page, the outbox still there
    page.locator("[data-testid=offline-page]").wait_for()
    assert "有 1 项待发送" in page.inner_text("[data-testid=outbox-waiting]")
    assert not Case.objects.exists()

    page.context.set_offline(False)
    page.click("[data-offline-retry]")  # the lead form again, signed in: the page load sends what waits
    page.locator("[data-testid=outbox-sent]").wait_for()
    wait_for(lambda: Case.objects.count() == 1)
    assert Case.objects.get().title == "夜市烧烤摊占道经营"
    assert page.input_value("#id_title") == ""  # the draft went with the submission


def test_a_lead_waiting_when_the_session_ended_asks_to_sign_in_and_is_sent_after(cast, phone_page):
    from django.contrib.sessions.models import Session

    page = phone_page
    _start_a_lead(page, cast)
    _finish_offline(page, cast)
    Session.objects.all().delete()  # signed out meanwhile (expired, or logged out on another tab)

    page.context.set_offline(False)
    sign_in = page.locator("[data-testid=outbox-sign-in]")
    sign_in.wait_for()
    assert "请重新登录以发送 1 项待发送内容" in page.inner_text("[data-testid=outbox-waiting]")
    assert not Case.objects.exists()

    sign_in.click()
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", "test-pass-123!")
    page.click("[data-testid=login-submit]")
    page.locator("[data-testid=outbox-sent]").wait_for()  # back on the lead form, the outbox is sent
    assert wait_for(lambda: Case.objects.count() == 1)


def test_a_lead_the_server_refuses_can_be_opened_again_with_what_was_typed(cast, phone_page):
    page = phone_page
    _start_a_lead(page, cast)
    go_offline(page)
    page.fill("#id_title", "")  # the cause is required: the server will refuse it
    page.fill("#id_place", "解放路12号")
    page.click("[data-testid=case-submit]")
    page.locator("[data-testid=outbox-waiting]").wait_for()

    page.context.set_offline(False)
    reopen = page.locator("[data-testid=outbox-reopen]")
    reopen.wait_for()
    assert "表单中有需要更正的内容" in page.inner_text("[data-testid=outbox-banner]")
    assert not Case.objects.exists()
    reopen.click()
    page.wait_for_function("() => document.querySelector('#id_place').value === '解放路12号'")
    assert page.input_value("#id_description") == "解放路夜市一烧烤摊在人行道上摆桌经营"
    # Back in the form, out of the outbox (the banner is redrawn once the outbox is read again).
    page.locator("[data-testid=outbox-reopen]").wait_for(state="detached")
    page.fill("#id_title", "夜市烧烤摊占道经营")
    page.check(f"input[name=officers][value='{cast.officer_a2.pk}']")
    with page.expect_navigation():
        page.click("[data-testid=case-submit]")
    assert wait_for(lambda: Case.objects.count() == 1)
    assert page.url.endswith(Case.objects.get().get_absolute_url())


def test_a_lead_sent_after_the_session_ended_is_kept_until_the_officer_signs_in(cast, phone_page):
    from django.contrib.sessions.models import Session

    page = phone_page
    _start_a_lead(page, cast)
    page.fill("#id_place", "解放路12号")
    page.check(f"input[name=officers][value='{cast.officer_a2.pk}']")
    Session.objects.all().delete()  # the session ended while the officer was typing
    page.click("[data-testid=case-submit]")
    page.locator("[data-testid=outbox-sign-in]").wait_for()
    assert page.url.endswith("/cases/new/") and not Case.objects.exists()
