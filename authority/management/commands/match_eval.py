"""Measure the matcher on a labelled file: top-1 accuracy, top-3 recall, no-match accuracy and false no-match rate,
per language.

    manage.py match_eval authority/matching/eval/holdout.csv --district 500103
    manage.py match_eval FILE.csv --without-rules      # the engine alone, as on a freshly imported catalog

FILE.csv has the columns id,lang,text,expected_codes (codes separated by |; empty: the text names no item).
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from authority.matching.engine import THRESHOLD, compile_matcher, content_hash
from authority.matching.evaluate import evaluate, read_examples
from authority.matching.loader import item_specs, lexicon_specs, matcher_for
from enforcement.models import District


class Command(BaseCommand):
    help = "Evaluate violation matching on a labelled CSV (id,lang,text,expected_codes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--district", default="500103", help="district whose catalog to match against (default 500103)")
        parser.add_argument("--without-rules", action="store_true",
                            help="ignore the curated rules: derived terms and the lexicon only")
        parser.add_argument("--errors", action="store_true", help="list the descriptions the matcher got wrong")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        district = District.objects.filter(code=opts["district"]).first()
        if district is None:
            raise CommandError(f"no district with code {opts['district']!r}")
        try:
            examples = read_examples(opts["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {opts['file']}") from exc
        except (ValueError, KeyError) as exc:
            raise CommandError(f"{opts['file']}: {exc}") from exc
        if opts["without_rules"]:
            items, lexicon = item_specs(district.pk), lexicon_specs(district.pk)
            matcher = compile_matcher(items, [], lexicon, version=content_hash(items, [], lexicon))
        else:
            matcher = matcher_for(district.pk)
        known = {code for _, code, _, _ in matcher.items}
        unknown = sorted({c for e in examples for c in e.expected} - known)
        if unknown:
            self.stderr.write(f"warning: codes not in the catalog of {district.code}: {', '.join(unknown)}")
        started = time.perf_counter()
        report = evaluate(examples, matcher.match)
        elapsed = time.perf_counter() - started
        if opts["json"]:
            self.stdout.write(json.dumps({lang: row for lang, row in report.rows()}, indent=2))
            return
        rules = "without curated rules" if opts["without_rules"] else f"{matcher.stats.get('rules', 0)} curated rules"
        self.stdout.write(f"{opts['file']}: {len(examples)} descriptions · district {district.code} · "
                          f"{matcher.stats.get('items', 0)} items · {rules} · threshold {THRESHOLD} · matcher {matcher.version[:12]}")
        self.stdout.write(report.table())
        self.stdout.write(f"({elapsed * 1000 / max(len(examples), 1):.2f} ms per description)")
        if opts["errors"]:
            for example, result in report.errors:
                got = ", ".join(f"{c.code} {c.score:.2f}" for c in result.candidates[:3]) or "no match"
                self.stdout.write(f"  {example.id} [{'|'.join(example.expected) or '-'}] {example.text}  →  {got}")
