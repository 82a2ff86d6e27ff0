"""The whistle inbox's and the audit trail's rows are written out by hand for speed (issue 18, as the case
list's are: tests/api/test_case_list_rows.py): they must be what DRF's generic walk over the declared fields
gives, in both languages, for rows with and without their optional values."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest
from django.utils import translation
from rest_framework import serializers

from enforcement.api.serializers import AuditEventSerializer
from enforcement.audit import audit_link
from enforcement.selectors import audit_events_for
from whistles.api.serializers import InboxAssignmentSerializer
from whistles.models import WhistleAssignment
from whistles.selectors import ASSIGNMENT_PEOPLE, inbox_for
from whistles.services import (
    assignment_acknowledge,
    assignment_arrive,
    assignment_confirm,
    assignment_handle,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


def _generic(serializer: serializers.Serializer, instance: object) -> dict:
    return dict(serializers.Serializer.to_representation(serializer, instance))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_inbox_rows_equal_the_generic_serializer(cast, raise_whistle, lang):
    sent = raise_whistle().assignments.get()
    acknowledged = raise_whistle(title="占道经营", urgency="urgent").assignments.get()
    assignment_acknowledge(actor=cast.responder, assignment=acknowledged)
    handled = raise_whistle(title="噪声扰民").assignments.get()
    assignment_acknowledge(actor=cast.responder, assignment=handled)
    assignment_arrive(actor=cast.responder, assignment=handled)
    assignment_handle(
        actor=cast.responder, assignment=handled, note="已责令商户限期整改", case_ref="市监罚〔2026〕1号"
    )
    rated = raise_whistle(title="违规广告").assignments.get()
    assignment_acknowledge(actor=cast.responder, assignment=rated)
    assignment_arrive(actor=cast.responder, assignment=rated)
    assignment_handle(actor=cast.responder, assignment=rated, note="已拆除违规广告牌")
    assignment_confirm(actor=cast.officer_a, assignment=rated, rating=4, comment="及时")
    context = {"request": SimpleNamespace(user=cast.responder)}
    with translation.override(lang):
        rows = list(inbox_for(user=cast.responder))
        assert {r.pk for r in rows} == {sent.pk, acknowledged.pk, handled.pk}
        rows.append(
            WhistleAssignment.objects.select_related(
                "whistle", "whistle__town", "department", *ASSIGNMENT_PEOPLE
            ).get(pk=rated.pk)
        )
        assert rows[-1].rated_by is not None and rows[-1].closed_at is not None
        for row in rows:
            fast = InboxAssignmentSerializer(row, context=context).data
            generic = _generic(InboxAssignmentSerializer(row, context=context), row)
            assert dict(fast) == generic
        assert any(InboxAssignmentSerializer(r, context=context).data["actions"] for r in rows)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_audit_rows_equal_the_generic_serializer(cast, make_case, lang):
    make_case("investigating")
    make_case("lead")
    audit_link()
    with translation.override(lang):
        rows = list(audit_events_for(user=cast.admin)[:50])
        unlinked = copy.copy(rows[0])  # as a row reads before the linker chains it: no seq, no hash
        unlinked.seq = unlinked.hash = None
        rows.append(unlinked)
        assert any(r.seq is not None and r.hash for r in rows)
        assert any(r.before is not None for r in rows) or any(r.after is not None for r in rows)
        for row in rows:
            fast = AuditEventSerializer(row).data
            assert dict(fast) == _generic(AuditEventSerializer(row), row)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_apis_audit_rows_need_no_unit_or_town_joined(cast, make_case, lang):
    """GET /api/audit/ reads the rows without their unit and town (select_related(None)): the same rows as
    with them joined."""
    from enforcement.api.views import AuditEventListView

    make_case("investigating")
    audit_link()
    view = AuditEventListView()
    view.request = SimpleNamespace(user=cast.admin, query_params={})  # type: ignore[assignment]
    events = view.get_queryset()
    assert events.query.select_related is False
    with translation.override(lang):
        joined = AuditEventSerializer(list(audit_events_for(user=cast.admin)[:25]), many=True).data
        alone = AuditEventSerializer(list(events[:25]), many=True).data
    assert len(alone) >= 5 and alone == joined
