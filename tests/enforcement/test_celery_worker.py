from __future__ import annotations

import pytest
from django.db import transaction

from enforcement.models import AuditCheck
from enforcement.services import audit_check_request
from enforcement.tasks import audit_check_task
from tests.conftest import wait_for


@pytest.mark.worker
def test_task_enqueued_on_commit_runs_on_a_real_worker(cast, celery_worker):
    with transaction.atomic():
        audit_check_request()
        # Nothing is sent before the transaction commits.
        assert not AuditCheck.objects.exists()
    check = wait_for(lambda: AuditCheck.objects.first())
    assert check.ok
    assert check.rows > 0


@pytest.mark.worker
def test_nothing_is_sent_when_the_transaction_rolls_back(cast, celery_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_check_request()
        raise RuntimeError("rolled back")
    audit_check_task.delay()  # a marker task: once it has run, an earlier one would have run too
    wait_for(lambda: AuditCheck.objects.exists())
    assert AuditCheck.objects.count() == 1


def test_audit_check_task_is_repeatable(cast):
    first = AuditCheck.objects.get(pk=audit_check_task())
    second = AuditCheck.objects.get(pk=audit_check_task())
    assert first.ok and second.ok and first.rows == second.rows
