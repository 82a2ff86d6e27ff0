"""Spreadsheets in and out, safely: the one place that writes user text into CSV/XLSX and that reads uploaded
tables.

Out (formula injection, CWE-1236): a text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a
formula to Excel and LibreOffice (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`, `@SUM(...)`, `-2+3+cmd`). In CSV
such a cell gets a leading apostrophe, the spreadsheet's own "this is text" mark; so does a text that already
starts with apostrophes before such a character, so that the mark can always be taken off again. In XLSX the
cell is written as text with the quote-prefix style (what Excel does when you type the apostrophe): the value
itself is unchanged.
In (`csv_text_in`): one leading apostrophe before a formula character is that mark and is dropped, so an
exported file imports back unchanged, and a hand-made file where someone typed the mark means what Excel
shows.

In (bombs and floods): an upload is refused before it is parsed when it is larger than `MAX_UPLOAD_BYTES`,
when an
XLSX declares more than `MAX_INFLATED_BYTES` once unzipped (Python's zipfile never inflates a member beyond
its declared size, so the declared sizes bound the work) or a sheet dimension beyond `MAX_ROWS`; while
reading, a table stops at `MAX_ROWS` rows whatever the file claimed. Every refusal names the limit.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MARK = "'"
MB = 1024 * 1024
MAX_UPLOAD_BYTES = 10 * MB
MAX_INFLATED_BYTES = 50 * MB  # a 10,000-row catalog with long texts unzips to about 15 MB
MAX_ROWS = 20_000  # header included; a district's catalog has a few thousand items
MAX_ZIP_MEMBERS = 1_000


# --- out ----------------------------------------------------------------------------------------------------


def _formula_like(text: str) -> bool:
    return text.lstrip(MARK).startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text that a spreadsheet would run as a formula gets the apostrophe mark."""
    if isinstance(value, str) and _formula_like(value):
        return MARK + value
    return value


def csv_bytes(rows: list[list[Any]] | list[dict[str, Any]], columns: list[str] | None = None) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads the Chinese), every cell through `csv_cell`. Rows are
    lists, or dicts written in the order of `columns` (a header row first)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    if columns is not None:
        writer.writerow([csv_cell(c) for c in columns])
        for row in cast("list[dict[str, Any]]", rows):
            writer.writerow([csv_cell(row.get(c, "")) for c in columns])
    else:
        writer.writerows([csv_cell(v) for v in row] for row in cast("list[list[Any]]", rows))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_append(sheet: Any, values: list[Any]) -> None:
    """Append a row to an openpyxl sheet; text that looks like a formula stays text (never a formula cell)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and (cell.data_type == "f" or _formula_like(cell.value)):
            cell.data_type = "s"
            cell.quotePrefix = True


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    """One sheet of `rows`, each through `xlsx_append`."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        xlsx_append(sheet, row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_download(rows: list[list[Any]], *, name: str, fmt: str) -> HttpResponse:
    """`rows` (the header first) as the attachment `name.fmt`: CSV for "csv", XLSX otherwise."""
    if fmt == "csv":
        response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def csv_text_in(text: str) -> str:
    """A CSV cell as imported: the apostrophe mark before a formula character is taken off (see the
    module)."""
    if text.startswith(MARK) and _formula_like(text[1:]):
        return text[1:]
    return text


# --- in -----------------------------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f} MB"


def too_many_rows() -> ValidationError:
    return ValidationError(
        _("The file has more than %(max)s rows; split it into smaller files.") % {"max": f"{MAX_ROWS:,}"},
        code="too_many_rows",
    )


def check_upload_size(size: int | None) -> None:
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": _megabytes(MAX_UPLOAD_BYTES)},
            code="too_large",
        )


def check_spreadsheet_upload(upload: Any) -> Any:
    """A form's spreadsheet upload: a .csv or .xlsx file within the limit shared by every import."""
    if not upload.name.lower().endswith((".csv", ".xlsx")):
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="file_type")
    check_upload_size(upload.size)
    return upload


def read_upload(source: Any) -> bytes:
    """The bytes of an upload or file, refused beyond MAX_UPLOAD_BYTES without reading more than that."""
    check_upload_size(getattr(source, "size", None))
    data: bytes = source.read(MAX_UPLOAD_BYTES + 1)
    check_upload_size(len(data))
    return data


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension[^>]*\bref="[A-Z]{1,3}\d+(?::[A-Z]{1,3}(\d+))?"')


def check_xlsx(data: bytes) -> None:
    """Refuse an XLSX before it is parsed: too large once unzipped (the zip's declared sizes), too many
    members, or a sheet that declares more rows than MAX_ROWS. A damaged zip is left to the reader to
    report."""
    check_upload_size(len(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise ValidationError(
                _("The XLSX file has more than %(max)s parts.") % {"max": MAX_ZIP_MEMBERS}, code="zip_members"
            )
        inflated = sum(m.file_size for m in members)
        if inflated > MAX_INFLATED_BYTES:
            raise ValidationError(
                _(
                    "The XLSX file unzips to %(size)s, more than the %(limit)s allowed; split it "
                    "into smaller files."
                )
                % {"size": _megabytes(inflated), "limit": _megabytes(MAX_INFLATED_BYTES)},
                code="too_large_unzipped",
            )
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                with archive.open(member) as sheet:
                    head = sheet.read(4096)
                found = _DIMENSION.search(head)
                if found and found.group(1) and int(found.group(1)) > MAX_ROWS:
                    raise too_many_rows()


def xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows (values), after `check_xlsx`, stopping with a refusal past MAX_ROWS. Raises
    ValidationError for a file refused by the limits, ValueError for one openpyxl cannot read."""
    from openpyxl import load_workbook

    check_xlsx(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Read every row there is, not only those the sheet's dimension claims (a wrong dimension would
        # silently drop rows); the cap below bounds the reading instead.
        sheet.reset_dimensions()
    except Exception as exc:  # openpyxl raises several kinds for a damaged file
        raise ValueError(str(exc)) from exc
    rows = sheet.iter_rows(values_only=True)
    try:
        for number in range(1, MAX_ROWS + 2):
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet fails while it is read, in many ways
                raise ValueError(str(exc)) from exc
            if number > MAX_ROWS:
                raise too_many_rows()
            yield values
    finally:
        workbook.close()


def csv_rows(text: str) -> Iterator[list[str]]:
    """Rows of CSV text with the apostrophe mark taken off, stopping with a refusal past MAX_ROWS; a malformed
    file (a cell beyond the csv module's 128 KB, say) is a ValidationError."""
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_ROWS:
                raise too_many_rows()
            yield [csv_text_in(v) for v in row]
    except csv.Error as exc:
        raise ValidationError(
            _("The CSV file cannot be read: %(error)s") % {"error": exc}, code="csv"
        ) from exc
