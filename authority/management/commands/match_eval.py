"""Measure the matcher on a labelled file: top-1 accuracy, top-3 recall, no-match accuracy and false no-match
rate, per language; with --confusions, which item beat which and, per cluster (the catalog's
domain), how often the right item won, lost to a twin of its cluster, lost to another cluster or got no match.

    manage.py match_eval authority/matching/eval/holdout.csv --district 500103
    manage.py match_eval FILE.csv --without-rules      # the engine alone, as on a freshly imported catalog
    manage.py match_eval FILE.csv --rules both --confusions    # rules on and off, and which item beat which
    manage.py match_eval FILE.csv --catalog CATALOG.csv        # a catalog file not imported (no rules,
    built-in lexicon)
    manage.py match_eval --from-labels --district 500103 --since 2026-11-01 --until 2026-12-01
        # the officers' labels on the district's complaints received in November, re-matched now

FILE.csv has the columns id,lang,text,expected_codes (codes separated by |; empty: the text names no item);
`manage.py complaint_labels_export` writes the labels in that format.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from authority.importing import CatalogFileError
from authority.matching.engine import THRESHOLDS, Matcher, compile_matcher, content_hash
from authority.matching.evaluate import Example, catalog_specs, evaluate, read_examples
from authority.matching.labelled import labelled_examples
from authority.matching.loader import builtin_lexicon, item_specs, lexicon_specs, matcher_for
from enforcement.management.arguments import as_date, date_argument
from enforcement.models import District


class Command(BaseCommand):
    help = "Evaluate violation matching on a labelled CSV (id,lang,text,expected_codes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the labelled CSV (not with --from-labels)")
        parser.add_argument(
            "--from-labels",
            action="store_true",
            help="the officers' labels on the district's complaints instead of a file",
        )
        parser.add_argument(
            "--since",
            type=date_argument,
            help="with --from-labels: complaints received on or after (YYYY-MM-DD)",
        )
        parser.add_argument(
            "--until", type=date_argument, help="with --from-labels: complaints received before (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--district", default="500103", help="district whose catalog to match against (default 500103)"
        )
        parser.add_argument(
            "--without-rules",
            action="store_true",
            help="ignore the curated rules: derived terms and the lexicon only (same as --rules off)",
        )
        parser.add_argument(
            "--rules",
            choices=["on", "off", "both"],
            default="on",
            help="curated rules on (default), off, or a table for each",
        )
        parser.add_argument(
            "--catalog",
            help="measure on this catalog file (import_authority columns) instead of a "
            "district's imported catalog: no rules, the built-in lexicon",
        )
        parser.add_argument(
            "--confusions",
            action="store_true",
            help="list, per expected item missed at top-1, the item that came first instead",
        )
        parser.add_argument(
            "--errors", action="store_true", help="list the descriptions the matcher got wrong"
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["from_labels"]:
            if opts["file"] or opts["catalog"]:
                raise CommandError("--from-labels measures on a district's labels: give no file or --catalog")
            examples = self.from_labels(opts)
        elif not opts["file"]:
            raise CommandError("give a labelled file, or --from-labels")
        else:
            if opts["since"] or opts["until"]:
                raise CommandError("--since and --until go with --from-labels")
            try:
                examples = read_examples(opts["file"])
            except FileNotFoundError as exc:
                raise CommandError(f"no such file: {opts['file']}") from exc
            except (ValueError, KeyError) as exc:
                raise CommandError(f"{opts['file']}: {exc}") from exc
        modes = (
            ["off"]
            if opts["without_rules"]
            else (["on", "off"] if opts["rules"] == "both" else [opts["rules"]])
        )
        if opts["catalog"]:
            try:
                items = catalog_specs(opts["catalog"])
            except FileNotFoundError as exc:
                raise CommandError(f"no such file: {opts['catalog']}") from exc
            except CatalogFileError as exc:
                raise CommandError(f"{opts['catalog']}: {exc}") from exc
            lexicon = list(builtin_lexicon()[0])
            where = f"catalog {opts['catalog']}"
            matchers = [("off", compile_matcher(items, [], lexicon))]  # a file has no curated rules
            clusters = {i.code: i.domain or "?" for i in items}
        else:
            district = District.objects.filter(code=opts["district"]).first()
            if district is None:
                raise CommandError(f"no district with code {opts['district']!r}")
            where = f"district {district.code}"
            clusters = {i.code: i.domain or "?" for i in item_specs(district.pk)}
            matchers = []
            for mode in modes:
                if mode == "off":
                    items, lexicon = item_specs(district.pk), lexicon_specs(district.pk)
                    matchers.append(
                        (mode, compile_matcher(items, [], lexicon, version=content_hash(items, [], lexicon)))
                    )
                else:
                    matchers.append((mode, matcher_for(district.pk)))
        out: dict[str, Any] = {}
        for mode, matcher in matchers:
            out[f"rules_{mode}"] = self.run(opts, examples, matcher, where, mode, clusters)
        if opts["json"]:
            self.stdout.write(json.dumps(out if len(out) > 1 else next(iter(out.values())), indent=2))

    def from_labels(self, opts: dict[str, Any]) -> list[Example]:
        district = District.objects.filter(code=opts["district"]).first()
        if district is None:
            raise CommandError(f"no district with code {opts['district']!r}")
        since, until = as_date(opts["since"]), as_date(opts["until"])
        if since and until and since >= until:
            raise CommandError("--since must be before --until")
        examples = labelled_examples(district.pk, since, until)
        period = f"{since or '…'} to {until or '…'}" if since or until else "all"
        opts["file"] = f"labels of district {district.code} ({period})"
        if not examples:
            raise CommandError(f"no labelled complaints in district {district.code} ({period})")
        return examples

    def run(
        self,
        opts: dict[str, Any],
        examples: list[Any],
        matcher: Matcher,
        where: str,
        mode: str,
        clusters: dict[str, str],
    ) -> dict[str, Any]:
        known = {code for _, code, _, _ in matcher.items}
        unknown = sorted({c for e in examples for c in e.expected} - known)
        if unknown:
            self.stderr.write(f"warning: codes not in the catalog of {where}: {', '.join(unknown)}")
        started = time.perf_counter()
        report = evaluate(examples, matcher.match)
        elapsed = time.perf_counter() - started
        rows: dict[str, Any] = {lang: row for lang, row in report.rows()}
        if opts["json"]:
            if opts["confusions"]:
                rows["confusions"] = [[e, g, n] for (e, g), n in report.confusions.most_common()]
                rows["clusters"] = dict(report.cluster_rows(clusters))
            return rows
        rules = (
            "rules off (derived terms and lexicon only)"
            if mode == "off"
            else f"rules on ({matcher.stats.get('rules', 0)} curated rules)"
        )
        thresholds = " ".join(f"{k} {v}" for k, v in THRESHOLDS.items())
        self.stdout.write(
            f"{opts['file']}: {len(examples)} descriptions · {where} "
            f"· {matcher.stats.get('items', 0)} items · "
            f"{rules} · thresholds {thresholds} · matcher {matcher.version[:12]}"
        )
        self.stdout.write(report.table())
        self.stdout.write(f"({elapsed * 1000 / max(len(examples), 1):.2f} ms per description)")
        if opts["confusions"]:
            names = {code: name for _, code, name, _ in matcher.items}
            lines = report.confusion_lines(names)
            self.stdout.write("confusions (expected → first instead):" if lines else "confusions: none")
            for line in lines:
                self.stdout.write("  " + line)
            self.stdout.write("per cluster (the catalog's domains; near-twins are in one cluster):")
            self.stdout.write(report.cluster_table(clusters))
        if opts["errors"]:
            for example, result in report.errors:
                got = (
                    ", ".join(f"{c.code} {c.score:.2f}" for c in result.candidates[:3])
                    or f"no match ({result.no_match_reason})"
                )
                self.stdout.write(
                    f"  {example.id} [{'|'.join(example.expected) or '-'}] {example.text}  →  {got}"
                )
        return rows
