"""Documents a legal office would put its seal on (issue 16): the organ's legal name, the facts found as
edited, the evidence listed once, the filing form on one page, the decision's tier and reasons, numbers per
kind, the payment account, and drafts previewed as PDF without taking a number. Checked on the PDF's text
(pdftotext)."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from authority.models import GrantKind
from cases.documents import document_generate, document_preview, render_pdf
from cases.documents import document_html as html_of
from cases.models import CaseDocument, CaseEvent, DocumentSequence, Evidence
from cases.numerals import chinese_date
from enforcement.models import Unit

pytestmark = pytest.mark.django_db

LEGAL_NAME = "测试市测试区甲街道办事处"
ACCOUNT = "中国工商银行测试支行（户名：测试区财政局非税收入专户，账号：1234 5678 9012）"


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext reads it, lines joined (a sentence may wrap), pages split by \\f."""
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return "\f".join("".join(line.strip() for line in page.splitlines()) for page in out.split("\f"))


@pytest.fixture
def town_a(cast):
    Unit.objects.filter(pk=cast.town_a.pk).update(legal_name=LEGAL_NAME, payment_account=ACCOUNT)
    cast.town_a.refresh_from_db()
    return cast.town_a


def _decided(make_case, **fields):
    today = timezone.localdate()
    values = {
        "penalty_kinds": ["fine"],
        "fine": Decimal("300"),
        "decided_on": today,
        "notice_served_on": today - dt.timedelta(days=6),
        "reply_due": today - dt.timedelta(days=1),
        "description": "当事人张三在测试路1号门前占道摆放货架经营",
        "findings": "张三于2026年3月1日在测试路1号门前占道摆放货架经营，面积约3平方米，经劝阻仍未撤除",
        "tier": "heavier",
        "recommendation": {"tier": "heavier", "fine_min": "365.00", "fine_max": "500.00", "punish": True},
        "deviation_reason": "当事人当场撤除货架并书面承诺不再占道，酌情在从重档以下处罚",
        "facts": {"factors": ["obstructed", "corrected_promptly"]},
    }
    values.update(fields)
    return make_case("decided", **values)


def _photo(case, caption: str) -> None:
    Evidence.objects.create(
        case=case,
        kind="photo",
        file="cases/x.jpg",
        content_type="image/jpeg",
        size=1,
        sha256="0" * 64,
        caption=caption,
        uploaded_by=case.created_by,
    )


def test_the_decision_carries_the_legal_name_the_findings_the_tier_and_the_reason(cast, town_a, make_case):
    case = _decided(make_case)
    _photo(case, "现场照片：门前占道货架")
    _photo(case, "现场照片")
    document = document_generate(actor=cast.officer_a, case=case, kind="decision")
    with document.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert text.startswith(LEGAL_NAME)  # the header, and under the seal
    assert text.count(LEGAL_NAME) >= 2 and "甲街道行政处罚决定书" not in text
    # The facts found as recorded, ending with a full stop, not the lead's text.
    assert "经查，张三于2026年3月1日在测试路1号门前占道摆放货架经营，面积约3平方米，经劝阻仍未撤除。" in text
    assert "当事人张三在测试路1号门前" not in text
    # Each evidence line says its kind once.
    assert "现场照片：现场照片" not in text
    assert "1.现场照片：门前占道货架" in text.replace(" ", "") and "2.现场照片" in text.replace(" ", "")
    # The tier, its range, the circumstances and the discretion reason.
    assert "“从重”裁量档次（罚款365.00元至500.00元）" in text
    assert "阻碍" in text  # the aggravating circumstance, by name
    assert "裁量理由：当事人当场撤除货架并书面承诺不再占道，酌情在从重档以下处罚。" in text
    # Its own number, and where to pay.
    assert document.number == f"甲街罚决〔{timezone.localdate().year}〕1号" and document.number in text
    assert "中国工商银行测试支行" in text and "不得向执法人员缴纳" in text
    # The date is the one under the seal, printed once.
    assert text.count(chinese_date(case.decided_on)) == 1 and "决定日期" not in text


def test_a_delegated_item_is_decided_in_the_departments_name(cast, town_a, make_case):
    case = _decided(make_case, grant_kind=GrantKind.DELEGATED, acting_name="测试区市场监督管理局")
    text = pdf_text(render_pdf(html_of(case, "decision")))
    assert text.startswith("测试区市场监督管理局") and LEGAL_NAME not in text


