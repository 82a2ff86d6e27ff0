"""清单之外无检查: nothing is inspected that is not on the list published and in force on the date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections.models import InspectionTask
from inspections.services import (
    check_point_add,
    inspection_item_add,
    inspection_list_create,
    inspection_list_publish,
    task_approve,
    task_enter,
    task_officers_set,
    task_point_add_on_site,
    task_publish,
    template_activate,
    template_create,
)
from inspections.workflow import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_point(cast, setup):
    listing = inspection_list_create(actor=cast.admin, district=cast.district, title="待发布清单")
    item = inspection_item_add(
        actor=cast.admin,
        inspection_list=listing,
        code="JC-CG-99",
        name_zh="户外广告检查",
        legal_basis="《重庆市户外广告管理条例》",
    )
    return check_point_add(
        actor=cast.admin,
        item=item,
        code="1",
        text_zh="户外广告是否经许可设置",
        enforcement_item=setup.stall_item,
    )


def test_a_visit_on_an_unpublished_item_is_refused(cast, setup, make_task, draft_point, audit_count):
    template = template_create(
        actor=cast.supervisor_a,
        unit=cast.town_a,
        scenario=Scenario.STREET_SHOP,
        name="沿街商铺",
        points=[draft_point],
    )
    template_activate(actor=cast.supervisor_a, template=template)
    rows, audit = InspectionTask.objects.count(), audit_count()
    with pytest.raises(ValidationError, match="Not on the inspection-item list"):
        make_task(templates=[template])
    assert InspectionTask.objects.count() == rows and audit_count() == audit


def test_an_item_published_after_the_visit_day_is_refused(cast, setup, make_task, draft_point, day):
    inspection_list_publish(
        actor=cast.admin, inspection_list=draft_point.item.inspection_list, on=day + dt.timedelta(days=1)
    )
    template = template_create(
        actor=cast.supervisor_a,
        unit=cast.town_a,
        scenario=Scenario.STREET_SHOP,
        name="沿街商铺",
        points=[draft_point],
    )
    template_activate(actor=cast.supervisor_a, template=template)
    with pytest.raises(ValidationError, match="Not on the inspection-item list"):
        make_task(templates=[template])
    setup.listing.refresh_from_db()
    assert setup.listing.withdrawn_on == day + dt.timedelta(
        days=1
    )  # the new list replaces the old from its day
    assert make_task(templates=[template], planned_on=day + dt.timedelta(days=31)).pk


def test_a_point_added_on_site_must_be_on_the_list(cast, setup, make_task, draft_point, on_day):
    task = make_task()
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    task_publish(actor=cast.officer_a, task=task)
    task_approve(actor=cast.supervisor_a, task=task)
    task_enter(actor=cast.officer_a, task=task)
    with pytest.raises(ValidationError, match="Not on the inspection-item list"):
        task_point_add_on_site(actor=cast.officer_a, task=task, point=draft_point)
    row = task_point_add_on_site(actor=cast.officer_a, task=task, point=setup.p_food)
    assert row.ad_hoc and row.holder_department == cast.department


def test_a_published_list_is_not_changed_and_only_the_administrator_keeps_it(cast, setup):
    with pytest.raises(ValidationError, match="published list"):
        inspection_item_add(
            actor=cast.admin, inspection_list=setup.listing, code="X", name_zh="x", legal_basis="y"
        )
    with pytest.raises(PermissionDenied):
        inspection_list_create(actor=cast.supervisor_a, district=cast.district, title="x")
    empty = inspection_list_create(actor=cast.admin, district=cast.district, title="空清单")
    with pytest.raises(ValidationError, match="empty list"):
        inspection_list_publish(actor=cast.admin, inspection_list=empty, on=dt.date(2026, 1, 1))


def test_templates_are_versioned_and_one_version_is_in_use(cast, setup):
    v2 = template_create(
        actor=cast.supervisor_a,
        unit=cast.town_a,
        scenario=Scenario.RESTAURANT,
        name="餐饮店 v2",
        points=[setup.p_stall],
    )
    assert v2.version == 2
    template_activate(actor=cast.supervisor_a, template=v2)
    setup.town_template.refresh_from_db()
    assert setup.town_template.status == "retired"
    with pytest.raises(PermissionDenied):
        template_create(
            actor=cast.officer_b,
            unit=cast.town_a,
            scenario=Scenario.RESTAURANT,
            name="x",
            points=[setup.p_stall],
        )
