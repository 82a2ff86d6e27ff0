"""Import benchmark tables from CSV or XLSX into drafts (optionally publishing them), as a named user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from discretion.services import benchmark_table_import
from enforcement.models import District, User


class Command(BaseCommand):
    help = (
        "Import benchmark tables: discretion_import tables.xlsx --district 500103 --user admin "
        "[--publish] [--dry-run]"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--district", required=True)
        parser.add_argument(
            "--user", required=True, help="the username the import is recorded under (audit trail)"
        )
        parser.add_argument(
            "--publish", action="store_true", help="publish each table with the document in the file"
        )
        parser.add_argument("--dry-run", action="store_true", help="check only; keep nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"no file {path}")
        district = District.objects.filter(code=options["district"]).first()
        if district is None:
            raise CommandError(f"no district {options['district']}")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']}")
        try:
            report = benchmark_table_import(
                actor=user,
                district=district,
                content=path.read_bytes(),
                filename=path.name,
                publish=options["publish"],
                dry_run=options["dry_run"],
            )
        except PermissionDenied as exc:
            raise CommandError(f"{user.username} may not import benchmarks: {exc}") from exc
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s); nothing imported")
        for result in report.results:
            self.stdout.write(f"{result['item']} v{result['version']}: {result['action']}")
        self.stdout.write(
            ("checked (dry run): " if report.dry_run else "imported: ") + f"{len(report.results)} table(s)"
        )
