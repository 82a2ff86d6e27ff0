"""Enforcement documents (执法文书): which fit each stage, the Chinese PDF, versions, and who may download
them."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import zlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.documents import (
    chinese_count,
    document_generate,
    document_html,
    documents_available,
    render_pdf,
    yuan_in_capitals,
)
from cases.models import CaseDocument, CaseEvent
from enforcement.models import AuditEvent, Certificate

# --- 大写 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234.50", "壹仟贰佰叁拾肆元伍角整"),
        ("1005", "壹仟零伍元整"),
        ("200", "贰佰元整"),
        ("50", "伍拾元整"),
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("0", "零元整"),
        ("0.50", "伍角整"),
        ("0.05", "伍分"),
        ("1.05", "壹元零伍分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("1010", "壹仟零壹拾元整"),
        ("10000", "壹万元整"),
        ("100050", "壹拾万零伍拾元整"),
        ("120000", "壹拾贰万元整"),
        ("105000", "壹拾万零伍仟元整"),
        ("1000000", "壹佰万元整"),
        ("100010000", "壹亿零壹万元整"),
        ("3000.55", "叁仟元伍角伍分"),
        ("99999.99", "玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_yuan_in_capitals(amount, words):
    assert yuan_in_capitals(Decimal(amount)) == words


@pytest.mark.parametrize(
    ("number", "words"),
    [(3, "三"), (5, "五"), (10, "十"), (15, "十五"), (60, "六十"), (90, "九十"), (23, "二十三")],
)
def test_chinese_count(number, words):
    assert chinese_count(number) == words


def test_yuan_in_capitals_refuses_negative():
    with pytest.raises(ValueError):
        yuan_in_capitals(Decimal("-1"))


# --- which documents fit the stage --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "fields", "expected"),
    [
        ("lead", {}, []),
        ("checking", {}, []),
        ("filing_review", {}, ["filing_approval"]),
        ("investigating", {}, ["filing_approval"]),
        ("correcting", {"correction_due": dt.date(2026, 12, 1)}, ["filing_approval", "correction_order"]),
        ("notified", {"notice_served_on": dt.date(2026, 11, 1)}, ["filing_approval", "penalty_notice"]),
        (
            "hearing",
            {"hearing_on": dt.date(2026, 12, 1)},
            ["filing_approval", "penalty_notice", "hearing_notice"],
        ),
        (
            "decided",
            {"penalty_kinds": ["fine"], "fine": Decimal("200")},
            ["filing_approval", "penalty_notice", "decision", "service_receipt"],
        ),
        (
            "served",
            {"penalty_kinds": ["fine"], "fine": Decimal("200")},
            ["filing_approval", "penalty_notice", "decision", "service_receipt"],
        ),
        (
            "executed",
            {"penalty_kinds": ["fine"], "fine": Decimal("200")},
            ["filing_approval", "penalty_notice", "decision", "service_receipt", "closing_approval"],
        ),
    ],
)
def test_documents_available_per_stage(make_case, stage, fields, expected):
    assert documents_available(make_case(stage, **fields)) == expected


def test_simple_procedure_has_no_filing_or_notice(make_case):
    case = make_case("served", procedure="simple", filed_on=None, penalty_kinds=["fine"], fine=Decimal("100"))
    assert documents_available(case) == ["decision", "service_receipt"]


def test_closed_after_correction_has_no_decision(make_case):
    case = make_case("closed", correction_due=dt.date(2026, 12, 1))
    assert documents_available(case) == ["filing_approval", "correction_order", "closing_approval"]


# --- generation ---------------------------------------------------------------------------------------------


def pdf_streams(pdf: bytes) -> bytes:
    """Every stream of the PDF, inflated where it is compressed (WeasyPrint keeps the metadata in object
    streams)."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


def utf16_hex(text: str) -> bytes:
    return ("feff" + text.encode("utf-16-be").hex()).encode()


_numbers = itertools.count(1)


def decided_case(make_case, **fields):
    today = timezone.localdate()
    values = {
        "penalty_kinds": ["warning", "fine"],
        "fine": Decimal("1234.50"),
        "decided_on": today,
        "notice_served_on": today - dt.timedelta(days=3),
        "reply_due": today,
        "hearing_offered": False,
        "party_name": "重庆某某餐饮有限公司",
        "party_kind": "organisation",
        "party_identifier": f"91500103MA5U{next(_numbers):06d}",
        "party_representative": "李四",
    }
    values.update(fields)
    return make_case("decided", **values)


