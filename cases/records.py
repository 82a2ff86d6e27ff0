"""On-site records (现场笔录) and inquiry records (询问笔录): made on the officer's phone, signed on the
screen, stored as a PDF in the official layout as evidence of kind "record".

`record_create` is the one write: the page and the API both call it. It checks who may add evidence to the
case, the two officers (handling officers of the case with a certificate valid on the day), the signatures
(both officers', and the party's or the party's refusal with its reason and a witness), renders the PDF and
stores it through the evidence service (so the file's SHA-256, its timeline event and its audit row are made
the way every evidence file's are), then the record itself with an audit row of its own. A record is never
changed afterwards: a correction is a new record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit import audit_record
from enforcement.models import User
from enforcement.officers import officer_may_act
from enforcement.rules import require

from . import clock, rules
from .evidence import evidence_add
from .models import Case, OnSiteRecord
from .record_pdf import TITLES, record_pdf
from .signatures import png_from_data_url

Kind = OnSiteRecord.Kind
MAX_QUESTIONS = 200


@dataclass
class RecordInput:
    """What a record is made of, as the form or the API gives it (signatures as PNG data URLs)."""

    kind: str
    place: str
    started_at: dt.datetime
    ended_at: dt.datetime
    officer_1: User
    officer_2: User
    person_name: str
    person_role: str
    rights_told: bool
    person_id_kind: str = ""
    person_id_number: str = ""
    questions: list[dict[str, str]] = field(default_factory=list)
    findings: str = ""
    party_signature: str = ""
    party_refused: bool = False
    refusal_reason: str = ""
    refusal_witness: str = ""
    officer_1_signature: str = ""
    officer_2_signature: str = ""
    corrects: OnSiteRecord | None = None


def record_officer_choices(case: Case) -> list[User]:
    """Who may sign a record as an officer: the case's active handling officers, lead first."""
    return [
        row.officer
        for row in case.officers.select_related("officer").order_by("-lead", "assigned_at", "pk")
        if row.active
    ]


def _officer_certificate(
    case: Case, officer: User, day: dt.date, errors: dict[str, list[str]], key: str
) -> str:
    if officer.pk not in {o.pk for o in record_officer_choices(case)}:
        errors.setdefault(key, []).append(
            _("%(name)s is not a handling officer of this case.") % {"name": officer}
        )
        return ""
    eligibility = officer_may_act(officer, day, town=case.town)
    if not eligibility.ok or eligibility.certificate is None:
        errors.setdefault(key, []).append(str(eligibility.reason))
        return ""
    return eligibility.certificate.number


