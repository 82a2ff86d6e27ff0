"""Every write to the core goes through here: atomic, with an audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .audit import audit_record, audit_verify
from .models import (
    AuditCheck,
    Certificate,
    District,
    FenceWarning,
    Role,
    Secondment,
    Subject,
    Unit,
    User,
    role_group_names,
)
from .rules import can_manage_unit, can_review_warning, require


@transaction.atomic
def district_create(*, actor: User | None, code: str, name_zh: str, name_en: str = "") -> District:
    district = District.objects.create(code=code, name_zh=name_zh, name_en=name_en)
    audit_record(
        actor=actor,
        action="enforcement.district.create",
        obj=district,
        after={"code": code, "name_zh": name_zh},
    )
    return district


@transaction.atomic
def unit_create(
    *,
    actor: User | None,
    district: District,
    kind: str,
    code: str,
    name_zh: str,
    name_en: str = "",
    team_name: str = "",
    case_prefix: str = "",
    domain: str = "",
    legal_name: str = "",
    payment_account: str = "",
) -> Unit:
    group, _ = Group.objects.get_or_create(name=f"unit:{code}")
    unit = Unit.objects.create(
        district=district,
        kind=kind,
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        team_name=team_name,
        case_prefix=case_prefix,
        domain=domain,
        legal_name=legal_name,
        payment_account=payment_account,
        group=group,
    )
    audit_record(
        actor=actor,
        action="enforcement.unit.create",
        obj=unit,
        town=unit if kind == Unit.Kind.TOWN else None,
        after={"kind": kind, "code": code, "name_zh": name_zh, "legal_name": legal_name, "domain": domain},
    )
    return unit


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    unit: Unit | None,
    roles: Iterable[str] = (),
    full_name: str = "",
    phone: str = "",
) -> User:
    if actor is not None and unit is not None:
        require(can_manage_unit(actor, unit))
    user = User.objects.create_user(
        username=username, password=password, unit=unit, full_name=full_name, phone=phone
    )
    role_list = sorted(set(roles))
    for role in role_list:
        if role not in Role.values:
            raise ValueError(f"unknown role {role!r}")
    if unit is not None:
        user.groups.add(unit.group)
    user.groups.add(*[Group.objects.get_or_create(name=n)[0] for n in role_group_names(role_list)])
    audit_record(
        actor=actor,
        action="enforcement.user.create",
        obj=user,
        town=unit if unit is not None and unit.is_town else None,
        after={"username": username, "unit": unit.code if unit else None, "roles": role_list},
    )
    return user


@transaction.atomic
def certificate_issue(
    *,
    actor: User | None,
    holder: User,
    number: str,
    issuing_body: str,
    valid_from: dt.date,
    valid_to: dt.date,
    domains: Iterable[str] = (),
) -> Certificate:
    if actor is not None and holder.unit is not None:
        require(can_manage_unit(actor, holder.unit))
    certificate = Certificate.objects.create(
        holder=holder,
        number=number,
        issuing_body=issuing_body,
        valid_from=valid_from,
        valid_to=valid_to,
        domains=sorted(set(domains)),
    )
    audit_record(
        actor=actor,
        action="enforcement.certificate.issue",
        obj=certificate,
        after={"holder": holder.username, "number": number, "valid_from": valid_from, "valid_to": valid_to},
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate) -> Certificate:
    if certificate.holder.unit is not None:
        require(can_manage_unit(actor, certificate.holder.unit))
    updated = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    certificate.refresh_from_db()
    if updated:
        audit_record(
            actor=actor,
            action="enforcement.certificate.revoke",
            obj=certificate,
            before={"revoked": False},
            after={"revoked": True},
        )
    return certificate


@transaction.atomic
def secondment_create(
    *,
    actor: User | None,
    officer: User,
    town: Unit,
    start: dt.date,
    end: dt.date | None = None,
    kind: str = Secondment.Kind.STATIONED,
    document: str = "",
) -> Secondment:
    if actor is not None:
        require(can_manage_unit(actor, town))
    if not town.is_town:
        raise ValueError("officers are seconded to town teams")
    secondment = Secondment.objects.create(
        officer=officer, town=town, start=start, end=end, kind=kind, document=document
    )
    audit_record(
        actor=actor,
        action="enforcement.secondment.create",
        obj=secondment,
        town=town,
        after={"officer": officer.username, "town": town.code, "start": start, "end": end, "kind": kind},
    )
    return secondment


def normalise_identifier(identifier: str) -> str:
    return "".join(identifier.split()).upper()


@transaction.atomic
def subject_get_or_create(
    *, actor: User | None, district: District, kind: str, name: str, identifier: str = "", address: str = ""
) -> Subject:
    """One registry row per identifier in a district; without an identifier, a new row each time. Two requests
    registering the same party at once make one row: the unique constraint decides, the loser takes the
    winner's."""
    identifier = normalise_identifier(identifier)
    if identifier:
        existing = Subject.objects.filter(district=district, identifier=identifier).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives losing the race
            subject = Subject.objects.create(
                district=district,
                kind=kind,
                name=name.strip(),
                identifier=identifier,
                address=address.strip(),
            )
    except IntegrityError:
        if not identifier:
            raise
        return Subject.objects.get(district=district, identifier=identifier)
    audit_record(
        actor=actor,
        action="enforcement.subject.create",
        obj=subject,
        after={"name": subject.name, "identifier": identifier},
    )
    return subject