def test_decision_pdf(cast, make_case, audit_count):
    case = decided_case(make_case)
    before = audit_count()
    document = document_generate(actor=cast.officer_a, case=case, kind="decision")
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-")
    assert b"%%EOF" in pdf[-64:]
    assert document.size == len(pdf) > 10_000  # the CJK font is embedded
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (document.version, document.generated_by) == (1, cast.officer_a)
    # A decision has its own number (文号), kept by later versions; the PDF's title carries it.
    assert document.number == f"甲街罚决〔{timezone.localdate().year}〕1号"
    assert utf16_hex(f"行政处罚决定书 {document.number}") in pdf_streams(pdf)
    again = document_generate(actor=cast.officer_a, case=case, kind="decision")
    assert (again.version, again.number) == (2, document.number)
    event = CaseEvent.objects.filter(case=case, action="document").first()
    assert event.data["kind"] == "decision" and event.data["sha256"] == document.sha256
    assert audit_count() == before + 2
    assert AuditEvent.objects.filter(action="cases.document.generate", object_id=str(document.pk)).exists()


def test_decision_text(cast, make_case):
    case = decided_case(make_case)
    html = document_html(case, "decision")
    for text in (
        case.number,
        "甲街道",
        "行政处罚决定书",
        "重庆某某餐饮有限公司",
        case.party_identifier,
        "李四",
        "测试路1号门前",
        "《城市市容和环境卫生管理条例》第三十六条",
        "处以50元以上500元以下罚款",
        "警告；罚款人民币1,234.50元",
        "壹仟贰佰叁拾肆元伍角整",
        "六十日内向测试区人民政府申请行政复议",
        "六个月内",
        "十五日内",
        "百分之三加处罚款",
        "甲执法员",
        "甲执法员二",
        "（印章）",
    ):
        assert text in html, text
    for officer in (cast.officer_a, cast.officer_a2):
        number = Certificate.objects.filter(holder=officer).valid_on(timezone.localdate()).get().number
        assert number in html


def test_rendered_layout_carries_the_text(make_case):
    """What WeasyPrint lays out (and so prints to the PDF) holds the case number and the amount in words."""
    import weasyprint

    case = decided_case(make_case)
    layout = weasyprint.HTML(string=document_html(case, "decision")).render()

    def texts(box):
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", None) or []:
            yield from texts(child)

    text = "".join(t for page in layout.pages for t in texts(page._page_box))
    assert case.number in text
    assert "壹仟贰佰叁拾肆元伍角整" in text


def test_expired_certificate_is_not_printed(cast, make_case):
    case = decided_case(make_case)
    Certificate.objects.filter(holder=cast.officer_a2).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1),
        valid_from=timezone.localdate() - dt.timedelta(days=400),
    )
    html = document_html(case, "decision")
    assert "甲执法员二（执法证号：无有效执法证）" in html


def test_delegated_item_acts_in_department_name(make_case):
    case = decided_case(make_case, acting_name="测试区市场监督管理局")
    html = document_html(case, "decision")
    assert '<div class="org">测试区市场监督管理局</div>' in html


@pytest.mark.parametrize(
    "kind",
    [
        "filing_approval",
        "penalty_notice",
        "hearing_notice",
        "decision",
        "service_receipt",
        "closing_approval",
        "correction_order",
    ],
)
def test_every_template_renders(make_case, kind):
    today = timezone.localdate()
    case = make_case(
        "executed",
        penalty_kinds=["fine"],
        fine=Decimal("300"),
        proposed_kinds=["fine"],
        proposed_fine=Decimal("300"),
        decided_on=today,
        notice_served_on=today,
        hearing_on=today,
        hearing_offered=True,
        reply_due=today,
        correction_due=today,
        served_on=today,
        paid_on=today,
        amount_paid=Decimal("300"),
        payment_channel="bank",
        service_method="direct",
    )
    assert kind in documents_available(case)
    html = document_html(case, kind)
    assert case.number in html and case.party_name in html
    assert render_pdf(html).startswith(b"%PDF-")


def test_notice_states_rights_and_deadline(make_case):
    due = dt.date(2026, 12, 7)
    case = make_case(
        "notified",
        proposed_kinds=["fine"],
        proposed_fine=Decimal("5000"),
        hearing_offered=True,
        reply_due=due,
        notice_served_on=dt.date(2026, 11, 30),
    )
    html = document_html(case, "penalty_notice")
    assert "陈述、申辩" in html and "要求听证" in html and "2026年12月7日前" in html
    assert "罚款人民币5,000.00元" in html and "伍仟元整" in html


