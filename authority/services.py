"""Every write to the authority list: atomic, audited, and never destructive.

History is kept, not overwritten:
- a changed catalog row adds an `EnforcementItemVersion` and bumps the item's version;
- a town stops holding an item when its grant is *ended* (valid_to set, `ended_by` the adjustment), never
  deleted;
- an adjustment changes nothing until a district administrator approves it; then it ends and creates grants
  from its effective date, so the list as of any earlier date is unchanged and can be reproduced.

Cases already filed under a recovered item stay with the town: recovery only answers `who_enforces` for acts
on or after the effective date (the cases app asks with the filing date), and nothing here touches existing
cases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit import audit_record
from enforcement.domains import DEPARTMENT_NAMES
from enforcement.models import District, Unit, User
from enforcement.rules import require
from enforcement.services import district_create, unit_create

from .content import apply_content, content_diff, content_hash, item_content
from .importing import CatalogFileError, CatalogRow, RowError
from .models import (
    Adjustment,
    AdjustmentLine,
    AuthorityGrant,
    CatalogHolder,
    EnforcementItem,
    EnforcementItemVersion,
    GrantKind,
)
from .rules import can_draft_adjustment, can_import_authority, can_manage_authority
from .selectors import grants_active_on

Progress = Callable[[int, int], None]


def _day_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


def _grant_after(grant: AuthorityGrant) -> dict[str, Any]:
    return {
        "item": grant.item.code,
        "town": grant.town.code,
        "kind": grant.kind,
        "valid_from": grant.valid_from,
        "valid_to": grant.valid_to,
        "source_document": grant.source_document,
        "delegating_department": grant.delegating_department.code
        if grant.delegating_department is not None
        else None,
    }


def _grant_create(
    *,
    actor: User | None,
    item: EnforcementItem,
    town: Unit,
    kind: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    source_document: str = "",
    source_date: dt.date | None = None,
    delegating_department: Unit | None = None,
    scope: str = "",
    adjustment: Adjustment | None = None,
) -> AuthorityGrant:
    grant = AuthorityGrant.objects.create(
        town=town,
        item=item,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        source_document=source_document[:120],
        source_date=source_date,
        delegating_department=delegating_department if kind == GrantKind.DELEGATED else None,
        scope=scope if kind == GrantKind.DELEGATED else "",
        granted_by=adjustment,
    )
    audit_record(
        actor=actor, action="authority.grant.create", obj=grant, town=town, after=_grant_after(grant)
    )
    return grant


def _grant_end(
    *, actor: User | None, grant: AuthorityGrant, last_day: dt.date, adjustment: Adjustment | None = None
) -> None:
    """End a grant on `last_day` (the town holds the item through that day). The row stays."""
    if last_day < grant.valid_from:
        raise ValidationError(
            _(
                "%(item)s was granted to %(town)s from %(start)s; it cannot end before that "
                "(choose a later date)."
            )
            % {"item": grant.item.code, "town": grant.town, "start": grant.valid_from}
        )
    before = grant.valid_to
    AuthorityGrant.objects.filter(pk=grant.pk).update(valid_to=last_day, ended_by=adjustment)
    grant.valid_to, grant.ended_by = last_day, adjustment
    audit_record(
        actor=actor,
        action="authority.grant.end",
        obj=grant,
        town=grant.town,
        before={"valid_to": before},
        after={"valid_to": last_day, "ended_by": adjustment.document_number if adjustment else None},
    )


# --- catalog import -----------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    district: District
    effective: dt.date
    created_district: bool = False
    created_units: list[Unit] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    grants_created: int = 0
    grants_ended: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(
            self.created_district
            or self.created_units
            or self.created
            or self.changed
            or self.grants_created
            or self.grants_ended
        )

    def summary(self) -> str:
        return _(
            "%(created)s new items, %(changed)s changed (new versions), %(unchanged)s unchanged; "
            "%(granted)s grants created, %(ended)s ended."
        ) % {
            "created": len(self.created),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "granted": self.grants_created,
            "ended": self.grants_ended,
        }


def _default_town_name(code: str) -> str:
    return _("Town %(code)s") % {"code": code}


def _resolve_district(
    *,
    actor: User | None,
    district_code: str,
    district_name: str,
    town_codes: Sequence[str],
    report_units: list[Unit],
) -> tuple[District, bool]:
    district = District.objects.filter(code=district_code).first()
    if district is not None:
        require(
            actor is None or can_import_authority(actor, district),
            "only the district administrator imports its catalog",
        )
        return district, False
    # A fresh district: only the command line (no actor) or a superuser may create one.
    require(actor is None or actor.is_superuser, "only an operator may create a district")
    district = district_create(
        actor=actor,
        code=district_code,
        name_zh=district_name or district_code,
        name_en=district_name or district_code,
    )
    for code in town_codes or [f"{district_code}-001"]:
        if Unit.objects.filter(code=code).exists():
            raise CatalogFileError(
                [
                    RowError(
                        0,
                        "--town",
                        _("Unit code %(code)s is already used in another district.") % {"code": code},
                    )
                ]
            )
        report_units.append(
            unit_create(
                actor=actor,
                district=district,
                kind=Unit.Kind.TOWN,
                code=code,
                name_zh=_default_town_name(code),
                name_en=f"Town {code}",
                team_name=_("%(town)s comprehensive enforcement team") % {"town": _default_town_name(code)},
            )
        )
    return district, True


def _target_towns(district: District, town_codes: Sequence[str]) -> list[Unit]:
    towns = list(Unit.objects.filter(district=district, kind=Unit.Kind.TOWN, is_active=True).order_by("code"))
    if not town_codes:
        return towns
    by_code = {t.code: t for t in towns}
    unknown = [c for c in town_codes if c not in by_code]
    if unknown:
        raise CatalogFileError(
            [
                RowError(
                    0,
                    "--town",
                    _("No town %(codes)s in district %(district)s.")
                    % {"codes": ", ".join(unknown), "district": district.code},
                )
            ]
        )
    return [by_code[c] for c in dict.fromkeys(town_codes)]


def _departments(
    *, actor: User | None, district: District, domains: Iterable[str], report_units: list[Unit]
) -> dict[str, Unit]:
    """The department keeping each domain's items; one is created for a domain the district lacks."""
    found: dict[str, Unit] = {}
    for unit in Unit.objects.filter(district=district, kind=Unit.Kind.DEPARTMENT, is_active=True).order_by(
        "code"
    ):
        found.setdefault(unit.domain, unit)
    for domain in sorted(set(domains)):
        if domain in found:
            continue
        name_zh, name_en = DEPARTMENT_NAMES[domain]
        code = f"{district.code}-{domain}"
        n = 1
        while Unit.objects.filter(code=code).exists():
            n += 1
            code = f"{district.code}-{domain}-{n}"
        unit = unit_create(
            actor=actor,
            district=district,
            kind=Unit.Kind.DEPARTMENT,
            code=code,
            name_zh=f"{district.name_zh}{name_zh}",
            name_en=f"{district.name_en or district.code} {name_en}",
            domain=domain,
        )
        report_units.append(unit)
        found[domain] = unit
    return found