def _clean_questions(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    for row in rows:
        q, a = str(row.get("q", "") or "").strip(), str(row.get("a", "") or "").strip()
        if q or a:
            cleaned.append({"q": q, "a": a})
    return cleaned


def _check(case: Case, data: RecordInput) -> tuple[OnSiteRecord, dict[str, list[str]]]:
    """The unsaved record and the problems found, per field."""
    errors: dict[str, list[str]] = {}

    def problem(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if data.corrects is not None and (data.corrects.case_id != case.pk or data.corrects.kind != data.kind):
        problem("corrects", _("A correction must be a record of the same kind in the same case."))
    if data.kind not in Kind.values:
        problem("kind", _("Unknown kind of record “%(kind)s”.") % {"kind": str(data.kind)[:20]})
    if not data.place.strip():
        problem("place", _("Say where the record was made."))
    if data.ended_at < data.started_at:
        problem("ended_at", _("The record cannot end before it starts."))
    if data.started_at > clock.now() + dt.timedelta(minutes=5):
        problem("started_at", _("The record cannot start in the future."))
    if not data.person_name.strip():
        problem("person_name", _("Give the name of the person."))
    if data.person_role not in OnSiteRecord.PersonRole.values:
        problem("person_role", _("Choose the person's role."))
    if data.person_id_kind and data.person_id_kind not in OnSiteRecord.IdKind.values:
        problem("person_id_kind", _("Choose a kind of ID document from the list."))
    if data.person_id_number.strip() and not data.person_id_kind:
        problem("person_id_kind", _("Say which document the ID number is from."))
    if not data.rights_told:
        problem(
            "rights_told",
            _(
                "Tell the person their rights (to state their case, to defend themselves, to ask an officer "
                "to step aside) and confirm it here."
            ),
        )
    questions = _clean_questions(data.questions)
    if data.kind == Kind.INQUIRY:
        if not questions:
            problem("questions", _("An inquiry record needs at least one question and its answer."))
        elif len(questions) > MAX_QUESTIONS:
            problem("questions", _("At most %(n)d questions in one record.") % {"n": MAX_QUESTIONS})
        elif any(not row["q"] or not row["a"] for row in questions):
            problem("questions", _("Each question needs its answer (write “no answer” if none was given)."))
    if data.kind == Kind.INSPECTION and not data.findings.strip():
        problem("findings", _("Write what was found on site."))
    if data.officer_1.pk == data.officer_2.pk:
        problem("officer_2", _("Two different officers must make the record (art 42)."))
    day = timezone.localdate(data.started_at)
    certificate_1 = _officer_certificate(case, data.officer_1, day, errors, "officer_1")
    certificate_2 = _officer_certificate(case, data.officer_2, day, errors, "officer_2")

    signatures: dict[str, bytes] = {}
    for key, value, who in (
        ("officer_1_signature", data.officer_1_signature, str(data.officer_1)),
        ("officer_2_signature", data.officer_2_signature, str(data.officer_2)),
    ):
        try:
            signatures[key] = png_from_data_url(value, who=who)
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.messages)
    if data.party_refused:
        if not data.refusal_reason.strip():
            problem("refusal_reason", _("Record the reason the person gave for refusing to sign."))
        if not data.refusal_witness.strip():
            problem("refusal_witness", _("Name the witness present when the person refused to sign."))
        signatures["party_signature"] = b""
    else:
        try:
            signatures["party_signature"] = png_from_data_url(
                data.party_signature, who=data.person_name.strip() or _("The person")
            )
        except ValidationError as exc:
            errors.setdefault("party_signature", []).extend(exc.messages)

    record = OnSiteRecord(
        case=case,
        kind=data.kind,
        place=data.place.strip()[:200],
        started_at=data.started_at,
        ended_at=data.ended_at,
        officer_1=data.officer_1,
        officer_1_certificate=certificate_1,
        officer_2=data.officer_2,
        officer_2_certificate=certificate_2,
        person_name=data.person_name.strip()[:100],
        person_id_kind=data.person_id_kind,
        person_id_number=data.person_id_number.strip()[:40],
        person_role=data.person_role,
        rights_told=data.rights_told,
        questions=questions if data.kind == Kind.INQUIRY else [],
        findings=data.findings.strip(),
        party_refused=data.party_refused,
        refusal_reason=data.refusal_reason.strip()[:300] if data.party_refused else "",
        refusal_witness=data.refusal_witness.strip()[:100] if data.party_refused else "",
        party_signature=signatures.get("party_signature", b""),
        officer_1_signature=signatures.get("officer_1_signature", b""),
        officer_2_signature=signatures.get("officer_2_signature", b""),
        corrects=data.corrects,
    )
    return record, errors


def record_create(*, actor: User, case: Case, data: RecordInput) -> OnSiteRecord:
    """Make the record, its PDF and its evidence row. Raises PermissionDenied, or ValidationError with the
    problems per field (nothing written)."""
    require(rules.can_add_evidence(actor, case), "you may not add evidence to this case")
    record, errors = _check(case, data)
    if errors:
        raise ValidationError(errors)
    record.created_by = actor
    record.created_at = clock.now()
    pdf = record_pdf(record)
    title = TITLES[record.kind]
    name = f"{title}-{record.person_name}-{timezone.localtime(record.started_at):%Y%m%d-%H%M}.pdf"
    upload = SimpleUploadedFile(name, pdf, content_type="application/pdf")
    evidence = None
    try:
        with transaction.atomic():
            evidence = evidence_add(
                actor=actor,
                case=case,
                upload=upload,
                caption=f"{title}（{record.person_name}）",
                kind="record",
                taken_at=record.ended_at,
            )
            record.pdf = evidence
            record.save()
            audit_record(
                actor=actor,
                action="cases.record.create",
                obj=record,
                town=case.town,
                summary=f"{case.reference}: {title} {record.person_name}",
                after=_audit_data(record),
            )
    except ValidationError as exc:
        if evidence is not None and evidence.file.name:
            evidence.file.delete(save=False)
        # The evidence service's refusal (the officers of the case, art 42) lands above the form.
        raise ValidationError({"__all__": exc.messages}) from exc
    except BaseException:
        if evidence is not None and evidence.file.name:
            evidence.file.delete(save=False)
        raise
    return record


def _audit_data(record: OnSiteRecord) -> dict[str, Any]:
    return {
        "case": record.case_id,
        "kind": record.kind,
        "pdf": record.pdf_id,
        "sha256": record.pdf.sha256,
        "place": record.place,
        "started_at": record.started_at.isoformat(),
        "ended_at": record.ended_at.isoformat(),
        "officers": [record.officer_1_id, record.officer_2_id],
        "person": record.person_name,
        "person_role": record.person_role,
        "questions": len(record.questions),
        "party_refused": record.party_refused,
        "refusal_reason": record.refusal_reason,
        "refusal_witness": record.refusal_witness,
        "corrects": record.corrects_id,
    }
