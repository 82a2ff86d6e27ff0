"""Write the officers' labels on a district's complaints as a labelled file that `match_eval` reads
(id,lang,text,expected_codes), so a district can keep its own holdout made of real complaints.

    manage.py complaint_labels_export --district 500103 --since 2026-11-01 --until 2026-12-01 -o nov.csv
    manage.py match_eval nov.csv --district 500103
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enforcement.management.arguments import as_date, date_argument
from enforcement.models import District

from ...selectors import labelled_examples

COLUMNS = ["id", "lang", "text", "expected_codes"]


class Command(BaseCommand):
    help = "Export complaint labels as a labelled CSV for match_eval (id,lang,text,expected_codes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", default="500103", help="district code (default 500103)")
        parser.add_argument(
            "--since", type=date_argument, help="complaints received on or after (YYYY-MM-DD)"
        )
        parser.add_argument("--until", type=date_argument, help="complaints received before (YYYY-MM-DD)")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **opts: Any) -> None:
        district = District.objects.filter(code=opts["district"]).first()
        if district is None:
            raise CommandError(f"no district with code {opts['district']!r}")
        examples = labelled_examples(district.pk, as_date(opts["since"]), as_date(opts["until"]))
        if opts["output"]:
            with Path(opts["output"]).open("w", newline="", encoding="utf-8") as f:
                self.write(f, examples)
            sys.stderr.write(f"{len(examples)} labelled complaints written to {opts['output']}\n")
        else:
            self.write(self.stdout, examples)

    def write(self, out: TextIO | Any, examples: list[Any]) -> None:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for e in examples:
            writer.writerow([e.id, e.lang, e.text, "|".join(e.expected)])
