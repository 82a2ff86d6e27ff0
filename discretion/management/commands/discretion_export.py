"""Export a district's benchmark tables to CSV or XLSX (one row per tier and per list row)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from authority.models import EnforcementItem
from discretion.models import Benchmark
from discretion.selectors import _with_rows, item_overview
from discretion.tables import export_rows, to_csv, to_xlsx


class Command(BaseCommand):
    help = (
        "Export benchmark tables: discretion_export --district 500103 -o tables.xlsx [--which "
        "current|published|draft|all]"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--district", required=True, help="district code, e.g. 500103")
        parser.add_argument("-o", "--output", required=True, help="file to write; .xlsx or .csv")
        parser.add_argument("--which", default="current", choices=["current", "published", "draft", "all"])

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("the output file must end in .csv or .xlsx")
        qs = _with_rows(Benchmark.objects.filter(item__district__code=options["district"])).order_by(
            "item__code", "-version"
        )
        which = options["which"]
        if which == "published":
            qs = qs.filter(status=Benchmark.Status.PUBLISHED)
        elif which == "draft":
            qs = qs.filter(status=Benchmark.Status.DRAFT)
        elif which == "current":
            items = EnforcementItem.objects.filter(district__code=options["district"], is_active=True)
            qs = qs.filter(pk__in=[o["current"]["pk"] for o in item_overview(items) if o["current"]])
        benchmarks = list(qs)
        rows = export_rows(benchmarks)
        output.write_bytes(to_xlsx(rows) if output.suffix.lower() == ".xlsx" else to_csv(rows))
        self.stdout.write(f"{len(benchmarks)} table(s), {len(rows) - 1} row(s) written to {output}")
