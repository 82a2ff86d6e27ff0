"""The inspection's notices as PDF (WeasyPrint, as for case documents): the inspection notice (检查通知书)
with the task's inspection code as a QR image, and the one combined rectification notice (责令整改通知书)
listing every failure with the body that holds the power and its own deadline.

They are served on the business, so they are always in Chinese: the templates hold literal Chinese text, and
the values are formatted here. Each generation is a new version of its kind for the task, stored with its size
and
SHA-256 and written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cases.numerals import chinese_date
from enforcement import clock
from enforcement.audit import audit_record
from enforcement.models import Unit, User
from enforcement.rules import require

from .models import InspectionDocument, InspectionTask, TaskInvitation, TaskPoint
from .rules import can_generate_inspection_document
from .selectors import CODE_VISIBLE
from .workflow import PointResult, TaskKind, TaskStatus

Kind = InspectionDocument.Kind

TITLES: dict[str, str] = {Kind.NOTICE: "检查通知书", Kind.RECTIFICATION: "责令整改通知书"}
NUMBER_MARKS: dict[str, str] = {Kind.NOTICE: "检通", Kind.RECTIFICATION: "责改"}
KIND_NAMES: dict[str, str] = {
    TaskKind.ROUTINE: "日常检查",
    TaskKind.SPECIAL: "专项检查",
    TaskKind.CLUE: "线索核查",
    TaskKind.IMMEDIATE: "即时检查",
}
HOLDER_KINDS: dict[str, str] = {"statutory": "法定", "empowered": "赋权", "delegated": "委托"}
RECONSIDERATION_DAYS = "六十"
LITIGATION_MONTHS = "六"


def documents_available(task: InspectionTask) -> list[str]:
    """The notice once the plan is approved and the task has its code; the rectification notice once the check
    is finished with at least one failed point."""
    kinds: list[str] = []
    if task.code and task.status in CODE_VISIBLE:
        kinds.append(Kind.NOTICE)
    if (
        task.status in {TaskStatus.CHECKED, TaskStatus.CLOSED}
        and task.points.filter(result=PointResult.FAIL).exists()
    ):
        kinds.append(Kind.RECTIFICATION)
    return kinds


def qr_svg_data_uri(url: str) -> str:
    """The QR image of a URL as an SVG data URI (segno: pure Python, no image library)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def qr_svg(url: str) -> bytes:
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False)
    return out.getvalue()


@dataclass(frozen=True)
class Row:
    number: int
    text: str
    note: str
    major: bool
    basis: str
    holder: str
    deadline: str


def rule_broken(basis: str) -> str:
    """The rule a failure breaks, from a basis written as the catalog writes it (违则：… 罚则：…): the 违则
    part; the penalty clause belongs to the case, not to the order to rectify."""
    text = basis.split("罚则")[0].strip()
    return text.removeprefix("违则：").removeprefix("违则:").strip() or basis


def _unit_name(unit: Unit | None) -> str:
    if unit is None:
        return "—"
    return unit.name_zh


def _officers(task: InspectionTask) -> list[dict[str, str]]:
    return [
        {
            "name": o.officer.full_name or o.officer.username,
            "unit": o.unit.name_zh,
            "certificate": o.certificate_number,
        }
        for o in task.officers.select_related("officer", "unit").order_by("pk")
    ]


def _items(task: InspectionTask) -> list[dict[str, Any]]:
    items: dict[int, dict[str, Any]] = {}
    for row in task.points.select_related("point__item").order_by("point__item__code", "point__code"):
        item = row.point.item
        entry = items.setdefault(
            item.pk, {"code": item.code, "name": item.name_zh, "basis": item.legal_basis, "points": []}
        )
        entry["points"].append(row.point.text_zh)
    return list(items.values())


def _failures(task: InspectionTask) -> list[Row]:
    rows = (
        TaskPoint.objects.filter(task=task, result=PointResult.FAIL)
        .select_related("point__item", "holder_town", "holder_department")
        .order_by("point__item__code", "point__code")
    )
    return [
        Row(
            number=n,
            text=row.point.text_zh,
            note=row.note,
            major=row.major,
            basis=rule_broken(row.point.legal_basis),
            holder=_unit_name(row.holder_town or row.holder_department),
            deadline=chinese_date(row.rectify_by) if row.rectify_by else "立即改正",
        )
        for n, row in enumerate(rows, start=1)
    ]


