"""The PDF of an on-site record (现场笔录) or an inquiry record (询问笔录), in the official layout.

Like the other enforcement documents (cases.documents) it is always Chinese and printed on the organ's A4 page
(templates/documents/a4.html: the organ's legal name, the title, page numbers "第 x 页 共 y 页"). The
signatures are the PNGs drawn on the screen, embedded as data URLs; a refusal to sign is printed as the fact
it is, with the reason and the witness.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .document_text import organ_name
from .documents import render_pdf
from .models import OnSiteRecord
from .numerals import chinese_date
from .signatures import data_url

Kind = OnSiteRecord.Kind

TITLES: dict[str, str] = {Kind.INSPECTION: "现场笔录", Kind.INQUIRY: "询问笔录"}
ROLE_NAMES: dict[str, str] = {
    OnSiteRecord.PersonRole.PARTY: "当事人",
    OnSiteRecord.PersonRole.REPRESENTATIVE: "法定代表人（负责人）",
    OnSiteRecord.PersonRole.AGENT: "委托代理人",
    OnSiteRecord.PersonRole.WITNESS: "证人",
    OnSiteRecord.PersonRole.PRESENT: "现场人员",
}
ID_NAMES: dict[str, str] = {
    OnSiteRecord.IdKind.ID_CARD: "居民身份证",
    OnSiteRecord.IdKind.PASSPORT: "护照",
    OnSiteRecord.IdKind.OTHER: "其他证件",
}
RIGHTS_TOLD = (
    "执法人员已出示执法证件，表明身份，告知{you}：依法享有陈述、申辩的权利；认为执法人员与本案有利害关系"
    "的，有申请其回避的权利；应当如实回答询问，协助调查，不得阻挠。"
)
CONFIRM_LINES: dict[str, str] = {
    Kind.INQUIRY: "以上笔录我已看过，与我所说的相符。",
    Kind.INSPECTION: "以上笔录我已看过，与现场情况相符。",
}


def _time(moment: Any) -> str:
    local = timezone.localtime(moment)
    return f"{chinese_date(local)}{local.hour}时{local.minute:02d}分"


def _span(record: OnSiteRecord) -> str:
    start, end = timezone.localtime(record.started_at), timezone.localtime(record.ended_at)
    if start.date() == end.date():
        return f"{_time(start)}至{end.hour}时{end.minute:02d}分"
    return f"{_time(start)}至{_time(end)}"


def record_context(record: OnSiteRecord) -> dict[str, Any]:
    case = record.case
    inquiry = record.kind == Kind.INQUIRY
    return {
        "record": record,
        "inquiry": inquiry,
        "title": TITLES[record.kind],
        "acting_name": organ_name(case),
        "number": case.number or "",
        "case_title": case.title,
        "span": _span(record),
        "place": record.place,
        "officers": [
            {
                "name": record.officer_1.full_name or record.officer_1.username,
                "certificate": record.officer_1_certificate,
                "signature": data_url(bytes(record.officer_1_signature)),
            },
            {
                "name": record.officer_2.full_name or record.officer_2.username,
                "certificate": record.officer_2_certificate,
                "signature": data_url(bytes(record.officer_2_signature)),
            },
        ],
        "person_label": "被询问人" if inquiry else ROLE_NAMES[record.person_role],
        "role": ROLE_NAMES[record.person_role],
        "id_kind": ID_NAMES.get(record.person_id_kind, ""),
        "rights": RIGHTS_TOLD.format(you="被询问人" if inquiry else "当事人") if record.rights_told else "",
        "questions": record.questions,
        "findings": [line.strip() for line in record.findings.splitlines() if line.strip()],
        "confirm_line": CONFIRM_LINES[record.kind],
        "party_signature": data_url(bytes(record.party_signature)) if not record.party_refused else "",
        "signed_on": chinese_date(record.ended_at),
        "corrects": (
            f"本笔录更正{_time(record.corrects.started_at)}制作的{TITLES[record.corrects.kind]}。"
            if record.corrects is not None
            else ""
        ),
    }


def record_html(record: OnSiteRecord) -> str:
    with translation.override("zh-hans"):
        return render_to_string("cases/documents/onsite_record.html", record_context(record))


def record_pdf(record: OnSiteRecord) -> bytes:
    return render_pdf(record_html(record))
