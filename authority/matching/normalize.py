"""Text normalisation shared by the catalog side and the query side of the matcher.

Input is whatever people type: simplified or traditional characters, full-width letters and punctuation, mixed
Chinese and English, typos. Both sides go through the same steps so that terms meet:

- NFKC (full-width letters, digits and punctuation become their ASCII forms), lower case;
- traditional characters become simplified through a compact table (`data/t2s.txt`, common characters only),
  and Japanese shinjitai and the rarer traditional-only characters through `data/ja2zh.txt` (騒 -> 骚,
  廃 -> 废), so that Japanese kanji meet the catalog's Chinese wording; Japanese kana are kept like Chinese
  characters;
- punctuation and symbols become separators;
- English words are reduced to a light stem (plural, -ing, -ed, final e), so "parking", "parked" and "parks"
  meet.

`scan()` returns the processed string together with, for each of its characters, the span of the original text
it came from, so that matched terms can be highlighted in what the user typed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def t2s_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for name in ("ja2zh.txt", "t2s.txt"):  # the hand-made table wins where both have a character
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) == 2 and not line.startswith("#"):
                table[ord(line[0])] = line[1]
    return table


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


def is_kana(ch: str) -> bool:
    """Hiragana, katakana, the prolonged sound mark and the kanji repeat mark: Japanese, kept like Chinese
    characters (no spaces between words), so that 'ゴミ' or 'ポイ捨て' can be lexicon terms."""
    return "\u3041" <= ch <= "\u3096" or "\u30a1" <= ch <= "\u30fa" or ch in "\u30fc\u3005"


def is_arabic(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a"


def is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _is_word_char(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("0" <= ch <= "9") or is_arabic(ch) or is_hangul(ch)


# Arabic spelling variants that people mix freely: hamza forms of alef, ta marbuta, alef maqsura.
_AR_FOLD = str.maketrans(
    {
        "\u0623": "\u0627",
        "\u0625": "\u0627",
        "\u0622": "\u0627",
        "\u0629": "\u0647",
        "\u0649": "\u064a",
        "\u0624": "\u0648",
        "\u0626": "\u064a",
        "\u0640": None,  # tatweel (a stretching stroke)
    }
)
_AR_PREFIXES = (
    "\u0648\u0627\u0644",
    "\u0628\u0627\u0644",
    "\u0641\u0627\u0644",
    "\u0643\u0627\u0644",
    "\u0644\u0644",
    "\u0627\u0644",
)  # wal-, bil-, fal-, kal-, lil-, al-
_AR_SUFFIXES = (
    "\u0627\u062a",
    "\u0648\u0646",
    "\u064a\u0646",
    "\u0647\u0627",
    "\u0647\u0645",
    "\u0646\u0627",
)  # -at, -un, -in, -ha, -hum, -na
_AR_ARTICLE = "\u0627\u0644"  # al-
# one-letter prefixes written onto the word: wa- (and), fa- (so), bi- (with), li- (for), ka- (like)
_AR_CONJ = ("\u0648", "\u0641")
_AR_PREP = ("\u0628", "\u0644", "\u0643")


def ar_stem(word: str) -> str:
    """A light Arabic stem: spelling variants folded, the article and a plural or pronoun ending dropped."""
    w = word.translate(_AR_FOLD)
    if w.startswith(_AR_CONJ) and len(w) >= 5 and not w.startswith(_AR_PREFIXES):
        w = w[1:]  # "وقمامه" is "and rubbish"; four letters are left at least, so "وقف" stays a word
    for prefix in _AR_PREFIXES:
        # the bare article also comes off a word of two letters ("القش" is "the straw", قش); the longer
        # prefixes keep three at least
        if w.startswith(prefix) and len(w) - len(prefix) >= (2 if prefix == _AR_ARTICLE else 3):
            w = w[len(prefix) :]
            break
    else:
        if w.startswith(_AR_PREP) and len(w) >= 6:
            w = w[1:]  # "بسياره" is "by car"; short words starting with these letters are left alone
        elif w.startswith(("\u0644\u064a", "\u0644\u062a")) and len(w) >= 5:
            w = w[1:]  # men11: li- before a verb's ya-/ta- ("ليشحن" is "to charge", يشحن)
    for suffix in _AR_SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    return w


@functools.lru_cache(maxsize=20000)
def fold_char(ch: str) -> str:
    """One character folded: NFKC, traditional to simplified, lower case, Latin accents dropped."""
    if ch in "ßẞ":
        return "ss"
    return _strip_accents(unicodedata.normalize("NFKC", ch).translate(t2s_table()).lower())


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    stripped = "".join(
        c
        for c in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(c) or is_cjk(c) or c in "\u3099\u309a"  # kana voicing marks stay
    )
    return unicodedata.normalize("NFC", stripped)  # Korean syllables come back together


def fold(text: str) -> str:
    """NFKC, traditional to simplified, lower case, Latin accents dropped. Keeps punctuation."""
    return _strip_accents(
        unicodedata.normalize("NFKC", text).translate(t2s_table()).lower().replace("ß", "ss")
    )


# English words that carry no evidence on their own.
EN_STOPWORDS = frozenset(
    """a an the of in on at to for from by with into onto over under about near next than then and or but is
    are was were be been being am do does did doing done has have had having will would can could should shall
    may might must it its it's this that these those there here their theirs they them he him his she her hers
    i me my mine we us our ours you your yours someone somebody anyone anybody everyone everybody people ppl
    guy guys man men woman women one ones some any all every each other another just also even still again
    very really so too much many lot lots up down out off s t don t can't won't isn't aren't wasn't doesn't
    didn't what which who whom whose when where why how please thanks thank hi hello dear sir madam always
    often never ever day days morning today yesterday week weeks time times penalty penalties
    against""".split()
)

_EN_WORD = re.compile(r"[a-z][a-z0-9]*|[0-9]+|[\u0621-\u064a]+|[\uac00-\ud7a3]+")


# British and American spellings meet on one form.
_SPELLING = {
    # men6: plurals in -ves whose singular ends in -f or -fe (the stemmer would leave "wharv" against "wharf")
    "wharves": "wharf",
    "shelves": "shelf",
    "knives": "knife",
    "halves": "half",
    "thieves": "thief",
    "loaves": "loaf",
    "wolves": "wolf",
    "calves": "calf",
    "license": "licence",
    "licensed": "licenced",
    "licenses": "licences",
    "unlicensed": "unlicenced",
    "neighbor": "neighbour",
    "neighbors": "neighbours",
    "center": "centre",
    "centers": "centres",
    "theater": "theatre",
    "odor": "odour",
    "odors": "odours",
    "tire": "tyre",
    "tires": "tyres",
    "practise": "practice",
    "gray": "grey",
    "color": "colour",
    "meter": "metre",
    "curb": "kerb",
    "garbage": "garbage",
    "aluminum": "aluminium",
    "storey": "story",
    "storeys": "stories",
    # men7: British words the dictionary behind the English bridge (CC-CEDICT, American in its glosses) does
    # not know: 电梯 is glossed "elevator", never "lift", so "smoking in the lift" reached no lift item.
    "lift": "elevator",
    "lifts": "elevators",
    "lorry": "truck",
    "lorries": "trucks",
    "petrol": "gasoline",
}


# Words whose stem would meet a different word ("smoking" a cigarette is not "smoke" from a fire).
_NO_STEM = frozenset(
    {
        "smoking",
        "smoker",
        "smokers",
        "leaves",
        "building",
        "buildings",
        "parking",
        "fishing",
        "training",
        "trained",
        "droppings",
        "drilling",
        "evening",  # men7: not "even" ("does he even have a licence")
        "evenings",
    }
)


@functools.lru_cache(maxsize=50000)
def en_stem(word: str) -> str:
    """A light, consistent stemmer: both the catalog and the query use it, so it need only be consistent.
    Arabic words get the Arabic light stem instead."""
    if word and is_arabic(word[0]):
        return ar_stem(word)
    if word and is_hangul(word[0]):
        return word  # Korean particles stay: lexicon entries are open-ended ('스피커*')
    w = _SPELLING.get(word, word)
    if w in _NO_STEM:
        return w
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("es") and len(w) > 4 and w[-3] in "sxz":
        w = w[:-2]
    elif w.endswith("ches") or w.endswith("shes"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    suffixed = False
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
        suffixed = True
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
        suffixed = True
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
        suffixed = False
    # A word of four letters keeps its final e, so that fire is not fir, pine not pin, rate not rat, care not
    # car; "fired" and "piling" get back the e the suffix took off.
    if suffixed and len(w) == 3 and w[0] not in "aeiou" and w[1] in "aeiou" and w[2] not in "aeiouwxy":
        w += "e"
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w.endswith("y") and w[-2] not in "aeiou":
        w = w[:-1] + "i"
    return w


def en_tokens(text: str) -> list[str]:
    return _EN_WORD.findall(fold(text))


def en_key(words: list[str]) -> str:
    """The automaton key of an English term: stems between spaces, so that it only matches whole words."""
    return " " + " ".join(words) + " "


def en_term_key(term: str) -> str | None:
    """Key for an English phrase from the lexicon or a rule ('fire exit' -> ' fire exit '); None if empty."""
    stems = [en_stem(w) for w in en_tokens(term)]
    return en_key(stems) if stems else None


@dataclass
class Scanned:
    """The processed form of a text and where each of its characters came from in the original."""

    original: str
    text: str
    spans: list[tuple[int, int]]  # per processed char: [start, end) in `original`; (-1, -1) for separators
    words: list[
        tuple[str, int, int]
    ]  # English words as typed (folded) with their processed span [start, end)

    def original_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The original span covering processed [start, end), ignoring separators at the edges."""
        while start < end and self.spans[start][0] < 0:
            start += 1
        while end > start and self.spans[end - 1][0] < 0:
            end -= 1
        if start >= end:
            return None
        return self.spans[start][0], self.spans[end - 1][1]


