"""manage.py export_authority --district CODE [--on DATE] [--town CODE] [--format csv|xlsx] [-o FILE]"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from authority.exporting import export_columns, export_rows, to_csv, to_xlsx
from enforcement.models import District, Unit


class Command(BaseCommand):
    help = (
        "Export a district's authority list (or one town's) as of a date, as CSV or XLSX; it imports "
        "back unchanged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True)
        parser.add_argument("--on", type=dt.date.fromisoformat, help="as of this date (default: today)")
        parser.add_argument("--town", default="", help="only the items this town holds on the date")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="")
        parser.add_argument(
            "-o", "--output", type=Path, help="file to write (default: standard output, CSV only)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(code=options["district"]).first()
        if district is None:
            raise CommandError(f"no district {options['district']!r}")
        town = None
        if options["town"]:
            town = Unit.objects.filter(code=options["town"], district=district, kind=Unit.Kind.TOWN).first()
            if town is None:
                raise CommandError(f"no town {options['town']!r} in district {district.code}")
        output: Path | None = options["output"]
        fmt = options["format"] or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
        if fmt == "xlsx" and output is None:
            raise CommandError("XLSX needs --output FILE")
        on = options["on"] or timezone.localdate()
        columns = export_columns(town)
        rows = export_rows(district=district, on=on, town=town)
        data = to_xlsx(rows, columns) if fmt == "xlsx" else to_csv(rows, columns)
        if output is None:
            sys.stdout.buffer.write(data)
            return
        output.write_bytes(data)
        self.stderr.write(f"{len(rows)} items as of {on} written to {output}")
