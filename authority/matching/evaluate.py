"""Evaluation of the matcher on a labelled file: `id,lang,text,expected_codes` (codes separated by |, empty =
none).

Measures, per language and overall:
- top-1 accuracy: among descriptions that name items, the first candidate is one of them;
- top-3 recall: among those, the share of the expected items found in the first three candidates (averaged);
- no-match accuracy: among descriptions that name no item, the matcher says "no match";
- false no-match rate: among descriptions that name items, the matcher says "no match";
- confusions: for each expected item missed at top-1, which item came first instead (near-twins show up here).

`catalog_specs()` reads a catalog file in `import_authority` columns straight into item specs, so a catalog
can be measured before (or without) importing it.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .engine import ItemSpec, MatchResult


@dataclass(frozen=True)
class Example:
    id: str
    lang: str
    text: str
    expected: tuple[str, ...]


@dataclass
class Tally:
    n: int = 0
    with_items: int = 0
    top1: int = 0
    top3_recall: float = 0.0
    none: int = 0
    none_correct: int = 0
    false_none: int = 0

    def add(self, example: Example, result: MatchResult) -> bool:
        codes = [c.code for c in result.candidates]
        self.n += 1
        if example.expected:
            self.with_items += 1
            ok = bool(codes) and codes[0] in example.expected
            self.top1 += ok
            found = len(set(codes[:3]) & set(example.expected))
            self.top3_recall += found / len(example.expected)
            self.false_none += result.no_match
            return ok and found == min(3, len(example.expected))
        self.none += 1
        self.none_correct += result.no_match
        return result.no_match

    def row(self) -> dict[str, float | int | None]:
        def ratio(a: float, b: int) -> float | None:
            return round(a / b, 3) if b else None

        return {
            "n": self.n,
            "with_items": self.with_items,
            "no_item": self.none,
            "top1": ratio(self.top1, self.with_items),
            "top3_recall": ratio(self.top3_recall, self.with_items),
            "no_match_accuracy": ratio(self.none_correct, self.none),
            "false_no_match": ratio(self.false_none, self.with_items),
        }


@dataclass
class Report:
    by_lang: dict[str, Tally] = field(default_factory=dict)
    overall: Tally = field(default_factory=Tally)
    errors: list[tuple[Example, MatchResult]] = field(default_factory=list)
    confusions: Counter[tuple[str, str]] = field(
        default_factory=Counter
    )  # (expected, first instead) -> times

    # (expected codes, first candidate's code or "" for no match), for each description that names items
    firsts: list[tuple[tuple[str, ...], str]] = field(default_factory=list)

    def cluster_rows(self, clusters: dict[str, str]) -> list[tuple[str, dict[str, int]]]:
        """Per cluster of items (a code -> cluster map, e.g. the catalog's domains, where near-twins live): of
        the descriptions whose first expected item is in it, how many were right at top-1, lost to a twin in
        the same cluster, lost to an item of another cluster, or got "no match"."""
        out: dict[str, Counter[str]] = {}
        for expected, first in self.firsts:
            cluster = clusters.get(expected[0], "?")
            tally = out.setdefault(cluster, Counter())
            tally["n"] += 1
            if first in expected:
                tally["right"] += 1
            elif not first:
                tally["no_match"] += 1
            elif clusters.get(first, "?") == cluster:
                tally["same_cluster"] += 1
            else:
                tally["other_cluster"] += 1
        keys = ("n", "right", "same_cluster", "other_cluster", "no_match")
        return [
            (c, {k: t[k] for k in keys}) for c, t in sorted(out.items(), key=lambda kv: (-kv[1]["n"], kv[0]))
        ]

    def cluster_table(self, clusters: dict[str, str]) -> str:
        lines = [f"{'cluster':<24} {'n':>4} {'right':>5} {'twin won':>8} {'other won':>9} {'no match':>8}"]
        for cluster, r in self.cluster_rows(clusters):
            lines.append(
                f"{cluster[:24]:<24} {r['n']:>4} {r['right']:>5} {r['same_cluster']:>8} "
                f"{r['other_cluster']:>9} {r['no_match']:>8}"
            )
        return "\n".join(lines)

    def confusion_lines(self, names: dict[str, str] | None = None, limit: int = 40) -> list[str]:
        """'expected → got ×n', the most frequent first; 'got' is '(no match)' when nothing was suggested."""
        names = names or {}

        def label(code: str) -> str:
            name = names.get(code, "")
            return f"{code} {name[:28]}" if name else code

        return [
            f"{label(exp)}  →  {label(got)}  ×{n}" for (exp, got), n in self.confusions.most_common(limit)
        ]

    def rows(self) -> list[tuple[str, dict[str, float | int | None]]]:
        out = [(lang, t.row()) for lang, t in sorted(self.by_lang.items())]
        out.append(("all", self.overall.row()))
        return out

    def table(self) -> str:
        head = (
            f"{'lang':<5} {'n':>4} {'items':>5} {'none':>4}  {'top-1':>6} {'top-3':>6} "
            f"{'no-match acc':>12} {'false no-match':>14}"
        )
        lines = [head]
        for lang, r in self.rows():

            def f(v: float | int | None) -> str:
                return "-" if v is None else f"{v:.3f}"

            lines.append(
                f"{lang:<5} {r['n']:>4} {r['with_items']:>5} {r['no_item']:>4}  "
                f"{f(r['top1']):>6} {f(r['top3_recall']):>6} "
                f"{f(r['no_match_accuracy']):>12} {f(r['false_no_match']):>14}"
            )
        return "\n".join(lines)


def read_examples(path: str | Path) -> list[Example]:
    with Path(path).open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = {"id", "lang", "text", "expected_codes"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"missing columns: {', '.join(sorted(missing))}")
        return [
            Example(
                id=row["id"].strip(),
                lang=(row["lang"] or "").strip() or "?",
                text=row["text"] or "",
                expected=tuple(c.strip() for c in (row["expected_codes"] or "").split("|") if c.strip()),
            )
            for row in reader
        ]


def evaluate(examples: Iterable[Example], match: Callable[[str], MatchResult]) -> Report:
    report = Report()
    for example in examples:
        result = match(example.text)
        tally = report.by_lang.setdefault(example.lang, Tally())
        ok = tally.add(example, result)
        report.overall.add(example, result)
        if example.expected:
            report.firsts.append((example.expected, result.candidates[0].code if result.candidates else ""))
        if not ok:
            report.errors.append((example, result))
            if example.expected:
                codes = [c.code for c in result.candidates]
                if not codes:
                    report.confusions[(example.expected[0], "(no match)")] += 1
                elif codes[0] not in example.expected:
                    report.confusions[(example.expected[0], codes[0])] += 1
    return report


def catalog_specs(path: str | Path) -> list[ItemSpec]:
    """The items of a catalog file (CSV or XLSX in `import_authority` columns), as the matcher sees them once
    imported. Raises authority.importing.CatalogFileError for a file import_authority would refuse."""
    # imported here: it needs Django (gettext), and the rest of this module must not
    from authority.importing import read_catalog

    specs = []
    for k, row in enumerate(read_catalog(Path(path)), 1):
        v = row.values
        specs.append(
            ItemSpec(
                id=k,
                code=row.code,
                name_zh=v.get("name_zh", ""),
                name_en=v.get("name_en", ""),
                description=v.get("description_zh", ""),
                rule_broken=v.get("rule_broken", ""),
                legal_basis=v.get("legal_basis", ""),
                domain=v.get("domain", ""),
            )
        )
    return specs
