"""Generate default benchmarks (by the common rule) for every item of a district that has none."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from discretion.services import benchmarks_generate_missing
from enforcement.models import District


class Command(BaseCommand):
    help = "Generate default benchmarks for items without one: discretion_generate_defaults --district 500103"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--district", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(code=options["district"]).first()
        if district is None:
            raise CommandError(f"no district {options['district']}")
        created = benchmarks_generate_missing(actor=None, district=district)
        self.stdout.write(
            f"{len(created)} default benchmark(s) generated: {', '.join(b.item.code for b in created) or '-'}"
        )
