from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from enforcement.audit import (
    AuditOutsideTransaction,
    _link_after_commit,
    audit_link,
    audit_record,
    audit_verify,
    event_hash,
    object_events,
)
from enforcement.models import AuditEvent, AuditHead
from enforcement.services import audit_check_run

pytestmark = pytest.mark.django_db

ACTION = "enforcement.unit.create"


def _write(n: int, cast, *, link: bool = True) -> list[AuditEvent]:
    """n rows, each in its own transaction, linked as the commit's link run would (the test's outer
    transaction never commits, so the on-commit run is called here)."""
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=cast.officer_a,
                    action=ACTION,
                    obj=cast.town_a,
                    town=cast.town_a,
                    after={"i": i},
                )
            )
        if link:
            audit_link()
    for event in events:
        event.refresh_from_db()
    return events


def _tamper(sql: str, params: list) -> None:
    """Bypass the append-only trigger the way an attacker with superuser rights would."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def test_chain_is_intact_and_rows_link(cast):
    events = _write(3, cast)
    report = audit_verify()
    assert report.ok, report.first_break
    assert report.rows == AuditEvent.objects.count()
    assert events[1].prev_hash == events[0].hash
    assert events[2].actor_label == "officer_a"
    assert events[2].unit == cast.town_a


@pytest.mark.django_db(transaction=True)
def test_record_refuses_outside_a_transaction(cast):
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=None, action=ACTION)


def test_trigger_refuses_update_and_delete(cast):
    event = _write(1, cast)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.summary == ""


def test_trigger_lets_the_linker_set_the_link_once_and_nothing_else(cast):
    audit_link()  # the cast's own rows
    pending = _write(1, cast, link=False)[0]
    assert (pending.seq, pending.prev_hash, pending.hash) == (None, None, None)
    # An unlinked row's content is as fixed as a linked one's, even together with a link.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=pending.pk).update(summary="changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=pending.pk).update(
            seq=999, prev_hash="0" * 64, hash="f" * 64, action="x"
        )
    # Half a link is refused too.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=pending.pk).update(seq=999)
    assert audit_link() == 1
    pending.refresh_from_db()
    linked = (pending.seq, pending.prev_hash, pending.hash)
    assert None not in linked
    # A linked row is never unlinked or relinked.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=pending.pk).update(seq=None, prev_hash=None, hash=None)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=pending.pk).update(seq=pending.seq + 1)
    pending.refresh_from_db()
    assert (pending.seq, pending.prev_hash, pending.hash) == linked
    assert audit_verify().ok


def test_edit_is_detected(cast):
    events = _write(4, cast)
    _tamper("UPDATE enforcement_auditevent SET after = %s WHERE id = %s", ['{"i": 99}', events[2].pk])
    report = audit_verify()
    assert not report.ok
    assert report.first_break.seq == events[2].seq
    assert "edited" in report.first_break.reason


def test_delete_is_detected(cast):
    events = _write(4, cast)
    _tamper("DELETE FROM enforcement_auditevent WHERE id = %s", [events[1].pk])
    report = audit_verify()
    assert not report.ok
    assert report.first_break.row_id == events[2].pk


def test_deleting_the_tail_is_detected(cast):
    events = _write(3, cast)
    _tamper("DELETE FROM enforcement_auditevent WHERE id = %s", [events[-1].pk])
    report = audit_verify()
    assert not report.ok
    assert report.first_break.seq is None
    assert "cut off" in report.first_break.reason


def test_reorder_is_detected(cast):
    events = _write(4, cast)
    a, b = events[1], events[2]
    # Swap the two rows' places in the chain (seq), keeping each row's own content and hash.
    _tamper("UPDATE enforcement_auditevent SET seq = -1 WHERE id = %s", [a.pk])
    _tamper("UPDATE enforcement_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _tamper("UPDATE enforcement_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    report = audit_verify()
    assert not report.ok
    assert report.first_break.row_id == b.pk


def test_unlinking_a_row_is_detected(cast):
    events = _write(4, cast)
    # Erase a row's link: the linker takes it for a new row and chains it at the end, leaving a gap where it
    # was.
    _tamper(
        "UPDATE enforcement_auditevent SET seq = NULL, prev_hash = NULL, hash = NULL WHERE id = %s",
        [events[1].pk],
    )
    report = audit_verify()
    assert not report.ok
    assert report.first_break.row_id == events[2].pk
    assert "jumps" in report.first_break.reason


def test_a_partly_erased_link_is_detected(cast):
    events = _write(3, cast)
    _tamper("UPDATE enforcement_auditevent SET hash = NULL WHERE id = %s", [events[1].pk])
    report = audit_verify()
    assert not report.ok
    assert report.first_break.row_id == events[1].pk


def test_insert_is_detected(cast):
    events = _write(3, cast)
    # Make room after the first row and slip in a forged row whose own hash is computed correctly.
    _tamper("UPDATE enforcement_auditevent SET id = id + 100 WHERE id >= %s", [events[1].pk])
    forged = AuditEvent(
        id=events[1].pk,
        seq=events[-1].seq + 50,
        at=events[1].at,
        actor_label="x",
        action="forged",
        prev_hash=events[0].hash,
    )
    forged.hash = event_hash(forged)
    _tamper(
        "INSERT INTO enforcement_auditevent (id, seq, at, actor_label, action, object_type, "
        "object_id, object_repr,"
        " summary, request_id, prev_hash, hash) VALUES (%s, %s, %s, 'x', 'forged', '', '', '', '', "
        "'', %s, %s)",
        [forged.id, forged.seq, forged.at, forged.prev_hash, forged.hash],
    )
    report = audit_verify()
    assert not report.ok
    assert report.first_break.row_id == forged.id


def test_rewritten_history_is_caught_by_an_earlier_checkpoint(cast):
    events = _write(3, cast)
    audit_check_run()
    # An attacker recomputes the whole chain after editing row 2: every link is consistent again...
    _tamper("UPDATE enforcement_auditevent SET summary = 'rewritten' WHERE id = %s", [events[1].pk])
    prev = events[0].hash
    for event in AuditEvent.objects.filter(seq__gt=events[0].seq).order_by("seq"):
        event.prev_hash = prev
        event.hash = event_hash(event)
        _tamper(
            "UPDATE enforcement_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    _tamper("UPDATE enforcement_audithead SET hash = %s", [prev])
    # ...but the checkpoint recorded by the earlier check no longer matches.
    report = audit_verify()
    assert not report.ok
    assert "checkpoint" in report.first_break.reason


def test_verify_audit_command_reports_first_broken_row(cast, capsys):
    events = _write(2, cast)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
    _tamper("UPDATE enforcement_auditevent SET summary = 'x' WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match=f"seq={events[0].seq}"):
        call_command("verify_audit")


def test_head_tracks_last_row_and_timeline_reads_one_object(cast):
    events = _write(2, cast)
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)
    timeline = list(object_events(cast.town_a))
    assert [e.pk for e in timeline][-2:] == [e.pk for e in events]


def test_verify_links_what_is_pending_and_the_check_records_the_head_it_verified(cast):
    linked = _write(2, cast)
    pending = _write(3, cast, link=False)
    assert all(e.seq is None for e in pending)
    check = audit_check_run()
    assert check.ok, check.first_break
    last = AuditEvent.objects.get(pk=pending[-1].pk)
    assert last.seq == linked[-1].seq + 3
    assert (check.head_seq, check.head_hash) == (last.seq, last.hash)
    assert check.rows == AuditEvent.objects.count()


def test_one_link_run_per_transaction_however_many_rows(cast):
    def link_runs() -> int:
        return sum(1 for entry in connection.run_on_commit if entry[1] is _link_after_commit)

    assert link_runs() == 1  # the cast's rows, written in this test's transaction
    with transaction.atomic():
        for i in range(5):
            audit_record(actor=cast.officer_a, action=ACTION, obj=cast.town_a, after={"i": i})
    assert link_runs() == 1
