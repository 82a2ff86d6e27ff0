from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from enforcement.calendar import CalendarFileError, bump_calendar_version, read_calendar_csv
from enforcement.models import CalendarDay


class Command(BaseCommand):
    help = (
        "Load a holiday schedule (CSV: date,is_working_day,name,source) into the working-day calendar. "
        "All or nothing; running it again with the same file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", help="e.g. enforcement/holidays/cn.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = read_calendar_csv(options["csv"])
        except CalendarFileError as exc:
            raise CommandError(f"Nothing imported: {exc}") from exc

        added = changed = unchanged = 0
        with transaction.atomic():
            locked = CalendarDay.objects.select_for_update().filter(date__in=[row.date for row in rows])
            existing = {day.date: day for day in locked}
            for row in rows:
                values = {"is_working_day": row.is_working_day, "name": row.name, "source": row.source}
                current = existing.get(row.date)
                if current is None:
                    added += 1
                elif all(getattr(current, k) == v for k, v in values.items()):
                    unchanged += 1
                    continue
                else:
                    changed += 1
                CalendarDay.objects.update_or_create(date=row.date, defaults=values)
            years = {row.date.year for row in rows}
            not_in_file = list(
                CalendarDay.objects.filter(date__year__in=years)
                .exclude(date__in=[row.date for row in rows])
                .values_list("date", flat=True)
            )
        # Every process drops its cached calendar; always, so that a stale worker is put right by re-running.
        bump_calendar_version()

        self.stdout.write(
            self.style.SUCCESS(f"Calendar days: {added} added, {changed} changed, {unchanged} unchanged.")
        )
        if not_in_file:
            # Kept, not deleted: a file may hold only some notices. A withdrawn make-up day is corrected by
            # listing it again with the new value, which the notices do anyway.
            listed = ", ".join(f"{day:%Y-%m-%d}" for day in not_in_file)
            self.stdout.write(
                self.style.WARNING(f"Kept {len(not_in_file)} day(s) of these years not in the file: {listed}")
            )
