"""One inbox for everyone (issue 17): what waits for the signed-in user, from every app, with counts on the
home page; role-aware home panels and the phone's bottom bar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from cases.models import CaseOfficer
from enforcement.services import secondment_create
from tests.conftest import browser_login, save_screenshot


def _undeclared(make_case, cast):
    case = make_case("checking")
    CaseOfficer.objects.filter(case=case, officer=cast.officer_a2).update(declared_at=None)
    return case


@pytest.mark.django_db
def test_the_second_officer_is_told_of_the_pending_declaration(cast, client_for, make_case):
    case = _undeclared(make_case, cast)
    client = client_for(cast.officer_a2)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="inbox-count-declarations"' in home
    inbox = client.get(reverse("inbox")).content.decode()
    assert 'data-testid="inbox-declarations"' in inbox and case.get_absolute_url() in inbox
    # The lead officer has declared: nothing waits for them there; nor for the outsider of town B.
    assert (
        'data-testid="inbox-declarations"'
        not in client_for(cast.officer_a).get(reverse("inbox")).content.decode()
    )
    other = client_for(cast.officer_b).get(reverse("inbox")).content.decode()
    assert case.get_absolute_url() not in other and 'data-testid="inbox-empty"' in other


@pytest.mark.django_db
def test_approvals_reviews_and_deadlines_reach_whom_they_concern(cast, client_for, make_case):
    filing = make_case("filing_review")
    review = make_case("legal_review")
    due = make_case("investigating", next_due=timezone.localdate() - dt.timedelta(days=1))
    supervisor = client_for(cast.supervisor_a).get(reverse("inbox")).content.decode()
    assert 'data-testid="inbox-approvals"' in supervisor and filing.get_absolute_url() in supervisor
    reviewer = client_for(cast.reviewer_a).get(reverse("inbox")).content.decode()
    assert 'data-testid="inbox-legal_reviews"' in reviewer and review.get_absolute_url() in reviewer
    officer = client_for(cast.officer_a).get(reverse("inbox")).content.decode()
    assert 'data-testid="inbox-deadlines"' in officer and due.get_absolute_url() in officer
    assert "inbox-approvals" not in officer and "inbox-legal_reviews" not in officer


@pytest.mark.django_db
def test_a_department_responder_is_not_offered_a_lead_and_a_seconded_officer_sees_the_town(cast, client_for):
    responder = client_for(cast.responder)
    home = responder.get(reverse("home")).content.decode()
    assert reverse("cases:case-new") not in home  # the form would answer 403
    assert responder.get(reverse("cases:case-new")).status_code == 403
    assert 'data-testid="bottom-capture"' not in home and 'data-testid="bottom-work"' in home
    assert 'data-testid="home-working-in"' not in home
    secondment_create(actor=cast.admin, officer=cast.responder, town=cast.town_a, start=timezone.localdate())
    seconded = strip_tags(responder.get(reverse("home")).content.decode())
    assert "工作镇街" in seconded and cast.town_a.name_zh in seconded.split("工作镇街")[1]
    officer_home = client_for(cast.officer_a).get(reverse("home")).content.decode()
    assert 'data-testid="bottom-capture"' in officer_home and reverse("cases:case-new") in officer_home
    assert reverse("cases:capture-start") in officer_home  # the bar's capture place: the officer's cases


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_second_officer_finds_the_declaration_from_the_bottom_bar(cast, phone_page, make_case):
    case = _undeclared(make_case, cast)
    page = phone_page
    browser_login(page, "officer_a2")
    assert page.locator("[data-testid=inbox-count-declarations]").is_visible()
    page.click("[data-testid=bottom-tasks]")
    page.wait_for_url(f"{page.base_url}{reverse('inbox')}")
    section = page.locator("[data-testid=inbox-declarations]")
    assert case.title in section.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save_screenshot(page, "inbox-second-officer")
    section.locator(f"a[href='{case.get_absolute_url()}']").click()
    page.wait_for_url(f"{page.base_url}{case.get_absolute_url()}")
