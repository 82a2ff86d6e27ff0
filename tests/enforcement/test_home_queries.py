"""The home page's query budget (issue 18): each panel reads its counts in one aggregate, a count two panels
show (the inbox's and the app's own) is read once, and what is the same for a whole town or district is kept
under a version token. The budget holds whatever the user has waiting."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from whistles.models import Notification

pytestmark = pytest.mark.django_db

# session + user, then the panels: an officer's 8 (cases, whistles + their assignments, inspections counts
# and visits, notifications, certificates, the unit); a supervisor's add the team (4), the desk, the team's
# cases and the benchmarks' maintainer check.
BUDGET = {"officer_a": 10, "supervisor_a": 16}


def _queries(client) -> tuple[int, str]:
    client.get(reverse("home"))  # the cached scope, the version tokens
    with CaptureQueriesContext(connection) as ctx:
        answer = client.get(reverse("home"))
    assert answer.status_code == 200
    return len(ctx.captured_queries), answer.content.decode()


@pytest.mark.parametrize("who", sorted(BUDGET))
def test_the_home_page_stays_within_its_query_budget(cast, client_for, who):
    user = getattr(cast, who)
    client = client_for(user)
    few, _ = _queries(client)
    assert few <= BUDGET[who]
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="remind", params={"ref": f"R{i}", "step": "", "due": ""})
        for i in range(12)
    )
    many, body = _queries(client)
    assert many <= BUDGET[who]
    assert 'data-testid="panel-unread">12<' in body  # the count is all of them, the list the latest 5
