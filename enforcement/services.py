"""Every write to the core goes through here: atomic, with an audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext as _

from . import fences
from .audit import audit_record, audit_verify
from .fences import BLOCK, WARNING, WRITTEN_IN_KEY, Finding, fence_rule, validate_params
from .models import (
    AuditCheck,
    Certificate,
    City,
    District,
    FenceRuleSetting,
    FenceWarning,
    Role,
    Secondment,
    Subject,
    Unit,
    User,
    role_group_names,
)
from .rules import (
    can_edit_fence_settings,
    can_manage_unit,
    can_review_warning,
    can_set_escalation,
    require,
)
from .workflow import StaleObject, Transition, Workflow

S = FenceWarning.Status


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
    city: City | None = None,
) -> User:
    if actor is not None and unit is not None:
        require(can_manage_unit(actor, unit))
    if actor is not None and city is not None:
        require(actor.is_superuser)  # city people are made by the platform's administrators
    user = User.objects.create_user(
        username=username, password=password, unit=unit, full_name=full_name, phone=phone, city=city
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
        after={
            "username": username,
            "unit": unit.code if unit else None,
            "roles": role_list,
            **({"city": city.code} if city else {}),
        },
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
            fences.warnings_event(fences.RAISED, [warning])
            return warning, True
    except IntegrityError:
        return FenceWarning.objects.get(rule=rule, key=key), False


# The review of a warning as data: from where each outcome may be given (enforcement.workflow).
FENCE_REVIEW: Workflow[Transition[str, str]] = Workflow(
    [
        Transition(S.ACKNOWLEDGED.value, frozenset({S.OPEN.value}), S.ACKNOWLEDGED.value),
        Transition(S.JUSTIFIED.value, frozenset({S.OPEN.value, S.ACKNOWLEDGED.value}), S.JUSTIFIED.value),
        Transition(S.CONFIRMED.value, frozenset({S.OPEN.value, S.ACKNOWLEDGED.value}), S.CONFIRMED.value),
        Transition(S.DISMISSED.value, frozenset({S.OPEN.value, S.ACKNOWLEDGED.value}), S.DISMISSED.value),
        Transition(S.RESOLVED.value, frozenset({S.CONFIRMED.value}), S.RESOLVED.value),
    ],
    refuse=lambda action, current: _refuse_review(action, current),
)


def _refuse_review(action: str, current: str) -> str:
    return gettext("This warning is already “%(status)s”: it cannot be marked “%(outcome)s” now.") % {
        "status": _status_label(current),
        "outcome": _status_label(action),
    }


def _status_label(value: str) -> str:
    try:
        return str(S(value).label)
    except ValueError:
        return value


def fence_findings_record(
    *,
    actor: User | None,
    action: str,
    key: str,
    findings: Iterable[Finding],
    town: Unit,
    obj: models.Model | None = None,
    subject: Subject | None = None,
    officer: User | None = None,
    reason: str = "",
) -> list[FenceWarning]:
    """Keep what the fences said about an action, one row per (rule, `key`) so a retry changes nothing:
    prompts as they are, warnings with the reason the person gave to go on (reason, reason_by, reason_at and
    an audit row), blocks as refused attempts. Runs in the caller's transaction; for a refused action call it
    in a transaction of its own after the refusal rolled back (`fence_refusal_record`)."""
    rows = []
    now = timezone.now()
    for finding in findings:
        # Flat, as the desk shows them (one labelled line per key): the rule's facts, the article, and the
        # suggestions (e.g. whistle the department) when there are any.
        details: dict[str, Any] = {**dict(finding.facts), "article": finding.article}
        if finding.links:
            details["links"] = [{"label": label, "url": url} for label, url in finding.links]
        if language := get_language():  # the message is in the acting person's language: the desk says so
            details[WRITTEN_IN_KEY] = language
        suffix = f":{finding.digest()}" if finding.severity == BLOCK else ""
        warning, created = fence_warning_raise(
            rule=finding.rule,
            key=f"{key}{suffix}"[:200],
            town=town,
            message=finding.message[:500],
            severity=finding.severity,
            subject=subject,
            obj=obj,
            details=details,
            officer=officer or actor,
        )
        if created and finding.severity == WARNING and reason.strip():
            FenceWarning.objects.filter(pk=warning.pk).update(
                reason=reason.strip(), reason_by=actor, reason_at=now
            )
            warning.reason, warning.reason_by, warning.reason_at = reason.strip(), actor, now
            audit_record(
                actor=actor,
                action="enforcement.fence.proceed",
                obj=warning,
                town=town,
                after={"rule": finding.rule, "action": action, "reason": reason.strip()},
            )
        elif created and finding.severity == BLOCK:
            audit_record(
                actor=actor,
                action="enforcement.fence.refuse",
                obj=warning,
                town=town,
                after={"rule": finding.rule, "action": action},
            )
        rows.append(warning)
    return rows


def fence_refusal_record(**kwargs: Any) -> list[FenceWarning]:
    """`fence_findings_record` for an action the fences refused: in its own transaction, after the refused
    one rolled back, so supervisors see the attempt. Never lets its own failure hide the refusal."""
    try:
        with transaction.atomic():
            return fence_findings_record(**kwargs)
    except Exception:  # the refusal is what the person must see; a lost attempt row is logged
        import logging

        logging.getLogger(__name__).exception("recording a refused attempt failed")
        return []


@transaction.atomic
def fence_setting_change(
    *,
    actor: User,
    district: District,
    rule: str,
    effective_from: dt.date,
    params: dict[str, Any],
    enabled: bool = True,
    severity: str = "",
    note: str = "",
) -> FenceRuleSetting:
    """A district's new parameters for a rule, applying from `effective_from`; the earlier rows stay as its
    history. A locked rule (the law) may not be switched off or made milder. A second change for the same
    date replaces that date's row (audited with what it replaced)."""
    require(can_edit_fence_settings(actor, district))
    definition = fence_rule(rule)
    if definition is None:
        raise ValidationError({"rule": [_("No such rule.")]})
    params = validate_params(definition, params)
    if severity and severity not in FenceWarning.Severity.values:
        raise ValidationError({"severity": [_("Choose prompt, warning or block.")]})
    if definition.locked:
        ranks = {"prompt": 0, "warning": 1, "block": 2}
        if not enabled:
            raise ValidationError({"enabled": [_("This rule is the law: it cannot be switched off.")]})
        if severity and ranks[severity] < ranks[definition.severity]:
            raise ValidationError({"severity": [_("This rule is the law: its severity cannot be lowered.")]})
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("Say why the setting changes.")]})
    existing = (
        FenceRuleSetting.objects.select_for_update()
        .filter(district=district, rule=rule, effective_from=effective_from)
        .first()
    )
    before = (
        {"enabled": existing.enabled, "severity": existing.severity, "params": existing.params}
        if existing is not None
        else {}
    )
    values = {
        "enabled": enabled,
        "severity": severity,
        "params": params,
        "note": note[:300],
        "changed_by": actor,
        "changed_at": timezone.now(),
    }
    if existing is None:
        setting = FenceRuleSetting.objects.create(
            district=district, rule=rule, effective_from=effective_from, **values
        )
    else:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        setting = existing
    audit_record(
        actor=actor,
        action="enforcement.fence_setting.change",
        obj=setting,
        summary=f"{rule} {effective_from:%Y-%m-%d}",
        before=before,
        after={
            "rule": rule,
            "effective_from": effective_from,
            "enabled": enabled,
            "severity": severity,
            "params": params,
            "note": note,
        },
    )
    return setting


