"""The naive baseline issue 15 measured the engine against: character-bigram overlap, on any catalog file.

    .venv/bin/python bench/match_baseline.py DESCRIPTIONS.csv CATALOG.csv

Each item is the set of character bigrams of its Chinese name and description (lower-cased, spaces and
punctuation dropped) plus the words of its English name; a description scores each item by the bigrams and
words they share, divided by the square root of the item's count (so long items do not win by length). Ranked
by score; never "no match" (a description sharing nothing gets no candidates). Printed per language in
match_eval's columns, so the engine's figures (`manage.py match_eval FILE --catalog CATALOG --rules off`) can
be read beside it: what the engine adds over matching the catalog's own words.
"""

from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORD = re.compile(r"[a-z]+")
DROP = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class _Candidate:
    code: str


@dataclass
class _Result:
    candidates: list[_Candidate] = field(default_factory=list)
    no_match: bool = False


def features(text: str) -> set[str]:
    low = text.lower()
    chars = DROP.sub("", WORD.sub(" ", low))
    return {chars[i : i + 2] for i in range(len(chars) - 1)} | set(WORD.findall(low))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
    import django

    django.setup()
    from authority.matching.evaluate import catalog_specs, evaluate, read_examples

    descriptions, catalog = sys.argv[1], sys.argv[2]
    items = [(s.code, features(f"{s.name_zh} {s.description} {s.name_en}")) for s in catalog_specs(catalog)]

    def match(text: str) -> _Result:
        f = features(text)
        scored = [(len(f & feats) / math.sqrt(len(feats) or 1), code) for code, feats in items]
        ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: -s[0])[:5]
        return _Result([_Candidate(code) for _score, code in ranked], no_match=not ranked)

    report = evaluate(read_examples(descriptions), match)  # type: ignore[arg-type]
    print(f"{descriptions}: naive character-bigram overlap against {catalog} ({len(items)} items)")
    print(report.table())


if __name__ == "__main__":
    main()