@functools.lru_cache(maxsize=20000)
def _char_info(ch: str) -> tuple[str, bool, bool]:
    """What `scan` needs of one character: its folded form, whether it starts an English (or Arabic, Korean)
    word or number, and whether it is one Chinese character or kana, kept as it is."""
    folded = fold_char(ch)
    starts_word = bool(folded) and all(_is_word_char(c) for c in folded)
    kept = len(folded) == 1 and (is_cjk(folded) or is_kana(folded))
    return folded, starts_word, kept


def scan(
    original: str, vocabulary: frozenset[str] | None = None, deletes: dict[str, str] | None = None
) -> Scanned:
    """Normalise `original` for matching.

    Chinese characters are kept one for one (after folding). Each English word becomes ' stem ' (spaces around
    it; consecutive words share one space). Everything else becomes a separating space. With `vocabulary` and
    `deletes` (from `build_typo_index`), an unknown English word of six letters or more that is one edit away
    from exactly one known word is read as that word.
    """
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    words: list[tuple[str, int, int]] = []
    sep = (-1, -1)

    def push_sep() -> None:
        if not out or out[-1] != " ":
            out.append(" ")
            spans.append(sep)

    i = 0
    n = len(original)
    while i < n:
        ch = original[i]
        folded, starts_word, kept = _char_info(ch)
        if starts_word:
            # an English word or number: gather the run of word characters (after folding)
            j = i
            buf = []
            while j < n:
                f = fold_char(original[j])
                if not f and unicodedata.combining(original[j]):
                    j += 1  # a vowel mark inside an Arabic word
                    continue
                if f and all(_is_word_char(c) or c == "'" for c in f):
                    buf.append(f.replace("'", ""))
                    j += 1
                else:
                    break
            raw = "".join(buf)
            if raw:
                word = raw
                if vocabulary is not None and deletes is not None and not word.isdigit():
                    word = correct_word(word, vocabulary, deletes)
                stem = en_stem(word) if not word.isdigit() else word
                push_sep()
                start = len(out)
                for c in stem:
                    out.append(c)
                    spans.append((i, j))
                words.append((raw, start, len(out)))
                out.append(" ")
                spans.append(sep)
            i = j
            continue
        if kept:  # the common case: one Chinese character or kana, kept as it is folded
            out.append(folded)
            spans.append((i, i + 1))
        else:
            for c in folded:
                if is_cjk(c) or is_kana(c):
                    out.append(c)
                    spans.append((i, i + 1))
                else:
                    push_sep()
        i += 1
    text = "".join(out)
    if not text.startswith(" "):
        text = " " + text
        spans.insert(0, sep)
        words = [(w, s + 1, e + 1) for w, s, e in words]
    if not text.endswith(" "):
        text += " "
        spans.append(sep)
    return Scanned(original=original, text=text, spans=spans, words=words)


