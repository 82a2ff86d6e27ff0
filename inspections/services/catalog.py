"""The district's inspection catalog: the published inspection-item list (检查事项清单) with its check points,
the units' versioned checklists, the frequency caps and the white list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from authority.models import EnforcementItem
from enforcement import clock
from enforcement.audit import audit_record
from enforcement.models import District, Subject, Unit, User
from enforcement.rules import is_district_admin_of, require

from ..models import (
    ChecklistTemplate,
    CheckPoint,
    FrequencyPolicy,
    InspectionItem,
    InspectionList,
    TemplatePoint,
    WhiteListEntry,
)
from ..rules import (
    can_manage_inspection_lists,
    can_manage_template,
)
from ..workflow import (
    Scenario,
)
from ._common import _text

# --- the inspection-item list -------------------------------------------------------------------------------


@transaction.atomic
def inspection_list_create(
    *, actor: User, district: District, title: str, document_number: str = ""
) -> InspectionList:
    require(
        can_manage_inspection_lists(actor, district),
        _("Only the district administrator keeps the inspection-item list."),
    )
    listing = InspectionList.objects.create(
        district=district,
        title=_text(title, "title", max_length=200),
        document_number=_text(document_number, "document_number", required=False, max_length=120),
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(actor=actor, action="inspections.list.create", obj=listing, after={"title": listing.title})
    return listing


def _require_draft_list(listing: InspectionList) -> None:
    if listing.published_on is not None:
        raise ValidationError(_("A published list is not changed; publish a new list instead."))


@transaction.atomic
def inspection_item_add(
    *,
    actor: User,
    inspection_list: InspectionList,
    code: str,
    name_zh: str,
    legal_basis: str,
    name_en: str = "",
    inspecting_unit: Unit | None = None,
    high_risk: bool = False,
    method: str = InspectionItem.Method.ON_SITE,
    enterprise_related: bool = True,
) -> InspectionItem:
    require(
        can_manage_inspection_lists(actor, inspection_list.district_id),
        _("Only the district administrator keeps the inspection-item list."),
    )
    listing = InspectionList.objects.select_for_update().get(pk=inspection_list.pk)
    _require_draft_list(listing)
    if inspecting_unit is not None and inspecting_unit.district_id != listing.district_id:
        raise ValidationError({"inspecting_unit": _("The inspecting body must be a unit of this district.")})
    if method not in InspectionItem.Method.values:
        raise ValidationError({"method": _("Choose a method from the list.")})
    code = _text(code, "code", max_length=40)
    if listing.items.filter(code=code).exists():
        raise ValidationError(
            {"code": _("The list already has an item with code %(code)s.") % {"code": code}}
        )
    item = InspectionItem.objects.create(
        inspection_list=listing,
        code=code,
        name_zh=_text(name_zh, "name_zh", max_length=300),
        name_en=_text(name_en, "name_en", required=False, max_length=300),
        legal_basis=_text(legal_basis, "legal_basis"),
        inspecting_unit=inspecting_unit,
        high_risk=high_risk,
        method=method,
        enterprise_related=enterprise_related,
    )
    audit_record(
        actor=actor,
        action="inspections.item.add",
        obj=item,
        after={"list": listing.pk, "code": code, "high_risk": high_risk},
    )
    return item


@transaction.atomic
def check_point_add(
    *,
    actor: User,
    item: InspectionItem,
    code: str,
    text_zh: str,
    enforcement_item: EnforcementItem | None,
    legal_basis: str = "",
    text_en: str = "",
    note_on_fail: bool = True,
    photo_on_fail: bool = False,
) -> CheckPoint:
    listing = InspectionList.objects.select_for_update().get(pk=item.inspection_list_id)
    require(
        can_manage_inspection_lists(actor, listing.district_id),
        _("Only the district administrator keeps the inspection-item list."),
    )
    _require_draft_list(listing)
    if enforcement_item is None or enforcement_item.district_id != listing.district_id:
        raise ValidationError(
            {"enforcement_item": _("A check point names an enforcement item of the district's catalog.")}
        )
    code = _text(code, "code", max_length=40)
    if item.points.filter(code=code).exists():
        raise ValidationError(
            {"code": _("The item already has a check point with code %(code)s.") % {"code": code}}
        )
    point = CheckPoint.objects.create(
        item=item,
        code=code,
        text_zh=_text(text_zh, "text_zh", max_length=500),
        text_en=_text(text_en, "text_en", required=False, max_length=500),
        enforcement_item=enforcement_item,
        legal_basis=_text(legal_basis, "legal_basis", required=False)
        or enforcement_item.legal_basis
        or item.legal_basis,
        note_on_fail=note_on_fail,
        photo_on_fail=photo_on_fail,
    )
    audit_record(
        actor=actor,
        action="inspections.point.add",
        obj=point,
        after={"item": item.code, "code": code, "enforcement_item": enforcement_item.code},
    )
    return point


@transaction.atomic
def inspection_list_publish(*, actor: User, inspection_list: InspectionList, on: dt.date) -> InspectionList:
    """Publish the list from `on`; the district's earlier list in force is withdrawn from the same day."""
    listing = InspectionList.objects.select_for_update().get(pk=inspection_list.pk)
    require(
        can_manage_inspection_lists(actor, listing.district_id),
        _("Only the district administrator keeps the inspection-item list."),
    )
    _require_draft_list(listing)
    items = list(listing.items.all())
    if not items:
        raise ValidationError(_("An empty list cannot be published."))
    empty = [i.code for i in items if not i.points.exists()]
    if empty:
        raise ValidationError(_("These items have no check points: %(codes)s.") % {"codes": ", ".join(empty)})
    earlier = (
        InspectionList.objects.select_for_update()
        .filter(district_id=listing.district_id, published_on__lt=on, withdrawn_on__isnull=True)
        .exclude(pk=listing.pk)
    )
    for old in earlier:
        old.withdrawn_on = on
        old.save(update_fields=["withdrawn_on"])
        audit_record(
            actor=actor,
            action="inspections.list.withdraw",
            obj=old,
            after={"withdrawn_on": on.isoformat(), "replaced_by": listing.pk},
        )
    listing.published_on = on
    listing.save(update_fields=["published_on"])
    audit_record(
        actor=actor,
        action="inspections.list.publish",
        obj=listing,
        after={"published_on": on.isoformat(), "items": len(items)},
    )
    return listing