@transaction.atomic
def fence_warning_review(
    *, actor: User, warning: FenceWarning, status: str, note: str = "", follow_up: str = ""
) -> FenceWarning:
    """Give a warning its review outcome: acknowledged, justified (the reason holds), confirmed as a problem
    (with the follow-up asked), dismissed; a confirmed warning is later resolved. Raises PermissionDenied,
    ValidationError (a note or the follow-up missing), InvalidTransition (not from its current status) or
    StaleObject (someone reviewed it first: a conditional update, so two clicks never both win)."""
    require(can_review_warning(actor, warning), gettext("You may not review this warning."))
    FENCE_REVIEW.check_transition(warning.status, status)
    note, follow_up = note.strip(), follow_up.strip()
    if status in (S.JUSTIFIED, S.DISMISSED, S.RESOLVED) and not note:
        raise ValidationError({"note": [gettext("Say why in a note.")]})
    if status == S.CONFIRMED and not follow_up:
        raise ValidationError({"follow_up": [gettext("Say what follow-up you ask for.")]})
    now = timezone.now()
    before = {"status": warning.status}
    if status == S.RESOLVED:
        changes: dict[str, Any] = {
            "status": status,
            "resolved_at": now,
            "resolved_by": actor,
            "resolution_note": note,
        }
        after: dict[str, Any] = {"status": status, "note": note}
    else:
        changes = {
            "status": status,
            "reviewed_by": actor,
            "reviewed_at": now,
            "review_note": note,
            "follow_up": follow_up if status == S.CONFIRMED else "",
        }
        after = {"status": status, "note": note}
        if status == S.CONFIRMED:
            after["follow_up"] = follow_up
    moved = FenceWarning.objects.filter(pk=warning.pk, status=warning.status).update(**changes)
    if moved != 1:
        current = FenceWarning.objects.filter(pk=warning.pk).values_list("status", flat=True).first()
        raise StaleObject(
            gettext("Someone else reviewed this warning first (it is now “%(status)s”); nothing was changed.")
            % {"status": _status_label(current or "")}
        )
    warning.refresh_from_db()
    if status == S.RESOLVED:
        audit_record(
            actor=actor,
            action="enforcement.fence.resolve",
            obj=warning,
            town=warning.town,
            before=before,
            after=after,
        )
    else:
        audit_record(
            actor=actor,
            action="enforcement.fence.review",
            obj=warning,
            town=warning.town,
            before=before,
            after=after,
        )
    return warning


