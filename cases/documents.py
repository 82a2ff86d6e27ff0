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
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from authority.penalties import BASIS_WORDS, DOCUMENT_NAMES, FineBasis, PenaltyKind
from enforcement.audit import audit_record
from enforcement.models import Certificate, OutboxMessage, User
from enforcement.rules import require

from . import clock, rules
from . import document_text as text
from .models import Case, CaseDocument, CaseEvent, DocumentRequest, DocumentSequence
from .numerals import chinese_count, chinese_date, document_amount, yuan_figures, yuan_in_capitals
from .review import review_rows
from .workflow import Stage

__all__ = [  # the numerals are used by callers of this module
    "chinese_count",
    "chinese_date",
    "document_generate",
    "document_html",
    "document_preview",
    "document_render",
    "document_request",
    "documents_available",
    "render_pdf",
    "yuan_figures",
    "yuan_in_capitals",
]

Kind = CaseDocument.Kind

TITLES: dict[str, str] = {
    Kind.FILING_APPROVAL: "立案审批表",
    Kind.CORRECTION_ORDER: "责令改正通知书",
    Kind.PENALTY_NOTICE: "行政处罚告知书",
    Kind.HEARING_NOTICE: "听证通知书",
    Kind.DECISION: "行政处罚决定书",
    Kind.SERVICE_RECEIPT: "送达回证",
    Kind.CLOSING_APPROVAL: "结案审批表",
    Kind.LEGAL_REVIEW: "法制审核意见书",
}
# The kinds practice numbers on their own (文号), with the word in the number: 渝中石油路罚决〔2026〕3号. The
# approval forms and the receipt carry the case number.
NUMBERED_KINDS: dict[str, str] = {
    Kind.CORRECTION_ORDER: "责改",
    Kind.PENALTY_NOTICE: "罚告",
    Kind.HEARING_NOTICE: "听通",
    Kind.DECISION: "罚决",
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
    if case.review_checklist or case.reviewed_at is not None:
        kinds.append(Kind.LEGAL_REVIEW)
    if case.stage in {Stage.EXECUTED} | FINISHED:
        kinds.append(Kind.CLOSING_APPROVAL)
    return kinds


def documents_previewable(case: Case) -> list[str]:
    """What may be seen as a draft PDF: the documents of the stage, and the next one before its act (the
    notice while investigating, the review form during review, the decision while it is being decided)."""
    kinds = documents_available(case)
    upcoming = {
        Stage.INVESTIGATING: [Kind.PENALTY_NOTICE],
        Stage.LEGAL_REVIEW: [Kind.LEGAL_REVIEW, Kind.DECISION],
        Stage.DECIDING: [Kind.DECISION],
    }.get(Stage(case.stage), [])
    if case.procedure == "simple":
        upcoming = []
    return kinds + [k for k in upcoming if k not in kinds]


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
    return document_amount(amount)


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


def document_context(
    case: Case, kind: str, on: dt.date, *, number: str = "", draft: bool = False
) -> dict[str, Any]:
    town = case.town
    district = case.district
    item = case.item
    organisation = case.party_kind == "organisation"
    # A draft decision shows the penalty proposed in the notice until one is decided.
    drafting_decision = draft and case.decided_on is None
    kinds = case.proposed_kinds if drafting_decision else case.penalty_kinds
    fine = case.proposed_fine if drafting_decision else case.fine
    proposed_fine = case.proposed_fine
    title = TITLES[kind]
    case_number = case.number or f"（线索{case.pk}）"
    return {
        "case": case,
        "kind": kind,
        "title": title,
        "draft": draft,
        "acting_name": text.organ_name(case),
        "team_name": town.team_name or town.name_zh,
        "district_name": district.name_zh,
        "reconsideration_body": f"{district.name_zh}人民政府",
        "number": number or case_number,
        "case_number": case_number,
        "decision_number": _last_number(case, Kind.DECISION) or case_number,
        "today": chinese_date(on),
        # The date under the seal is the date of the act the document records, not the day it was printed.
        "signed_on": chinese_date(_signed_on(case, kind) or on),
        "rule_text": _clause(item.rule_broken if item else ""),
        "rule_cite": _cite(item.rule_broken if item else ""),
        "penalty_cite": _cite(item.penalty_clause if item else ""),
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
        "findings": text.findings_text(case),
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
        "penalty": _penalty_text(case, kinds, fine),
        "discretion": text.discretion_text(case, fine) if kind == Kind.DECISION else "",
        "fine": yuan_figures(fine),
        "fine_capitals": yuan_in_capitals(fine) if fine is not None else "",
        "has_fine": bool(fine),
        "payment_account": text.payment_account(case),
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
        "evidence": text.evidence_lines(case),
        "review_opinion": case.review_opinion,
        "review_points": review_rows(case),
        "reviewer": _person(case.reviewed_by),
        "reviewed_on": chinese_date(case.reviewed_at),
        "outcome": case.outcome,
        "approval": _approval(case, kind),
    }


def _cite(clause: str) -> str:
    """The article cited, without its quoted text: 《消防法》第十六条：机关…… → 《消防法》第十六条."""
    return _clause(clause.split("：")[0].split(":")[0]) if clause else ""


def _person(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


# The approval forms print the supervisor's answer the case recorded: the step that approved and its wording
# when the supervisor gave none.
APPROVED_BY: dict[str, tuple[str, str]] = {
    Kind.FILING_APPROVAL: ("approve_filing", "同意立案。"),
    Kind.CLOSING_APPROVAL: ("close", "同意结案。"),
}


def _approval(case: Case, kind: str) -> dict[str, str] | None:
    """The recorded approval of the form's request (opinion, who, when), or None while it waits."""
    if kind not in APPROVED_BY:
        return None
    action, wording = APPROVED_BY[kind]
    events = CaseEvent.objects.filter(case=case, action=action).select_related("actor")
    event = events.order_by("-at", "-pk").first()
    if event is None:
        return None
    note = _clause(event.note.strip())
    return {
        "opinion": f"{note}。" if note else wording,
        "name": _person(event.actor),
        "on": chinese_date(timezone.localdate(event.at)),
    }


def _last_number(case: Case, kind: str) -> str:
    return (
        CaseDocument.objects.filter(case=case, kind=kind)
        .exclude(number="")
        .order_by("-version")
        .values_list("number", flat=True)
        .first()
        or ""
    )


def document_html(
    case: Case, kind: str, on: dt.date | None = None, *, number: str = "", draft: bool = False
) -> str:
    day = on or clock.today()
    if not number and kind in NUMBERED_KINDS:
        number = _last_number(case, kind) or (
            f"{_number_prefix(case, kind)}〔{day.year}〕  号" if draft else ""
        )
    # The documents are Chinese whatever the user's language: nothing in them is translated, but filters and
    # number formats follow the active language, so pin it.
    with translation.override("zh-hans"):
        context = document_context(case, kind, day, number=number, draft=draft)
        return render_to_string(f"cases/documents/{kind}.html", context)


def render_pdf(html: str) -> bytes:
    import weasyprint  # imported here: it loads Pango and fonts, which most processes never need

    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


# --- the service --------------------------------------------------------------------------------------------


def _number_prefix(case: Case, kind: str) -> str:
    prefix = (case.town.case_prefix or f"{case.town.name_zh}执").removesuffix("执")
    return f"{prefix}{NUMBERED_KINDS[kind]}"


def _take_number(case: Case, kind: str, today: dt.date) -> str:
    """The next 文号 of the kind for the town and year, under a row lock; never reused."""
    sequence, _created = DocumentSequence.objects.select_for_update().get_or_create(
        town=case.town, year=today.year, kind=kind
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{_number_prefix(case, kind)}〔{today.year}〕{sequence.last}号"


def _check_kind(case: Case, kind: str, allowed: list[str]) -> None:
    if kind not in Kind.values:
        raise ValidationError(_("Unknown kind of document “%(kind)s”.") % {"kind": kind}, code="kind")
    if kind not in allowed:
        raise ValidationError(
            _("“%(document)s” cannot be made at this stage of the case (%(stage)s).")
            % {"document": Kind(kind).label, "stage": Stage(case.stage).label},
            code="stage",
        )


def document_preview(*, actor: User, case: Case, kind: str) -> bytes:
    """The document as a draft PDF (marked 草稿, no number taken, nothing stored)."""
    require(rules.can_generate_document(actor, case), "you may not see this case's documents")
    _check_kind(case, kind, documents_previewable(case))
    return render_pdf(document_html(case, kind, draft=True))


def document_generate(*, actor: User, case: Case, kind: str) -> CaseDocument:
    """Render the document, store it as the next version of its kind for the case; raises PermissionDenied, or
    ValidationError when the document does not fit the case's stage. The first version of a numbered kind
    takes its 文号; later versions keep it."""
    require(rules.can_generate_document(actor, case), "you may not generate documents for this case")
    _check_kind(case, kind, documents_available(case))
    number = _last_number(case, kind)
    pdf = b""
    if kind not in NUMBERED_KINDS or number:
        # Rendering takes a few hundred milliseconds: done before the lock when no number is taken.
        pdf = render_pdf(document_html(case, kind, number=number))
    row: CaseDocument | None = None
    try:
        with transaction.atomic():
            Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
            last = CaseDocument.objects.filter(case=case, kind=kind).aggregate(v=Max("version"))["v"] or 0
            if kind in NUMBERED_KINDS and not number:
                number = _last_number(case, kind) or _take_number(case, kind, clock.today())
                pdf = render_pdf(document_html(case, kind, number=number))
            sha256 = hashlib.sha256(pdf).hexdigest()
            row = CaseDocument(
                case=case,
                kind=kind,
                version=last + 1,
                number=number,
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
                "number": number,
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
                summary=f"{case.reference}: {TITLES[kind]} {number or ''} v{row.version}".replace("  ", " "),
                after={**data, "case": case.pk},
            )
    except BaseException:
        if row is not None and row.file.name:
            row.file.delete(save=False)
        raise
    return row


# --- generated by a worker ----------------------------------------------------------------------------------


def document_request(*, actor: User, case: Case, kind: str) -> DocumentRequest:
    """Ask for a document to be generated by a worker (a PDF takes seconds; the page shows it as being
    generated meanwhile). The same checks as generating it at once, now and again when it is rendered. With
    the broker down the request is rendered here and now instead, so the officer never waits on an outage
    (and the queued task, relayed later, finds it done)."""
    from enforcement.outbox import enqueue

    from .tasks import document_render_task

    require(rules.can_generate_document(actor, case), "you may not generate documents for this case")
    _check_kind(case, kind, documents_available(case))
    with transaction.atomic():
        request = DocumentRequest.objects.create(
            case=case, kind=kind, requested_by=actor, requested_at=clock.now()
        )
        message = enqueue(document_render_task, request.pk)
    if (
        transaction.get_connection().in_atomic_block
        or OutboxMessage.objects.filter(pk=message, sent_at__isnull=True).exists()
    ):
        document_render(request_id=request.pk)  # not relayed (no broker, or not committed yet): render now
    request.refresh_from_db()
    return request


def document_render(*, request_id: int) -> DocumentRequest | None:
    """Render a requested document, once: the request is locked while it is rendered (a second worker, or a
    retry, skips it or finds it finished). A refusal (the case moved on meanwhile) is kept as the error."""
    with transaction.atomic():
        request = (
            DocumentRequest.objects.select_for_update(skip_locked=True)
            .select_related("case", "case__town", "requested_by")
            .filter(pk=request_id, status=DocumentRequest.Status.PENDING)
            .first()
        )
        if request is None:
            return None  # done, failed, or being rendered by someone else
        try:
            with transaction.atomic():
                document = document_generate(actor=request.requested_by, case=request.case, kind=request.kind)
        except (ValidationError, PermissionDenied) as exc:
            request.status = DocumentRequest.Status.FAILED
            request.error = " ".join(str(m) for m in getattr(exc, "messages", [str(exc)]))[:300]
        else:
            request.status, request.document = DocumentRequest.Status.DONE, document
        request.finished_at = clock.now()
        request.save(update_fields=["status", "document", "error", "finished_at"])
    return request
