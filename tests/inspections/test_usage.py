"""Inspections feed the authority usage evaluation: a town that checked an item it holds used it."""

from __future__ import annotations

import datetime as dt

import pytest

from authority.usage import usage_sources
from inspections.services import point_record, task_approve, task_enter, task_officers_set, task_publish

pytestmark = pytest.mark.django_db


def test_an_inspection_is_a_use_of_the_items_the_town_held_and_checked(cast, setup, make_task, on_day):
    source = next(s for s in usage_sources() if s.key == "inspections")
    assert source.counts_as_use is True
    task = make_task()
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    task_publish(actor=cast.officer_a, task=task)
    task_approve(actor=cast.supervisor_a, task=task)
    task_enter(actor=cast.officer_a, task=task)
    assert source.fn(cast.district, on_day, on_day) == {}  # nothing answered yet: nothing checked
    rows = list(task.points.all())
    point_record(actor=cast.officer_a, task_point=rows[0], result="pass")
    point_record(actor=cast.officer_a, task_point=rows[1], result="fail", note="门前堆放杂物")
    counts = source.fn(cast.district, on_day - dt.timedelta(days=1), on_day)
    assert (
        counts[(setup.stall_item.pk, cast.town_a.pk)].count == 1
    )  # two points of one item in one visit: one use
    assert counts[(setup.stall_item.pk, cast.town_a.pk)].last_used == on_day
    assert source.fn(cast.district, on_day + dt.timedelta(days=1), on_day + dt.timedelta(days=9)) == {}