def fence_warning_raise(
    *,
    rule: str,
    key: str,
    town: Unit,
    message: str,
    severity: str = FenceWarning.Severity.WARNING,
    subject: Subject | None = None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    officer: User | None = None,
) -> tuple[FenceWarning, bool]:
    """Raise a warning once per (rule, key); a second raise returns the first. Safe to call from retried
    tasks."""
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    try:
        with transaction.atomic():
            warning = FenceWarning.objects.create(
                rule=rule,
                key=key,
                town=town,
                district_id=town.district_id,
                officer=officer,
                subject=subject,
                object_type=object_type,
                object_id=object_id,
                severity=severity,
                message=message,
                details=details or {},
            )
            audit_record(
                actor=None,
                action="enforcement.fence.raise",
                obj=warning,
                town=town,
                after={"rule": rule, "key": key},
            )
            return warning, True
    except IntegrityError:
        return FenceWarning.objects.get(rule=rule, key=key), False


@transaction.atomic
def fence_warning_review(*, actor: User, warning: FenceWarning, status: str, note: str = "") -> FenceWarning:
    require(can_review_warning(actor, warning))
    if status not in (FenceWarning.Status.CONFIRMED, FenceWarning.Status.DISMISSED):
        raise ValueError("a review confirms or dismisses")
    before = warning.status
    FenceWarning.objects.filter(pk=warning.pk).update(
        status=status, reviewed_by=actor, reviewed_at=timezone.now(), review_note=note
    )
    warning.refresh_from_db()
    audit_record(
        actor=actor,
        action="enforcement.fence.review",
        obj=warning,
        town=warning.town,
        before={"status": before},
        after={"status": status, "note": note},
    )
    return warning


def audit_check_run() -> AuditCheck:
    """Link what is pending, verify the chain and keep the result with the head it verified (a checkpoint).
    Changes no row's content, so safe to repeat."""
    report = audit_verify()
    return AuditCheck.objects.create(
        rows=report.rows,
        ok=report.ok,
        first_break=str(report.first_break or ""),
        head_seq=report.head_seq if report.ok else 0,
        head_hash=report.head_hash if report.ok else "",
    )


def audit_check_request() -> None:
    """Ask a worker to verify the chain once the current transaction commits."""
    from .outbox import enqueue
    from .tasks import audit_check_task

    enqueue(audit_check_task)
