"""Planning writes: a unit's annual plan (年度检查计划) and its lines, the registry's inspection profile of a
subject, and the count of the business opening an inspection code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from enforcement import clock
from enforcement.audit import audit_record
from enforcement.models import Subject, Unit, User
from enforcement.rules import require

from ..models import (
    AnnualPlan,
    AnnualPlanEntry,
    InspectionItem,
    InspectionTask,
    RiskLevel,
    SubjectProfile,
    WhiteListEntry,
)
from ..rules import can_approve_annual_plan, can_edit_annual_plan, can_set_subject_profile
from ..selectors import frequency_policy_for, items_published
from ..workflow import Scenario
from ._common import _text


@transaction.atomic
def annual_plan_create(*, actor: User, unit: Unit, year: int, title: str = "") -> AnnualPlan:
    require(can_edit_annual_plan(actor, unit), _("Only the unit's own people draw up its annual plan."))
    if unit.kind not in {Unit.Kind.TOWN, Unit.Kind.DEPARTMENT}:
        raise ValidationError({"unit": _("Only a town or a department inspects businesses.")})
    this_year = clock.today().year
    if not this_year - 1 <= year <= this_year + 1:
        raise ValidationError({"year": _("An annual plan is for last year, this year or next year.")})
    if AnnualPlan.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": _("The unit already has a plan for this year.")})
    plan = AnnualPlan.objects.create(
        district_id=unit.district_id,
        unit=unit,
        year=year,
        title=_text(title, "title", required=False, max_length=200)
        or _("%(unit)s annual inspection plan %(year)s") % {"unit": unit.name, "year": year},
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(actor=actor, action="inspections.annual_plan.create", obj=plan, after={"year": year})
    return plan


def _require_months(months: Sequence[int], visits: int) -> list[int]:
    try:
        clean = sorted({int(m) for m in months})
    except (TypeError, ValueError):
        raise ValidationError({"months": _("Months are numbers from 1 to 12.")}) from None
    if not clean or any(not 1 <= m <= 12 for m in clean):
        raise ValidationError({"months": _("Months are numbers from 1 to 12.")})
    if len(clean) != visits:
        raise ValidationError(
            {
                "months": _("Name one month for each visit: %(n)d visits, %(m)d months.")
                % {"n": visits, "m": len(clean)}
            }
        )
    return clean


@transaction.atomic
def annual_plan_entry_add(
    *,
    actor: User,
    plan: AnnualPlan,
    items: Sequence[InspectionItem],
    visits_per_year: int,
    months: Sequence[int],
    subject: Subject | None = None,
    subject_type: str = "",
    town: Unit | None = None,
) -> AnnualPlanEntry:
    """One line: a subject, or a type of subject in a town; items of the published list (清单之外无检查);
    visits a year within the frequency cap; one month for each visit. A subject on the white list takes no
    routine line."""
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    require(
        can_edit_annual_plan(actor, plan.unit_id), _("Only the unit's own people draw up its annual plan.")
    )
    if plan.status != AnnualPlan.Status.DRAFT:
        raise ValidationError(_("The plan is approved; it is no longer changed."))
    if (subject is None) == (not subject_type):
        raise ValidationError({"subject": _("Name either one business or a type of business, not both.")})
    if subject is not None and subject.district_id != plan.district_id:
        raise ValidationError({"subject": _("The business is not in the plan's district.")})
    if subject_type:
        if subject_type not in Scenario.values:
            raise ValidationError({"subject_type": _("Unknown type of business.")})
        if town is None or not town.is_town or town.district_id != plan.district_id:
            raise ValidationError({"town": _("Name the town whose businesses of this type are planned.")})
    if not items:
        raise ValidationError({"items": _("Choose at least one item of the published list.")})
    on_list = set(items_published(plan.district_id, dt.date(plan.year, 1, 1)).values_list("pk", flat=True))
    off = [i for i in items if i.pk not in on_list]
    if off:
        raise ValidationError(
            {
                "items": _("Not on the published inspection-item list (清单之外无检查): %(items)s")
                % {"items": "、".join(f"{i.code} {i.name_zh}" for i in off)}
            }
        )
    policy = frequency_policy_for(plan.district_id)
    high_risk = any(i.high_risk for i in items)
    cap = policy.high_risk_per_year if high_risk else policy.routine_per_year
    if not isinstance(visits_per_year, int) or visits_per_year < 1:
        raise ValidationError({"visits_per_year": _("Plan at least one visit.")})
    if visits_per_year > cap:
        raise ValidationError(
            {
                "visits_per_year": _(
                    "Over the cap: one body may make %(cap)d routine visit(s) a year to one business here."
                )
                % {"cap": cap}
            }
        )
    clean_months = _require_months(months, visits_per_year)
    if subject is not None:
        for month in clean_months:
            first_open = dt.date(plan.year, month, min(policy.quiet_last_day + 1, 28))
            if WhiteListEntry.objects.filter(
                subject=subject, valid_from__lte=first_open, valid_to__gte=first_open
            ).exists():
                raise ValidationError(
                    {"subject": _("The business is on the white list in month %(month)d.") % {"month": month}}
                )
    entry = AnnualPlanEntry.objects.create(
        plan=plan,
        subject=subject,
        subject_type=subject_type,
        town=town if subject_type else None,
        visits_per_year=visits_per_year,
        months=clean_months,
    )
    entry.items.set(items)
    audit_record(
        actor=actor,
        action="inspections.annual_plan.entry_add",
        obj=plan,
        after={
            "subject": subject.pk if subject else None,
            "subject_type": subject_type,
            "town": town.pk if town and subject_type else None,
            "items": sorted(i.pk for i in items),
            "visits_per_year": visits_per_year,
            "months": clean_months,
        },
    )
    return entry


@transaction.atomic
def annual_plan_approve(*, actor: User, plan: AnnualPlan) -> AnnualPlan:
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    require(can_approve_annual_plan(actor, plan.unit_id), _("Only the unit's head approves its annual plan."))
    if plan.status != AnnualPlan.Status.DRAFT:
        raise ValidationError(_("The plan is already approved."))
    if not plan.entries.exists():
        raise ValidationError(_("The plan has no lines yet."))
    plan.status, plan.approved_by, plan.approved_at = AnnualPlan.Status.APPROVED, actor, clock.now()
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="inspections.annual_plan.approve",
        obj=plan,
        before={"status": AnnualPlan.Status.DRAFT},
        after={"status": plan.status},
    )
    return plan


@transaction.atomic
def subject_profile_set(
    *,
    actor: User,
    subject: Subject,
    subject_type: str,
    risk_level: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> SubjectProfile:
    require(
        can_set_subject_profile(actor, subject.district_id),
        _("Only the district's people keep its registry of businesses."),
    )
    if subject_type not in Scenario.values:
        raise ValidationError({"subject_type": _("Unknown type of business.")})
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": _("Unknown risk level.")})
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": _("Give both coordinates or neither.")})
    if latitude is not None and longitude is not None and (abs(latitude) > 90 or abs(longitude) > 180):
        raise ValidationError({"latitude": _("Coordinates out of range.")})
    profile = SubjectProfile.objects.select_for_update().filter(subject=subject).first()
    before = {"type": profile.subject_type, "risk": profile.risk_level} if profile is not None else None
    profile = profile or SubjectProfile(subject=subject)
    profile.subject_type, profile.risk_level = subject_type, risk_level
    profile.latitude, profile.longitude, profile.updated_at = latitude, longitude, clock.now()
    profile.save()
    audit_record(
        actor=actor,
        action="inspections.subject_profile.set",
        obj=subject,
        before=before,
        after={
            "type": subject_type,
            "risk": risk_level,
            "lat": str(latitude) if latitude is not None else None,
            "lng": str(longitude) if longitude is not None else None,
        },
    )
    return profile


def code_scan_record(*, code: str) -> None:
    """The business opened the code page: counted for the figures. A read, not a change of the task (its
    version stays, and like every GET it writes nothing to the audit trail): one UPDATE of two counters."""
    InspectionTask.objects.filter(code=code).exclude(code="").update(
        code_scans=F("code_scans") + 1,
        code_first_scanned_at=Coalesce("code_first_scanned_at", Value(clock.now())),
    )
