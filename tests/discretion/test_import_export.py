"""Benchmark tables as files: CSV and XLSX, one row per tier; round trips; every error named with its row."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from discretion.models import Benchmark
from discretion.services import benchmark_table_import
from discretion.tables import export_rows, read_table, to_csv, to_xlsx
from enforcement.models import AuditEvent

from .conftest import make_item

pytestmark = pytest.mark.django_db

HEADER = (
    "事项编码,档次,情形,结构化条件,条件关系,处罚种类,罚款下限,罚款上限,必备情节,替代措施,发布文号,发布"
    "文件,施行日期\n"
)
GOOD = HEADER + (
    "T-STALL,轻微,2平方米以下，及时改正,area_m2 <= 2; corrected_after_order = yes,all,罚"
    "款,50,100,,,测司发〔2026〕3号,测试区基准,2026-02-01\n"
    "T-STALL,一般,一般情形,,all,罚款,100,200,,,测司发〔2026〕3号,测试区基准,2026-02-01\n"
    "T-STALL,较重,5平方米以上,area_m2 > 5,all,罚款,200,350,,,测司发〔2026〕3号,测试区基准,2026-02-01\n"
    "T-STALL,严重,拒不改正或再犯,refused_correct; repeat_12m,any,罚款,350,500,,,测司发〔2026〕3"
    "号,测试区基准,2026-02-01\n"
    "T-STALL,首违不罚,首次、立即改正,area_m2 <= 2,all,,,,first_violation|corrected_promptly,批评教"
    "育,测司发〔2026〕3号,测试区基准,2026-02-01\n"
)


def test_import_creates_a_draft_and_publishes_when_asked(cast, item):
    report = benchmark_table_import(
        actor=cast.supervisor_a, district=cast.district, content=GOOD.encode(), filename="t.csv"
    )
    assert report.ok, [str(e) for e in report.errors]
    draft = Benchmark.objects.get(item=item, status="draft")
    assert [t.level for t in draft.tiers.order_by("rank")] == ["minor", "normal", "serious", "grave"]
    assert draft.entries.get().required_factors == ["first_violation", "corrected_promptly"]
    assert AuditEvent.objects.filter(action="discretion.table.import").count() == 1
    again = benchmark_table_import(
        actor=cast.admin, district=cast.district, content=GOOD.encode(), filename="t.csv", publish=True
    )
    assert again.ok and again.results[0]["action"] == "published"
    published = Benchmark.objects.get(item=item, status="published")
    assert (
        published.pk == draft.pk
        and published.valid_from == dt.date(2026, 2, 1)
        and published.document_number == "测司发〔2026〕3号"
    )


def test_supervisors_cannot_publish_by_import(cast, item):
    report = benchmark_table_import(
        actor=cast.supervisor_a, district=cast.district, content=GOOD.encode(), filename="t.csv", publish=True
    )
    assert not report.ok and "may not publish" in str(report.errors[0])
    assert not Benchmark.objects.filter(item=item).exists()


def test_every_error_is_reported_with_its_row_and_nothing_is_kept(cast, item):
    bad = GOOD.replace(
        "T-STALL,较重,5平方米以上,area_m2 > 5,all,罚款,200,350",
        "T-STALL,较重,5平方米以上,area > 5,all,罚款,200,350",
    )
    bad = bad.replace(
        "T-STALL,严重,拒不改正或再犯,refused_correct; repeat_12m,any,罚款,350,500",
        "T-STALL,严重,拒不改正或再犯,refused_correct,any,罚款,350,900",
    )
    bad += "T-NOPE,一般,x,罚款,1,2,,,,,,\nT-STALL,极重,x,,all,罚款,1,2,,,,,\n"
    before = (AuditEvent.objects.count(), Benchmark.objects.count())
    report = benchmark_table_import(
        actor=cast.admin, district=cast.district, content=bad.encode(), filename="t.csv"
    )
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("Row 4: Condition 1: unknown fact 'area'") for m in messages)
    assert "Row 7: No item T-NOPE in this district's catalog." in messages
    assert "Row 8: level '极重' is neither a tier nor a list." in messages
    assert any(m.startswith("Row 5: T-STALL: The Grave (严重) tier goes up to 900 yuan") for m in messages)
    assert (AuditEvent.objects.count(), Benchmark.objects.count()) == before


def test_dry_run_keeps_nothing(cast, item):
    report = benchmark_table_import(
        actor=cast.admin,
        district=cast.district,
        content=GOOD.encode(),
        filename="t.csv",
        publish=True,
        dry_run=True,
    )
    assert report.ok and report.results[0]["action"] == "published"
    assert not Benchmark.objects.filter(item=item).exists()


def test_gb18030_csv_from_chinese_excel_is_read(cast, item):
    report = benchmark_table_import(
        actor=cast.admin, district=cast.district, content=GOOD.encode("gb18030"), filename="t.csv"
    )
    assert report.ok


def test_round_trip_through_xlsx_and_csv(cast, published):
    rows = export_rows([published])
    assert rows[0][:3] == ["item_code", "item_name", "version"]
    assert len(rows) == 1 + 4 + 1
    for content, name in ((to_xlsx(rows), "t.xlsx"), (to_csv(rows), "t.csv")):
        parsed = read_table(content, name)
        assert [values["level"] for _n, values in parsed] == [
            "minor",
            "normal",
            "serious",
            "grave",
            "first_violation",
        ]
        assert parsed[3][1]["conditions"] == "area_m2 > 10; refused_correct; repeat_12m"
        report = benchmark_table_import(
            actor=cast.admin, district=cast.district, content=content, filename=name, dry_run=True
        )
        assert report.ok, [str(e) for e in report.errors]


def test_unreadable_files(cast, item):
    for content, name, words in (
        (b"\xff\xfe\x00garbage", "t.xlsx", "not a readable XLSX"),
        (b"a,b\n1,2\n", "t.csv", "item_code"),
        (b"", "t.csv", "empty"),
    ):
        report = benchmark_table_import(
            actor=cast.admin, district=cast.district, content=content, filename=name
        )
        assert not report.ok and words in str(report.errors[0])


def test_management_commands(cast, published, tmp_path):
    out = tmp_path / "tables.xlsx"
    call_command("discretion_export", district="T500", output=str(out), stdout=io.StringIO())
    assert out.read_bytes()[:2] == b"PK"
    buffer = io.StringIO()
    call_command(
        "discretion_import", str(out), district="T500", user=cast.admin.username, dry_run=True, stdout=buffer
    )
    assert "checked (dry run): 1 table(s)" in buffer.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "discretion_import", str(out), district="T500", user=cast.officer_a.username, stdout=io.StringIO()
        )
    make_item(cast.district, code="T-LATE")
    buffer = io.StringIO()
    call_command("discretion_generate_defaults", district="T500", stdout=buffer)
    assert "T-LATE" in buffer.getvalue()