def test_the_filing_form_prints_the_rule_and_the_penalty_clause_once_on_one_page(
    town_a, make_case, stall_item
):
    stall_item.rule_broken = "《城市市容和环境卫生管理条例》第十四条：任何单位和个人不得擅自占道"
    stall_item.penalty_clause = "《城市市容和环境卫生管理条例》第三十六条：处以50元以上500元以下罚款"
    stall_item.legal_basis = f"违则：{stall_item.rule_broken}\n罚则：{stall_item.penalty_clause}"
    stall_item.save()
    case = make_case("investigating", findings="张三于2026年3月1日在测试路1号门前占道经营。")
    text = pdf_text(render_pdf(html_of(case, "filing_approval")))
    assert text.count("违则") == 1 and text.count("罚则") == 1
    assert text.count("第三十六条") == 1
    assert text.count("\f") <= 1 and "共1页" in text.replace(" ", "")  # one page
    assert text.startswith(LEGAL_NAME)
    assert text.count(case.number) == 1  # the 案号 row of the form; no number line above it


def test_notice_and_decision_are_numbered_apart(cast, town_a, make_case):
    year = timezone.localdate().year
    first = _decided(make_case)
    second = _decided(make_case)
    notice = document_generate(actor=cast.officer_a, case=first, kind="penalty_notice")
    decision = document_generate(actor=cast.officer_a, case=second, kind="decision")
    decision_1 = document_generate(actor=cast.officer_a, case=first, kind="decision")
    assert notice.number == f"甲街罚告〔{year}〕1号"
    assert (decision.number, decision_1.number) == (f"甲街罚决〔{year}〕1号", f"甲街罚决〔{year}〕2号")
    filing = document_generate(actor=cast.officer_a, case=first, kind="filing_approval")
    assert filing.number == ""  # the approval forms carry the case number
    receipt = pdf_text(render_pdf(html_of(first, "service_receipt")))
    assert f"行政处罚决定书（{decision_1.number}）" in receipt


def test_a_preview_is_a_draft_that_takes_no_number_and_stores_nothing(cast, town_a, make_case, audit_count):
    case = make_case("deciding", proposed_kinds=["fine"], proposed_fine=Decimal("300"))
    before = audit_count()
    text = pdf_text(document_preview(actor=cast.supervisor_a, case=case, kind="decision"))
    assert "草稿：仅供审阅" in text and "罚款人民币300.00元" in text
    assert not CaseDocument.objects.filter(case=case).exists() and not DocumentSequence.objects.exists()
    assert audit_count() == before
    with pytest.raises(PermissionDenied):
        document_preview(actor=cast.reviewer_a, case=case, kind="decision")


def test_preview_page_serves_the_draft_inline_and_refuses_others(cast, town_a, make_case, client_for):
    case = make_case("investigating")
    url = reverse("cases:document-preview", args=[case.pk, "penalty_notice"])
    response = client_for(cast.officer_a).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "草稿：仅供审阅，未编号，不得送达" in pdf_text(response.content)
    assert client_for(cast.officer_b).get(url).status_code == 404
    assert client_for(cast.reviewer_a).get(url).status_code == 403
    wrong = client_for(cast.officer_a).get(reverse("cases:document-preview", args=[case.pk, "decision"]))
    assert wrong.status_code == 400  # the decision does not fit an investigation yet
    assert not CaseDocument.objects.filter(case=case).exists()


def test_the_seal_block_is_never_split_across_pages(town_a, make_case):
    """The organ's name, the stamp and the date stay on one page, however long the facts run: a seal page
    with no name above the stamp is not a document a town signs."""
    case = _decided(make_case)
    sentence = "当事人在测试路1号门前占道摆放货架经营，面积约3平方米，经多次劝阻仍未撤除"
    for repeats in range(1, 16):
        case.findings = "；".join([sentence] * repeats)
        for kind in ("penalty_notice", "decision"):
            pages = pdf_text(render_pdf(html_of(case, kind))).split("\f")
            [seal_page] = [page for page in pages if "（印章）" in page]
            assert f"{LEGAL_NAME}（印章）" in seal_page, (kind, repeats)


def test_the_approval_forms_print_the_supervisors_recorded_answer(cast, town_a, make_case):
    case = make_case("filing_review", findings="张三于2026年3月1日在测试路1号门前占道经营。")
    waiting = pdf_text(render_pdf(html_of(case, "filing_approval")))
    assert "同意立案" not in waiting and "甲队长" not in waiting  # not approved yet: the blank to sign
    CaseEvent.objects.create(
        case=case,
        action="approve_filing",
        actor=cast.supervisor_a,
        to_stage="investigating",
        note="同意立案调查；",
    )
    approved = pdf_text(render_pdf(html_of(case, "filing_approval")))
    on = chinese_date(timezone.localdate())
    assert "同意立案调查。" in approved and "负责人：甲队长" in approved  # its note, as a sentence
    assert waiting.count(on) == 1 and approved.count(on) == 2  # made today; approved today
    assert approved.count("同意立案") == 1
    closed = make_case("closed", closed_on=timezone.localdate())
    CaseEvent.objects.create(case=closed, action="close", actor=cast.supervisor_a, to_stage="closed")
    closing = pdf_text(render_pdf(html_of(closed, "closing_approval")))
    assert "同意结案。" in closing and "负责人：甲队长" in closing  # no note: the form's own wording
