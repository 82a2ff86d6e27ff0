"""Hostile spreadsheets built in the test (nothing big is committed): a zip bomb, a sheet with too many rows,
a sheet that lies about its dimension."""

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
    """The workbook again, with its first sheet replaced and/or `padding` spaces after <sheetData> (legal
    XML)."""
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
    return _rewrite(
        _workbook([header or ["code", "name_zh"], ["X-1", "一"]]), padding=inflated_mb * 1024 * 1024
    )


def xlsx_rows(count: int, header: list[str], *, lie_about_dimension: bool = False) -> bytes:
    """An XLSX with `count` data rows; `lie_about_dimension`: the sheet claims to be two rows (A1:B2)."""
    data = _workbook([header] + [[f"X-{n}", "一"] + [""] * (len(header) - 2) for n in range(count)])
    if not lie_about_dimension:
        return data
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    return _rewrite(data, sheet_xml=re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', sheet))


def csv_rows(count: int, header: str) -> bytes:
    return (header + "\n" + "".join(f"X-{n},一\n" for n in range(count))).encode()


# --- uploads ------------------------------------------------------------------------------------------------


def jpeg(size: tuple[int, int] = (64, 48), *, comment: bytes = b"", gps: bool = False) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Huawei"
    exif[0x0131] = "EditorWithSecrets 1.0"  # Software: not kept
    exif.get_ifd(0x8769)[0x9003] = "2026:11:30 09:15:00"
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (29.0, 33.0, 20.0), 3: "E", 4: (106.0, 34.0, 10.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=comment)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(document.cookie)</script>")
    return buffer.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG whose header claims width x height pixels (10 gigapixels), a few hundred bytes long."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart body built by hand, so file names reach the server exactly as a hostile client sends them
    (Django's test client would strip the path)."""
    boundary = "----hostile-boundary-7d93"
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    for key, name, data in files:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{name}"\r\n'
        parts.append(head.encode() + b"Content-Type: image/jpeg\r\n\r\n" + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
