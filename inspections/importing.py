"""Import and export of an inspection-item list (检查事项清单) as CSV or XLSX: one row per check point, the
item's columns repeated on each of its rows. The import is all or nothing: every bad row is reported with its
number and nothing is written. Export-then-import into a new draft list reproduces the list."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from authority.importing import CatalogFileError, RowError, read_table
from authority.models import EnforcementItem
from enforcement.models import Unit, User

from .models import ChecklistTemplate, InspectionItem, InspectionList
from .services import check_point_add, inspection_item_add

REQUIRED = [
    "item_code",
    "item_name_zh",
    "item_legal_basis",
    "point_code",
    "point_text_zh",
    "enforcement_item",
]
OPTIONAL = ["point_legal_basis", "high_risk", "inspecting_unit", "method", "note_on_fail", "photo_on_fail"]
COLUMNS = REQUIRED + OPTIONAL
ITEM_COLUMNS = ("item_name_zh", "item_legal_basis", "high_risk", "inspecting_unit", "method")
_TRUE = {"1", "true", "yes", "y", "是"}
_FALSE = {"", "0", "false", "no", "n", "否"}
MAX_ROWS = 5000


class ListFileError(CatalogFileError):
    """A list file that cannot be imported; nothing of it was written."""


@dataclass
class _Item:
    row: int
    code: str
    values: dict[str, Any]
    points: list[dict[str, Any]] = field(default_factory=list)


def _flag(value: str, row: int, column: str, errors: list[RowError], default: bool) -> bool:
    text = value.strip().lower()
    if not text:
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    errors.append(RowError(row, column, _("Write 1 or 0 (yes or no).")))
    return default


def _check(
    inspection_list: InspectionList, header: list[str], body: list[tuple[int, dict[str, str]]]
) -> list[_Item]:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ListFileError(
            [RowError(0, "", _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
        )
    if len(body) > MAX_ROWS:
        raise ListFileError([RowError(0, "", _("At most %(n)s rows at a time.") % {"n": MAX_ROWS})])
    district_id = inspection_list.district_id
    catalog = {i.code: i for i in EnforcementItem.objects.filter(district_id=district_id)}
    units = {u.code: u for u in Unit.objects.filter(district_id=district_id)}
    errors: list[RowError] = []
    items: dict[str, _Item] = {}
    seen_points: set[tuple[str, str]] = set()
    for number, row in body:
        for column in REQUIRED:
            if not row.get(column, "").strip():
                errors.append(RowError(number, column, _("Required.")))
        code, point_code = row.get("item_code", "").strip(), row.get("point_code", "").strip()
        enforcement = catalog.get(row.get("enforcement_item", "").strip())
        if row.get("enforcement_item", "").strip() and enforcement is None:
            errors.append(RowError(number, "enforcement_item", _("No such item in the district's catalog.")))
        unit_code = row.get("inspecting_unit", "").strip()
        if unit_code and unit_code not in units:
            errors.append(RowError(number, "inspecting_unit", _("No such unit in the district.")))
        method = row.get("method", "").strip() or InspectionItem.Method.ON_SITE
        if method not in InspectionItem.Method.values:
            errors.append(RowError(number, "method", _("Write on_site or off_site.")))
        values = {
            "item_name_zh": row.get("item_name_zh", "").strip(),
            "item_legal_basis": row.get("item_legal_basis", "").strip(),
            "high_risk": _flag(row.get("high_risk", ""), number, "high_risk", errors, False),
            "inspecting_unit": units.get(unit_code),
            "method": method,
        }
        if (code, point_code) in seen_points:
            errors.append(
                RowError(
                    number,
                    "point_code",
                    _("Check point %(code)s appears twice for this item.") % {"code": point_code},
                )
            )
        seen_points.add((code, point_code))
        item = items.get(code)
        if item is None:
            item = items[code] = _Item(number, code, values)
        elif any(item.values[c] != values[c] for c in ITEM_COLUMNS):
            errors.append(
                RowError(
                    number,
                    "item_code",
                    _("The item's columns differ from its first row (row %(row)s).") % {"row": item.row},
                )
            )
        item.points.append(
            {
                "row": number,
                "code": point_code,
                "text_zh": row.get("point_text_zh", "").strip(),
                "enforcement_item": enforcement,
                "legal_basis": row.get("point_legal_basis", "").strip(),
                "note_on_fail": _flag(row.get("note_on_fail", ""), number, "note_on_fail", errors, True),
                "photo_on_fail": _flag(row.get("photo_on_fail", ""), number, "photo_on_fail", errors, False),
            }
        )
    if not body:
        errors.append(RowError(0, "", _("The file has no rows.")))
    existing = set(inspection_list.items.values_list("code", flat=True))
    for code, item in items.items():
        if code in existing:
            errors.append(
                RowError(
                    item.row,
                    "item_code",
                    _("The list already has an item with code %(code)s.") % {"code": code},
                )
            )
    if errors:
        raise ListFileError(errors)
    return list(items.values())


@transaction.atomic
def inspection_list_import(
    *, actor: User, inspection_list: InspectionList, source: str | Path | IO[bytes], filename: str = ""
) -> int:
    """Add the file's items and check points to a draft list; returns the number of check points. All or
    nothing:
    a refusal by the services (permission, a published list, a too long text) names its row too."""
    header, body = read_table(source, filename)
    items = _check(inspection_list, header, body)
    count = 0
    for item in items:
        try:
            created = inspection_item_add(
                actor=actor,
                inspection_list=inspection_list,
                code=item.code,
                name_zh=item.values["item_name_zh"],
                legal_basis=item.values["item_legal_basis"],
                inspecting_unit=item.values["inspecting_unit"],
                high_risk=item.values["high_risk"],
                method=item.values["method"],
            )
        except Exception as exc:
            _reraise(exc, item.row)
        for point in item.points:
            try:
                check_point_add(
                    actor=actor,
                    item=created,
                    code=point["code"],
                    text_zh=point["text_zh"],
                    enforcement_item=point["enforcement_item"],
                    legal_basis=point["legal_basis"],
                    note_on_fail=point["note_on_fail"],
                    photo_on_fail=point["photo_on_fail"],
                )
            except Exception as exc:
                _reraise(exc, point["row"])
            count += 1
    return count


def _reraise(exc: Exception, row: int) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    if isinstance(exc, PermissionDenied):
        raise exc
    if isinstance(exc, ValidationError):
        raise ListFileError([RowError(row, "", m) for m in exc.messages]) from exc
    raise exc


def inspection_list_rows(inspection_list: InspectionList) -> list[dict[str, str]]:
    rows = []
    for item in (
        inspection_list.items.select_related("inspecting_unit")
        .prefetch_related("points__enforcement_item")
        .order_by("code")
    ):
        for point in item.points.all():
            rows.append(
                {
                    "item_code": item.code,
                    "item_name_zh": item.name_zh,
                    "item_legal_basis": item.legal_basis,
                    "point_code": point.code,
                    "point_text_zh": point.text_zh,
                    "enforcement_item": point.enforcement_item.code,
                    "point_legal_basis": point.legal_basis,
                    "high_risk": "1" if item.high_risk else "0",
                    "inspecting_unit": item.inspecting_unit.code if item.inspecting_unit else "",
                    "method": item.method,
                    "note_on_fail": "1" if point.note_on_fail else "0",
                    "photo_on_fail": "1" if point.photo_on_fail else "0",
                }
            )
    return rows


def inspection_list_csv(inspection_list: InspectionList) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(inspection_list_rows(inspection_list))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- checklist templates ------------------------------------------------------------------------------------

TEMPLATE_REQUIRED = ["item_code", "point_code"]
TEMPLATE_COLUMNS = [
    "item_code",
    "point_code",
    "point_text_zh",
    "enforcement_item",
]  # the last two: for people, not read


@transaction.atomic
def template_import(
    *,
    actor: User,
    unit: Unit,
    scenario: str,
    name: str,
    source: str | Path | IO[bytes],
    filename: str = "",
    on: dt.date | None = None,
) -> ChecklistTemplate:
    """A new draft version of the unit's checklist from a file of (item_code, point_code) rows, resolved
    against the inspection-item list in force on `on` (today by default). All or nothing, errors by row."""
    from enforcement import clock

    from .models import CheckPoint, lists_in_force_on
    from .services import template_create

    header, body = read_table(source, filename)
    missing = [c for c in TEMPLATE_REQUIRED if c not in header]
    if missing:
        raise ListFileError(
            [RowError(0, "", _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
        )
    if len(body) > MAX_ROWS:
        raise ListFileError([RowError(0, "", _("At most %(n)s rows at a time.") % {"n": MAX_ROWS})])
    day = on or clock.today()
    points = {
        (p.item.code, p.code): p
        for p in CheckPoint.objects.filter(
            item__inspection_list__district_id=unit.district_id,
            item__inspection_list__in=InspectionList.objects.filter(lists_in_force_on(day)),
        ).select_related("item__inspection_list")
    }
    errors: list[RowError] = []
    chosen = []
    for number, row in body:
        key = (row.get("item_code", "").strip(), row.get("point_code", "").strip())
        point = points.get(key)
        if point is None:
            errors.append(
                RowError(
                    number,
                    "point_code",
                    _("No check point %(item)s/%(point)s on the list in force on %(date)s.")
                    % {"item": key[0], "point": key[1], "date": day},
                )
            )
        else:
            chosen.append(point)
    if not body:
        errors.append(RowError(0, "", _("The file has no rows.")))
    if errors:
        raise ListFileError(errors)
    return template_create(actor=actor, unit=unit, scenario=scenario, name=name, points=chosen)


def template_csv(template: ChecklistTemplate) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TEMPLATE_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in template.rows.select_related("point__item", "point__enforcement_item").order_by(
        "position", "pk"
    ):
        writer.writerow(
            {
                "item_code": row.point.item.code,
                "point_code": row.point.code,
                "point_text_zh": row.point.text_zh,
                "enforcement_item": row.point.enforcement_item.code,
            }
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
