"""Split the labelled evaluation set into a tuning part (dev.csv) and a held-out part (holdout.csv).

All descriptions were written at once, before the engine was tuned, and the split is random (stratified by
language and by kind: no match / one item / several items) with a fixed seed, so it can be reproduced:

    python authority/matching/eval/split.py

The lexicon and curated rules were tuned looking at dev.csv only; holdout.csv is evaluated at the end.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOLDOUT_SHARE = 0.25
SEED = 20240517


def main() -> None:
    with (HERE / "eval_set.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    strata: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        codes = [c for c in row["expected_codes"].split("|") if c]
        kind = "none" if not codes else ("one" if len(codes) == 1 else "several")
        strata[(row["lang"], kind)].append(row)
    rng = random.Random(SEED)
    held: set[str] = set()
    for key in sorted(strata):
        group = strata[key]
        rng.shuffle(group)
        held.update(r["id"] for r in group[: round(len(group) * HOLDOUT_SHARE)])
    for name, keep in (
        ("dev.csv", lambda r: r["id"] not in held),
        ("holdout.csv", lambda r: r["id"] in held),
    ):
        with (HERE / name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=["id", "lang", "text", "expected_codes"])
            writer.writeheader()
            writer.writerows(r for r in rows if keep(r))
    print(f"{len(rows)} descriptions: {len(rows) - len(held)} in dev.csv, {len(held)} in holdout.csv")


if __name__ == "__main__":
    main()
