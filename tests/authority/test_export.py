"""Export as of a date, then import: nothing changes (CSV and XLSX, page and command)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from authority.importing import read_catalog
from authority.models import AuthorityGrant, EnforcementItem, EnforcementItemVersion
from authority.services import catalog_import
from enforcement.models import AuditEvent

from .conftest import ROWS, approve_adjustment, import_rows

pytestmark = pytest.mark.django_db


def _state():
    return (
        EnforcementItem.objects.count(),
        EnforcementItemVersion.objects.count(),
        list(AuthorityGrant.objects.order_by("pk").values_list("pk", "valid_from", "valid_to")),
        AuditEvent.objects.count(),
    )


def _reimport(cast, data: bytes, name: str, **kwargs):
    return catalog_import(
        actor=cast.admin,
        district_code=cast.district.code,
        rows=read_catalog(io.BytesIO(data), name),
        source=name,
        **kwargs,
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(cast, catalog, client_for, fmt):
    changed = [list(r) for r in ROWS]
    changed[0][8] = "800"
    import_rows(
        cast.district.code, changed, effective=ROWS and __import__("datetime").date(2024, 6, 1)
    )  # a second version
    approve_adjustment(cast, catalog)  # and an adjustment: the export must not undo it
    response = client_for(None).get(
        reverse("authority-export"), {"district": cast.district.code, "format": fmt}
    )
    assert response.status_code == 200
    before = _state()
    report = _reimport(cast, response.content, f"export.{fmt}")
    assert not report.has_changes and report.unchanged == 4
    assert _state() == before


def test_exported_csv_has_the_contract_columns_and_the_holdings(cast, catalog, client_for):
    approve_adjustment(cast, catalog)
    text = (
        client_for(None)
        .get(reverse("authority-export"), {"district": cast.district.code, "format": "csv"})
        .content.decode("utf-8-sig")
    )
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(text))}
    assert list(rows) == ["T-CG-001", "T-XF-001", "T-SC-001", "T-SL-001"] or set(rows) == {
        "T-CG-001",
        "T-XF-001",
        "T-SC-001",
        "T-SL-001",
    }
    assert rows["T-CG-001"]["fine_min"] == "50" and rows["T-SL-001"]["fine_min"] == ""
    assert rows["T-XF-001"]["held_by_towns"] == f"{cast.town_b.code}:empowered"
    assert rows["T-SL-001"]["held_by_towns"] == f"{cast.town_a.code}:empowered"
    past = client_for(None).get(
        reverse("authority-export"), {"district": cast.district.code, "format": "csv", "on": "2025-06-30"}
    )
    past_rows = {r["code"]: r for r in csv.DictReader(io.StringIO(past.content.decode("utf-8-sig")))}
    assert (
        cast.town_a.code in past_rows["T-XF-001"]["held_by_towns"]
        and past_rows["T-SL-001"]["held_by_towns"] == ""
    )


def test_town_export_lists_the_towns_items_and_imports_back_unchanged(cast, catalog, client_for, tmp_path):
    response = client_for(None).get(
        reverse("authority-export"),
        {"district": cast.district.code, "town": cast.town_a.code, "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert {r["code"] for r in rows} == {"T-CG-001", "T-XF-001", "T-SC-001"}
    delegated = next(r for r in rows if r["code"] == "T-SC-001")
    assert delegated["town_kind"] == "delegated" and delegated["acting_name"] == "测试区市场监督管理局"
    before = _state()
    path = tmp_path / "town.xlsx"
    path.write_bytes(response.content)
    out = io.StringIO()
    call_command(
        "import_authority",
        str(path),
        "--district",
        cast.district.code,
        "--town",
        cast.town_a.code,
        stdout=out,
    )
    assert "Nothing changed" in out.getvalue()
    assert _state() == before


def test_export_command_writes_csv_and_xlsx(cast, catalog, tmp_path):
    call_command(
        "export_authority",
        "--district",
        cast.district.code,
        "-o",
        str(tmp_path / "list.xlsx"),
        stderr=io.StringIO(),
    )
    call_command(
        "export_authority",
        "--district",
        cast.district.code,
        "--on",
        "2024-06-01",
        "--format",
        "csv",
        "-o",
        str(tmp_path / "list.csv"),
        stderr=io.StringIO(),
    )
    assert len(read_catalog(tmp_path / "list.xlsx")) == 4
    assert len(read_catalog(tmp_path / "list.csv")) == 4
