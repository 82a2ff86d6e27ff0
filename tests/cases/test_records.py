"""On-site and inquiry records (现场笔录 / 询问笔录): made through the service, signed on the screen, stored
as a PDF of kind "record" with its hash; refused without both officers' signatures, without the party's
signature or a recorded refusal, with a blank canvas; refused to an officer of another town and to a
responder."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from cases.models import CaseEvent, Evidence, OnSiteRecord
from cases.records import RecordInput, record_create
from enforcement.models import AuditEvent, Unit

LEGAL_NAME = "测试市测试区甲街道办事处"


def signature(seed: int = 0, *, blank: bool = False, white: bool = False) -> str:
    """A canvas export: transparent (or white) with a stroke, or nothing drawn."""
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 255) if white else (0, 0, 0, 0))
    if not blank:
        draw = ImageDraw.Draw(image)
        draw.line([(20, 150 - seed * 5), (200, 40), (380, 160), (560, 50 + seed * 7)], fill="black", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return "".join("".join(line.split()) for line in out.splitlines())


def inquiry(cast, **changes) -> RecordInput:
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=40)
    values = {
        "kind": "inquiry",
        "place": "测试路1号门前",
        "started_at": start,
        "ended_at": start + dt.timedelta(minutes=30),
        "officer_1": cast.officer_a,
        "officer_2": cast.officer_a2,
        "person_name": "张三",
        "person_role": "party",
        "person_id_kind": "id_card",
        "person_id_number": "500103198001010001",
        "rights_told": True,
        "questions": [
            {"q": "货架是谁摆放的？", "a": "是我摆放的。"},
            {"q": "摆放了多长时间？", "a": "大约三天。"},
        ],
        "party_signature": signature(1),
        "officer_1_signature": signature(2),
        "officer_2_signature": signature(3),
    }
    values.update(changes)
    return RecordInput(**values)


def test_an_inquiry_record_is_signed_stored_as_evidence_and_audited(cast, make_case):
    Unit.objects.filter(pk=cast.town_a.pk).update(legal_name=LEGAL_NAME)
    cast.town_a.refresh_from_db()
    case = make_case("investigating")
    record = record_create(actor=cast.officer_a, case=case, data=inquiry(cast))
    evidence = record.pdf
    assert evidence.kind == Evidence.Kind.RECORD and evidence.content_type == "application/pdf"
    pdf = evidence.file.read()
    assert hashlib.sha256(pdf).hexdigest() == evidence.sha256
    assert record.officer_1_certificate and record.officer_2_certificate
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["cases.evidence.add", "cases.record.create"]
    assert CaseEvent.objects.filter(case=case, action="evidence", data__evidence=evidence.pk).exists()
    text = pdf_text(pdf)
    assert "询问笔录" in text
    assert LEGAL_NAME in text
    for words in ("问：货架是谁摆放的？", "答：是我摆放的。", "问：摆放了多长时间？", "答：大约三天。"):
        assert words in text
    assert "张三" in text and "甲执法员" in text and "甲执法员二" in text
    assert record.officer_1_certificate in text and record.officer_2_certificate in text
    assert "以上笔录我已看过，与我所说的相符" in text
    assert "告知" in text
    assert "第1页共" in text
    assert text.count("询问笔录") == 1 and text.count(LEGAL_NAME) == 1


def test_an_on_site_record_with_the_party_refusing_to_sign(cast, make_case):
    case = make_case("investigating")
    data = inquiry(
        cast,
        kind="inspection",
        questions=[],
        findings="店外占道摆放货架三组，面积约3平方米。\n现场拍照四张。",
        party_signature="",
        party_refused=True,
        refusal_reason="认为不需要签字",
        refusal_witness="李四（邻铺店主）",
    )
    record = record_create(actor=cast.officer_a2, case=case, data=data)
    assert record.party_refused and bytes(record.party_signature) == b""
    text = pdf_text(record.pdf.file.read())
    assert "现场笔录" in text and "现场检查情况" in text
    assert "店外占道摆放货架三组，面积约3平方米。" in text and "现场拍照四张。" in text
    assert "拒绝签名" in text and "拒签理由：认为不需要签字" in text and "见证人：李四（邻铺店主）" in text
    assert "以上笔录我已看过" not in text


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"party_signature": signature(blank=True)}, "party_signature", "blank"),
        ({"party_signature": signature(blank=True, white=True)}, "party_signature", "blank"),
        ({"officer_1_signature": ""}, "officer_1_signature", "has not signed"),
        ({"officer_2_signature": signature(blank=True)}, "officer_2_signature", "blank"),
        ({"officer_2_signature": "data:image/png;base64,AAAA"}, "officer_2_signature", "not a PNG"),
        ({"party_signature": ""}, "party_signature", "has not signed"),
        ({"party_signature": "", "party_refused": True}, "refusal_reason", "reason"),
        (
            {"party_signature": "", "party_refused": True, "refusal_reason": "不签"},
            "refusal_witness",
            "witness",
        ),
        ({"questions": []}, "questions", "at least one question"),
        ({"questions": [{"q": "谁摆的？", "a": ""}]}, "questions", "answer"),
        ({"rights_told": False}, "rights_told", "rights"),
        ({"kind": "inspection", "findings": ""}, "findings", "found on site"),
    ],
)
def test_a_record_is_refused_with_a_clear_error(cast, make_case, changes, field, words):
    case = make_case("investigating")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        record_create(actor=cast.officer_a, case=case, data=inquiry(cast, **changes))
    assert words in " ".join(caught.value.message_dict[field])
    assert AuditEvent.objects.count() == before
    assert not Evidence.objects.filter(case=case).exists() and not OnSiteRecord.objects.exists()


def test_the_same_officer_twice_and_an_officer_not_on_the_case_are_refused(cast, make_case):
    case = make_case("investigating")
    with pytest.raises(ValidationError) as caught:
        record_create(actor=cast.officer_a, case=case, data=inquiry(cast, officer_2=cast.officer_a))
    assert "officer_2" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        record_create(actor=cast.officer_a, case=case, data=inquiry(cast, officer_2=cast.officer_b))
    assert "not a handling officer" in " ".join(caught.value.message_dict["officer_2"])


@pytest.mark.parametrize("who", ["officer_b", "responder", "reviewer_a"])
def test_others_may_not_make_a_record(cast, make_case, who):
    case = make_case("investigating")
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        record_create(actor=getattr(cast, who), case=case, data=inquiry(cast))
    assert AuditEvent.objects.count() == before and not Evidence.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("officer_b", 404), ("responder", 404), ("reviewer_a", 403)])
def test_the_form_is_denied(cast, make_case, client_for, who, status):
    case = make_case("investigating")
    url = reverse("cases:record-new", args=[case.pk, "inquiry"])
    assert client_for(getattr(cast, who)).get(url).status_code == status
    assert client_for(getattr(cast, who)).post(url, {"place": "x"}).status_code == status
    assert not OnSiteRecord.objects.exists()


def test_the_page_posts_a_record_and_the_case_page_links_its_pdf(cast, make_case, client_for):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    url = reverse("cases:record-new", args=[case.pk, "inquiry"])
    page = client.get(url)
    assert page.status_code == 200 and "signature_pad" in page.content.decode()
    start = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=30)
    form = {
        "place": "测试路1号门前",
        "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (start + dt.timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M"),
        "officer_1": cast.officer_a.pk,
        "officer_2": cast.officer_a2.pk,
        "person_name": "张三",
        "person_role": "party",
        "rights_told": "on",
        "question": ["货架是谁的？", "第二问"],
        "answer": ["我的。", "第二答"],
        "party_signature": signature(blank=True),
        "officer_1_signature": signature(1),
        "officer_2_signature": signature(2),
    }
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "张三的签名为空白" in refused.content.decode()  # in the default language, naming the signer
    assert "第二答" in refused.content.decode()  # the rows typed are kept
    form["party_signature"] = signature(3)
    done = client.post(url, form)
    assert done.status_code == 302, done.content.decode()[:2000]
    record = OnSiteRecord.objects.get()
    assert record.questions == [{"q": "货架是谁的？", "a": "我的。"}, {"q": "第二问", "a": "第二答"}]
    detail = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    link = reverse("cases:evidence-file", args=[case.pk, record.pdf_id])
    assert link in detail
    assert b"%PDF" in b"".join(client.get(link).streaming_content)[:10]


def test_the_api_lists_and_makes_records(cast, make_case, client_for):
    case = make_case("investigating")
    url = reverse("api-case-records", args=[case.pk])
    client = client_for(cast.officer_a)
    data = inquiry(cast)
    body = {
        "kind": "inquiry",
        "place": data.place,
        "started_at": data.started_at.isoformat(),
        "ended_at": data.ended_at.isoformat(),
        "officer_1": cast.officer_a.pk,
        "officer_2": cast.officer_a2.pk,
        "person_name": "张三",
        "person_role": "party",
        "rights_told": True,
        "questions": data.questions,
        "party_signature": signature(blank=True),
        "officer_1_signature": signature(1),
        "officer_2_signature": signature(2),
    }
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400 and "party_signature" in refused.json()["errors"]
    body["party_signature"] = signature(3)
    made = client.post(url, body, content_type="application/json")
    assert made.status_code == 201, made.json()
    assert made.json()["sha256"] == Evidence.objects.get().sha256
    listed = client.get(url).json()
    assert [row["id"] for row in listed] == [made.json()["id"]]
    pdf = client.get(listed[0]["pdf_url"])
    assert pdf.status_code == 200
    assert client_for(cast.officer_b).get(url).status_code == 404
    assert client_for(cast.responder).post(url, body, content_type="application/json").status_code == 404
    assert client_for(cast.reviewer_a).post(url, body, content_type="application/json").status_code == 403
    assert OnSiteRecord.objects.count() == 1


def test_a_long_record_carries_the_partys_signature_at_the_foot_of_every_page(cast, make_case):
    case = make_case("investigating")
    answer = "货架摆放在店门外的人行道上，大约占用了三平方米，我每天早上八点摆出去，晚上九点收回来。" * 2
    questions = [{"q": f"第{i}个问题：货架摆放在什么位置？", "a": answer} for i in range(1, 13)]
    record = record_create(actor=cast.officer_a, case=case, data=inquiry(cast, questions=questions))
    text = pdf_text(record.pdf.file.read())
    pages = int(text.split("共")[-1].removesuffix("页"))
    assert pages >= 2
    assert text.count("被询问人签名：") == pages
    assert text.count("以上笔录我已看过，与我所说的相符") == 1
    assert text.count("询问笔录") == 1


def test_a_correction_is_a_new_record_that_names_the_one_it_corrects(cast, make_case, client_for):
    case = make_case("investigating")
    first = record_create(actor=cast.officer_a, case=case, data=inquiry(cast))
    second = record_create(actor=cast.officer_a, case=case, data=inquiry(cast, corrects=first))
    assert second.corrects == first and first.pdf_id != second.pdf_id
    text = pdf_text(second.pdf.file.read())
    assert "本笔录更正" in text and "询问笔录" in text
    other = make_case("investigating")
    with pytest.raises(ValidationError) as caught:
        record_create(actor=cast.officer_a, case=other, data=inquiry(cast, corrects=first))
    assert "corrects" in caught.value.message_dict
    page = client_for(cast.officer_a).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert page.count('data-testid="record-corrected"') == 1
    form = client_for(cast.officer_a).get(
        reverse("cases:record-new", args=[case.pk, "inquiry"]) + f"?corrects={first.pk}"
    )
    assert 'data-testid="record-corrects"' in form.content.decode()
