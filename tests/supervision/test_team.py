"""The team view: every overdue deadline of the team (the home said "overdue 0" while the team had 8),
approvals waiting, warnings by officer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_day")]


def test_the_supervisors_home_and_team_view_count_the_whole_teams_overdue_deadlines(
    cast, client_for, make_case, raise_warning
):
    today = timezone.localdate()
    late = today - dt.timedelta(days=3)
    for officer in [cast.officer_a] * 5 + [cast.officer_a2] * 3:
        make_case(officers=[officer], decision_due=late, next_due=late)
    make_case(officers=[cast.officer_a])  # on time
    make_case("filing_review", officers=[cast.officer_a], next_due=today + dt.timedelta(days=2))
    make_case(town=cast.town_b, officers=[cast.officer_b], decision_due=late, next_due=late)  # another town
    raise_warning()
    raise_warning(officer=cast.officer_a2)

    client = client_for(cast.supervisor_a)
    home = client.get("/").content.decode()
    assert 'data-testid="team-overdue"' in home
    stat = home.split('data-testid="team-overdue"')[1].split('class="stat')[1]
    assert ">8<" in stat.split("</div>")[0] + "<"

    team = client.get(reverse("api-desk-team")).json()
    assert len(team["overdue"]) == 8
    assert {row["deadline"] for row in team["overdue"]} == {"处罚决定期限（立案之日起90日）"}
    assert all(row["days_late"] == 3 for row in team["overdue"])
    assert team["approvals_count"] == 1
    counts = {row["officer"]["username"]: row["open"] for row in team["warnings_by_officer"]}
    assert counts == {"officer_a": 1, "officer_a2": 1}
    page = client.get(reverse("desk-team")).content.decode()
    assert page.count('data-testid="overdue-row"') == 8


def test_an_officers_home_still_shows_their_own_overdue(cast, client_for, make_case):
    late = timezone.localdate() - dt.timedelta(days=1)
    make_case(officers=[cast.officer_a2], decision_due=late, next_due=late)
    home = client_for(cast.officer_a).get("/").content.decode()
    assert 'data-testid="team-overdue"' not in home


def test_a_notice_whose_reply_period_ran_out_is_not_overdue_until_its_decision_deadline_passes(
    cast, client_for, make_case
):
    """The demo's home said "team overdue 14" while the team view listed 8: six notified cases kept the
    party's reply date as `next_due` after it passed. Home and team view count the same cases."""
    today = timezone.localdate()
    replied_by = today - dt.timedelta(days=5)
    waiting = make_case(
        "notified", reply_due=replied_by, next_due=replied_by, decision_due=today + dt.timedelta(days=40)
    )
    late = make_case(
        "notified", reply_due=replied_by, next_due=replied_by, decision_due=today - dt.timedelta(days=1)
    )
    client = client_for(cast.supervisor_a)
    home = client.get("/").content.decode()
    stat = home.split('data-testid="team-overdue"')[1].split('class="stat')[1]
    assert ">1<" in stat.split("</div>")[0] + "<"
    team = client.get(reverse("api-desk-team")).json()
    assert [row["case"] for row in team["overdue"]] == [late.pk]
    # The tile's link lists the same case.
    listed = client.get(reverse("cases:case-list") + "?due=overdue").content.decode()
    assert late.title in listed and waiting.title not in listed


def test_the_team_view_says_what_each_waiting_case_asks_for(cast, client_for, make_case):
    """A closed case waits for its archiving and a case in filing review for its filing: the team view words
    them as the approval queue does, not by their stage ("结案" read as if nothing waited)."""
    closed = make_case("closed", officers=[cast.officer_a])
    filing = make_case("filing_review", officers=[cast.officer_a])
    page = client_for(cast.supervisor_a).get(reverse("desk-team")).content.decode()
    rows = page.split('data-testid="team-approvals"')[1].split("</div>\n")[0]
    assert f"/cases/{closed.pk}/" in rows and f"/cases/{filing.pk}/" in rows
    assert "归档" in rows and "立案审批" in rows
    assert "· 结案<" not in rows and "· 结案 " not in rows
