"""Annual plans (年度检查计划) and the plan calendar: lines only of the published list and within the caps,
approved by the unit's head, and a calendar of every unit's planned visits per business with the merge
proposed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from inspections.models import AnnualPlan, InspectionItem
from inspections.services import (
    frequency_policy_set,
    inspection_item_add,
    inspection_list_create,
    whitelist_add,
)
from inspections.services.plans import annual_plan_approve, annual_plan_create, annual_plan_entry_add
from inspections.workflow import Scenario
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quiet_days(cast):
    frequency_policy_set(actor=cast.admin, district=cast.district, values={"quiet_last_day": 0})


@pytest.fixture
def dept_head(cast):
    return make_user(cast.department, ["supervisor"], username="dept_head")


@pytest.fixture
def plan(cast, day):
    return annual_plan_create(actor=cast.officer_a, unit=cast.town_a, year=day.year)


def _items(setup):
    return list(InspectionItem.objects.filter(inspection_list=setup.listing).order_by("code"))


def test_a_plan_line_takes_only_items_of_the_published_list_and_stays_within_the_cap(
    cast, setup, plan, audit_count
):
    cg, _sc = _items(setup)
    draft = inspection_list_create(actor=cast.admin, district=cast.district, title="草稿清单")
    unpublished = inspection_item_add(
        actor=cast.admin, inspection_list=draft, code="JC-X-01", name_zh="未公布事项", legal_basis="某法"
    )
    before = audit_count()
    with pytest.raises(ValidationError) as refused:
        annual_plan_entry_add(
            actor=cast.officer_a,
            plan=plan,
            items=[unpublished],
            visits_per_year=1,
            months=[5],
            subject=setup.subject,
        )
    assert "清单之外无检查" in str(refused.value) or "published" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        annual_plan_entry_add(
            actor=cast.officer_a,
            plan=plan,
            items=[cg],
            visits_per_year=2,
            months=[3, 9],
            subject=setup.subject,
        )
    assert "visits_per_year" in refused.value.message_dict  # routine cap: 1 a year
    with pytest.raises(ValidationError) as refused:
        annual_plan_entry_add(
            actor=cast.officer_a,
            plan=plan,
            items=[cg],
            visits_per_year=1,
            months=[3, 9],
            subject=setup.subject,
        )
    assert "months" in refused.value.message_dict
    with pytest.raises(ValidationError):  # a business and a type at once
        annual_plan_entry_add(
            actor=cast.officer_a,
            plan=plan,
            items=[cg],
            visits_per_year=1,
            months=[3],
            subject=setup.subject,
            subject_type=Scenario.RESTAURANT,
            town=cast.town_a,
        )
    assert audit_count() == before

    entry = annual_plan_entry_add(
        actor=cast.officer_a, plan=plan, items=[cg], visits_per_year=1, months=[5], subject=setup.subject
    )
    assert entry.months == [5] and list(entry.items.all()) == [cg]
    by_type = annual_plan_entry_add(
        actor=cast.officer_a,
        plan=plan,
        items=[cg],
        visits_per_year=1,
        months=[6],
        subject_type=Scenario.STREET_SHOP,
        town=cast.town_a,
    )
    assert by_type.subject is None and by_type.town == cast.town_a
    assert audit_count() == before + 2


def test_high_risk_items_allow_more_visits_and_the_white_list_none(cast, setup, plan, day):
    _cg, sc = _items(setup)
    sc.high_risk = True
    sc.save(update_fields=["high_risk"])
    entry = annual_plan_entry_add(
        actor=cast.officer_a,
        plan=plan,
        items=[sc],
        visits_per_year=4,
        months=[2, 5, 8, 11],
        subject=setup.subject,
    )
    assert entry.visits_per_year == 4
    whitelist_add(
        actor=cast.admin,
        subject=setup.subject,
        valid_from=dt.date(day.year, 1, 1),
        valid_to=dt.date(day.year, 12, 31),
        basis="连续两年无违法记录",
    )
    with pytest.raises(ValidationError) as refused:
        annual_plan_entry_add(
            actor=cast.officer_a, plan=plan, items=[sc], visits_per_year=1, months=[7], subject=setup.subject
        )
    assert "white list" in str(refused.value) or "白名单" in str(refused.value)


def test_only_the_unit_s_people_draw_it_up_and_only_its_head_approves(
    cast, setup, plan, dept_head, audit_count
):
    cg, _sc = _items(setup)
    with pytest.raises(PermissionDenied):
        annual_plan_create(actor=cast.officer_b, unit=cast.town_a, year=plan.year + 1)
    with pytest.raises(PermissionDenied):
        annual_plan_entry_add(
            actor=cast.responder, plan=plan, items=[cg], visits_per_year=1, months=[5], subject=setup.subject
        )
    with pytest.raises(ValidationError):  # one plan per unit and year
        annual_plan_create(actor=cast.officer_a, unit=cast.town_a, year=plan.year)
    with pytest.raises(ValidationError):  # nothing to approve yet
        annual_plan_approve(actor=cast.supervisor_a, plan=plan)
    annual_plan_entry_add(
        actor=cast.officer_a, plan=plan, items=[cg], visits_per_year=1, months=[5], subject=setup.subject
    )
    before = audit_count()
    for outsider in (cast.officer_a, dept_head):
        with pytest.raises(PermissionDenied):
            annual_plan_approve(actor=outsider, plan=plan)
    assert audit_count() == before
    approved = annual_plan_approve(actor=cast.supervisor_a, plan=plan)
    assert approved.status == AnnualPlan.Status.APPROVED and approved.approved_by == cast.supervisor_a
    with pytest.raises(ValidationError):  # approved: fixed
        annual_plan_entry_add(
            actor=cast.officer_a, plan=plan, items=[cg], visits_per_year=1, months=[6], subject=setup.subject
        )


def test_the_calendar_shows_every_unit_s_plans_per_business_and_proposes_one_visit(
    cast, setup, make_task, day, plan, client_for
):
    cg, sc = _items(setup)
    dept_officer = make_user(cast.department, ["officer"], username="dept_officer")
    town_task = make_task()
    dept_task = make_task(
        actor=dept_officer,
        lead_unit=cast.department,
        templates=[setup.dept_template],
        planned_on=day + dt.timedelta(days=2),
        title="市场监管日常检查",
    )
    complaint = make_task(kind="clue", exemption_ref="12345-0001", title="投诉核查：后厨卫生", planned_on=day)
    annual_plan_entry_add(
        actor=cast.officer_a,
        plan=plan,
        items=[cg],
        visits_per_year=1,
        months=[day.month],
        subject=setup.subject,
    )
    annual_plan_approve(actor=cast.supervisor_a, plan=plan)
    url = reverse("inspection-calendar") + f"?month={day:%Y-%m}"

    page = client_for(cast.responder).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert setup.subject.name in html and html.count('data-testid="calendar-visit"') == 2
    assert dept_task.title in html  # its own: opened
    assert town_task.title not in html  # the town's routine plan: unit, day, type and status, not its page
    assert complaint.title not in html  # a complaint check is not every unit's business
    assert 'data-testid="calendar-proposal"' in html and 'data-testid="calendar-line"' in html

    town = client_for(cast.officer_a).get(url).content.decode()
    assert (
        town_task.title in town
        and complaint.title in town
        and town.count('data-testid="calendar-visit"') == 3
    )
    assert 'data-testid="calendar-line"' in town

    # a bad month or unit falls back to this month, never a 500
    assert (
        client_for(cast.officer_a).get(reverse("inspection-calendar") + "?month=2026-13&unit=x").status_code
        == 200
    )
    assert client_for(None).get(url).status_code == 302


def test_the_plan_pages_draw_up_add_a_line_and_approve(cast, setup, day, client_for):
    cg, _sc = _items(setup)
    officer = client_for(cast.officer_a)
    response = officer.post(
        reverse("inspection-plans"), {"unit": cast.town_a.pk, "year": day.year, "title": ""}
    )
    plan = AnnualPlan.objects.get(unit=cast.town_a, year=day.year)
    assert response.status_code == 302 and response["Location"] == reverse("inspection-plan", args=[plan.pk])
    url = reverse("inspection-plan", args=[plan.pk])
    bad = officer.post(
        url,
        {
            "action": "entry",
            "subject_identifier": "91500000MA5U000X9",
            "items": [cg.pk],
            "visits_per_year": 1,
            "months": [5],
        },
    )
    assert bad.status_code == 400 and 'data-testid="error-subject_identifier"' in bad.content.decode()
    over = officer.post(
        url,
        {
            "action": "entry",
            "subject_identifier": setup.subject.identifier,
            "items": [cg.pk],
            "visits_per_year": 3,
            "months": [1, 5, 9],
        },
    )
    assert over.status_code == 400 and 'data-testid="error-visits_per_year"' in over.content.decode()
    ok = officer.post(
        url,
        {
            "action": "entry",
            "subject_identifier": setup.subject.identifier.lower(),
            "items": [cg.pk],
            "visits_per_year": 1,
            "months": [5],
        },
    )
    assert ok.status_code == 302 and plan.entries.count() == 1
    assert officer.post(url, {"action": "approve"}).status_code == 403  # an officer is not the head
    assert client_for(cast.supervisor_a).post(url, {"action": "approve"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == AnnualPlan.Status.APPROVED
    listing = (
        client_for(cast.responder).get(reverse("inspection-plans") + f"?year={day.year}").content.decode()
    )
    assert plan.title in listing  # district data: every unit sees every plan
    assert client_for(cast.officer_b).post(url, {"action": "entry"}).status_code == 403
