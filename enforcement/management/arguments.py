"""Command-line arguments the management commands share."""

from __future__ import annotations

import argparse
import datetime as dt

from django.core.management.base import CommandError


def date_argument(value: str) -> dt.date:
    """An argparse `type=` for a YYYY-MM-DD date."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def as_date(value: str | dt.date | None) -> dt.date | None:
    """A date given on the command line (parsed already) or to call_command (maybe still a string)."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return date_argument(value)
    except argparse.ArgumentTypeError as exc:
        raise CommandError(str(exc)) from exc
