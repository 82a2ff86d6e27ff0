"""Enforcement documents (执法文书) generated from a case as PDF with WeasyPrint.

The documents are legal instruments served on the party, so they are always in Chinese: their templates hold
literal Chinese text, and dates and amounts are formatted here, not by the active language. Each generation is
a new version of that kind of document for the case, stored with its size and SHA-256, on the timeline and in
the audit trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from authority.penalties import BASIS_WORDS, DOCUMENT_NAMES, FineBasis, PenaltyKind
from enforcement.audit import audit_record
from enforcement.models import Certificate, User
from enforcement.rules import require

from . import clock, rules
from .models import Case, CaseDocument, CaseEvent
from .workflow import Stage

Kind = CaseDocument.Kind

TITLES: dict[str, str] = {
    Kind.FILING_APPROVAL: "立案审批表",
    Kind.CORRECTION_ORDER: "责令改正通知书",
    Kind.PENALTY_NOTICE: "行政处罚告知书",
    Kind.HEARING_NOTICE: "听证通知书",
    Kind.DECISION: "行政处罚决定书",
    Kind.SERVICE_RECEIPT: "送达回证",
    Kind.CLOSING_APPROVAL: "结案审批表",
}
SOURCE_NAMES: dict[str, str] = {
    "patrol": "日常巡查",
    "complaint": "投诉举报",
    "inspection": "综合查一次",
    "whistle": "吹哨报到",
    "referral": "移送",
    "camera": "技术监控",
}
SERVICE_METHODS: dict[str, str] = {
    "direct": "直接送达",
    "in_person": "直接送达",
    "left": "留置送达",
    "lodged": "留置送达",
    "mail": "邮寄送达",
    "post": "邮寄送达",
    "electronic": "电子送达",
    "entrusted": "委托送达",
    "public": "公告送达",
}
PAYMENT_CHANNELS: dict[str, str] = {"bank": "银行缴纳", "online": "网上缴纳", "on_spot": "当场收缴"}
EVIDENCE_NAMES: dict[str, str] = {
    "photo": "现场照片",
    "video": "视听资料（视频）",
    "audio": "视听资料（录音）",
    "pdf": "书证",
    "record": "笔录",
}

# Working days to ask for a hearing (art 64) and the remedies (行政复议法 art 20, 行政诉讼法 art 46).
HEARING_REQUEST_DAYS = 5
RECONSIDERATION_DAYS = 60
LITIGATION_MONTHS = 6
PAYMENT_DAYS = 15
LATE_FEE_PERCENT_PER_DAY = 3

AFTER_NOTICE = frozenset({Stage.NOTIFIED, Stage.HEARING, Stage.LEGAL_REVIEW, Stage.DECIDING})
AFTER_DECISION = frozenset({Stage.DECIDED, Stage.SERVED, Stage.EXECUTED})
FINISHED = frozenset({Stage.CLOSED, Stage.ARCHIVED})
FILING_ONWARDS = frozenset(
    {Stage.FILING_REVIEW, Stage.INVESTIGATING, Stage.CORRECTING} | AFTER_NOTICE | AFTER_DECISION | FINISHED
)


# --- amounts in words ---------------------------------------------------------------------------------------

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


def _group_capital(group: int) -> str:
    """1..9999 in capital numerals, with one 零 for each run of inner zeros (1005: 壹仟零伍)."""
    out = ""
    pending_zero = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += DIGITS[digit] + SMALL_UNITS[position]
    return out


def _integer_capital(number: int) -> str:
    if number == 0:
        return "零"
    groups: list[int] = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    if len(groups) > len(GROUP_UNITS):
        raise ValueError("amount too large")
    out = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or group < 1000):
            out += "零"
        out += _group_capital(group) + GROUP_UNITS[index]
        pending_zero = group % 10 == 0
    return out


def yuan_in_capitals(amount: Decimal | int | str) -> str:
    """An amount of yuan in Chinese capital numerals (大写), as on a bank slip or a decision.

    1234.50 → 壹仟贰佰叁拾肆元伍角整; 1005 → 壹仟零伍元整; 200 → 贰佰元整; 0.05 → 伍分; 16409.02 → 壹万陆仟肆
    佰零玖元零贰分.整 follows 元 or 角, never 分 (人民银行《正确填写票据和结算凭证的基本规定》)."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("negative amount")
    fen_total = int(value * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    if fen_total == 0:
        return "零元整"
    out = _integer_capital(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return out + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return out


LOWER_DIGITS = "〇一二三四五六七八九"


def chinese_count(number: int) -> str:
    """A small count in ordinary Chinese numerals, as legal texts write periods: 5 → 五, 15 → 十五, 60 → 六
    十."""
    if not 0 <= number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    if tens == 0:
        return LOWER_DIGITS[ones]
    return ("" if tens == 1 else LOWER_DIGITS[tens]) + "十" + (LOWER_DIGITS[ones] if ones else "")


def yuan_figures(amount: Decimal | None) -> str:
    """1234.5 → 1,234.50 (no unit; the templates say 元)."""
    if amount is None:
        return ""
    return f"{Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def chinese_date(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return f"{day.year}年{day.month}月{day.day}日"


# --- which documents make sense now -------------------------------------------------------------------------


def _decided_with_penalty(case: Case) -> bool:
    if case.stage in AFTER_DECISION:
        return True
    return case.stage in FINISHED and case.decided_on is not None and bool(case.penalty_kinds)


def documents_available(case: Case) -> list[str]:
    """The kinds of document that fit the case's stage, in procedure order."""
    normal = case.procedure != "simple"
    decided = _decided_with_penalty(case)
    kinds: list[str] = []
    if case.filed_on is not None or (
        normal and case.stage in FILING_ONWARDS and (case.stage not in FINISHED or decided)
    ):
        kinds.append(Kind.FILING_APPROVAL)
    if case.stage == Stage.CORRECTING or case.correction_due is not None:
        kinds.append(Kind.CORRECTION_ORDER)
    if normal and (case.stage in AFTER_NOTICE or case.notice_served_on is not None or decided):
        kinds.append(Kind.PENALTY_NOTICE)
    if case.hearing_on is not None:
        kinds.append(Kind.HEARING_NOTICE)
    if decided:
        kinds += [Kind.DECISION, Kind.SERVICE_RECEIPT]
    if case.stage in {Stage.EXECUTED} | FINISHED:
        kinds.append(Kind.CLOSING_APPROVAL)
    return kinds


def documents_available_choices(case: Case) -> list[tuple[str, str]]:
    return [(kind, str(Kind(kind).label)) for kind in documents_available(case)]


# --- rendering ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerLine:
    name: str
    certificate: str  # empty: no valid certificate on the document date
    lead: bool


def _officers(case: Case, day: dt.date) -> list[OfficerLine]:
    lines = []
    for role in case.officers.select_related("officer").order_by("-lead", "assigned_at", "pk"):
        if not role.active:
            continue
        certificate = (
            Certificate.objects.filter(holder=role.officer).valid_on(day).order_by("-valid_to").first()
        )
        lines.append(
            OfficerLine(
                role.officer.full_name or role.officer.username,
                certificate.number if certificate else "",
                role.lead,
            )
        )
    return lines


def _cause(case: Case) -> str:
    """案由: the item's name without "对……的行政处罚" (对擅自占道经营的行政处罚 → 擅自占道经营)."""
    if case.item is None:
        return case.title
    name = case.item.name_zh
    name = name.removeprefix("对")
    return name.removesuffix("的行政处罚").removesuffix("行政处罚") or case.item.name_zh


def _yuan_text(amount: Decimal) -> str:
    return f"人民币{yuan_figures(amount)}元（大写：{yuan_in_capitals(amount)}）"


def _fine_basis_text(case: Case) -> str:
    """ "按违法所得人民币2,000.00元计" for a fine by multiples, so the decision shows what it was computed
    from."""
    item = case.item
    if item is None or item.fine_basis == FineBasis.AMOUNT:
        return ""
    fines = item.fine_range(case.amounts)
    if not fines.by_multiple or fines.base is None:
        return ""
    return f"，按{BASIS_WORDS[fines.basis]}人民币{yuan_figures(fines.base)}元计"


def _penalty_text(case: Case, kinds: list[str], fine: Decimal | None) -> str:
    """Each penalty as a decision states it (art 59): the fine and the gains confiscated in figures and in
    words, the property confiscated with its value, and what a suspension, revocation, limit or closure
    applies to."""
    parts = []
    particulars = case.penalty_particulars or {}
    for kind in kinds or []:
        name = DOCUMENT_NAMES.get(kind, kind)
        if kind == PenaltyKind.FINE and fine is not None:
            parts.append(f"罚款{_yuan_text(fine)}{_fine_basis_text(case)}")
        elif kind == PenaltyKind.CONFISCATE_GAINS and case.illegal_gains is not None:
            parts.append(f"{name}{_yuan_text(case.illegal_gains)}")
        elif kind == PenaltyKind.CONFISCATE_PROPERTY and case.confiscated_property.strip():
            value = (
                f"（价值人民币{yuan_figures(case.confiscated_value)}元）"
                if case.confiscated_value is not None
                else ""
            )
            parts.append(f"{name}：{_clause(case.confiscated_property)}{value}")
        elif str(particulars.get(kind) or "").strip():
            parts.append(f"{name}（{_clause(particulars[kind])}）")
        else:
            parts.append(name)
    if not parts and fine:
        parts.append(f"罚款{_yuan_text(fine)}")
    return "；".join(parts)


def _signed_on(case: Case, kind: str) -> dt.date | None:
    dates: dict[str, dt.date | None] = {
        Kind.FILING_APPROVAL: case.filed_on,
        Kind.PENALTY_NOTICE: case.notice_served_on,
        Kind.DECISION: case.decided_on,
        Kind.SERVICE_RECEIPT: case.served_on,
        Kind.CLOSING_APPROVAL: case.closed_on,
    }
    return dates.get(kind)


def _clause(text: str) -> str:
    """A clause quoted inside a sentence: without its own closing punctuation."""
    return (text or "").strip().rstrip("。；;.， ")


def document_context(case: Case, kind: str, on: dt.date) -> dict[str, Any]:
    town = case.town
    district = case.district
    acting = case.acting_name or town.name_zh
    item = case.item
    organisation = case.party_kind == "organisation"
    fine = case.fine if case.fine is not None else None
    proposed_fine = case.proposed_fine
    title = TITLES[kind]
    return {
        "case": case,
        "kind": kind,
        "title": title,
        "acting_name": acting,
        "team_name": town.team_name or town.name_zh,
        "district_name": district.name_zh,
        "reconsideration_body": f"{district.name_zh}人民政府",
        "number": case.number or f"（线索{case.pk}）",
        "today": chinese_date(on),
        # The date under the seal is the date of the act the document records, not the day it was printed.
        "signed_on": chinese_date(_signed_on(case, kind) or on),
        "rule_text": _clause(item.rule_broken if item else ""),
        "penalty_clause_text": _clause(item.penalty_clause if item else ""),
        "party": {
            "name": case.party_name,
            "kind": "单位" if organisation else "个人",
            "organisation": organisation,
            "identifier_label": "统一社会信用代码" if organisation else "身份证号码",
            "identifier": case.party_identifier,
            "address": case.party_address,
            "representative": case.party_representative,
            "contact": case.party_contact,
            "age": case.party_age,
            "you": "你单位" if organisation else "你",
        },
        "act_on": chinese_date(case.act_on),
        "act_ended_on": chinese_date(case.act_ended_on),
        "discovered_on": chinese_date(case.discovered_on),
        "filed_on": chinese_date(case.filed_on),
        "source": SOURCE_NAMES.get(case.source, case.source),
        "item": item,
        "cause": _cause(case),
        "officers": _officers(case, on),
        "correction_due": chinese_date(case.correction_due),
        "notice_served_on": chinese_date(case.notice_served_on),
        "reply_due": chinese_date(case.reply_due),
        "hearing_on": chinese_date(case.hearing_on),
        "hearing_request_days": chinese_count(HEARING_REQUEST_DAYS),
        "proposed_penalty": _penalty_text(case, case.proposed_kinds, proposed_fine),
        "proposed_fine": yuan_figures(proposed_fine),
        "proposed_fine_capitals": yuan_in_capitals(proposed_fine) if proposed_fine is not None else "",
        "decided_on": chinese_date(case.decided_on),
        "penalty": _penalty_text(case, case.penalty_kinds, fine),
        "fine": yuan_figures(fine),
        "fine_capitals": yuan_in_capitals(fine) if fine is not None else "",
        "has_fine": bool(fine),
        "confiscated": yuan_figures(case.confiscated),
        "confiscated_capitals": yuan_in_capitals(case.confiscated) if case.confiscated else "",
        "payment_days": chinese_count(PAYMENT_DAYS),
        "late_fee_percent": chinese_count(LATE_FEE_PERCENT_PER_DAY),
        "reconsideration_days": chinese_count(RECONSIDERATION_DAYS),
        "litigation_months": chinese_count(LITIGATION_MONTHS),
        "payment_due": chinese_date(case.payment_due),
        "served_on": chinese_date(case.served_on),
        "service_method": SERVICE_METHODS.get(case.service_method, case.service_method),
        "paid_on": chinese_date(case.paid_on),
        "amount_paid": yuan_figures(case.amount_paid),
        "late_fee": yuan_figures(case.late_fee),
        "payment_channel": PAYMENT_CHANNELS.get(case.payment_channel, case.payment_channel),
        "closed_on": chinese_date(case.closed_on),
        "evidence": [
            {
                "name": EVIDENCE_NAMES.get(e.kind, e.kind),
                "caption": e.caption,
                "taken": chinese_date(e.taken_at),
            }
            for e in case.evidence.order_by("uploaded_at", "pk")
        ],
        "review_opinion": case.review_opinion,
        "outcome": case.outcome,
    }


def document_html(case: Case, kind: str, on: dt.date | None = None) -> str:
    day = on or clock.today()
    # The documents are Chinese whatever the user's language: nothing in them is translated, but filters and
    # number formats follow the active language, so pin it.
    with translation.override("zh-hans"):
        return render_to_string(f"cases/documents/{kind}.html", document_context(case, kind, day))


def render_pdf(html: str) -> bytes:
    import weasyprint  # imported here: it loads Pango and fonts, which most processes never need

    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


# --- the service --------------------------------------------------------------------------------------------


def document_generate(*, actor: User, case: Case, kind: str) -> CaseDocument:
    """Render the document, store it as the next version of its kind for the case; raises PermissionDenied, or
    ValidationError when the document does not fit the case's stage."""
    require(rules.can_generate_document(actor, case), "you may not generate documents for this case")
    if kind not in Kind.values:
        raise ValidationError(_("Unknown kind of document “%(kind)s”.") % {"kind": kind}, code="kind")
    if kind not in documents_available(case):
        raise ValidationError(
            _("“%(document)s” cannot be made at this stage of the case (%(stage)s).")
            % {"document": Kind(kind).label, "stage": Stage(case.stage).label},
            code="stage",
        )
    # Rendering takes a few hundred milliseconds: do it before taking the lock.
    pdf = render_pdf(document_html(case, kind))
    sha256 = hashlib.sha256(pdf).hexdigest()
    row: CaseDocument | None = None
    try:
        with transaction.atomic():
            Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
            last = CaseDocument.objects.filter(case=case, kind=kind).aggregate(v=Max("version"))["v"] or 0
            row = CaseDocument(
                case=case,
                kind=kind,
                version=last + 1,
                size=len(pdf),
                sha256=sha256,
                generated_by=actor,
                generated_at=clock.now(),
            )
            row.file.save(f"{kind}.pdf", ContentFile(pdf), save=False)
            row.save()
            data = {
                "document": row.pk,
                "kind": kind,
                "version": row.version,
                "sha256": sha256,
                "size": row.size,
            }
            CaseEvent.objects.create(
                case=case, action="document", actor=actor, at=row.generated_at, note=TITLES[kind], data=data
            )
            audit_record(
                actor=actor,
                action="cases.document.generate",
                obj=row,
                town=case.town,
                summary=f"{case.reference}: {TITLES[kind]} v{row.version}",
                after={**data, "case": case.pk},
            )
    except BaseException:
        if row is not None and row.file.name:
            row.file.delete(save=False)
        raise
    return row
