"""Frequency caps (令375 arts 29-30) as district data: refused with the reason and the visit to join;
exemptions recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections.models import InspectionTask
from inspections.services import frequency_policy_set, task_cancel, whitelist_add
from inspections.workflow import Exemption, TaskKind

pytestmark = pytest.mark.django_db


def test_a_routine_visit_over_the_cap_is_refused_with_the_visit_to_join(
    cast, setup, make_task, day, audit_count
):
    first = make_task()
    before_rows, before_audit = InspectionTask.objects.count(), audit_count()
    with pytest.raises(ValidationError) as refused:
        make_task(planned_on=day + dt.timedelta(days=3))
    message = " ".join(refused.value.message_dict["planned_on"])
    assert "cap is 1 a year" in message
    assert f"task {first.pk}" in message and "Join the visit already planned" in message
    assert InspectionTask.objects.count() == before_rows and audit_count() == before_audit


def test_a_complaint_check_is_not_capped_and_records_its_exemption(cast, setup, make_task, day):
    make_task()
    clue = make_task(
        kind=TaskKind.CLUE, planned_on=day + dt.timedelta(days=3), exemption_ref="12345热线 20260301-0042"
    )
    assert clue.exemption == Exemption.COMPLAINT and clue.exemption_ref.startswith("12345")


@pytest.mark.parametrize("exemption", [Exemption.RECHECK, Exemption.REQUESTED, Exemption.PERMIT])
def test_other_exempt_checks_pass_and_need_their_reference(cast, setup, make_task, day, exemption):
    make_task()
    with pytest.raises(ValidationError):
        make_task(exemption=exemption, planned_on=day + dt.timedelta(days=2))
    task = make_task(
        exemption=exemption, exemption_ref="申请书 2026-001", planned_on=day + dt.timedelta(days=2)
    )
    assert task.exemption == exemption and task.kind == TaskKind.ROUTINE


def test_a_cancelled_visit_frees_the_cap(cast, setup, make_task, day):
    first = make_task()
    task_cancel(actor=cast.officer_a, task=first, reason="企业停业")
    assert make_task(planned_on=day + dt.timedelta(days=1)).pk


def test_the_cap_is_per_body(cast, setup, make_task, day):
    make_task()
    from tests.factories import make_user

    dept_officer = make_user(cast.department, ["officer"], username="dept_officer")
    task = make_task(
        actor=dept_officer,
        lead_unit=cast.department,
        templates=[setup.dept_template],
        planned_on=day + dt.timedelta(days=2),
    )
    assert task.lead_unit == cast.department


def test_the_cap_is_district_data(cast, setup, make_task, day):
    make_task()
    with pytest.raises(PermissionDenied):
        frequency_policy_set(actor=cast.supervisor_a, district=cast.district, values={"routine_per_year": 2})
    frequency_policy_set(actor=cast.admin, district=cast.district, values={"routine_per_year": 2})
    make_task(planned_on=day + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="cap is 2 a year"):
        make_task(planned_on=day + dt.timedelta(days=2))


def test_quiet_days_refuse_routine_visits_only(cast, setup, make_task, day):
    quiet = day.replace(day=10)
    with pytest.raises(ValidationError, match="quiet days"):
        make_task(planned_on=quiet)
    assert make_task(kind=TaskKind.CLUE, planned_on=quiet, exemption_ref="12345").pk
    frequency_policy_set(actor=cast.admin, district=cast.district, values={"quiet_last_day": 0})
    assert make_task(planned_on=quiet).pk


def test_the_white_list_refuses_routine_visits(cast, setup, make_task, day):
    whitelist_add(
        actor=cast.admin,
        subject=setup.subject,
        valid_from=day - dt.timedelta(days=10),
        valid_to=day + dt.timedelta(days=355),
        basis="连续两年无行政处罚",
    )
    with pytest.raises(ValidationError, match="white list"):
        make_task()
    assert make_task(exemption=Exemption.REQUESTED, exemption_ref="企业申请").pk


def test_high_risk_fields_allow_more_visits_at_least_30_days_apart(cast, setup, make_task, day):
    item = setup.p_food.item
    item.high_risk = True
    item.save(update_fields=["high_risk"])  # test data: the list is fixed once published, in the services
    from tests.factories import make_user

    officer = make_user(cast.department, ["officer"], username="dept_officer")
    plan = {"actor": officer, "lead_unit": cast.department, "templates": [setup.dept_template]}
    frequency_policy_set(
        actor=cast.admin, district=cast.district, values={"quiet_last_day": 0}
    )  # dates below vary
    make_task(**plan)
    with pytest.raises(ValidationError, match="at least 30 days apart"):
        make_task(**plan, planned_on=day + dt.timedelta(days=20))
    assert make_task(**plan, planned_on=day + dt.timedelta(days=35)).pk
    frequency_policy_set(actor=cast.admin, district=cast.district, values={"high_risk_per_year": 2})
    with pytest.raises(ValidationError, match="high-risk fields is 2"):
        make_task(**plan, planned_on=day + dt.timedelta(days=70))
