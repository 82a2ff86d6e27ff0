"""A joint inspection on phones, end to end, in real Chromium at 390 px under the app's CSP (Chinese UI): the
town's officer plans a complaint check of a restaurant with two departments, both accept from their inbox with
their own checklist (the point all three ask for appears once), the unit head approves, the officer enters
with the code, answers the merged checklist (a photo, an answer sent while the phone is offline), signs off,
hands the findings on (a draft case for the town, a whistle to the department holding the power), makes the
rectification notice, and the business opens the code page without logging in."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.utils import timezone
from PIL import Image

from authority.models import AuthorityGrant, EnforcementItem, GrantKind
from cases.models import Case
from enforcement.models import Role
from inspections.models import InspectionTask, PointPhoto, TaskPoint
from inspections.services import (
    check_point_add,
    inspection_item_add,
    inspection_list_create,
    inspection_list_publish,
    template_activate,
    template_create,
)
from inspections.workflow import Scenario, TaskStatus
from tests.conftest import browser_login, go_offline, save_screenshot
from tests.factories import make_certificate, make_unit, make_user
from whistles.models import WhistleRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Scene:
    stall: object  # town A holds it
    exit: object  # everyone asks for it; town A holds it
    food: object  # the market department holds it
    gas: object  # the emergency department holds it
    emergency_unit: object


@pytest.fixture
def scene(cast):
    """A published list of two items, town A's, the market's and the emergency bureau's restaurant
    checklists."""
    today = timezone.localdate()
    emergency = make_unit(
        cast.district, "department", code="T500-EMG", name_zh="测试区应急管理局", domain="emergency"
    )
    responder2 = make_user(
        emergency, [Role.RESPONDER, Role.OFFICER], username="emergency", full_name="应急联络员"
    )
    make_certificate(responder2)

    def enforcement_item(code, name, domain, town_holds):
        item = EnforcementItem.objects.create(
            district=cast.district, code=code, name_zh=name, domain=domain, legal_basis=f"违则：{name}的规定"
        )
        if town_holds:
            AuthorityGrant.objects.create(
                town=cast.town_a, item=item, kind=GrantKind.EMPOWERED, valid_from=dt.date(2020, 1, 1)
            )
        return item

    stall = enforcement_item("B-CG-1", "对超出门窗和外墙经营的行政处罚", "city_management", True)
    exits = enforcement_item("B-XF-1", "对占用、堵塞疏散通道的行政处罚", "fire_safety", True)
    food = enforcement_item("B-SC-1", "对经营超过保质期食品的行政处罚", "market", False)
    gas = enforcement_item("B-YJ-1", "对未制定应急预案的行政处罚", "emergency", False)
    admin = cast.admin
    listing = inspection_list_create(actor=admin, district=cast.district, title="测试区涉企行政检查事项清单")
    street = inspection_item_add(
        actor=admin,
        inspection_list=listing,
        code="JC-CG-01",
        name_zh="市容环境检查",
        legal_basis="《市容条例》",
    )
    safety = inspection_item_add(
        actor=admin,
        inspection_list=listing,
        code="JC-AQ-01",
        name_zh="餐饮场所安全检查",
        legal_basis="《安全法》",
    )
    p_stall = check_point_add(
        actor=admin, item=street, code="1", text_zh="是否超出门窗外墙经营", enforcement_item=stall
    )
    p_exit = check_point_add(
        actor=admin, item=safety, code="1", text_zh="安全出口是否畅通", enforcement_item=exits
    )
    p_food = check_point_add(
        actor=admin, item=safety, code="2", text_zh="食品原料是否超过保质期", enforcement_item=food
    )
    p_gas = check_point_add(
        actor=admin, item=safety, code="3", text_zh="是否制定应急预案", enforcement_item=gas
    )
    inspection_list_publish(actor=admin, inspection_list=listing, on=today - dt.timedelta(days=30))
    for actor, unit, points in (
        (cast.supervisor_a, cast.town_a, [p_stall, p_exit]),
        (cast.responder, cast.department, [p_exit, p_food]),
        (responder2, emergency, [p_exit, p_gas]),
    ):
        template = template_create(
            actor=actor,
            unit=unit,
            scenario=Scenario.RESTAURANT,
            name=f"{unit.name_zh}餐饮检查表",
            points=points,
        )
        template_activate(actor=actor, template=template)
    return Scene(p_stall, p_exit, p_food, p_gas, emergency)


def _phone(browser, base_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(30_000)  # the suite shares 2 cores with a production boot
    page = context.new_page()
    page.emulate_media(reduced_motion="reduce")
    page.base_url = base_url
    return context, page


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{page.url} scrolls sideways"
    )


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)
    errors = page.locator(".invalid-feedback, [data-testid=form-errors], .alert-danger, .alert-warning")
    assert errors.count() == 0, " ".join(errors.all_inner_texts())


def _photo(tmp_path):
    path = tmp_path / "门外桌椅.jpg"
    image = Image.new("RGB", (320, 240), (180, 90, 40))
    out = io.BytesIO()
    image.save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def _answer(page, row, result, note="", photo=None):
    card = page.locator(f"[data-testid=point-card][data-row='{row.pk}']")
    card.locator(f"[data-testid=answer-{result}]").click()
    if note:
        card.locator("textarea").fill(note)
    if photo:
        card.locator("input[type=file]").set_input_files(photo)
    card.locator("[data-testid=point-save]").click()
    return card


def test_a_joint_inspection_on_phones_from_plan_to_findings(cast, scene, phone_page, browser, tmp_path):
    officer = phone_page
    officer.emulate_media(reduced_motion="reduce")
    base = officer.base_url
    today = timezone.localdate()
    browser_login(officer, "officer_a")

    # The officer plans a complaint check of a restaurant with two departments.
    officer.goto(f"{base}/inspections/")
    _no_sideways_scroll(officer)
    officer.click("[data-testid=plan-inspection]")
    officer.select_option("#id_kind", "clue")
    officer.fill("#id_title", "投诉核查：重庆味道餐馆后门堵塞")
    officer.fill("#id_planned_on", today.isoformat())
    officer.fill("#id_headcount", "4")
    officer.select_option("#id_scenario", "restaurant")
    officer.fill("#id_exemption_ref", "12345-2026-0815")
    officer.fill("#id_subject_identifier", "91500000MA5U000X1")
    officer.fill("#id_subject_name", "重庆味道餐馆")
    officer.fill("#id_subject_address", "甲街道解放路1号")
    officer.locator("[data-field=templates] input[type=checkbox]").first.check()
    officer.check(f"[data-field=departments] input[value='{cast.department.pk}']")
    officer.check(f"[data-field=departments] input[value='{scene.emergency_unit.pk}']")
    _no_sideways_scroll(officer)
    save_screenshot(officer, "inspection-plan-form")
    _submit(officer, "[data-testid=task-submit]")
    task = InspectionTask.objects.get()
    task_url = f"{base}/inspections/{task.pk}/"
    assert officer.url == task_url and task.exemption == "complaint"
    _submit(officer, "[data-testid=publish]")
    assert InspectionTask.objects.get(pk=task.pk).status == TaskStatus.PUBLISHED

    contexts = []
    try:
        # Each department accepts from its inbox with its checklist for the scene (chosen for it).
        for username in ("responder", "emergency"):
            context, dept = _phone(browser, base)
            contexts.append(context)
            browser_login(dept, username)
            dept.goto(f"{base}/inspections/invitations/")
            _no_sideways_scroll(dept)
            card = dept.locator(f"[data-testid=invitation-card][data-task='{task.pk}']")
            assert "投诉核查" in card.inner_text()
            with dept.expect_navigation():
                card.locator("[data-testid=accept]").click()
            assert dept.url == task_url
        # One merged checklist: the point all three asked for appears once, with every unit that asked.
        officer.goto(task_url)
        exit_rows = officer.locator(f"[data-testid=point-row][data-point='{scene.exit.pk}']")
        assert exit_rows.count() == 1
        assert exit_rows.locator("[data-testid=asker]").count() == 3
        assert officer.locator("[data-testid=point-row]").count() == 4

        # The officers, then the unit head's approval.
        assert officer.locator("#officers details").get_attribute("open") is not None  # none chosen yet: open
        for person in (cast.officer_a, cast.officer_a2, cast.responder):
            officer.check(f"[data-testid=officers-form] input[value='{person.pk}']")
        _submit(officer, "[data-testid=officers-submit]")
        context, head = _phone(browser, base)
        contexts.append(context)
        browser_login(head, "supervisor_a")
        head.goto(task_url)
        _submit(head, "[data-testid=approve]")
        task.refresh_from_db()
        assert task.status == TaskStatus.APPROVED and task.code

        # On the day: the code at the door, the business's credit code, and in.
        officer.goto(task_url)
        assert officer.locator("[data-testid=qr]").is_visible()
        officer.fill("#id_identifier_seen", "91500000 ma5u000x1")
        _submit(officer, "[data-testid=enter]")
        assert officer.url == f"{base}/inspections/{task.pk}/checklist/"
        _no_sideways_scroll(officer)
        rows = {r.point_id: r for r in TaskPoint.objects.filter(task=task)}

        card = _answer(officer, rows[scene.stall.pk], "fail", "门外摆放桌椅四张", photo=_photo(tmp_path))
        card = officer.locator(f"[data-testid=point-card][data-row='{rows[scene.stall.pk].pk}']")
        card.locator("[data-testid=point-saved]").wait_for()
        assert card.locator("[data-testid=point-photo]").count() == 1
        # A fail without its note is refused on the card, and kept on the phone.
        card = _answer(officer, rows[scene.food.pk], "fail")
        officer.locator(
            f"[data-testid=point-card][data-row='{rows[scene.food.pk].pk}'] [data-testid=error-note]"
        ).wait_for()
        _answer(officer, rows[scene.food.pk], "fail", "冷库内鸭肠超过保质期3天")
        officer.locator(
            f"[data-testid=point-card][data-row='{rows[scene.food.pk].pk}'] [data-testid=point-saved]"
        ).wait_for()
        # No connection: the answer waits on the phone and is sent when the connection comes back.
        go_offline(officer)
        _answer(officer, rows[scene.exit.pk], "pass")
        exit_card = officer.locator(f"[data-testid=point-card][data-row='{rows[scene.exit.pk].pk}']")
        officer.wait_for_function(
            "(row) => document.querySelector(`[data-row='${row}']`).dataset.state === 'offline'",
            arg=rows[scene.exit.pk].pk,
        )
        assert TaskPoint.objects.get(pk=rows[scene.exit.pk].pk).result == "pending"
        officer.context.set_offline(False)
        exit_card.locator("[data-testid=point-saved]").wait_for()
        _answer(officer, rows[scene.gas.pk], "fail", "未制定应急预案")
        officer.locator(
            f"[data-testid=point-card][data-row='{rows[scene.gas.pk].pk}'] [data-testid=point-saved]"
        ).wait_for()
        assert officer.inner_text("[data-answered]") == "4"
        save_screenshot(officer, "inspection-checklist")
        assert PointPhoto.objects.filter(task_point__task=task).count() == 1

        # Sign-off: the officers present, and the business's signature.
        officer.goto(f"{base}/inspections/{task.pk}/checklist/")
        officer.fill("#id_business_signatory", "张三（店长）")
        _submit(officer, "[data-testid=finish]")
        assert InspectionTask.objects.get(pk=task.pk).status == TaskStatus.CHECKED

        # The findings go to the bodies that hold the power: a draft case for the town, a whistle to each
        # department.
        _submit(officer, "[data-testid=handle-findings]")
        stall = TaskPoint.objects.get(task=task, point=scene.stall)
        food = TaskPoint.objects.get(task=task, point=scene.food)
        gas = TaskPoint.objects.get(task=task, point=scene.gas)
        assert Case.objects.get(pk=stall.case_id).town == cast.town_a
        assert WhistleRequest.objects.get(pk=food.whistle_id).assignments.get().department == cast.department
        assert (
            WhistleRequest.objects.get(pk=gas.whistle_id).assignments.get().department == scene.emergency_unit
        )
        assert officer.locator("[data-testid=finding-case]").count() == 1
        assert officer.locator("[data-testid=finding-whistle]").count() == 2

        # The combined rectification notice.
        _submit(officer, "[data-testid=generate-rectification]")
        link = officer.locator("[data-testid=document][data-kind=rectification] a")
        response = officer.request.get(base + link.get_attribute("href"))
        assert response.ok and response.headers["content-type"] == "application/pdf"
        assert response.body()[:5] == b"%PDF-"
        save_screenshot(officer, "inspection-findings")
        _no_sideways_scroll(officer)

        # The business scans the code: no login, who is coming and on what basis.
        context, business = _phone(browser, base)
        contexts.append(context)
        business.goto(f"{base}/inspections/code/{task.code}/")
        assert "投诉核查：重庆味道餐馆后门堵塞" in business.inner_text("[data-testid=code-title]")
        assert business.locator("[data-testid=code-officers] [data-valid='1']").count() == 3
        _no_sideways_scroll(business)
        save_screenshot(business, "inspection-code-page")
        # Its own record: with its credit code, the visit and the failures to rectify, each with its deadline.
        with business.expect_navigation():
            business.click("[data-testid=code-record-link]")
        business.fill("#id_identifier", "91500000MA5U000X1")
        _submit(business, "[data-testid=record-submit]")
        assert business.locator("[data-testid=record-visit]").count() == 1
        assert business.locator("[data-testid=record-rectifications] li").count() == 3
        _no_sideways_scroll(business)
        assert InspectionTask.objects.get(pk=task.pk).code_scans == 1
    finally:
        for context in contexts:
            context.close()


def test_a_photo_chosen_for_an_answer_not_yet_sent_survives_a_reload(
    cast, setup, make_task, phone_page, tmp_path
):
    """The answer and its photo are kept on the phone (text in localStorage, the photo in IndexedDB) until
    sent."""
    from inspections.services import task_approve, task_enter, task_officers_set, task_publish

    today = timezone.localdate()
    task = make_task(kind="clue", exemption_ref="12345-PHOTO", planned_on=today, title="投诉核查：门前堆物")
    task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2])
    task_publish(actor=cast.officer_a, task=task)
    task_approve(actor=cast.supervisor_a, task=task)
    task_enter(actor=cast.officer_a, task=task)
    row = TaskPoint.objects.get(task=task, point=setup.p_stall)

    page = phone_page
    browser_login(page, "officer_a")
    url = f"{page.base_url}/inspections/{task.pk}/checklist/"
    page.goto(url)
    card = page.locator(f"[data-testid=point-card][data-row='{row.pk}']")
    card.locator("[data-testid=answer-fail]").click()
    card.locator("textarea").fill("门前堆放纸箱")
    card.locator("input[type=file]").set_input_files(_photo(tmp_path))
    page.wait_for_timeout(300)  # IndexedDB writes in the background
    page.reload()  # the phone closed the tab; nothing was sent
    card = page.locator(f"[data-testid=point-card][data-row='{row.pk}']")
    page.wait_for_function(
        "(row) => document.querySelector(`[data-row='${row}'] input[type=file]`).files.length === 1",
        arg=row.pk,
    )
    assert card.locator("textarea").input_value() == "门前堆放纸箱"
    assert TaskPoint.objects.get(pk=row.pk).result == "pending"
    card.locator("[data-testid=point-save]").click()
    card = page.locator(f"[data-testid=point-card][data-row='{row.pk}']")
    card.locator("[data-testid=point-saved]").wait_for()
    saved = TaskPoint.objects.get(pk=row.pk)
    assert saved.result == "fail" and PointPhoto.objects.filter(task_point=saved).count() == 1
