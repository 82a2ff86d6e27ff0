"""Hostile spreadsheets built in the test (nothing big is committed): a zip bomb, a sheet with too many rows, a sheet
that lies about its dimension."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def _workbook(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, sheet_xml: bytes | None = None, padding: int = 0) -> bytes:
    """The workbook again, with its first sheet replaced and/or `padding` spaces after <sheetData> (legal XML)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename != SHEET:
                target.writestr(member.filename, content)
                continue
            content = sheet_xml if sheet_xml is not None else content
            head, tail = content.split(b"<sheetData>", 1)
            with target.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(head + b"<sheetData>")
                chunk = b" " * (1024 * 1024)
                for _ in range(padding // len(chunk)):
                    sheet.write(chunk)
                sheet.write(tail)
    return out.getvalue()


def xlsx_bomb(inflated_mb: int = 300, header: list[str] | None = None) -> bytes:
    """A real XLSX of a few hundred KB whose sheet unzips to `inflated_mb` MB (whitespace, legal XML)."""
    return _rewrite(_workbook([header or ["code", "name_zh"], ["X-1", "一"]]), padding=inflated_mb * 1024 * 1024)


def xlsx_rows(count: int, header: list[str], *, lie_about_dimension: bool = False) -> bytes:
    """An XLSX with `count` data rows; `lie_about_dimension`: the sheet claims to be two rows (A1:B2)."""
    data = _workbook([header] + [[f"X-{n}", "一"] + [""] * (len(header) - 2) for n in range(count)])
    if not lie_about_dimension:
        return data
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    return _rewrite(data, sheet_xml=re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', sheet))


def csv_rows(count: int, header: str) -> bytes:
    return (header + "\n" + "".join(f"X-{n},一\n" for n in range(count))).encode()
