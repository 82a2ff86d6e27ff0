"""The public page of an inspection code: who is coming, for which task, items and basis, certificates; no
login, and nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inspections.services import (
    invitation_accept,
    task_approve,
    task_cancel,
    task_invite,
    task_officers_set,
    task_publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(cast, setup, make_task, on_day):
    task = make_task()
    invitation = task_invite(actor=cast.officer_a, task=task, department=cast.department)
    invitation_accept(actor=cast.responder, invitation=invitation, template=setup.dept_template)
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.responder])
    task_publish(actor=cast.officer_a, task=task)
    return task_approve(actor=cast.supervisor_a, task=task)


def test_the_business_opens_the_code_page_without_logging_in(cast, setup, approved, client_for):
    response = client_for(None).get(reverse("inspection-code", args=[approved.code]))  # Chinese, the default
    assert response.status_code == 200
    page = response.content.decode()
    assert approved.title in page and str(cast.town_a) in page and str(cast.department) in page
    assert "JC-CG-01" in page and "《中华人民共和国食品安全法》" in page and setup.p_food.text_zh in page
    assert page.count("今日执法证有效") == 2 and "执法人员" in page
    cert = cast.officer_a.certificates.get().number
    assert cert in page
    # nothing else: not the subject's identity, not other people's data
    assert setup.subject.identifier not in page and setup.subject.address not in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_unknown_unapproved_or_cancelled_codes_are_404(cast, setup, make_task, approved, client_for):
    client = client_for(None)
    assert client.get(reverse("inspection-code", args=["x" * 43])).status_code == 404
    assert client.get(reverse("inspection-code", args=["x" * 200])).status_code == 404
    draft = make_task(kind="clue", exemption_ref="12345", title="未批准")
    assert draft.code == ""
    task_cancel(actor=cast.officer_a, task=approved, reason="企业停业")
    assert client.get(reverse("inspection-code", args=[approved.code])).status_code == 404


def test_opening_the_code_is_counted_and_nothing_else_changes(cast, setup, approved, client_for, audit_count):
    from inspections.selectors import inspection_figures

    before = audit_count()
    version = approved.version
    client = client_for(None)
    for _n in range(3):
        assert client.get(reverse("inspection-code", args=[approved.code])).status_code == 200
    approved.refresh_from_db()
    assert approved.code_scans == 3 and approved.code_first_scanned_at is not None
    assert approved.version == version  # a scan is not a change of the task
    assert audit_count() == before  # a GET writes nothing to the audit trail
    assert client.get(reverse("inspection-code", args=["y" * 43])).status_code == 404
    assert inspection_figures(district=cast.district).codes_scanned == 0  # counted once the visit is made


def test_the_business_reaches_its_own_record_with_its_credit_code_only(
    cast, setup, approved, make_task, client_for
):
    from enforcement.services import subject_get_or_create
    from inspections.services import visit_record

    other = subject_get_or_create(
        actor=None,
        district=cast.district,
        kind="organisation",
        name="隔壁火锅店",
        identifier="91500000MA5U000Y2",
        address="甲街道解放路3号",
    )
    from enforcement import clock
    from tests.inspections.conftest import moment

    with clock.at(moment(approved.planned_on)):
        visit_record(
            actor=cast.officer_a,
            unit=cast.town_a,
            subject=other,
            visited_on=approved.planned_on,
            purpose="guidance",
        )
        visit_record(
            actor=cast.officer_a,
            unit=cast.town_a,
            subject=setup.subject,
            visited_on=approved.planned_on,
            purpose="publicity",
        )
    client = client_for(None)
    url = reverse("inspection-code-record", args=[approved.code])
    form = client.get(url)
    assert (
        form.status_code == 200 and setup.subject.name not in form.content.decode()
    )  # nothing before the code
    wrong = client.post(url, {"identifier": other.identifier})
    assert wrong.status_code == 400 and other.name not in wrong.content.decode()
    assert setup.subject.name not in wrong.content.decode()
    page = client.post(url, {"identifier": "91500000 ma5u000x1"})
    html = page.content.decode()
    assert page.status_code == 200 and setup.subject.name in html
    assert html.count('data-testid="record-visit"') == 1  # its own publicity visit, not the neighbour's
    assert other.name not in html and other.identifier not in html
    assert client.get(reverse("inspection-code-record", args=["z" * 43])).status_code == 404
