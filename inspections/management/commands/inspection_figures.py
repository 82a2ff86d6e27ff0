"""Print the inspection report's figures for a district: the same selectors as the report page and the API.

manage.py inspection_figures --district 500103 [--start 2026-01-01] [--end 2026-12-31] [--units]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enforcement import clock
from enforcement.models import District

from ...selectors import inspection_figures, report_units
from ...selectors.ledger import visits_per_business


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Print the joint-inspection figures of a district (the report page's numbers)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", default="500103", help="district code")
        parser.add_argument("--start", default="", help="first day (default: all visits)")
        parser.add_argument("--end", default="", help="last day (default: today)")
        parser.add_argument("--units", action="store_true", help="one line per town and department as well")

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(code=options["district"]).first()
        if district is None:
            raise CommandError(f"no district {options['district']}")
        start = _date(options["start"]) if options["start"] else None
        end = _date(options["end"]) if options["end"] else clock.today()
        f = inspection_figures(district=district, start=start, end=end)
        share = f.joint / f.inspections if f.inspections else 0.0
        w = self.stdout.write
        w(f"{district.name} ({district.code}), visits {start or 'from the start'} to {end}")
        w(f"inspections (visits made):          {f.inspections}")
        w(f"  of which joint:                   {f.joint} ({share:.0%})")
        w(f"  bodies per joint visit:           {f.departments_per_joint:.2f}")
        w(f"  visits saved:                     {f.visits_saved}")
        w(f"inspection visits on the ledgers:   {f.visits} ({f.with_code} with the code shown)")
        w(f"codes opened by the business:       {f.codes_scanned} of {f.inspections} inspections")
        w(f"failed points:                      {f.failures}")
        w(f"  draft cases opened from them:     {f.cases}")
        w(f"  whistles to departments:          {f.whistles}")
        w(f"  rectified on a re-check:          {f.rechecked}")
        years = sorted({end.year, *([start.year] if start else [])})
        for year in years:
            v = visits_per_business(district=district, year=year)
            buckets = ", ".join(f"{label}: {n}" for label, n in v.buckets)
            w(
                f"visits per business in {year}:      {v.businesses} businesses, {v.visits} visits, "
                f"{v.average:.2f} on average, at most {v.most} ({buckets})"
            )
            w(
                f"  routine cap {v.cap}/year per body:    {v.pairs} body-business pairs, "
                f"{v.pairs_at_cap} at the cap, {v.pairs_over_cap} over it"
            )
        if options["units"]:
            first = start or dt.date(2000, 1, 1)
            for unit in report_units(district=district, start=first, end=end):
                u = inspection_figures(district=district, start=start, end=end, unit=unit)
                w(
                    f"  {unit.name}: {u.inspections} visits, {u.joint} joint, {u.visits_saved} saved, "
                    f"{u.failures} failed points, {u.cases} cases, {u.whistles} whistles, "
                    f"{u.rechecked} re-checked, {u.codes_scanned} codes opened"
                )
