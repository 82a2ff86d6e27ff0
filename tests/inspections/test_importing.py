"""Import and export of the inspection-item list: all or nothing, row-numbered errors, export-then-import."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied

from inspections.importing import (
    ListFileError,
    inspection_list_csv,
    inspection_list_import,
    inspection_list_rows,
)
from inspections.models import CheckPoint, InspectionItem
from inspections.services import inspection_list_create

pytestmark = pytest.mark.django_db

HEADER = (
    "item_code,item_name_zh,item_legal_basis,point_code,point_text_zh,"
    "enforcement_item,high_risk,inspecting_unit\n"
)


def _file(text: str) -> io.BytesIO:
    data = io.BytesIO(text.encode("utf-8"))
    data.name = "list.csv"
    return data


def test_export_then_import_reproduces_the_list(cast, setup):
    exported = inspection_list_csv(setup.listing)
    fresh = inspection_list_create(actor=cast.admin, district=cast.district, title="2027年版")
    assert (
        inspection_list_import(
            actor=cast.admin, inspection_list=fresh, source=io.BytesIO(exported), filename="x.csv"
        )
        == 3
    )
    assert inspection_list_rows(fresh) == inspection_list_rows(setup.listing)  # the rows carry codes, not ids
    assert (
        InspectionItem.objects.get(inspection_list=fresh, code="JC-SC-01").inspecting_unit == cast.department
    )


def test_an_xlsx_file_imports_too(cast, setup):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            "JC-X-01",
            "建筑工地检查",
            "《重庆市市容环境卫生管理条例》",
            "1",
            "出入口是否硬化",
            "INS-CG-001",
            1,
            "",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    fresh = inspection_list_create(actor=cast.admin, district=cast.district, title="工地")
    assert (
        inspection_list_import(actor=cast.admin, inspection_list=fresh, source=out, filename="list.xlsx") == 1
    )
    assert InspectionItem.objects.get(inspection_list=fresh).high_risk is True


def test_bad_rows_are_reported_by_number_and_nothing_is_written(cast, setup, audit_count):
    fresh = inspection_list_create(actor=cast.admin, district=cast.district, title="有错的清单")
    before_points, before_audit = CheckPoint.objects.count(), audit_count()
    text = HEADER + (
        "JC-A,检查A,依据A,1,要点1,INS-CG-001,0,\n"
        "JC-A,检查A,依据A,2,要点2,NO-SUCH,0,\n"  # row 3: unknown enforcement item
        "JC-A,检查A（改）,依据A,3,要点3,INS-CG-001,0,\n"  # row 4: the item's columns differ
        "JC-B,检查B,依据B,1,,INS-CG-001,maybe,NOWHERE\n"  # row 5: empty text, bad flag, unknown unit
    )
    with pytest.raises(ListFileError) as refused:
        inspection_list_import(actor=cast.admin, inspection_list=fresh, source=_file(text))
    found = {(e.row, e.column) for e in refused.value.errors}
    assert {
        (3, "enforcement_item"),
        (4, "item_code"),
        (5, "point_text_zh"),
        (5, "high_risk"),
        (5, "inspecting_unit"),
    } <= found
    assert CheckPoint.objects.count() == before_points and audit_count() == before_audit
    assert not fresh.items.exists()


def test_missing_columns_and_outsiders_are_refused(cast, setup):
    fresh = inspection_list_create(actor=cast.admin, district=cast.district, title="x")
    with pytest.raises(ListFileError, match="Missing columns"):
        inspection_list_import(
            actor=cast.admin, inspection_list=fresh, source=_file("item_code,point_code\nA,1\n")
        )
    with pytest.raises(PermissionDenied):
        inspection_list_import(
            actor=cast.supervisor_a,
            inspection_list=fresh,
            source=_file(HEADER + "JC-A,A,A,1,x,INS-CG-001,0,\n"),
        )
    assert not fresh.items.exists()
    with pytest.raises(ListFileError, match="published list"):  # a published list is not changed
        inspection_list_import(
            actor=cast.admin,
            inspection_list=setup.listing,
            source=_file(HEADER + "JC-N,A,A,1,x,INS-CG-001,0,\n"),
        )


def test_a_checklist_exports_and_imports_as_a_new_version(cast, setup, on_day, audit_count):
    from inspections.importing import template_csv, template_import

    exported = template_csv(setup.dept_template)
    assert "JC-SC-01" in exported.decode("utf-8-sig")
    v2 = template_import(
        actor=cast.responder,
        unit=cast.department,
        scenario="restaurant",
        name="餐饮服务监督检查表",
        source=io.BytesIO(exported),
        filename="t.csv",
    )
    assert v2.version == 2 and [r.point_id for r in v2.rows.all()] == [
        r.point_id for r in setup.dept_template.rows.all()
    ]

    before = audit_count()
    bad = "item_code,point_code\nJC-SC-01,1\nJC-SC-01,9\nNOPE,1\n"
    with pytest.raises(ListFileError) as refused:
        template_import(
            actor=cast.responder, unit=cast.department, scenario="restaurant", name="x", source=_file(bad)
        )
    assert [e.row for e in refused.value.errors] == [3, 4]
    assert (
        audit_count() == before
        and setup.dept_template.__class__.objects.filter(unit=cast.department).count() == 2
    )
