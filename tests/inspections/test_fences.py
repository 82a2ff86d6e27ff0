"""令375 art 30: on-the-spot visits are not capped, but too many of them raise a fence warning for the
supervisor."""

from __future__ import annotations

import pytest

from enforcement.fences import fence_rule
from enforcement.models import FenceWarning
from inspections.services import FREQUENT_IMMEDIATE, frequency_policy_set, task_enter, task_officers_set
from inspections.workflow import TaskKind

pytestmark = pytest.mark.django_db


def _on_the_spot(cast, make_task, n):
    task = make_task(kind=TaskKind.IMMEDIATE, title=f"即时检查{n}")
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    return task_enter(actor=cast.officer_a, task=task, with_code=False, no_code_reason="巡查发现")


def test_the_third_on_the_spot_visit_within_30_days_raises_one_warning(cast, setup, make_task, on_day):
    assert fence_rule(FREQUENT_IMMEDIATE) is not None
    _on_the_spot(cast, make_task, 1)
    _on_the_spot(cast, make_task, 2)
    assert not FenceWarning.objects.exists()  # not refused, not warned
    third = _on_the_spot(cast, make_task, 3)
    warning = FenceWarning.objects.get()
    assert (
        warning.rule == FREQUENT_IMMEDIATE
        and warning.town == cast.town_a
        and warning.subject == setup.subject
    )
    assert warning.details["visits"] == 3 and warning.object_id == str(third.task_id)


def test_the_threshold_is_district_data(cast, setup, make_task, on_day):
    frequency_policy_set(
        actor=cast.admin, district=cast.district, values={"immediate_warn_at": 0}
    )  # 0: never
    for n in range(3):
        _on_the_spot(cast, make_task, n)
    assert not FenceWarning.objects.exists()
