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
