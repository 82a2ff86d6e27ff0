"""Publication of decisions (art 48): published redacted when served, warning-only as the district decides,
withdrawn with a reason by the town's supervisor, listed on the town's public page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.lifecycle import case_act
from cases.models import Case, CaseEvent, CasePolicy
from enforcement.calendar import add_working_days
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db


def _served(make_case, **fields):
    today = timezone.localdate()
    values = {
        "penalty_kinds": ["fine"],
        "fine": Decimal("300"),
        "decided_on": today,
        "findings": "张三于2026年3月1日在测试路1号门前占道经营",
        **fields,
    }
    case = make_case("decided", **values)
    case_act(
        actor=case.created_by,
        case=case,
        action="serve_decision",
        data={"version": None, "note": "", "served_on": today, "method": "direct"},
    )
    case.refresh_from_db()
    return case


def test_a_served_decision_is_published_redacted_on_the_towns_page(cast, make_case, client):
    case = _served(make_case)
    assert case.published_on == timezone.localdate()
    assert case.publication_due == add_working_days(case.decided_on, 7)
    html = client.get(reverse("cases:public-decisions", args=[cast.town_a.code])).content.decode()
    assert html.count('data-testid="public-decision"') == 1
    assert "张*" in html and "张三" not in html and case.party_identifier not in html
    assert "测试路1号门前占道经营" in html and "罚款人民币300.00元" in html


def test_a_warning_alone_is_published_only_where_the_district_says(cast, make_case):
    quiet = _served(make_case, penalty_kinds=["warning"], fine=None)
    assert quiet.published_on is None
    CasePolicy.objects.create(district=cast.district, publish_warnings=True)
    loud = _served(make_case, penalty_kinds=["warning"], fine=None)
    assert loud.published_on is not None


def test_the_supervisor_withdraws_a_publication_with_its_reason(cast, make_case, client_for, client):
    case = _served(make_case)
    url = reverse("cases:publication-withdraw", args=[case.pk])
    audits = AuditEvent.objects.count()
    assert client_for(cast.officer_a).post(url, {"reason": "撤销"}).status_code == 403
    assert client_for(cast.officer_b).post(url, {"reason": "撤销"}).status_code == 404
    assert Case.objects.get(pk=case.pk).unpublished_on is None and AuditEvent.objects.count() == audits
    response = client_for(cast.supervisor_a).post(url, {"reason": "经复议，原处罚决定被撤销"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.unpublished_on == timezone.localdate() and case.unpublish_reason == "经复议，原处罚决定被撤销"
    assert AuditEvent.objects.filter(action="cases.publication.withdraw").count() == 1
    assert CaseEvent.objects.filter(case=case, action="unpublish").exists()
    html = client.get(reverse("cases:public-decisions", args=[cast.town_a.code])).content.decode()
    assert 'data-testid="public-decisions-empty"' in html
    # Nothing to withdraw twice.
    assert client_for(cast.supervisor_a).post(url, {"reason": "again"}).status_code == 403
