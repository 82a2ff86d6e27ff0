"""The approvals queue: grouped by what is asked, the nearest deadline first, urgency in words; several closed
cases archived at once, each on its own, refusals per case; page and API through the same service; denials."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent
from enforcement.calendar import add_working_days
from enforcement.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]

ROW = re.compile(r'data-testid="case-row" data-case="(\d+)" data-urgency="(\w+)"')
GROUP = re.compile(r'data-testid="approval-group" data-asked="(\w+)"')


def _groups(html: str) -> dict[str, list[tuple[int, str]]]:
    """Each group's rows (case id, urgency), in page order."""
    out: dict[str, list[tuple[int, str]]] = {}
    parts = GROUP.split(html)
    for stage, body in zip(parts[1::2], parts[2::2], strict=True):
        out[stage] = [(int(pk), urgency) for pk, urgency in ROW.findall(body)]
    return out


def _queue(cast, make_case):
    today = timezone.localdate()
    later = make_case("filing_review", check_due=add_working_days(today, 10))
    overdue = make_case("filing_review", check_due=today - dt.timedelta(days=9))
    soon = make_case("filing_review", check_due=add_working_days(today, 2))
    deciding = make_case("deciding", decision_due=add_working_days(today, 1))
    closed = [make_case("closed", closed_on=today) for _ in range(3)]
    for case in (later, overdue, soon, deciding):
        from cases.deadlines import next_due

        Case.objects.filter(pk=case.pk).update(next_due=next_due(case))
    make_case("filing_review", town=cast.town_b, officers=[cast.officer_b])  # another town's: never shown
    return later, overdue, soon, deciding, closed


def test_the_page_groups_by_what_is_asked_nearest_deadline_first_with_urgency_in_words(
    cast, make_case, client_for
):
    later, overdue, soon, deciding, closed = _queue(cast, make_case)
    response = client_for(cast.supervisor_a).get(reverse("cases:approvals") + "?lang=en")
    assert response.status_code == 200
    html = response.content.decode()
    groups = _groups(html)
    assert list(groups) == ["filing_review", "deciding", "executed", "closed"]
    assert groups["filing_review"] == [(overdue.pk, "overdue"), (soon.pk, "soon"), (later.pk, "later")]
    assert groups["deciding"] == [(deciding.pk, "soon")]
    assert groups["executed"] == []
    assert [pk for pk, _u in groups["closed"]] == sorted(c.pk for c in closed)
    assert {u for _pk, u in groups["closed"]} == {"none"}
    # Urgency in words, not colour alone; the deadline says which and how far.
    assert "Overdue" in html and "Due within 2 working days" in html and "No deadline" in html
    assert "working days overdue" in html or "working day overdue" in html
    assert "Check deadline" in html
    archiving = GROUP.split(html)[-1]
    assert '<span class="text-muted">—</span>' not in archiving  # no deadline: the badge says it, no "—" line


def test_the_api_answers_the_same_groups_and_order(cast, make_case, client_for):
    later, overdue, soon, deciding, closed = _queue(cast, make_case)
    body = client_for(cast.supervisor_a).get(reverse("api-case-approvals")).json()
    assert [g["stage"] for g in body] == ["filing_review", "deciding", "executed", "closed"]
    filing = body[0]["rows"]
    assert [(r["case"]["id"], r["urgency"]) for r in filing] == [
        (overdue.pk, "overdue"),
        (soon.pk, "soon"),
        (later.pk, "later"),
    ]
    assert filing[0]["deadline_text"]
    assert body[3]["batch_archive"] is True and body[0]["batch_archive"] is False


