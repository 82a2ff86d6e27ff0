"""The list as of a date, as CSV or XLSX. The columns are the import's, so an exported file imports back
unchanged; the extra columns (version, department, towns holding it, ...) are for readers and ignored by the
import."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from enforcement.models import District, Unit
from enforcement.spreadsheets import csv_bytes, xlsx_append

from .importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from .selectors import catalog_items, holdings_on, item_version_on

INFO_COLUMNS = ["version", "in_force_from", "department", "held_by_towns"]
TOWN_COLUMNS = ["town", "town_kind", "granted_from", "granted_until", "source_document", "acting_name"]


def export_columns(town: Unit | None = None) -> list[str]:
    return REQUIRED_COLUMNS + OPTIONAL_COLUMNS + INFO_COLUMNS + (TOWN_COLUMNS if town is not None else [])


def export_rows(*, district: District, on: dt.date, town: Unit | None = None) -> list[dict[str, Any]]:
    """One row per item of the catalog in force on `on` (for a town: the items it holds that day)."""
    holdings = holdings_on(district, on)
    rows = []
    for item in catalog_items(district=district, on=on).prefetch_related("versions"):
        version = item_version_on(item, on)
        if version is None:
            continue
        grants = holdings.get(item.pk, [])
        town_grant = next((g for g in grants if town is not None and g.town_id == town.pk), None)
        if town is not None and town_grant is None:
            continue
        content = version.content
        row: dict[str, Any] = {"code": item.code}
        for column in REQUIRED_COLUMNS[1:] + OPTIONAL_COLUMNS:
            value = content.get(column, "")
            row[column] = "|".join(value) if isinstance(value, list) else value
        row.update(
            version=version.version,
            in_force_from=version.valid_from.isoformat(),
            department=item.default_holder.code if item.default_holder is not None else "",
            held_by_towns=";".join(f"{g.town.code}:{g.kind}" for g in grants),
        )
        if town is not None and town_grant is not None:
            acting = town_grant.delegating_department if town_grant.kind == "delegated" else town
            row.update(
                town=town.code,
                town_kind=town_grant.kind,
                granted_from=town_grant.valid_from.isoformat(),
                granted_until=town_grant.valid_to.isoformat() if town_grant.valid_to else "",
                source_document=town_grant.source_document,
                acting_name=acting.name_zh if acting else "",
            )
        rows.append(row)
    return rows


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly; text that looks like a formula
    is marked as text (enforcement.spreadsheets)."""
    return csv_bytes(rows, columns)


def to_xlsx(rows: list[dict[str, Any]], columns: list[str], title: str = "catalog") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = title[:31]
    xlsx_append(sheet, columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Text, not numbers: fines keep their exact text and codes their leading zeros.
        xlsx_append(sheet, [str(row.get(c, "")) for c in columns])
    widths = {"code": 12, "name_zh": 40, "name_en": 40, "legal_basis": 60, "description_zh": 40}
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(column, 14)
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=False, vertical="top")
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
