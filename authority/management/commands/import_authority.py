"""manage.py import_authority FILE --district CODE [--town CODE ...]: load a catalog (CSV or XLSX), all or
nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from authority.importing import CatalogFileError, read_catalog
from authority.services import catalog_import
from enforcement.models import User


class Command(BaseCommand):
    help = (
        "Import an authority catalog (CSV or XLSX; columns code,name_zh,name_en,kind,domain,legal_basis,"
        "description_zh,fine_min,fine_max,holder). Re-importing the same file changes nothing; a "
        "changed row adds a "
        "version. A district that does not exist is created with the towns named (or one town) and "
        "a department per "
        "domain. Any bad row aborts the whole import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--district", required=True, help="district code, e.g. 500103")
        parser.add_argument(
            "--town", action="append", default=[], help="town code; repeat for several (default: every town)"
        )
        parser.add_argument(
            "--effective", type=dt.date.fromisoformat, help="date the list takes effect (default: today)"
        )
        parser.add_argument("--document", default="", help="document number of the decision behind the list")
        parser.add_argument(
            "--district-name", default="", help="Chinese name for a district created by this import"
        )
        parser.add_argument(
            "--user", default="", help="username recorded as the actor (a district administrator)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"no user {options['user']!r}")
        try:
            rows = read_catalog(path)
        except CatalogFileError as exc:
            self._fail(exc)
        total = len(rows)
        step = max(1, total // 20) if total > 50 else total + 1
        self.stdout.write(
            f"{path.name}: {total} rows checked, importing into district {options['district']} ..."
        )

        def progress(done: int, total: int) -> None:
            if done % step == 0 or done == total and total > 50:
                self.stdout.write(f"  {done}/{total} rows ({100 * done // total}%)")
                self.stdout.flush()

        try:
            report = catalog_import(
                actor=actor,
                district_code=options["district"],
                rows=rows,
                town_codes=options["town"],
                effective=options["effective"],
                document=options["document"],
                source=path.name,
                district_name=options["district_name"],
                progress=progress,
            )
        except CatalogFileError as exc:
            self._fail(exc)
        if report.created_district:
            self.stdout.write(f"Created district {report.district.code}.")
        for unit in report.created_units:
            self.stdout.write(f"Created {unit.get_kind_display()} {unit.code} {unit.name_zh}.")
        self.stdout.write(
            self.style.SUCCESS(report.summary())
            if report.has_changes
            else "Nothing changed. " + report.summary()
        )

    def _fail(self, exc: CatalogFileError) -> None:
        for error in exc.errors:
            self.stderr.write(str(error))
        raise CommandError(f"{len(exc.errors)} error(s); nothing was imported.")
