"""manage.py run_fence_sweeps [--rule CODE ...] [--dry-run] [--day YYYY-MM-DD]: run the fence sweeps now (what
beat runs hourly) and print per rule how many warnings were raised (or would be, with --dry-run)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enforcement.sweeps import run_all, sweeps


class Command(BaseCommand):
    help = "Run the fence sweeps (time-based and set-based fence rules) now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rule", action="append", default=[], help="a rule code; repeat for several")
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be raised, raise nothing"
        )
        parser.add_argument("--day", help="evaluate as of this day (YYYY-MM-DD); default today")

    def handle(self, *args: Any, **options: Any) -> None:
        known = {s.code for s in sweeps()}
        unknown = [code for code in options["rule"] if code not in known]
        if unknown:
            raise CommandError(f"unknown rule(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        day = None
        if options["day"]:
            try:
                day = dt.date.fromisoformat(options["day"])
            except ValueError as exc:
                raise CommandError("--day takes a date as YYYY-MM-DD") from exc
        verb = "would raise" if options["dry_run"] else "raised"
        total = 0
        for result in run_all(codes=options["rule"] or None, day=day, dry_run=options["dry_run"]):
            total += result.raised
            self.stdout.write(
                f"{result.rule:<34} {verb} {result.raised:>7}  ({result.batches} batch(es), "
                f"{result.seconds:.2f}s)"
            )
        self.stdout.write(f"total {verb} {total}")
