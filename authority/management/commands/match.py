"""Match descriptions to a district's enforcement items from the command line (the same output as POST
/api/match/).

manage.py match --district 500103 "楼下烧烤摊占道经营，油烟很大"
manage.py match --district 500103 --town 500103-001 --date 2025-06-01 --json "..."
manage.py match --district 500103 < descriptions.txt     # one JSON line per input line, in order
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from authority.matching.engine import THRESHOLD, THRESHOLDS
from authority.matching.loader import matcher_for
from authority.matching.selectors import Outcome, match_in_district
from enforcement.models import District, Unit


class Command(BaseCommand):
    help = (
        "Match free-text descriptions to a district's enforcement items. Without TEXT, read one per "
        "line from stdin."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "text", nargs="?", help="the description; omit to read one description per line from stdin"
        )
        parser.add_argument("--district", required=True, help="district code, e.g. 500103")
        parser.add_argument(
            "--town", help="town code: say whether this town holds each item (else the department)"
        )
        parser.add_argument("--date", help="date of the conduct, YYYY-MM-DD (default today)")
        parser.add_argument("--limit", type=int, default=5, help="candidates per description (default 5)")
        parser.add_argument(
            "--json", action="store_true", help="print JSON (always the case when reading stdin)"
        )
        parser.add_argument(
            "--lang",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _ in settings.LANGUAGES],
            help="language of item names and explanations (default: the site's, Chinese)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        with translation.override(opts["lang"]):
            self._handle(opts)

    def _handle(self, opts: dict[str, Any]) -> None:
        district = District.objects.filter(code=opts["district"]).first()
        if district is None:
            raise CommandError(f"no district with code {opts['district']!r}")
        town = None
        if opts["town"]:
            town = Unit.objects.filter(code=opts["town"], district=district, kind=Unit.Kind.TOWN).first()
            if town is None:
                raise CommandError(f"no town {opts['town']!r} in district {district.code}")
        try:
            on = dt.date.fromisoformat(opts["date"]) if opts["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"bad --date {opts['date']!r}: use YYYY-MM-DD") from exc
        if not 1 <= opts["limit"] <= 50:
            raise CommandError("--limit is between 1 and 50")
        matcher_for(district.pk)  # compile (or load) once, before the first description

        def run(text: str) -> Outcome:
            return match_in_district(
                text=text, district_id=district.pk, town=town, on=on, limit=opts["limit"]
            )

        if opts["text"] is None:
            for line in opts.get("stdin") or sys.stdin:
                text = line.rstrip("\r\n")
                self.stdout.write(json.dumps(run(text).as_dict(), ensure_ascii=False))
            return
        outcome = run(opts["text"])
        if opts["json"]:
            self.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self.render(outcome, district))

    def render(self, outcome: Outcome, district: District) -> str:
        head = f"{district.name_zh} ({district.code}) · {outcome.on.isoformat()}"
        if outcome.town:
            head += f" · {outcome.town.name_zh} ({outcome.town.code})"
        lines = [head + f" · matcher {outcome.result.version[:12]}"]
        if outcome.no_match:
            best = outcome.result.weak[0].score if outcome.result.weak else 0.0
            threshold = THRESHOLDS.get(outcome.result.lang, THRESHOLD)
            lines.append(
                f"No match: no enforcement item clears the threshold (best {best:.2f} < {threshold:.2f})."
            )
            lines.append(f"Why: {outcome.no_match_reason}")
            if outcome.result.off_topic:
                lines.append(f"Reads as no enforcement matter: {', '.join(outcome.result.off_topic)}")
            return "\n".join(lines)
        for n, m in enumerate(outcome.matched, 1):
            c = m.candidate
            flag = "" if m.confident else "  (weaker)"
            lines.append(f"{n}. {c.code}  {c.score:.2f}  {m.item.name_zh}{flag}")
            lines.append(f"   confidence: {m.confidence_label} ({m.confidence_reason})")
            terms = ", ".join(
                f"{e.text}→{e.via}" if e.via and e.via != e.text else e.text
                for e in sorted(c.evidence, key=lambda e: e.start)
            )
            lines.append(f"   terms: {terms}")
            h = m.holder
            if h.town_holds:
                lines.append(
                    f"   holder: {h.town.name_zh if h.town else ''} holds it ({h.kind}); acts in "
                    f"the name of {h.acting_name}"
                )
            elif h.department is not None:
                lines.append(f"   holder: {h.department.name_zh} ({h.department.code})")
            else:
                lines.append("   holder: nobody recorded")
        return "\n".join(lines)
