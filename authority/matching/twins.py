"""Twin contrast from the catalog's own text (issue 15, seventh round, Chinese).

Items of one field whose names share most of their wording differ in one element: who acts
("对个人未按规定分类投放生活垃圾" against "对单位..."), how ("使用电鱼方法" against "使用炸鱼、毒鱼方法"),
what is done with the goods, where, when. The element is read from the two names themselves, so it needs no
label and no lexicon row: the words (`name_words`) of one twin's name that the other's lacks. When a
description carries one twin's element (as typed, or as the short legal word an everyday word stands for:
公司 → 单位, 住户 → 个人) and none of the other's, that twin goes first, however its other words weigh; when
it carries neither twin's element, nothing moves. A twin whose name holds more than TWIN_ELEMENTS words the
other lacks differs in more than one element: it is not moved.

Only the order of the items already found changes, never "no match", and only between twins close in score
(TWIN_RATIO of the better one's raw score). Pure functions over what the matcher already holds.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Sequence
from typing import Any

# Two items are twins when the pairs of characters their names share are at least this share of the shorter
# name's pairs.
TWIN_SIMILARITY = 0.5
# ... and the lower one is considered when its raw score is at least this share of the higher one's.
TWIN_RATIO = 0.7
# Twins differ in one element: a twin whose name holds more words the other's lacks is no twin of it.
TWIN_ELEMENTS = 2
# How many of the first candidates are looked at.
TWIN_WINDOW = 5


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap of two names' pairs of characters: shared pairs over the shorter name's pairs."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def carried(elements: Iterable[tuple[str, ...]], evidence: tuple[str, ...]) -> list[str]:
    """The elements (each a word and its pairs of characters that the other twin's name lacks) of which some
    piece of the description's evidence holds a key."""
    return [keys[0] for keys in elements if any(key in piece for key in keys for piece in evidence)]


def name_words(core: str, *dictionaries: Container[str], longest: int = 5) -> frozenset[str]:
    """The words of a name's wording (segments joined by "。"), read longest first from the left against the
    dictionaries (CC-CEDICT's headwords, the lexicon's words): 生活垃圾分类管理责任人 → 生活, 垃圾, 分类,
    管理, 责任人. Only words of two characters or more are kept: the pairs across two words (圾分) that the
    character pairs of a name hold are no element of it."""
    out: set[str] = set()
    for seg in core.split("。"):
        k = 0
        while k < len(seg):
            for n in range(min(longest, len(seg) - k), 1, -1):
                if any(seg[k : k + n] in words for words in dictionaries):
                    out.add(seg[k : k + n])
                    k += n
                    break
            else:
                k += 1
    return frozenset(out)


def _elements(own: frozenset[str], other: frozenset[str], other_core: str) -> list[tuple[str, ...]]:
    """The words of one twin's name that the other's name neither holds nor contains, each with its pairs of
    characters the other's name lacks (滥伐林木 against 盗伐林木: 滥伐, 伐林)."""
    out = []
    for w in sorted(own - other):
        if w not in other_core:
            pairs = [w[k : k + 2] for k in range(len(w) - 1)] if len(w) > 2 else []
            out.append((w, *(p for p in pairs if p not in other_core)))
    return out


def contrast_order(
    ranked: list[tuple[float, int, Any]],
    grams: Sequence[frozenset[str]],
    words: Sequence[frozenset[str]],
    cores: Sequence[str],
    evidence: tuple[str, ...] | Callable[[], tuple[str, ...]],
) -> list[tuple[float, int, Any]]:
    """`ranked` ((raw score, item, hits), best first) with each twin that the description's evidence points to
    moved above the twins ranked before it of which the evidence carries no element; a twin moved up takes
    the raw score of the one it passes, so the scores shown stay in order. Per item: `grams` its name's pairs
    of characters (how alike two names are), `words` its name's words (the elements), `cores` its name's
    wording. `evidence` may be a function: it is called once, when two twins are found."""
    out = list(ranked)
    n = min(len(out), TWIN_WINDOW)
    for k in range(1, n):
        raw_low, low, hits = out[k]
        g_low = grams[low] if low < len(grams) else frozenset()
        if not g_low or raw_low <= 0:
            continue
        for j in range(k):
            raw_up, up, _ = out[j]
            g_up = grams[up] if up < len(grams) else frozenset()
            if raw_low < TWIN_RATIO * raw_up or similarity(g_low, g_up) < TWIN_SIMILARITY:
                continue
            if callable(evidence):
                evidence = evidence()
            own = _elements(words[low], words[up], cores[up])
            if (
                len(own) <= TWIN_ELEMENTS
                and carried(own, evidence)
                and not carried(_elements(words[up], words[low], cores[low]), evidence)
            ):
                out.pop(k)
                out.insert(j, (raw_up, low, hits))
                break
    return out