_DE_MARKERS = frozenset(
    """der die das den dem des und ist sind nicht kein keine mit auf ein eine einen einem wird werden seit
    jeden jede immer hier vor unserem unserer unser meinem meiner mein wir ich sie es auch noch bitte nachts
    schon sehr viel wieder zum zur vom beim oder aber dass ohne im sich nur mehr wenn weil gibt alle nach bei
    durch gegen""".split()
)


_FR_MARKERS = frozenset(
    """le la les des une est sont pas avec dans sur du au aux et qui que ce cette nous je il elle ils mon ma
    mes notre nos tous toute chaque soir nuit depuis très rue près devant un
    leur leurs ont été chez""".split()
)


_ES_MARKERS = frozenset(
    """el los las del y está están hay muy por para con sin una unos unas es son mi mis nuestro nuestra
    su sus todos todas cada noche desde pero también aquí allí calle cerca vecino vecinos hace la un que lo al
    ya este esta ese esa otro otra cuando porque""".split()
)


# men7: the words of grammar of German, French and Spanish, and a few of their commonest verb forms, that are
# also English words or terms: "Die Fähre" is no death (die), "Am Regal stand" no stall (stand), French
# "pour" is "for", not pouring, Spanish "sin" is "without". In a text of that language they never count as a
# term (Matcher.match).
FUNCTION_WORDS = {
    "de": _DE_MARKERS | frozenset("stand standen war will also bald man hat kann muss wo".split()),
    "fr": _FR_MARKERS | frozenset("pour par plus tout sans sous entre mais comme fait son sa ses on".split()),
    "es": _ES_MARKERS | frozenset("sin con son sale salen come once van dice todo toda como pero en".split()),
}


