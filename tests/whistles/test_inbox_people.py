"""The inbox names the people of each assignment without joining their rows (issue 18): the same users, by
the same names, as a select_related of the whole rows gives, and no query to name them."""

from __future__ import annotations

import pytest
from django.db.models import F

from tests.factories import make_user
from whistles import selectors
from whistles.models import WhistleAssignment
from whistles.services import assignment_acknowledge, assignment_arrive, assignment_handle

pytestmark = pytest.mark.django_db


def _whole_rows(user):
    """The inbox as it was written before: the four people as whole user rows."""
    return list(
        WhistleAssignment.objects.filter(department_id=user.unit_id, status__in=selectors.OPEN_STATUSES)
        .select_related("whistle", "whistle__town", "department", *selectors.ASSIGNMENT_PEOPLE)
        .order_by(F("check_in_due").asc(nulls_last=True), "whistle__raised_at", "pk")
    )


def test_the_inbox_names_each_person_as_the_whole_rows_did(cast, raise_whistle, django_assert_num_queries):
    # One responder with a name, one known by their login only.
    nameless = make_user(cast.department, ["responder"], username="resp_nameless")
    nameless.full_name = ""
    nameless.save(update_fields=["full_name"])
    handled = raise_whistle(title="已处置").assignments.get()
    assignment_acknowledge(actor=cast.responder, assignment=handled)
    assignment_arrive(actor=nameless, assignment=WhistleAssignment.objects.get(pk=handled.pk))
    handled = WhistleAssignment.objects.get(pk=handled.pk)
    assignment_handle(actor=cast.responder, assignment=handled, note="已到场处理，油烟已整改")
    on_site = raise_whistle(title="到场").assignments.get()
    assignment_acknowledge(actor=nameless, assignment=on_site)
    raise_whistle(title="未签收")

    rows = list(selectors.inbox_for(user=cast.responder))
    before = {a.pk: a for a in _whole_rows(cast.responder)}
    assert sorted(a.pk for a in rows) == sorted(before)
    with django_assert_num_queries(0):
        for a in rows:
            for person in selectors.ASSIGNMENT_PEOPLE:
                mine, theirs = getattr(a, person), getattr(before[a.pk], person)
                assert (mine and (mine.pk, str(mine))) == (theirs and (theirs.pk, str(theirs)))
    named = {str(getattr(a, p)) for a in rows for p in selectors.ASSIGNMENT_PEOPLE if getattr(a, p)}
    assert named == {str(cast.responder), "resp_nameless"}
    # Whatever else a page reads of a person still reads true (from the database).
    acknowledger = next(a.acknowledged_by for a in rows if a.acknowledged_by_id == nameless.pk)
    assert acknowledger.unit_id == cast.department.pk
