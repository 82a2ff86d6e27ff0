"""Load the State Council holiday schedules shipped in enforcement/holidays/cn.csv.

Self-contained on purpose (no import of enforcement.calendar): a migration must keep working when the app code
moves on. Later schedules are loaded with `manage.py import_holidays`, not with new migrations.
"""

import csv
import datetime as dt
import uuid
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "holidays" / "cn.csv"
VERSION_KEY = "enforcement.calendar.version"  # enforcement.calendar.CALENDAR_VERSION_KEY at the time of writing


def load_calendar_days(apps, schema_editor):
    CalendarDay = apps.get_model("enforcement", "CalendarDay")
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            CalendarDay.objects.using(schema_editor.connection.alias).update_or_create(
                date=dt.date.fromisoformat(row["date"].strip()),
                defaults={
                    "is_working_day": row["is_working_day"].strip().lower() in {"1", "true", "yes"},
                    "name": row["name"].strip(),
                    "source": row["source"].strip(),
                },
            )
    # Running web and worker processes cache the calendar; tell them it changed. Best effort: a cache that is not
    # there (a fresh machine) has nothing stale in it.
    try:
        from django.core.cache import cache

        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: S110
        pass


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0003_calendar_days")]

    operations = [migrations.RunPython(load_calendar_days, migrations.RunPython.noop)]