# The scripts detect_lang counts, as is_cjk, is_kana and is_hangul read them; Latin: letters below U+0250.
_CJK_CHARS = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002fa1f]")
_KANA_CHARS = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc\u3005]")
_HANGUL_CHARS = re.compile("[\uac00-\ud7a3]")
_ARABIC_CHARS = re.compile("[\u0600-\u06ff]")
_LATIN_CHARS = re.compile("[" + re.escape("".join(chr(c) for c in range(0x250) if chr(c).isalpha())) + "]")


def detect_lang(text: str) -> str:
    """zh, en, de, fr, es, ar, ko or ja: the script that dominates (Japanese: kana among the Chinese
    characters), and for Latin text the language whose common words it uses most (German, French, Spanish,
    else English)."""
    cjk = len(_CJK_CHARS.findall(text))
    kana = len(_KANA_CHARS.findall(text))
    hangul = len(_HANGUL_CHARS.findall(text))
    arabic = len(_ARABIC_CHARS.findall(text))
    latin = len(_LATIN_CHARS.findall(text))
    if kana >= 2 and (kana + cjk) * 3 >= latin + hangul:
        return "ja"
    if cjk and cjk * 3 >= latin + hangul:
        return "zh"
    if hangul > latin + arabic:
        return "ko"
    if arabic > latin:
        return "ar"
    if not latin:
        return "zh"
    lowered = text.lower()
    words = re.findall(r"[a-zäöüß]+", lowered)
    latin_words = re.findall(r"[a-zàáâçéèêëíîïñóôúûùüÿœ]+", lowered)
    german = sum(w in _DE_MARKERS for w in words) + 2 * sum(any(c in w for c in "äöüß") for w in words)
    acute = sum("é" in w for w in latin_words)  # French and Spanish alike
    french = (
        sum(w in _FR_MARKERS for w in latin_words)
        + 2 * sum(any(c in w for c in "àâçèêëîïôûùœ") for w in latin_words)
        + acute
    )
    spanish = (
        sum(w in _ES_MARKERS for w in latin_words)
        + 2 * sum(any(c in w for c in "áíñóú") for w in latin_words)
        + 2 * sum(c in "¿¡" for c in text)
        + acute
    )
    english = sum(w in EN_STOPWORDS for w in words)
    if spanish > max(english, german, french):
        return "es"
    if french > max(english, german):
        return "fr"
    return "de" if german > english or (german and german == english) else "en"