def test_versions_increase_per_kind(cast, make_case):
    case = decided_case(make_case)
    first = document_generate(actor=cast.officer_a, case=case, kind="decision")
    second = document_generate(actor=cast.supervisor_a, case=case, kind="decision")
    receipt = document_generate(actor=cast.officer_a, case=case, kind="service_receipt")
    assert (first.version, second.version, receipt.version) == (1, 2, 1)
    assert first.file.name != second.file.name
    other = decided_case(make_case)
    assert document_generate(actor=cast.officer_a, case=other, kind="decision").version == 1


def test_document_for_a_stage_not_reached_is_refused(cast, make_case, audit_count):
    case = make_case("investigating")
    before = audit_count()
    with pytest.raises(ValidationError, match="cannot be made at this stage"):
        document_generate(actor=cast.officer_a, case=case, kind="decision")
    with pytest.raises(ValidationError):
        document_generate(actor=cast.officer_a, case=case, kind="no_such_document")
    assert not CaseDocument.objects.exists()
    assert audit_count() == before


def test_only_handlers_and_supervisors_generate(cast, make_case, audit_count):
    case = decided_case(make_case)
    before = audit_count()
    for person in (cast.officer_b, cast.reviewer_a):
        with pytest.raises(PermissionDenied):
            document_generate(actor=person, case=case, kind="decision")
    assert not CaseDocument.objects.exists()
    assert audit_count() == before


# --- views --------------------------------------------------------------------------------------------------


def test_create_and_download(cast, make_case, client_for):
    case = decided_case(make_case)
    client = client_for(cast.officer_a)
    response = client.post(reverse("cases:document-new", args=[case.pk]), {"kind": "decision"})
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url() + "#documents"
    document = CaseDocument.objects.get(case=case)
    response = client.get(reverse("cases:document-file", args=[case.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and hashlib.sha256(body).hexdigest() == document.sha256


def test_create_view_refuses_wrong_stage_with_message(cast, make_case, client_for):
    case = make_case("investigating")
    response = client_for(cast.officer_a).post(
        reverse("cases:document-new", args=[case.pk]), {"kind": "decision"}
    )
    assert response.status_code == 302
    assert not CaseDocument.objects.exists()


def test_outsider_gets_404(cast, make_case, client_for, audit_count):
    case = decided_case(make_case)
    document = document_generate(actor=cast.officer_a, case=case, kind="decision")
    before = audit_count()
    client = client_for(cast.officer_b)
    assert client.get(reverse("cases:document-file", args=[case.pk, document.pk])).status_code == 404
    assert client.post(reverse("cases:document-new", args=[case.pk]), {"kind": "decision"}).status_code == 404
    assert CaseDocument.objects.count() == 1
    assert audit_count() == before


def test_document_of_another_case_is_404(cast, make_case, client_for):
    case = decided_case(make_case)
    other = decided_case(make_case)
    document = document_generate(actor=cast.officer_a, case=other, kind="decision")
    assert (
        client_for(cast.officer_a)
        .get(reverse("cases:document-file", args=[case.pk, document.pk]))
        .status_code
        == 404
    )


def test_public_is_sent_to_login(cast, make_case, client_for):
    case = decided_case(make_case)
    document = document_generate(actor=cast.officer_a, case=case, kind="decision")
    client = client_for(None)
    for response in (
        client.get(reverse("cases:document-file", args=[case.pk, document.pk])),
        client.post(reverse("cases:document-new", args=[case.pk]), {"kind": "decision"}),
    ):
        assert response.status_code == 302 and reverse("login") in response["Location"]
    assert CaseDocument.objects.count() == 1


def test_case_page_lists_documents_and_generate_buttons(cast, make_case, client_for):
    case = decided_case(make_case)
    document = document_generate(actor=cast.officer_a, case=case, kind="decision")
    html = client_for(cast.officer_a).get(case.get_absolute_url()).content.decode()
    assert reverse("cases:document-file", args=[case.pk, document.pk]) in html
    assert 'data-testid="generate-service_receipt"' in html
    assert 'data-testid="generate-closing_approval"' not in html


def test_the_seal_carries_the_date_of_the_act_not_of_printing(make_case):
    import datetime as dt
    import re

    from cases.documents import chinese_date, document_html

    case = make_case(
        "served",
        fine=300,
        penalty_kinds=["fine"],
        decided_on=dt.date(2026, 3, 2),
        served_on=dt.date(2026, 3, 4),
        proposed_fine=300,
        proposed_kinds=["fine"],
    )
    seal = re.search(r'<div class="seal">(.*?)</div>\s*</div>', document_html(case, "decision"), re.S)
    assert seal is not None and chinese_date(dt.date(2026, 3, 2)) in seal.group(0)
    receipt = document_html(case, "service_receipt")
    assert chinese_date(dt.date(2026, 3, 4)) in receipt