def _default_scope(item: EnforcementItem, department: Unit) -> str:
    return _("Within the town's area, in the name of %(dept)s, as entrusted in writing.") % {
        "dept": department.name_zh
    }


@dataclass
class _CatalogImport:
    """One run of `catalog_import`: the district's items and grants as they stand (kept up to date as rows are
    applied), the grants waiting to be written for the current row, and the report."""

    actor: User | None
    towns: list[Unit]
    departments: dict[str, Unit]
    effective: dt.date
    document: str
    source: str
    report: ImportReport
    items: dict[str, EnforcementItem]
    grants_by_pair: dict[tuple[int, int], list[AuthorityGrant]]
    pending: list[AuthorityGrant] = field(default_factory=list)
    row_number: int = 0  # the row being applied, for the errors

    @classmethod
    def load(cls, *, district: District, **kwargs: Any) -> _CatalogImport:
        grants_by_pair: dict[tuple[int, int], list[AuthorityGrant]] = defaultdict(list)
        for grant in AuthorityGrant.objects.filter(item__district=district).select_related(
            "item", "town", "delegating_department"
        ):
            grants_by_pair[(grant.item_id, grant.town_id)].append(grant)
        items = {i.code: i for i in EnforcementItem.objects.filter(district=district)}
        return cls(items=items, grants_by_pair=grants_by_pair, **kwargs)

    # --- grants ---------------------------------------------------------------------------------------------

    def active(self, item: EnforcementItem, town: Unit) -> AuthorityGrant | None:
        effective = self.effective
        return next(
            (
                g
                for g in self.grants_by_pair[(item.pk, town.pk)]
                if g.valid_from <= effective and (g.valid_to is None or g.valid_to >= effective)
            ),
            None,
        )

    def later(self, item: EnforcementItem, town: Unit) -> AuthorityGrant | None:
        return next(
            (g for g in self.grants_by_pair[(item.pk, town.pk)] if g.valid_from > self.effective), None
        )

    def grant(self, item: EnforcementItem, town: Unit, kind: str) -> None:
        """A grant from the effective date, written with the row's others by `flush`."""
        if self.later(item, town) is not None:
            raise CatalogFileError(
                [
                    RowError(
                        self.row_number,
                        "holder",
                        _(
                            "%(town)s already has a change to %(code)s after %(date)s; import with "
                            "a later effective date."
                        )
                        % {"town": town, "code": item.code, "date": self.effective},
                    )
                ]
            )
        department = self.departments[item.domain]
        delegated = kind == GrantKind.DELEGATED
        self.pending.append(
            AuthorityGrant(
                town=town,
                item=item,
                kind=kind,
                valid_from=self.effective,
                source_document=self.document[:120],
                source_date=self.effective,
                delegating_department=department if delegated else None,
                scope=(item.delegation_scope or _default_scope(item, department)) if delegated else "",
            )
        )

    def flush(self, item: EnforcementItem) -> dict[str, Any]:
        """Write the row's new grants in one statement; their audit goes in the row's audit entry."""
        if not self.pending:
            return {}
        created = AuthorityGrant.objects.bulk_create(self.pending)
        for new in created:
            self.grants_by_pair[(item.pk, new.town_id)].append(new)
        self.report.grants_created += len(created)
        granted = {
            "granted_to": [g.town.code for g in created],
            "grant_kind": created[0].kind,
            "valid_from": self.effective,
            "source_document": self.document,
        }
        self.pending.clear()
        return granted

    def end(self, current: AuthorityGrant) -> None:
        try:
            _grant_end(actor=self.actor, grant=current, last_day=_day_before(self.effective))
        except ValidationError as exc:
            raise CatalogFileError([RowError(self.row_number, "holder", " ".join(exc.messages))]) from exc
        self.report.grants_ended += 1

    # --- rows -----------------------------------------------------------------------------------------------

    def apply(self, row: CatalogRow) -> None:
        self.row_number = row.row
        item = self.items.get(row.code)
        if item is None:
            self.create_item(row)
            return
        self.revise_item(item, row)
        self.grant_missing(item)
        granted = self.flush(item)
        if granted:
            audit_record(actor=self.actor, action="authority.grant.create", obj=item, after=granted)

    def create_item(self, row: CatalogRow) -> EnforcementItem:
        """A new code: the item at version 1 from the effective date, granted to every target town if towns
        hold it."""
        content = {
            "name_en": "",
            "legal_basis": "",
            "description_zh": "",
            "fine_min": "",
            "fine_max": "",
            "rule_broken": "",
            "penalty_clause": "",
            "penalty_kinds": [],
            "delegation_scope": "",
            **row.values,
        }
        item = EnforcementItem(
            district=self.report.district, code=row.code, default_holder=self.departments[content["domain"]]
        )
        apply_content(item, content)
        item.save()
        EnforcementItemVersion.objects.create(
            item=item,
            version=1,
            content=content,
            content_hash=content_hash(content),
            source=self.source[:200],
            valid_from=self.effective,
            created_by=self.actor,
        )
        self.items[row.code] = item
        self.report.created.append(row.code)
        if item.held_by == CatalogHolder.TOWN:
            for town in self.towns:
                self.grant(item, town, item.kind)
        audit_record(
            actor=self.actor,
            action="authority.item.create",
            obj=item,
            after={"code": item.code, "version": 1, "source": self.source, **self.flush(item)},
        )
        return item

    def revise_item(self, item: EnforcementItem, row: CatalogRow) -> None:
        """A known code: unchanged, or a new version; if its holder or kind changed, the grants follow."""
        before = item_content(item)
        after = {**before, **row.values}
        if content_hash(after) == content_hash(before):
            self.report.unchanged += 1
            return
        diff = content_diff(before, after)
        apply_content(item, after)
        item.version += 1
        item.updated_at = timezone.now()
        if item.default_holder_id is None or "domain" in diff:
            item.default_holder = self.departments[item.domain]
        item.save()
        EnforcementItemVersion.objects.create(
            item=item,
            version=item.version,
            content=after,
            content_hash=content_hash(after),
            source=self.source[:200],
            valid_from=self.effective,
            created_by=self.actor,
        )
        audit_record(
            actor=self.actor,
            action="authority.item.revise",
            obj=item,
            before={k: v[0] for k, v in diff.items()} | {"version": item.version - 1},
            after={k: v[1] for k, v in diff.items()} | {"version": item.version},
        )
        self.report.changed.append(row.code)
        if "holder" in diff or "kind" in diff:
            self.regrant(item)

    def regrant(self, item: EnforcementItem) -> None:
        """Holder `district` ends the target towns' grants; holder `town` grants it to those not holding it; a
        new kind ends the old grant and starts one of the new kind."""
        for town in self.towns:
            current = self.active(item, town)
            if item.held_by == CatalogHolder.DISTRICT:
                if current is not None:
                    self.end(current)
            elif current is None:
                self.grant(item, town, item.kind)
            elif current.kind != item.kind:
                self.end(current)
                self.grant(item, town, item.kind)

    def grant_missing(self, item: EnforcementItem) -> None:
        """A target town that never held a town-held item receives it (a town added later receives the
        catalog; one whose grant an adjustment ended is not re-granted)."""
        if item.held_by != CatalogHolder.TOWN:
            return
        for town in self.towns:
            if not self.grants_by_pair[(item.pk, town.pk)] and not any(
                g.town_id == town.pk for g in self.pending
            ):
                self.grant(item, town, item.kind)

    def audit_summary(self) -> None:
        if not self.report.has_changes:
            return
        report = self.report
        audit_record(
            actor=self.actor,
            action="authority.catalog.import",
            obj=report.district,
            summary=report.summary(),
            after={
                "source": self.source,
                "document": self.document,
                "effective": self.effective,
                "created": len(report.created),
                "changed": report.changed[:200],
                "grants_created": report.grants_created,
                "grants_ended": report.grants_ended,
            },
        )