def _number(task: InspectionTask, kind: str) -> str:
    prefix = task.lead_unit.case_prefix or ""
    year = (task.approved_at or task.created_at).year if kind == Kind.NOTICE else clock.today().year
    return f"{prefix}{NUMBER_MARKS[kind]}〔{year}〕{task.pk}号"


def document_context(task: InspectionTask, kind: str, code_url: str, on: dt.date) -> dict[str, Any]:
    lead = task.lead_unit
    partners = [
        i.department.name_zh
        for i in task.invitations.filter(status=TaskInvitation.Status.ACCEPTED)
        .select_related("department")
        .order_by("pk")
    ]
    organisation = task.subject.kind == "organisation"
    visited = task.entered_at or None
    return {
        "task": task,
        "title": TITLES[kind],
        "number": _number(task, kind),
        "acting_name": (lead.team_name or lead.name_zh) if lead.is_town else lead.name_zh,
        "partners": partners,
        "partners_text": "、".join(partners),
        "kind_name": KIND_NAMES.get(task.kind, ""),
        "planned_on": chinese_date(task.planned_on),
        "visited_on": chinese_date(visited or task.planned_on),
        "approved_on": chinese_date(task.approved_at),
        "signed_on": chinese_date(task.approved_at if kind == Kind.NOTICE else on),
        "subject": task.subject,
        "identifier_label": "统一社会信用代码" if organisation else "身份证号码",
        "you": "你单位" if organisation else "你",
        "items": _items(task),
        "officers": _officers(task),
        "headcount": task.headcount,
        "failures": _failures(task) if kind == Kind.RECTIFICATION else [],
        "code_url": code_url,
        "qr": qr_svg_data_uri(code_url) if kind == Kind.NOTICE and code_url else "",
        "reconsideration_body": f"{task.district.name_zh}人民政府",
        "reconsideration_days": RECONSIDERATION_DAYS,
        "litigation_months": LITIGATION_MONTHS,
        "signatory": task.business_signatory,
    }


def document_html(task: InspectionTask, kind: str, code_url: str, on: dt.date | None = None) -> str:
    with translation.override("zh-hans"):  # Chinese whatever the user's language
        return render_to_string(
            f"inspections/documents/{kind}.html", document_context(task, kind, code_url, on or clock.today())
        )


def inspection_document_generate(
    *, actor: User, task: InspectionTask, kind: str, code_url: str
) -> InspectionDocument:
    """Render the notice and store it as the next version of its kind; PermissionDenied, or ValidationError
    when the notice does not fit the task's state. `code_url`: the public code page's absolute address (for
    the QR)."""
    from cases.documents import render_pdf

    task = InspectionTask.objects.select_related("lead_unit", "subject", "district").get(
        pk=task.pk
    )  # as it is now
    require(
        can_generate_inspection_document(actor, task),
        _("Only officers of the leading unit make this inspection's notices."),
    )
    if kind not in Kind.values:
        raise ValidationError(_("Unknown kind of document “%(kind)s”.") % {"kind": kind}, code="kind")
    if kind not in documents_available(task):
        raise ValidationError(
            _("“%(document)s” cannot be made while the inspection is “%(status)s”.")
            % {"document": Kind(kind).label, "status": task.get_status_display()},
            code="state",
        )
    pdf = render_pdf(document_html(task, kind, code_url))  # a few hundred ms: before taking the lock
    sha256 = hashlib.sha256(pdf).hexdigest()
    row: InspectionDocument | None = None
    try:
        with transaction.atomic():
            InspectionTask.objects.select_for_update().filter(pk=task.pk).values_list("pk", flat=True).get()
            last = (
                InspectionDocument.objects.filter(task=task, kind=kind).aggregate(v=Max("version"))["v"] or 0
            )
            row = InspectionDocument(
                task=task,
                kind=kind,
                version=last + 1,
                size=len(pdf),
                sha256=sha256,
                generated_by=actor,
                generated_at=clock.now(),
            )
            row.file.save(f"{kind}.pdf", ContentFile(pdf), save=False)
            row.save()
            audit_record(
                actor=actor,
                action="inspections.document.generate",
                obj=task,
                town=task.town,
                after={"document": row.pk, "kind": kind, "version": row.version, "sha256": sha256},
            )
    except BaseException:
        if row is not None and row.file.name:
            row.file.delete(save=False)
        raise
    return row