@dataclass(frozen=True)
class BulkAcknowledged:
    acknowledged: list[int]
    skipped: list[int]  # not open any more, not found, or not the actor's to review


@transaction.atomic
def fence_warnings_acknowledge(
    *, actor: User, warning_ids: Iterable[int], note: str = ""
) -> BulkAcknowledged:
    """Acknowledge many open warnings at once. The rows are locked first, so a warning someone reviews at the
    same moment is either acknowledged here or skipped, never both; each acknowledged one is audited."""
    wanted = sorted({int(pk) for pk in warning_ids})
    rows = list(
        FenceWarning.objects.select_for_update(of=("self",))
        .select_related("town")
        .filter(pk__in=wanted, status=S.OPEN)
        .order_by("pk")
    )
    mine = [w for w in rows if can_review_warning(actor, w)]
    now = timezone.now()
    FenceWarning.objects.filter(pk__in=[w.pk for w in mine], status=S.OPEN).update(
        status=S.ACKNOWLEDGED, reviewed_by=actor, reviewed_at=now, review_note=note.strip()
    )
    for warning in mine:
        audit_record(
            actor=actor,
            action="enforcement.fence.review",
            obj=warning,
            town=warning.town,
            before={"status": S.OPEN.value},
            after={"status": S.ACKNOWLEDGED.value, "note": note.strip(), "bulk": True},
        )
    done = [w.pk for w in mine]
    return BulkAcknowledged(acknowledged=done, skipped=[pk for pk in wanted if pk not in set(done)])


ESCALATION_BATCH = 500
# Prompts are shown and logged; what the person had to answer for (warning) or was refused (block) escalates.
ESCALATING_SEVERITIES = (FenceWarning.Severity.WARNING, FenceWarning.Severity.BLOCK)


@dataclass(frozen=True)
class Escalated:
    district: int
    city: int


