"""Wording shared with the item's own text: a reordering of the Chinese candidates the words already found.

The engine finds candidates by terms (derived from each item's wording, the lexicon, the bridges) and ranks
them by how strongly those terms point to each. A description often also repeats stretches of an item's own
name and description that are no term (too common in the catalog to count, or cut across the terms'
boundaries), and among candidates the terms already found, the one whose text the description repeats more is
usually the one meant. Measured on the seventeen spent catalogs (issue 15, ninth round): a naive overlap of
character pairs alone (bench/match_baseline.py) came within a few points of the engine's Chinese top-1 on most
of them; blended into the engine's own ranking it gains on both folds. Chinese descriptions only: in English
the same blend lost on both folds.

What it does, before the twins' contrast (which keeps the last word between near-twins: who acted, the element
one name holds): for each item the terms found, the share of the item's character pairs (name and
description, folded as the text is) that the description holds, divided by the square root of their number (a
long description does not win by length), relative to the best item's share, or to SHARE_FLOOR when even the
best is small (one pair in common by chance must not count as a description repeated), adds SHARED_WEIGHT to
the item's raw score relative to the first; the items are sorted by that sum and their raw scores rescaled so
that the first keeps the best. It brings in no item the terms did not find and never changes "no match"
(decided before, on the engine's own best score); the words each candidate shows are those that found it.
SHARED_WEIGHT and
SHARE_FLOOR were chosen on fold A with the earlier rounds' written cases held (tests/matching/test_zh_round6,
test_zh_round7, test_twin_coverage): zh top-1 1,130 → 1,140 of 1,293, top-3 1,216.4 → 1,221.5; fold B, the
check: 1,612 → 1,621 of 1,824, 1,713.0 → 1,723.6; false "no match" unchanged (22, 41).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .normalize import fold, is_cjk

SHARED_WEIGHT = 0.4  # chosen on fold A (0.3–0.5 within a few descriptions), checked on fold B
SHARE_FLOOR = 1.5  # a share below it counts in proportion to it, not to the best (see shared_order)


def char_pairs(text: str) -> frozenset[str]:
    """Pairs of adjacent Chinese characters of the folded text (a stretch of other characters breaks them)."""
    folded = fold(text)
    return frozenset(
        folded[k : k + 2] for k in range(len(folded) - 1) if is_cjk(folded[k]) and is_cjk(folded[k + 1])
    )


def item_pairs(name_zh: str, description: str) -> tuple[frozenset[str], float]:
    """An item's pairs (name and description) and the square root of their number (at least 1)."""
    pairs = char_pairs(f"{name_zh}。{description}")
    return pairs, math.sqrt(len(pairs) or 1)


def shared_order(
    exact: list[tuple[float, int, Any]], text: str, pairs: Sequence[tuple[frozenset[str], float]]
) -> list[tuple[float, int, Any]]:
    """`exact` ((raw score, item, hits), best first) reordered by the raw score and the wording each item
    shares with the text (above); each raw score rescaled so that the first keeps the best."""
    top = exact[0][0]
    if len(exact) < 2 or top <= 0:
        return exact
    found = char_pairs(text)
    shares = []
    for _raw, item, _hits in exact:
        own, root = pairs[item] if item < len(pairs) else (frozenset(), 1.0)
        shares.append(len(found & own) / root)
    # relative to the best share, or to SHARE_FLOOR when even the best is small (one pair in common by chance,
    # "店卖" of 药店卖假药 in "五金店卖的插座", must not weigh as a description repeated)
    best_share = max(max(shares), SHARE_FLOOR)
    keyed = [
        (raw / top + SHARED_WEIGHT * share / best_share, n, raw, item, hits)
        for n, ((raw, item, hits), share) in enumerate(zip(exact, shares, strict=True))
    ]
    keyed.sort(key=lambda t: (-t[0], t[1]))
    best_key = keyed[0][0]
    return [(top * key / best_key if raw > 0 else raw, item, hits) for key, _n, raw, item, hits in keyed]