def test_batch_archiving_archives_each_closed_case_and_lists_each_refusal(cast, make_case, client_for):
    closed = [make_case("closed", closed_on=timezone.localdate()) for _ in range(2)]
    open_case = make_case("investigating")
    other_town = make_case("closed", town=cast.town_b, officers=[cast.officer_b])
    audit_before = AuditEvent.objects.filter(action="cases.case.archive").count()
    ids = [closed[0].pk, open_case.pk, closed[1].pk, other_town.pk]
    response = client_for(cast.supervisor_a).post(
        reverse("api-case-approvals-archive"),
        {"cases": ids, "archive_ref": "2026-城管-03"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(body["archived"]) == sorted(c.pk for c in closed)
    assert [r["case"] for r in body["refused"]] == [open_case.pk, other_town.pk]
    assert all(r["detail"] for r in body["refused"])
    for case in closed:
        case.refresh_from_db()
        assert case.stage == "archived" and case.archived_on is not None
        assert CaseEvent.objects.get(case=case, action="archive").data["archive_ref"] == "2026-城管-03"
    open_case.refresh_from_db()
    other_town.refresh_from_db()
    assert open_case.stage == "investigating" and other_town.stage == "closed"
    assert AuditEvent.objects.filter(action="cases.case.archive").count() == audit_before + 2
    # Again: nothing is archived twice; each is refused with its reason.
    again = (
        client_for(cast.supervisor_a)
        .post(
            reverse("api-case-approvals-archive"),
            {"cases": [c.pk for c in closed], "archive_ref": "2026-城管-03"},
            content_type="application/json",
        )
        .json()
    )
    assert again["archived"] == [] and len(again["refused"]) == 2
    assert AuditEvent.objects.filter(action="cases.case.archive").count() == audit_before + 2


def test_the_page_archives_the_ticked_cases_and_shows_refusals_per_case(cast, make_case, client_for):
    closed = make_case("closed", closed_on=timezone.localdate())
    open_case = make_case("investigating")
    client = client_for(cast.supervisor_a)
    response = client.post(
        reverse("cases:approvals-archive") + "?lang=en",
        {"cases": [closed.pk, open_case.pk], "archive_ref": "2026-03"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 case archived" in html and f"Not archived: {open_case.reference}" in html
    closed.refresh_from_db()
    assert closed.stage == "archived"


def test_batch_archiving_refuses_bad_input_with_a_message_and_changes_nothing(cast, make_case, client_for):
    closed = make_case("closed", closed_on=timezone.localdate())
    client = client_for(cast.supervisor_a)
    for body in (
        {"cases": [closed.pk]},
        {"cases": [], "archive_ref": "x"},
        {"cases": ["abc"], "archive_ref": "x"},
        {"cases": list(range(1, 102)), "archive_ref": "x"},
    ):
        response = client.post(reverse("api-case-approvals-archive"), body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["errors"]
    page = client.post(reverse("cases:approvals-archive"), {"archive_ref": "x"})
    assert page.status_code == 400
    closed.refresh_from_db()
    assert closed.stage == "closed"


@pytest.mark.parametrize("who", ["officer_a", "reviewer_a", "officer_b", "responder"])
def test_who_may_not_approve_gets_403_and_nothing_is_archived(cast, make_case, client_for, who):
    closed = make_case("closed", closed_on=timezone.localdate())
    audit = AuditEvent.objects.count()
    client = client_for(getattr(cast, who))
    assert client.get(reverse("cases:approvals")).status_code == 403
    assert client.get(reverse("api-case-approvals")).status_code == 403
    body = {"cases": [closed.pk], "archive_ref": "x"}
    assert client.post(reverse("cases:approvals-archive"), body).status_code == 403
    api = client.post(reverse("api-case-approvals-archive"), body, content_type="application/json")
    assert api.status_code == 403
    closed.refresh_from_db()
    assert closed.stage == "closed" and AuditEvent.objects.count() == audit


def test_the_district_administrator_sees_the_queue_but_archives_nothing(cast, make_case, client_for):
    closed = make_case("closed", closed_on=timezone.localdate())
    client = client_for(cast.admin)
    assert client.get(reverse("cases:approvals")).status_code == 200
    body = client.post(
        reverse("api-case-approvals-archive"),
        {"cases": [closed.pk], "archive_ref": "x"},
        content_type="application/json",
    ).json()
    assert body["archived"] == [] and body["refused"][0]["case"] == closed.pk
    closed.refresh_from_db()
    assert closed.stage == "closed"