def fence_warnings_escalate(*, now: dt.datetime | None = None, batch: int = ESCALATION_BATCH) -> Escalated:
    """Warnings left open past the district's time go to the district office; those the district leaves open
    past its city time reach the city (if the district has one). One conditional UPDATE per bounded batch, the
    candidates locked with SKIP LOCKED: a second run, or two at once, escalate nothing twice."""
    now = now or timezone.now()
    to_district = to_city = 0
    for district in District.objects.order_by("pk"):
        to_district += _escalate_district(district, now, batch)
        if district.city_id is not None:
            to_city += _escalate_city(district, now, batch)
    return Escalated(district=to_district, city=to_city)


def _escalate_district(district: District, now: dt.datetime, batch: int) -> int:
    candidates = FenceWarning.objects.filter(
        district=district,
        status=S.OPEN,
        escalation=FenceWarning.Escalation.NONE,
        severity__in=ESCALATING_SEVERITIES,
        raised_at__lte=now - dt.timedelta(hours=district.warning_escalation_hours),
    )
    return _escalate(candidates, FenceWarning.Escalation.DISTRICT, now, batch, fences.ESCALATED_DISTRICT)


def _escalate_city(district: District, now: dt.datetime, batch: int) -> int:
    candidates = FenceWarning.objects.filter(
        district=district,
        status=S.OPEN,
        escalation=FenceWarning.Escalation.DISTRICT,
        escalated_at__lte=now - dt.timedelta(hours=district.city_escalation_hours),
    )
    return _escalate(candidates, FenceWarning.Escalation.CITY, now, batch, fences.ESCALATED_CITY)


def _escalate(
    candidates: models.QuerySet[FenceWarning], to: str, now: dt.datetime, batch: int, event: str
) -> int:
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                candidates.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return total
            before = FenceWarning.Escalation.NONE if to == FenceWarning.Escalation.DISTRICT else "district"
            moved = candidates.filter(pk__in=ids).update(escalation=to, escalated_at=now)
            rows = list(FenceWarning.objects.filter(pk__in=ids, escalation=to).select_related("town"))
            for warning in rows:
                audit_record(
                    actor=None,
                    action="enforcement.fence.escalate",
                    obj=warning,
                    town=warning.town,
                    before={"escalation": str(before)},
                    after={"escalation": to},
                )
            fences.warnings_event(event, rows)
            total += moved
        if len(ids) < batch:
            return total


@transaction.atomic
def district_escalation_set(
    *, actor: User, district: District, warning_hours: int, city_hours: int
) -> District:
    require(can_set_escalation(actor, district), gettext("Only the district's administrators set this."))
    errors: dict[str, list[str]] = {}
    for field_name, value in (("warning_hours", warning_hours), ("city_hours", city_hours)):
        if not 1 <= value <= 24 * 365:
            errors[field_name] = [gettext("Give a number of hours from 1 to 8760.")]
    if errors:
        raise ValidationError(errors)
    before = {
        "warning_hours": district.warning_escalation_hours,
        "city_hours": district.city_escalation_hours,
    }
    District.objects.filter(pk=district.pk).update(
        warning_escalation_hours=warning_hours, city_escalation_hours=city_hours
    )
    district.refresh_from_db()
    audit_record(
        actor=actor,
        action="enforcement.district.set_escalation",
        obj=district,
        before=before,
        after={"warning_hours": warning_hours, "city_hours": city_hours},
    )
    return district


@transaction.atomic
def city_create(*, actor: User | None, code: str, name_zh: str, name_en: str = "") -> City:
    city = City.objects.create(code=code, name_zh=name_zh, name_en=name_en)
    audit_record(actor=actor, action="enforcement.city.create", obj=city, after={"code": code})
    return city


@transaction.atomic
def district_set_city(*, actor: User | None, district: District, city: City | None) -> District:
    """Put a district under a city (its city supervisors then see it). Saved through the model so the scope
    cache's token is replaced (EnforcementConfig.ready)."""
    before = {"city": district.city.code if district.city else None}
    district.city = city
    district.save(update_fields=["city"])
    audit_record(
        actor=actor,
        action="enforcement.district.set_city",
        obj=district,
        before=before,
        after={"city": city.code if city else None},
    )
    return district


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
