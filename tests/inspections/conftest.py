"""Fixtures for the inspection tests: a published inspection-item list with three check points (one held by
town A, one shared by both checklists, one a district department holds), the two units' checklists, a
business, and a visit day that lies outside the quiet days and inside every cast certificate's validity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from authority.models import AuthorityGrant, EnforcementItem, GrantKind
from enforcement import clock
from enforcement.models import Subject
from enforcement.services import subject_get_or_create
from inspections.models import ChecklistTemplate, CheckPoint, InspectionList, InspectionTask
from inspections.services import (
    check_point_add,
    inspection_item_add,
    inspection_list_create,
    inspection_list_publish,
    template_activate,
    template_create,
)
from inspections.workflow import Scenario, TaskKind


def visit_day(offset_days: int = 40) -> dt.date:
    """The 25th of a month one to three months ahead: no quiet day, and the cast's certificates (valid a year
    either side of the real today) are valid on it whatever day the suite runs."""
    return (timezone.localdate() + dt.timedelta(days=offset_days)).replace(day=25)


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def day() -> dt.date:
    return visit_day()


@pytest.fixture
def on_day(day) -> Iterator[dt.date]:
    """The services' clock set to the visit day for the whole test."""
    with clock.at(moment(day)):
        yield day


@dataclass
class Setup:
    listing: InspectionList
    stall_item: EnforcementItem  # town A holds it
    food_item: EnforcementItem  # nobody in town A holds it: the market department does
    p_stall: CheckPoint  # only town A asks
    p_sign: CheckPoint  # both ask
    p_food: CheckPoint  # only the department asks
    town_template: ChecklistTemplate
    dept_template: ChecklistTemplate
    subject: Subject


@pytest.fixture
def setup(cast, day) -> Setup:
    return build_setup(cast, day)


def build_setup(cast, day: dt.date) -> Setup:
    """The list, items, check points, both checklists and the business (also for wider-scoped fixtures)."""
    stall = EnforcementItem.objects.create(
        district=cast.district,
        code="INS-CG-001",
        name_zh="对擅自占道经营的行政处罚",
        domain="city_management",
        legal_basis="《城市市容和环境卫生管理条例》第三十六条",
    )
    AuthorityGrant.objects.create(
        town=cast.town_a, item=stall, kind=GrantKind.EMPOWERED, valid_from=dt.date(2020, 1, 1)
    )
    food = EnforcementItem.objects.create(
        district=cast.district,
        code="INS-SC-001",
        name_zh="对餐饮服务提供者未按规定清洗消毒餐具的行政处罚",
        domain="market",
        legal_basis="《中华人民共和国食品安全法》第一百二十六条",
    )
    admin = cast.admin
    listing = inspection_list_create(
        actor=admin, district=cast.district, title="测试区涉企行政检查事项清单（2026年版）"
    )
    cg = inspection_item_add(
        actor=admin,
        inspection_list=listing,
        code="JC-CG-01",
        name_zh="市容环境卫生检查",
        legal_basis="《城市市容和环境卫生管理条例》",
    )
    sc = inspection_item_add(
        actor=admin,
        inspection_list=listing,
        code="JC-SC-01",
        name_zh="餐饮服务食品安全检查",
        legal_basis="《中华人民共和国食品安全法》",
        inspecting_unit=cast.department,
    )
    p_stall = check_point_add(
        actor=admin, item=cg, code="1", text_zh="是否超出门窗外墙摆卖", enforcement_item=stall
    )
    p_sign = check_point_add(
        actor=admin, item=cg, code="2", text_zh="门前是否落实责任区制度", enforcement_item=stall
    )
    p_food = check_point_add(
        actor=admin, item=sc, code="1", text_zh="餐具是否按规定清洗消毒", enforcement_item=food
    )
    inspection_list_publish(actor=admin, inspection_list=listing, on=day - dt.timedelta(days=60))
    town_template = template_create(
        actor=cast.supervisor_a,
        unit=cast.town_a,
        scenario=Scenario.RESTAURANT,
        name="餐饮店综合查一次（街道）",
        points=[p_stall, p_sign],
    )
    template_activate(actor=cast.supervisor_a, template=town_template)
    dept_template = template_create(
        actor=cast.responder,
        unit=cast.department,
        scenario=Scenario.RESTAURANT,
        name="餐饮服务监督检查表",
        points=[p_sign, p_food],
    )
    template_activate(actor=cast.responder, template=dept_template)
    subject = subject_get_or_create(
        actor=None,
        district=cast.district,
        kind="organisation",
        name="重庆味道餐馆",
        identifier="91500000MA5U000X1",
        address="甲街道解放路1号",
    )
    return Setup(listing, stall, food, p_stall, p_sign, p_food, town_template, dept_template, subject)


@pytest.fixture
def make_task(cast, setup, day) -> Callable[..., InspectionTask]:
    from inspections.services import task_create

    def make(**overrides: Any) -> InspectionTask:
        values: dict[str, Any] = {
            "actor": cast.officer_a,
            "lead_unit": cast.town_a,
            "town": cast.town_a,
            "subject": setup.subject,
            "kind": TaskKind.ROUTINE,
            "title": "餐饮店综合查一次",
            "planned_on": day,
            "headcount": 3,
            "scenario": Scenario.RESTAURANT,
            "templates": [setup.town_template],
        }
        values.update(overrides)
        return task_create(**values)

    return make
