"""GET /api/whistles/inbox/ writes its rows from plain values (whistles.selectors.inbox_values_for,
whistles.api.serializers.inbox_rows; issue 18): the same rows, order, cursors and actions as
InboxAssignmentSerializer over inbox_for's assignments, in both languages, in and out of UTC, for a responder
and for a department officer (who may do less), and no query per row."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.core import signing
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from enforcement.models import Role
from enforcement.paging import SALT, keyset_page
from tests.factories import make_user
from whistles.api.serializers import InboxAssignmentSerializer, inbox_rows
from whistles.models import WhistleAssignment
from whistles.selectors import inbox_for, inbox_values_for
from whistles.services import (
    assignment_acknowledge,
    assignment_arrive,
    assignment_handle,
    assignment_return,
)

pytestmark = pytest.mark.django_db


def _fresh(assignment: WhistleAssignment) -> WhistleAssignment:
    return WhistleAssignment.objects.get(pk=assignment.pk)


@pytest.fixture
def inbox(cast, raise_whistle):
    """Assignments in every state the inbox shows, people named and nameless, an overdue one, two towns."""
    nameless = make_user(cast.department, [Role.RESPONDER], username="resp_nameless")
    raise_whistle()
    overdue = raise_whistle(title="占道经营", urgency="urgent").assignments.get()
    WhistleAssignment.objects.filter(pk=overdue.pk).update(check_in_due=F("sent_at") - dt.timedelta(hours=1))
    acknowledged = raise_whistle(title="夜间施工").assignments.get()
    assignment_acknowledge(actor=nameless, assignment=acknowledged)
    on_site = raise_whistle(title="违规广告", town=cast.town_b, actor=cast.officer_b).assignments.get()
    assignment_acknowledge(actor=cast.responder, assignment=on_site)
    assignment_arrive(actor=nameless, assignment=_fresh(on_site))
    handled = raise_whistle(title="噪声扰民").assignments.get()
    assignment_acknowledge(actor=cast.responder, assignment=handled)
    assignment_arrive(actor=cast.responder, assignment=_fresh(handled))
    assignment_handle(
        actor=cast.responder,
        assignment=_fresh(handled),
        note="已责令商户限期整改",
        case_ref="市监罚〔2026〕1号",
    )
    returned = raise_whistle(title="无证摊贩").assignments.get()
    assignment_return(
        actor=cast.responder, assignment=returned, reason="not_our_competence", note="不属于本部门职责范围"
    )
    return SimpleNamespace(officer=make_user(cast.department, [Role.OFFICER], username="dept_officer"))


def _cursor(token: str) -> object:
    """What a cursor holds (it carries the second it was signed in too)."""
    return token and signing.loads(token, salt=SALT)


def _old_page(user, include_waiting, after, size):
    page = keyset_page(inbox_for(user=user, include_waiting=include_waiting), after, size)
    context = {"request": SimpleNamespace(user=user)}
    return [dict(InboxAssignmentSerializer(a, context=context).data) for a in page.rows], page


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_rows_from_values_equal_the_serializer_page_by_page(cast, inbox, lang, zone):
    seen = set()
    with translation.override(lang), timezone.override(zone):
        for user in (cast.responder, inbox.officer):
            for include_waiting in (True, False):
                after, rows = "", []
                while True:
                    old, page = _old_page(user, include_waiting, after, 2)
                    values = keyset_page(
                        inbox_values_for(user=user, include_waiting=include_waiting), after, 2
                    )
                    new = inbox_rows(values.rows, user)
                    assert new == old
                    assert JSONRenderer().render(new) == JSONRenderer().render(old)
                    assert (_cursor(values.next_cursor), values.has_next) == (
                        _cursor(page.next_cursor),
                        page.has_next,
                    )
                    rows += new
                    if not page.has_next:
                        break
                    after = page.next_cursor
                assert len(rows) == (6 if include_waiting else 4)
                seen |= {(r["status"], tuple(r["actions"])) for r in rows}
    statuses = {status for status, _actions in seen}
    assert statuses == {"sent", "acknowledged", "on_site", "handled", "returned"}
    # The responder and the officer may do different things, and some rows allow nothing.
    assert ("sent", ("acknowledge", "return")) in seen and ("sent", ()) in seen


def test_the_api_answers_the_serializers_json(cast, inbox, client_for):
    client = client_for(cast.responder)
    answer = client.get(reverse("api-whistle-inbox"), {"all": "1", "size": "4"})
    assert answer.status_code == 200
    old, page = _old_page(cast.responder, True, "", 4)
    body = answer.json()
    assert body["results"] == json.loads(JSONRenderer().render(old))
    assert (_cursor(body["next_cursor"]), body["has_next"]) == (_cursor(page.next_cursor), page.has_next)


def test_no_query_per_row(cast, raise_whistle, client_for, django_assert_num_queries, settings):
    """Every value a row shows, and every value its actions are decided by, comes in the one query (the built
    answer: with the work cache on, the first count could be a held answer's)."""
    settings.WORK_PAGE_CACHE = False
    client = client_for(cast.responder)
    url = reverse("api-whistle-inbox")
    raise_whistle()
    client.get(url)  # warm the session and the user's groups
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()["results"]) == 1
    assert len(one.captured_queries) <= 3  # the session, the user and the rows
    for n in range(7):
        town, actor = [(cast.town_a, cast.officer_a), (cast.town_b, cast.officer_b)][n % 2]
        assignment = raise_whistle(title=f"问题{n}", town=town, actor=actor).assignments.get()
        if n % 3:
            assignment_acknowledge(actor=cast.responder, assignment=assignment)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(url).json()["results"]) == 8