@transaction.atomic
def catalog_import(
    *,
    actor: User | None,
    district_code: str,
    rows: Sequence[CatalogRow],
    town_codes: Sequence[str] = (),
    effective: dt.date | None = None,
    document: str = "",
    source: str = "",
    district_name: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Apply checked catalog rows for a district, all or nothing.

    - A new code creates the item (version 1, in force from `effective`); with holder `town`, every target
      town (the towns named, else every town of the district) is granted it with the row's kind from
      `effective`.
    - An unchanged row changes nothing (a target town that never held the item is granted it, so a town added
      later receives the catalog; a town whose grant was ended by an adjustment is not re-granted).
    - A changed row adds a version. If its holder or kind changed, grants follow from `effective`: holder
      `district` ends the target towns' grants, holder `town` grants it to those not holding it, a new kind
      ends the old grant and starts one of the new kind.
    - Any error (a bad row, an unknown town, an ending before a start) raises and rolls the whole file back.
    `actor` None is the command line (the operator); a user must be the district's administrator.
    """
    if actor is not None and not isinstance(actor, User):
        raise PermissionDenied
    effective = effective or timezone.localdate()
    # 1. The district, its target towns and a department per domain (created when missing).
    town_codes = list(dict.fromkeys(code.strip() for code in town_codes if code.strip()))
    created_units: list[Unit] = []
    district, created_district = _resolve_district(
        actor=actor,
        district_code=district_code,
        district_name=district_name,
        town_codes=town_codes,
        report_units=created_units,
    )
    towns = _target_towns(district, town_codes)
    departments = _departments(
        actor=actor, district=district, domains=[r.values["domain"] for r in rows], report_units=created_units
    )
    # 2. The district's items and grants as they stand.
    run = _CatalogImport.load(
        district=district,
        actor=actor,
        towns=towns,
        departments=departments,
        effective=effective,
        document=document or source or _("catalog import"),
        source=source,
        report=ImportReport(
            district=district,
            effective=effective,
            created_district=created_district,
            created_units=created_units,
        ),
    )
    # 3. Each row: a new item, or a revision (or nothing); then the grants the row's towns lack.
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        run.apply(row)
        if progress is not None:
            progress(done, total)
    # 4. One audit entry for the whole file.
    run.audit_summary()
    return run.report


# --- adjustments --------------------------------------------------------------------------------------------


def _adjustment_after(adjustment: Adjustment) -> dict[str, Any]:
    return {
        "title": adjustment.title,
        "document_number": adjustment.document_number,
        "document_date": adjustment.document_date,
        "effective_from": adjustment.effective_from,
        "status": adjustment.status,
    }


def _check_adjustment_document(
    title: str, document_number: str, document_date: dt.date, effective_from: dt.date
) -> None:
    """What a draft's document needs, drafted or corrected: a title, a number, no effect before its date."""
    if not title.strip() or not document_number.strip():
        raise ValidationError(_("An adjustment needs a title and a document number."))
    if effective_from < document_date:
        raise ValidationError(
            {"effective_from": [_("The effective date cannot be before the document date.")]}
        )


@transaction.atomic
def adjustment_create(
    *,
    actor: User,
    district: District,
    title: str,
    document_number: str,
    document_date: dt.date,
    effective_from: dt.date,
    note: str = "",
) -> Adjustment:
    require(can_manage_authority(actor, district), "only a district administrator drafts adjustments")
    _check_adjustment_document(title, document_number, document_date, effective_from)
    adjustment = Adjustment.objects.create(
        district=district,
        title=title.strip(),
        document_number=document_number.strip(),
        document_date=document_date,
        effective_from=effective_from,
        note=note.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor, action="authority.adjustment.create", obj=adjustment, after=_adjustment_after(adjustment)
    )
    return adjustment


@transaction.atomic
def adjustment_update(
    *,
    actor: User,
    adjustment: Adjustment,
    title: str,
    document_number: str,
    document_date: dt.date,
    effective_from: dt.date,
    note: str = "",
) -> Adjustment:
    """Correct a draft's document: its final title and number once issued, its dates, its reason (a draft
    proposed from the usage evaluation starts with a provisional number)."""
    adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    require(can_draft_adjustment(actor, adjustment), "only a district administrator edits a draft")
    _check_adjustment_document(title, document_number, document_date, effective_from)
    before = {**_adjustment_after(adjustment), "note": adjustment.note}
    adjustment.title = title.strip()
    adjustment.document_number = document_number.strip()
    adjustment.document_date = document_date
    adjustment.effective_from = effective_from
    adjustment.note = note.strip()
    adjustment.save(update_fields=["title", "document_number", "document_date", "effective_from", "note"])
    after = {**_adjustment_after(adjustment), "note": adjustment.note}
    audit_record(
        actor=actor,
        action="authority.adjustment.update",
        obj=adjustment,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return adjustment


def _line_problems(line: AdjustmentLine, adjustment: Adjustment) -> list[str]:
    """Why a line cannot apply on the adjustment's effective date (empty: it can)."""
    on = adjustment.effective_from
    problems: list[str] = []
    item, town = line.item, line.town
    label = f"{item.code} · {town}"
    if item.district_id != adjustment.district_id:
        problems.append(_("%(item)s is not in this district's catalog.") % {"item": item.code})
    if town.district_id != adjustment.district_id or town.kind != Unit.Kind.TOWN:
        problems.append(_("%(town)s is not a town of this district.") % {"town": town})
    if problems:
        return problems
    grants = AuthorityGrant.objects.filter(item=item, town=town)
    current = grants.filter(grants_active_on(on)).select_related("delegating_department").first()
    later = grants.filter(valid_from__gt=on).order_by("valid_from").first()
    if later is not None:
        problems.append(
            _("%(label)s: the list already changes on %(date)s, after this adjustment's effective date.")
            % {"label": label, "date": later.valid_from}
        )
    if line.action == AdjustmentLine.Action.RECOVER:
        if current is None:
            problems.append(
                _("%(label)s: the town does not hold this item on %(date)s, so there is nothing to recover.")
                % {"label": label, "date": on}
            )
        elif current.valid_from >= on:
            problems.append(
                _("%(label)s: the grant only starts on %(date)s; recover it from a later date.")
                % {"label": label, "date": current.valid_from}
            )
        return problems
    if line.kind not in GrantKind.values:
        problems.append(
            _("%(label)s: choose the kind of grant (statutory, empowered or delegated).") % {"label": label}
        )
    if line.kind == GrantKind.DELEGATED:
        department = line.delegating_department
        if (
            department is None
            or department.kind != Unit.Kind.DEPARTMENT
            or department.district_id != adjustment.district_id
        ):
            problems.append(
                _("%(label)s: a delegation needs the delegating department of this district.")
                % {"label": label}
            )
        if not line.scope.strip():
            problems.append(_("%(label)s: a delegation needs its scope.") % {"label": label})
    elif line.delegating_department_id is not None:
        problems.append(_("%(label)s: only a delegation has a delegating department.") % {"label": label})
    if line.valid_to is not None and line.valid_to < on:
        problems.append(_("%(label)s: the end date is before the effective date.") % {"label": label})
    if (
        current is not None
        and current.kind == line.kind
        and current.delegating_department_id == line.delegating_department_id
    ):
        problems.append(
            _("%(label)s: the town already holds this item (%(kind)s) on %(date)s.")
            % {"label": label, "kind": current.get_kind_display(), "date": on}
        )
    if current is not None and current.valid_from >= on:
        problems.append(
            _("%(label)s: the current grant only starts on %(date)s; change it from a later date.")
            % {"label": label, "date": current.valid_from}
        )
    return problems


@transaction.atomic
def adjustment_line_add(
    *,
    actor: User,
    adjustment: Adjustment,
    action: str,
    item: EnforcementItem,
    towns: Sequence[Unit],
    kind: str = "",
    delegating_department: Unit | None = None,
    scope: str = "",
    valid_to: dt.date | None = None,
) -> list[AdjustmentLine]:
    """Add one line per town to a draft. Each line is checked against the list as of the effective date."""
    require(
        can_manage_authority(actor, adjustment.district_id), "only a district administrator edits adjustments"
    )
    adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.status != Adjustment.Status.DRAFT:
        raise ValidationError(_("Only a draft can be changed."))
    if action not in AdjustmentLine.Action.values:
        raise ValidationError({"action": [_("Choose grant or recover.")]})
    if not towns:
        raise ValidationError({"towns": [_("Choose at least one town.")]})
    recover = action == AdjustmentLine.Action.RECOVER
    problems: list[str] = []
    lines: list[AdjustmentLine] = []
    for town in towns:
        line = AdjustmentLine(
            adjustment=adjustment,
            action=action,
            item=item,
            town=town,
            kind="" if recover else kind,
            delegating_department=None if recover or kind != GrantKind.DELEGATED else delegating_department,
            scope="" if recover or kind != GrantKind.DELEGATED else scope.strip(),
            valid_to=None if recover else valid_to,
        )
        if AdjustmentLine.objects.filter(adjustment=adjustment, item=item, town=town).exists():
            problems.append(
                _("%(item)s · %(town)s is already in this adjustment.") % {"item": item.code, "town": town}
            )
            continue
        problems.extend(_line_problems(line, adjustment))
        lines.append(line)
    if problems:
        raise ValidationError(problems)
    for line in lines:
        line.save()
        audit_record(
            actor=actor,
            action="authority.adjustment.line_add",
            obj=adjustment,
            town=line.town,
            after={
                "action": line.action,
                "item": item.code,
                "town": line.town.code,
                "kind": line.kind,
                "delegating_department": delegating_department.code
                if line.delegating_department_id and delegating_department
                else None,
                "valid_to": line.valid_to,
            },
        )
    return lines


@transaction.atomic
def adjustment_line_remove(*, actor: User, line: AdjustmentLine) -> None:
    adjustment = line.adjustment
    require(
        can_manage_authority(actor, adjustment.district_id), "only a district administrator edits adjustments"
    )
    adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.status != Adjustment.Status.DRAFT:
        raise ValidationError(_("Only a draft can be changed."))
    before = {"action": line.action, "item": line.item.code, "town": line.town.code, "kind": line.kind}
    town = line.town
    line.delete()
    audit_record(
        actor=actor, action="authority.adjustment.line_remove", obj=adjustment, town=town, before=before
    )


def adjustment_problems(adjustment: Adjustment) -> dict[int, list[str]]:
    """line id -> problems, for showing a draft before approval."""
    result = {}
    for line in adjustment.lines.select_related("item", "town", "delegating_department"):
        problems = _line_problems(line, adjustment)
        if problems:
            result[line.pk] = problems
    return result


@transaction.atomic
def adjustment_approve(*, actor: User, adjustment: Adjustment, note: str = "") -> Adjustment:
    """A district administrator approves a draft: its grants start and its recoveries end grants from the
    effective date. Raises PermissionDenied for anyone else, ValidationError when the draft cannot apply
    (nothing changes)."""
    require(
        can_manage_authority(actor, adjustment.district_id),
        "only a district administrator approves adjustments",
    )
    adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.status != Adjustment.Status.DRAFT:
        raise ValidationError(
            _("This adjustment was already decided (%(status)s).")
            % {"status": adjustment.get_status_display()}
        )
    lines = list(
        adjustment.lines.select_related("item", "town", "delegating_department").order_by(
            "action", "item__code", "town__code"
        )
    )
    if not lines:
        raise ValidationError(_("An adjustment needs at least one line before approval."))
    problems = [p for line in lines for p in _line_problems(line, adjustment)]
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    updated = Adjustment.objects.filter(pk=adjustment.pk, status=Adjustment.Status.DRAFT).update(
        status=Adjustment.Status.APPROVED, decided_by=actor, decided_at=now, decision_note=note.strip()
    )
    if updated != 1:
        raise ValidationError(_("This adjustment was already decided."))
    adjustment.refresh_from_db()
    on = adjustment.effective_from
    granted = ended = 0
    for line in lines:
        current = (
            AuthorityGrant.objects.filter(grants_active_on(on), item=line.item, town=line.town)
            .select_related("item", "town")
            .first()
        )
        if current is not None:
            _grant_end(actor=actor, grant=current, last_day=_day_before(on), adjustment=adjustment)
            ended += 1
        if line.action == AdjustmentLine.Action.GRANT:
            _grant_create(
                actor=actor,
                item=line.item,
                town=line.town,
                kind=line.kind,
                valid_from=on,
                valid_to=line.valid_to,
                source_document=adjustment.document_number,
                source_date=adjustment.document_date,
                delegating_department=line.delegating_department,
                scope=line.scope,
                adjustment=adjustment,
            )
            granted += 1
    audit_record(
        actor=actor,
        action="authority.adjustment.approve",
        obj=adjustment,
        before={"status": Adjustment.Status.DRAFT},
        after={
            "status": adjustment.status,
            "effective_from": on,
            "grants_created": granted,
            "grants_ended": ended,
            "note": note,
        },
    )
    return adjustment


@transaction.atomic
def adjustment_reject(*, actor: User, adjustment: Adjustment, note: str = "") -> Adjustment:
    require(
        can_manage_authority(actor, adjustment.district_id),
        "only a district administrator decides adjustments",
    )
    if not note.strip():
        raise ValidationError({"note": [_("Give the reason for rejecting.")]})
    updated = Adjustment.objects.filter(pk=adjustment.pk, status=Adjustment.Status.DRAFT).update(
        status=Adjustment.Status.REJECTED,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note.strip(),
    )
    if updated != 1:
        raise ValidationError(_("This adjustment was already decided."))
    adjustment.refresh_from_db()
    audit_record(
        actor=actor,
        action="authority.adjustment.reject",
        obj=adjustment,
        before={"status": Adjustment.Status.DRAFT},
        after={"status": adjustment.status, "note": note.strip()},
    )
    return adjustment
