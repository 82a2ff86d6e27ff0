"""import_authority: all or nothing with row numbers, idempotent, a changed row is a new version, new
districts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from authority.models import AuthorityGrant, EnforcementItem, EnforcementItemVersion
from authority.selectors import who_enforces
from enforcement.models import AuditEvent, District, Unit

from .conftest import COLUMNS, ROWS, csv_bytes, import_rows

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int, int, int]:
    return (
        EnforcementItem.objects.count(),
        EnforcementItemVersion.objects.count(),
        AuthorityGrant.objects.count(),
        AuditEvent.objects.count(),
        Unit.objects.count(),
    )


def _write(tmp_path, rows, name="catalog.csv", columns=COLUMNS):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, columns))
    return path


def _run(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_authority", *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_reimporting_the_same_file_changes_nothing(cast, tmp_path):
    path = _write(tmp_path, ROWS)
    out, _ = _run(str(path), "--district", cast.district.code, "--effective", "2024-01-01")
    assert "4 new items" in out
    after_first = _state()
    assert EnforcementItem.objects.filter(district=cast.district).count() == 4
    # three holder=town items x two towns
    assert AuthorityGrant.objects.filter(item__district=cast.district).count() == 6
    out, _ = _run(str(path), "--district", cast.district.code, "--effective", "2024-03-01")
    assert "Nothing changed" in out
    assert _state() == after_first


def test_a_bad_file_imports_nothing_and_names_every_bad_row(cast, tmp_path):
    bad = [list(r) for r in ROWS]
    bad[1][3] = "given"  # row 3: kind
    bad[2][7], bad[2][8] = "900", "100"  # row 4: max below min
    bad.append(list(ROWS[0]))  # row 6: duplicate code of row 2
    bad.append(
        ["T-X-9", "名称", "", "empowered", "space", "", "", "abc", "", "town", "", "", "", ""]
    )  # row 7
    path = _write(tmp_path, ROWS[:1] + bad[1:])
    before = _state()
    with pytest.raises(CommandError, match="nothing was imported"):
        _run(str(path), "--district", cast.district.code)
    _, err = _capture_errors(path, cast.district.code)
    assert "row 3 [kind]" in err
    assert "row 4 [fine_max]" in err
    assert "row 6 [code]" in err and "row 2" in err
    assert "row 7 [domain]" in err and "row 7 [fine_min]" in err
    assert _state() == before


def _capture_errors(path, district):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_authority", str(path), "--district", district, stdout=io.StringIO(), stderr=err)
    return "", err.getvalue()


def test_a_failure_while_applying_rolls_back_even_a_new_district(cast, tmp_path):
    path = _write(tmp_path, ROWS)
    before = _state()
    with pytest.raises(CommandError):
        # The second town code belongs to another district: found only after the new district was written.
        _run(str(path), "--district", "777001", "--town", "777001-A", "--town", cast.town_a.code)
    assert _state() == before
    assert not District.objects.filter(code="777001").exists()


def test_unknown_town_in_an_existing_district_is_refused(cast, tmp_path):
    path = _write(tmp_path, ROWS)
    before = _state()
    with pytest.raises(CommandError):
        _run(str(path), "--district", cast.district.code, "--town", "NO-SUCH-TOWN")
    assert _state() == before


def test_a_changed_row_creates_a_new_version_not_an_overwrite(cast, catalog, tmp_path):
    changed = [list(r) for r in ROWS]
    changed[0][8] = "1000"  # T-CG-001 maximum fine 500 -> 1000
    grants_before = list(AuthorityGrant.objects.values_list("pk", "valid_to"))
    out, _ = _run(
        str(_write(tmp_path, changed)), "--district", cast.district.code, "--effective", "2025-01-01"
    )
    assert "1 changed" in out and "3 unchanged" in out
    item = EnforcementItem.objects.get(district=cast.district, code="T-CG-001")
    assert item.version == 2 and str(item.fine_max) == "1000.00"
    v1, v2 = item.versions.order_by("version")
    assert v1.content["fine_max"] == "500" and v2.content["fine_max"] == "1000"
    assert v2.valid_from == dt.date(2025, 1, 1)
    assert AuditEvent.objects.filter(action="authority.item.revise", object_id=str(item.pk)).count() == 1
    assert (
        list(AuthorityGrant.objects.values_list("pk", "valid_to")) == grants_before
    )  # content change: grants untouched
    assert EnforcementItem.objects.get(code="T-XF-001", district=cast.district).version == 1


def test_a_holder_change_ends_grants_from_the_effective_date(cast, catalog, tmp_path):
    changed = [list(r) for r in ROWS]
    changed[1][9] = "district"  # T-XF-001 goes back to the fire department
    _run(str(_write(tmp_path, changed)), "--district", cast.district.code, "--effective", "2025-01-01")
    fire = catalog["T-XF-001"]
    assert who_enforces(fire, cast.town_a, dt.date(2024, 12, 31)).town_holds
    assert not who_enforces(fire, cast.town_a, dt.date(2025, 1, 1)).town_holds
    assert AuthorityGrant.objects.filter(item=fire).count() == 2  # ended, not deleted
    assert set(AuthorityGrant.objects.filter(item=fire).values_list("valid_to", flat=True)) == {
        dt.date(2024, 12, 31)
    }


def test_a_new_district_is_created_with_its_towns_and_one_department_per_domain(db, tmp_path):
    out, _ = _run(
        str(_write(tmp_path, ROWS)),
        "--district",
        "777002",
        "--town",
        "777002-001",
        "--town",
        "777002-002",
        "--district-name",
        "新区",
    )
    district = District.objects.get(code="777002")
    assert district.name_zh == "新区"
    towns = Unit.objects.filter(district=district, kind=Unit.Kind.TOWN)
    assert sorted(towns.values_list("code", flat=True)) == ["777002-001", "777002-002"]
    departments = Unit.objects.filter(district=district, kind=Unit.Kind.DEPARTMENT)
    assert sorted(departments.values_list("domain", flat=True)) == [
        "city_management",
        "fire_safety",
        "market",
        "water",
    ]
    assert AuthorityGrant.objects.filter(town__in=towns).count() == 6
    water = EnforcementItem.objects.get(district=district, code="T-SL-001")
    assert who_enforces(water, towns[0], dt.date.today()).department.domain == "water"
    assert "Created district 777002" in out


def test_a_fresh_district_without_towns_named_gets_one_town(db, tmp_path):
    _run(str(_write(tmp_path, ROWS)), "--district", "777003")
    assert list(
        Unit.objects.filter(district__code="777003", kind=Unit.Kind.TOWN).values_list("code", flat=True)
    ) == ["777003-001"]


def test_xlsx_imports_like_csv_and_long_files_show_progress(cast, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for n in range(120):
        sheet.append(
            [
                f"T-GEN-{n:03d}",
                f"事项{n}",
                f"Item {n}",
                "empowered",
                "city_management",
                "依据",
                "行为",
                200,
                2000.5,
                "town",
                "",
                "",
                "",
                "",
            ]
        )
    path = tmp_path / "catalog.xlsx"
    workbook.save(path)
    out, _ = _run(str(path), "--district", cast.district.code)
    assert "120 new items" in out
    assert "120/120 rows (100%)" in out and "60/120" in out
    item = EnforcementItem.objects.get(district=cast.district, code="T-GEN-007")
    assert str(item.fine_min) == "200.00" and str(item.fine_max) == "2000.50"
    out, _ = _run(str(path), "--district", cast.district.code)
    assert "Nothing changed" in out


def test_upload_page_shows_row_errors_and_imports_nothing(cast, client_for):
    bad = [list(r) for r in ROWS]
    bad[2][4] = "markets"
    upload = SimpleUploadedFile("bad.csv", csv_bytes(bad), content_type="text/csv")
    before = _state()
    response = client_for(cast.admin).post(reverse("authority-import") + "?lang=en", {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-row="4"' in page and "markets" in page and "nothing was imported" in page
    assert _state() == before


def test_upload_page_imports_a_good_file(cast, client_for):
    upload = SimpleUploadedFile("good.csv", csv_bytes(ROWS), content_type="text/csv")
    response = client_for(cast.admin).post(
        reverse("authority-import"), {"file": upload, "towns": [cast.town_a.pk], "effective": "2024-01-01"}
    )
    assert response.status_code == 200
    assert 'data-testid="import-report"' in response.content.decode()
    assert AuthorityGrant.objects.filter(town=cast.town_a).count() == 3
    assert not AuthorityGrant.objects.filter(town=cast.town_b).exists()
    event = AuditEvent.objects.filter(action="authority.catalog.import").get()
    assert event.actor == cast.admin


@pytest.mark.parametrize("who", ["officer_a", "supervisor_a", "responder"])
def test_only_the_district_administrator_may_import(cast, client_for, who):
    user = getattr(cast, who)
    assert client_for(user).get(reverse("authority-import")).status_code == 403
    before = _state()
    upload = SimpleUploadedFile("good.csv", csv_bytes(ROWS), content_type="text/csv")
    assert client_for(user).post(reverse("authority-import"), {"file": upload}).status_code == 403
    upload = SimpleUploadedFile("good.csv", csv_bytes(ROWS), content_type="text/csv")
    assert client_for(user).post(reverse("api-authority-import"), {"file": upload}).status_code == 403
    assert _state() == before


def test_gb18030_csv_from_excel_is_read(cast):
    data = csv_bytes(ROWS).decode("utf-8").encode("gb18030")
    from authority.importing import read_catalog

    rows = read_catalog(io.BytesIO(data), "excel.csv")
    assert rows[0].values["name_zh"] == "对擅自占道经营的行政处罚"


def test_missing_required_column_is_a_file_error(cast, tmp_path):
    columns = [c for c in COLUMNS if c != "holder"]
    rows = [r[:9] + r[10:] for r in ROWS]
    with pytest.raises(CommandError):
        _run(str(_write(tmp_path, rows, columns=columns)), "--district", cast.district.code)


def test_import_rows_helper_is_idempotent_through_the_service(cast):
    import_rows(cast.district.code)
    report = import_rows(cast.district.code)
    assert not report.has_changes and report.unchanged == 4
