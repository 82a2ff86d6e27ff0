"""Two clicks at the same moment: the task's row lock (and the subject's, for the cap) decides who won."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from enforcement.workflow import InvalidTransition
from inspections.models import InspectionTask, Visit
from inspections.services import task_approve, task_enter, task_officers_set, task_publish
from tests.conftest import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_routine_plans_at_once_do_not_both_pass_the_cap(cast, setup, make_task):
    results = race([lambda: make_task(title="甲"), lambda: make_task(title="乙")])
    created = [r for r in results if isinstance(r, InspectionTask)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1 and len(refused) == 1, results
    assert InspectionTask.objects.count() == 1


def test_two_officers_entering_at_once_make_one_visit(cast, setup, make_task, on_day):
    from enforcement import clock
    from tests.inspections.conftest import moment

    task = make_task()
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    task_publish(actor=cast.officer_a, task=task)
    task_approve(actor=cast.supervisor_a, task=task)

    def enter(officer):
        with clock.at(moment(on_day)):  # the clock is per thread
            return task_enter(actor=officer, task=InspectionTask.objects.get(pk=task.pk))

    results = race([lambda: enter(cast.officer_a), lambda: enter(cast.officer_a2)])
    assert sum(isinstance(r, Visit) for r in results) == 1, results
    assert sum(isinstance(r, InvalidTransition) for r in results) == 1, results
    assert Visit.objects.count() == 1
