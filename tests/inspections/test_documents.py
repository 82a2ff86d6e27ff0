"""The inspection notice (检查通知书, with the code's QR image) and the combined rectification notice (责令整
改通知书):
what they say (the text extracted from the PDF with poppler's pdftotext), when they can be made, who may make
them."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from inspections.documents import documents_available, inspection_document_generate, qr_svg, rule_broken
from inspections.models import InspectionDocument
from inspections.services import (
    invitation_accept,
    point_record,
    task_approve,
    task_enter,
    task_finish,
    task_invite,
    task_officers_set,
    task_publish,
)
from inspections.workflow import PointResult

pytestmark = pytest.mark.django_db

CODE_URL = "https://zhifa.example.cn/inspections/code/{code}/"


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True)
    return "".join(done.stdout.decode().split())  # CJK text may be split across lines and spaces


def read(document: InspectionDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def approved(cast, setup, make_task, on_day):
    task = make_task()
    invitation = task_invite(actor=cast.officer_a, task=task, department=cast.department)
    invitation_accept(actor=cast.responder, invitation=invitation, template=setup.dept_template)
    task_officers_set(
        actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.officer_a2, cast.responder]
    )
    task_publish(actor=cast.officer_a, task=task)
    return task_approve(actor=cast.supervisor_a, task=task)


@pytest.fixture
def checked(cast, setup, approved, on_day):
    task_enter(actor=cast.officer_a, task=approved)
    rows = {r.point_id: r for r in approved.points.all()}
    point_record(
        actor=cast.officer_a,
        task_point=rows[setup.p_stall.pk],
        result=PointResult.FAIL,
        note="门外摆放桌椅三张",
        major=True,
        rectify_by=on_day + dt.timedelta(days=7),
    )
    point_record(
        actor=cast.responder, task_point=rows[setup.p_food.pk], result=PointResult.FAIL, note="消毒柜未通电"
    )
    point_record(actor=cast.officer_a2, task_point=rows[setup.p_sign.pk], result=PointResult.PASS)
    task_finish(
        actor=cast.officer_a,
        task=approved,
        present=[cast.officer_a, cast.responder],
        business_signatory="张三",
    )
    return approved


def test_the_notice_names_the_business_the_bodies_the_items_the_officers_and_the_code(
    cast, setup, approved, audit_count
):
    before = audit_count()
    url = CODE_URL.format(code=approved.code)
    document = inspection_document_generate(actor=cast.officer_a, task=approved, kind="notice", code_url=url)
    pdf = read(document)
    assert pdf.startswith(b"%PDF-") and document.size == len(pdf) > 10_000  # the CJK font is embedded
    assert document.sha256 == hashlib.sha256(pdf).hexdigest() and document.version == 1
    text = pdf_text(pdf)
    assert "检查通知书" in text and "重庆味道餐馆" in text and "91500000MA5U000X1" in text
    assert "会同测试区市场监督管理局" in text  # the department that joined
    assert "JC-CG-01" in text and "市容环境卫生检查" in text and "餐具是否按规定清洗消毒" in text
    for officer in (cast.officer_a, cast.officer_a2, cast.responder):
        assert officer.full_name in text and officer.certificates.get().number in text
    assert url in text  # under the QR image
    assert audit_count() == before + 1
    again = inspection_document_generate(actor=cast.officer_a, task=approved, kind="notice", code_url=url)
    assert again.version == 2


def test_the_rectification_notice_lists_every_failure_with_its_holder_and_deadline(
    cast, setup, checked, on_day
):
    document = inspection_document_generate(
        actor=cast.officer_a, task=checked, kind="rectification", code_url=""
    )
    text = pdf_text(read(document))
    deadline = on_day + dt.timedelta(days=7)
    assert "责令整改通知书" in text and "重庆味道餐馆" in text
    assert "【重大问题】是否超出门窗外墙摆卖" in text and "门外摆放桌椅三张" in text
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text
    assert "餐具是否按规定清洗消毒" in text and "消毒柜未通电" in text and "立即改正" in text
    assert "甲街道" in text and "测试区市场监督管理局" in text  # the body holding each power
    assert setup.p_sign.text_zh not in text  # a point that passed is not on it
    assert "《中华人民共和国行政处罚法》第二十八条" in text


def test_a_notice_is_made_only_when_the_task_is_ready_and_only_by_the_lead(
    cast, setup, make_task, approved, audit_count
):
    draft = make_task(kind="clue", exemption_ref="12345", title="未批准的投诉核查")
    before = audit_count()
    with pytest.raises(ValidationError):
        inspection_document_generate(actor=cast.officer_a, task=draft, kind="notice", code_url="")
    with pytest.raises(ValidationError):  # nothing failed yet
        inspection_document_generate(actor=cast.officer_a, task=approved, kind="rectification", code_url="")
    with pytest.raises(ValidationError):
        inspection_document_generate(actor=cast.officer_a, task=approved, kind="decision", code_url="")
    for outsider in (cast.responder, cast.officer_b, cast.admin):
        with pytest.raises(PermissionDenied):
            inspection_document_generate(actor=outsider, task=approved, kind="notice", code_url="")
    assert not InspectionDocument.objects.exists() and audit_count() == before
    assert documents_available(approved) == ["notice"]


def test_the_page_makes_the_notice_and_serves_it_to_those_who_see_the_task(cast, approved, client_for):
    officer = client_for(cast.officer_a)
    response = officer.post(reverse("inspection-action", args=[approved.pk, "document"]), {"kind": "notice"})
    assert response.status_code == 302
    document = InspectionDocument.objects.get()
    target = reverse("inspection-document", args=[approved.pk, document.pk])
    download = officer.get(target)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    code_url = "http://testserver" + reverse("inspection-code", args=[approved.code])
    assert code_url in pdf_text(read(document))  # the QR points at this site's public code page
    assert client_for(cast.responder).get(target).status_code == 200  # the department that joined
    assert client_for(cast.officer_b).get(target).status_code == 404
    assert client_for(None).get(target).status_code == 302
    refused = client_for(cast.responder).post(
        reverse("inspection-action", args=[approved.pk, "document"]), {"kind": "notice"}
    )
    assert refused.status_code == 403 and InspectionDocument.objects.count() == 1


def test_the_qr_image_is_an_svg_of_the_address():
    svg = qr_svg("https://zhifa.example.cn/inspections/code/abc/")
    assert svg.startswith(b"<svg") and b"<script" not in svg


def test_the_rule_broken_is_the_violation_clause_without_the_penalty():
    basis = (
        "违则：《重庆市市容环境卫生管理条例》第二十三条：不得擅自占用。\n罚则：同条例第六十条：处二百元"
        "以上罚款。"
    )
    assert rule_broken(basis) == "《重庆市市容环境卫生管理条例》第二十三条：不得擅自占用。"
    assert rule_broken("《城市道路管理条例》第二十七条") == "《城市道路管理条例》第二十七条"
