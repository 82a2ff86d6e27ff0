"""Who sees and who may act. A department sees only what was sent to it; town B never sees town A's whistle;
missing and forbidden are the same 404; a refused action is 403 and changes nothing (state, audit,
notifications). What each member of the cast gets for each GET is in the site's one table
(tests/route_table.py); here, the department the whistle was not sent to, which the cast does not have."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcement.models import AuditEvent
from tests.factories import make_user
from whistles.models import Notification, WhistleAssignment, WhistleRequest
from whistles.services import (
    assignment_acknowledge,
    assignment_arrive,
    assignment_handle,
    assignment_return,
    whistle_photo_add,
)

from .conftest import photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def whistle(cast, raise_whistle):
    w = raise_whistle(photos=[photo_upload()])
    return w


def _who(cast, env_responder, name):
    return env_responder if name == "env_responder" else (getattr(cast, name) if name else None)


def test_another_department_sees_nothing_of_the_whistle(cast, env_responder, whistle, client_for):
    client = client_for(env_responder)
    photo_id = whistle.photos.get().pk
    assert client.get(reverse("whistle-detail", args=[whistle.pk])).status_code == 404
    assert client.get(reverse("api-whistle-detail", args=[whistle.pk])).status_code == 404
    assert client.get(reverse("whistle-photo", args=[photo_id])).status_code == 404
    assert client.get(reverse("api-whistle-photo-file", args=[photo_id])).status_code == 404
    for name in ("api-whistle-list", "api-whistle-inbox"):
        assert client.get(reverse(name)).json()["results"] == []
    for who in (cast.officer_a, cast.responder, cast.admin):
        listed = {w["id"] for w in client_for(who).get(reverse("api-whistle-list")).json()["results"]}
        assert whistle.pk in listed


def test_a_department_sees_only_what_was_sent_to_it(
    cast, env_department, env_responder, raise_whistle, client_for
):
    to_market = raise_whistle(title="给市场监管")
    to_env = raise_whistle(title="给生态环境", departments=[env_department])
    market = {w["id"] for w in client_for(cast.responder).get(reverse("api-whistle-list")).json()["results"]}
    env = {w["id"] for w in client_for(env_responder).get(reverse("api-whistle-list")).json()["results"]}
    assert market == {to_market.pk} and env == {to_env.pk}
    inbox = client_for(env_responder).get(reverse("api-whistle-inbox")).json()["results"]
    assert [row["whistle"] for row in inbox] == [to_env.pk]
    assert set(WhistleRequest.objects.visible_to(cast.officer_b)) == set()
    assert set(WhistleRequest.objects.visible_to(cast.admin)) == {to_market, to_env}
    page = client_for(cast.officer_b).get(reverse("whistle-list")).content.decode()
    assert "给市场监管" not in page and "给生态环境" not in page


def test_a_missing_whistle_and_a_hidden_one_look_the_same(cast, whistle, client_for):
    client = client_for(cast.officer_b)
    hidden = client.get(reverse("api-whistle-detail", args=[whistle.pk]))
    missing = client.get(reverse("api-whistle-detail", args=[whistle.pk + 1000]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# (actor, API action, payload, expected status). Each is refused and must leave no trace.
DENIALS = [
    ("officer_a", "acknowledge", {}, 403),  # the town cannot check in for the department
    ("admin", "acknowledge", {}, 403),
    ("officer_b", "acknowledge", {}, 404),  # cannot even see it
    ("env_responder", "acknowledge", {}, 404),
    ("env_responder", "return", {"reason": "other", "note": "不是我们的事情"}, 404),
    ("officer_a", "return", {"reason": "other", "note": "替部门退回试试"}, 403),
    ("responder", "confirm", {"rating": 5}, 403),  # the department cannot rate itself
    ("officer_b", "confirm", {"rating": 5}, 404),
    ("officer_a", "overrule", {"note": "街道驳回部门的退回"}, 403),
    ("responder", "uphold", {"note": "部门自己同意自己的退回"}, 403),
    ("reviewer_a", "confirm", {"rating": 5}, 403),  # a legal reviewer does not speak for the town's team
]


@pytest.mark.parametrize(("who", "action", "payload", "expected"), DENIALS)
def test_refused_actions_change_nothing(
    cast, env_responder, raise_whistle, client_for, who, action, payload, expected
):
    whistle = raise_whistle()
    assignment = whistle.assignments.get()
    # Bring the assignment to a state where the action would be possible for the right person.
    if action == "confirm":
        assignment_acknowledge(actor=cast.responder, assignment=assignment)
        assignment_arrive(actor=cast.responder, assignment=assignment)
        assignment_handle(actor=cast.responder, assignment=assignment, note="已经处置完毕")
    if action in ("overrule", "uphold"):
        assignment_return(actor=cast.responder, assignment=assignment, reason="other", note="不是我们的事情")
    assignment.refresh_from_db()
    state = (assignment.status, assignment.cycle, assignment.return_count, assignment.rating)
    audit, notes = AuditEvent.objects.count(), Notification.objects.count()

    client = client_for(_who(cast, env_responder, who))
    response = client.post(
        reverse(f"api-whistle-{action}", args=[assignment.pk]), payload, content_type="application/json"
    )
    assert response.status_code == expected
    page = client.post(
        reverse("whistle-assignment-action", args=[assignment.pk, action]),
        {f"a{assignment.pk}-{action}-{k}": v for k, v in payload.items()},
    )
    assert page.status_code == expected

    fresh = WhistleAssignment.objects.get(pk=assignment.pk)
    assert (fresh.status, fresh.cycle, fresh.return_count, fresh.rating) == state
    assert AuditEvent.objects.count() == audit
    assert Notification.objects.count() == notes


def test_a_department_officer_may_record_work_but_not_check_in_or_return(cast, raise_whistle, client_for):
    officer = make_user(cast.department, ["officer"], username="market_officer")
    assignment = raise_whistle().assignments.get()
    client = client_for(officer)
    assert (
        client.post(
            reverse("api-whistle-acknowledge", args=[assignment.pk]), {}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("api-whistle-return", args=[assignment.pk]),
            {"reason": "other", "note": "不是我们的事情"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assignment_acknowledge(actor=cast.responder, assignment=assignment)
    assert (
        client.post(
            reverse("api-whistle-arrive", args=[assignment.pk]), {}, content_type="application/json"
        ).status_code
        == 200
    )


def test_only_the_towns_team_raises_whistles_for_it(cast, client_for):
    payload = {
        "town": cast.town_a.pk,
        "title": "越权吹哨",
        "description": "试图替别的街道吹哨",
        "reason": "expertise",
        "address": "某路1号",
        "departments": [cast.department.pk],
    }
    audit = AuditEvent.objects.count()
    assert (
        client_for(cast.officer_b)
        .post(reverse("api-whistle-list"), payload, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        client_for(cast.responder)
        .post(reverse("api-whistle-list"), payload, content_type="application/json")
        .status_code
        == 403
    )
    assert client_for(cast.responder).get(reverse("whistle-raise")).status_code == 403
    assert client_for(cast.admin).get(reverse("whistle-raise")).status_code == 403
    assert not WhistleRequest.objects.exists()
    assert AuditEvent.objects.count() == audit
    assert (
        client_for(cast.officer_a)
        .post(reverse("api-whistle-list"), payload, content_type="application/json")
        .status_code
        == 201
    )


def test_withdraw_and_photos_are_the_towns(cast, whistle, client_for):
    audit = AuditEvent.objects.count()
    assert (
        client_for(cast.officer_b)
        .post(reverse("api-whistle-withdraw", args=[whistle.pk]), {"reason": "别人的哨我来撤"})
        .status_code
        == 404
    )
    assert (
        client_for(cast.responder)
        .post(reverse("api-whistle-withdraw", args=[whistle.pk]), {"reason": "部门替街道撤哨"})
        .status_code
        == 403
    )
    assert (
        client_for(cast.responder)
        .post(reverse("whistle-withdraw", args=[whistle.pk]), {"reason": "部门替街道撤哨"})
        .status_code
        == 403
    )
    whistle.refresh_from_db()
    assert whistle.status == "open"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        whistle_photo_add(actor=cast.responder, whistle=whistle, photos=[photo_upload()])
    assert AuditEvent.objects.count() == audit
