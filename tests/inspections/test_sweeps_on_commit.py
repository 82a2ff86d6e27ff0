"""The fence sweeps also run right after a change, on the changed business only (enforcement.sweeps
.sweep_on_commit): a plan drawn up next to another unit's plan is told to join it once the plan is committed,
without waiting for the hourly sweep; before the commit nothing is raised."""

from __future__ import annotations

import pytest

from enforcement.models import FenceWarning
from inspections.sweeps import DUPLICATE_PLAN

pytestmark = pytest.mark.django_db


def test_a_plan_next_to_another_unit_s_plan_raises_the_join_prompt_on_commit(
    cast, setup, make_task, django_capture_on_commit_callbacks
):
    first = make_task(
        actor=cast.responder, lead_unit=cast.department, templates=[setup.dept_template], title="市场监管检查"
    )
    with django_capture_on_commit_callbacks(execute=False) as pending:
        second = make_task()
        assert not FenceWarning.objects.filter(rule=DUPLICATE_PLAN).exists()
    assert pending  # the evaluation waits for the commit
    for callback in pending:
        callback()
    warning = FenceWarning.objects.get(rule=DUPLICATE_PLAN)
    assert warning.object_id == str(second.pk) and warning.details["join_task"] == first.pk
    assert warning.severity == "prompt" and warning.officer_id == cast.officer_a.pk


def test_a_plan_alone_raises_nothing_on_commit(cast, setup, make_task, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_task()
    assert not FenceWarning.objects.filter(rule=DUPLICATE_PLAN).exists()