# --- checklist templates ------------------------------------------------------------------------------------


@transaction.atomic
def template_create(
    *, actor: User, unit: Unit, scenario: str, name: str, points: Sequence[CheckPoint]
) -> ChecklistTemplate:
    """A new draft version of the unit's checklist for the scenario (the previous versions stay as they
    were)."""
    require(
        can_manage_template(actor, unit), _("Only the unit's supervisor or responder keeps its checklists.")
    )
    if scenario not in Scenario.values:
        raise ValidationError({"scenario": _("Choose a scenario from the list.")})
    unique = list({p.pk: p for p in points}.values())
    if not unique:
        raise ValidationError({"points": _("A checklist needs at least one check point.")})
    if any(p.item.inspection_list.district_id != unit.district_id for p in unique):
        raise ValidationError(
            {"points": _("Every check point must come from the district's inspection-item list.")}
        )
    Unit.objects.select_for_update().get(pk=unit.pk)  # serialises version numbers per unit
    latest = (
        ChecklistTemplate.objects.filter(unit=unit, scenario=scenario).aggregate(v=Max("version"))["v"] or 0
    )
    template = ChecklistTemplate.objects.create(
        unit=unit,
        scenario=scenario,
        name=_text(name, "name", max_length=200),
        version=latest + 1,
        created_by=actor,
        created_at=clock.now(),
    )
    TemplatePoint.objects.bulk_create(
        [TemplatePoint(template=template, point=p, position=i) for i, p in enumerate(unique)]
    )
    audit_record(
        actor=actor,
        action="inspections.template.create",
        obj=template,
        after={
            "unit": unit.code,
            "scenario": scenario,
            "version": template.version,
            "points": [p.pk for p in unique],
        },
    )
    return template


@transaction.atomic
def template_activate(*, actor: User, template: ChecklistTemplate) -> ChecklistTemplate:
    locked = ChecklistTemplate.objects.select_for_update().select_related("unit").get(pk=template.pk)
    require(
        can_manage_template(actor, locked.unit),
        _("Only the unit's supervisor or responder keeps its checklists."),
    )
    if locked.status != ChecklistTemplate.Status.DRAFT:
        raise ValidationError(_("Only a draft version can be put in use."))
    ChecklistTemplate.objects.filter(
        unit=locked.unit, scenario=locked.scenario, status=ChecklistTemplate.Status.ACTIVE
    ).update(status=ChecklistTemplate.Status.RETIRED)
    locked.status = ChecklistTemplate.Status.ACTIVE
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor, action="inspections.template.activate", obj=locked, after={"version": locked.version}
    )
    return locked


# --- frequency policy and white list ------------------------------------------------------------------------

POLICY_FIELDS = (
    "routine_per_year",
    "high_risk_per_year",
    "high_risk_min_days",
    "quiet_first_day",
    "quiet_last_day",
    "no_code_filing_working_days",
    "immediate_warn_at",
)


@transaction.atomic
def frequency_policy_set(*, actor: User, district: District, values: dict[str, int]) -> FrequencyPolicy:
    require(
        is_district_admin_of(actor, district.pk),
        _("Only the district administrator sets the frequency caps."),
    )
    policy = FrequencyPolicy.objects.select_for_update().filter(district=district).first() or FrequencyPolicy(
        district=district
    )
    before = {f: getattr(policy, f) for f in POLICY_FIELDS}
    for name, value in values.items():
        if name not in POLICY_FIELDS:
            raise ValidationError({name: _("Unknown setting.")})
        if not isinstance(value, int) or value < 0 or value > 366:
            raise ValidationError({name: _("Enter a whole number from 0 to 366.")})
        setattr(policy, name, value)
    if not 1 <= policy.quiet_first_day <= 31 or policy.quiet_last_day > 31:
        raise ValidationError({"quiet_first_day": _("Quiet days are days of the month, 1 to 31.")})
    policy.updated_by, policy.updated_at = actor, clock.now()
    policy.save()
    audit_record(
        actor=actor,
        action="inspections.frequency_policy.set",
        obj=policy,
        before=before,
        after={f: getattr(policy, f) for f in POLICY_FIELDS},
    )
    return policy


@transaction.atomic
def whitelist_add(
    *, actor: User, subject: Subject, valid_from: dt.date, valid_to: dt.date, basis: str
) -> WhiteListEntry:
    require(
        is_district_admin_of(actor, subject.district_id),
        _("Only the district administrator keeps the white list."),
    )
    if valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end is before the start.")})
    entry = WhiteListEntry.objects.create(
        district_id=subject.district_id,
        subject=subject,
        valid_from=valid_from,
        valid_to=valid_to,
        basis=_text(basis, "basis", max_length=300),
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="inspections.whitelist.add",
        obj=entry,
        after={
            "subject": subject.pk,
            "from": valid_from.isoformat(),
            "to": valid_to.isoformat(),
            "basis": entry.basis,
        },
    )
    return entry