def _deletes(word: str) -> set[str]:
    return {word[:k] + word[k + 1 :] for k in range(len(word))}


def build_typo_index(vocabulary: set[str]) -> dict[str, str]:
    """Single-deletion neighbourhoods of the known words (SymSpell, distance 1). Ambiguous keys map to ''."""
    index: dict[str, str] = {}
    for word in vocabulary:
        if len(word) < 5:
            continue
        for key in _deletes(word) | {word}:
            if key in index and index[key] != word:
                index[key] = ""
            else:
                index[key] = word
    return index


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (one insertion, deletion, substitution or adjacent swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [k for k in range(la) if a[k] != b[k]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    return any(b[:k] + b[k + 1 :] == a for k in range(len(b)))


def correct_word(word: str, vocabulary: frozenset[str], deletes: dict[str, str]) -> str:
    """`word` if known or short; otherwise the one known word within one edit (insertion, deletion,
    substitution, adjacent swap), else `word` unchanged."""
    if len(word) < 6 or word in vocabulary or word in EN_STOPWORDS or en_stem(word) in vocabulary:
        return (
            word  # known, or an inflection of a known word ("pumping" of "pump" is not a typo of "dumping")
        )
    found: set[str] = set()
    hit = deletes.get(word)
    if hit:
        found.add(hit)  # the typo lost a letter
    for key in _deletes(word):
        hit = deletes.get(key)
        if hit:
            found.add(hit)  # the typo added or changed a letter
    found = {f for f in found if _within_one_edit(word, f)}
    if len(found) == 1:
        return found.pop()
    return word


def fold_with_spans(original: str) -> tuple[str, list[tuple[int, int]]]:
    """`fold(original)` and, per folded character, its span in the original (for regular-expression rules)."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(original):
        for c in fold_char(ch):
            out.append(c)
            spans.append((i, i + 1))
    return "".join(out), spans


@functools.lru_cache(maxsize=65536)
def term_key(term: str) -> str | None:
    """The automaton key of a term as a user or the lexicon writes it.

    Pure Chinese terms match anywhere ('电瓶车'); terms with Latin or Arabic letters or digits match whole
    words only (' fire exit ', ' bbq 摊 '), except on a side marked '*': 'lärm*' also finds the start of
    'Lärmbelästigung', '*lärm' the end of 'Baulärm' and '*müll*' any compound holding 'Müll' (German writes
    its nouns together).
    None for a term with nothing to match.
    """
    term = term.strip()
    open_start, open_end = term.startswith("*"), term.endswith("*")
    if open_start or open_end:
        core = term.strip("*").strip()
        if not core:
            return None
        folded = fold(core)
        words = en_tokens(core)
        if not words or any(is_cjk(c) for c in folded):
            return term_key(core)
        # the open end is not stemmed: it is a word's beginning, not a word
        stems = [en_stem(w) for w in words[:-1]] + [words[-1] if open_end else en_stem(words[-1])]
        key = en_key(stems)
        if open_start:
            key = key[1:]
        if open_end:
            key = key[:-1]
        return key
    processed = scan(term).text
    stripped = processed.strip()
    if not stripped:
        return None
    if any(_is_word_char(c) for c in stripped):
        return processed
    return stripped.replace(" ", "")
