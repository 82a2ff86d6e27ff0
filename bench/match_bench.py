"""Violation matching: latency per description and throughput at 100, 1,000 and 10,000 items, against a naive
baseline measured in the same run.

    .venv/bin/python bench/match_bench.py                 # sizes 100 1000 10000
    .venv/bin/python bench/match_bench.py --sizes 100 1000 --repeat 3

Catalogs: the 99 items of the demo catalog (authority/data/demo_catalog.csv), filled up to the size with
generated items worded like real ones ("对在{place}{act}{object}的行政处罚", with a description). Workload:
the 314 labelled descriptions of authority/matching/eval/eval_set.csv (colloquial complaints and officer
notes, Chinese and English).

The engine: `compile_matcher` (one Aho-Corasick automaton over every term of every item, the built-in lexicon
and the demo's curated rules) and `Matcher.match` (scan, automaton, scoring, ranking).
The baseline does the same job naively: one compiled regular expression per item (the alternation of that
item's own terms, the same terms the engine knows), tried in turn on the same normalised text; the items whose
regex finds something are scored by the weights of what it found and ranked. The ratio is baseline time /
engine time.
No database, no Django: the engine is plain Python.
"""

from __future__ import annotations

import argparse
import csv
import pickle
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from authority.matching import engine as matching_engine  # noqa: E402
from authority.matching.engine import ItemSpec, LexSpec, Matcher, RuleSpec, compile_matcher  # noqa: E402
from authority.matching.normalize import scan  # noqa: E402

CATALOG = ROOT / "authority" / "data" / "demo_catalog.csv"
LEXICON = ROOT / "authority" / "matching" / "data" / "lexicon.csv"
RULES = ROOT / "authority" / "matching" / "data" / "demo_rules.csv"
DESCRIPTIONS = ROOT / "authority" / "matching" / "eval" / "eval_set.csv"

PLACES = [
    "城市道路",
    "公共场所",
    "居民小区",
    "河道管理范围内",
    "公路用地",
    "林区",
    "农贸市场",
    "商业街区",
    "学校周边",
    "景区",
    "地下空间",
    "桥梁下方",
    "广场",
    "绿地",
    "车站",
    "码头",
    "工业园区",
    "施工现场",
    "建成区",
    "背街小巷",
]
ACTS = [
    "擅自设置",
    "违规堆放",
    "非法经营",
    "私自改建",
    "违法占用",
    "随意倾倒",
    "擅自拆除",
    "违规运输",
    "未经许可搭建",
    "违规排放",
    "擅自开挖",
    "违规存放",
    "非法销售",
    "擅自改变用途的",
    "违规使用",
    "私自悬挂",
    "违规焚烧",
    "擅自停放",
]
OBJECTS = [
    "广告灯箱",
    "快递柜",
    "共享单车",
    "冷链设备",
    "充电桩",
    "建材",
    "旧家电",
    "废旧轮胎",
    "活禽",
    "观光车辆",
    "遮阳篷",
    "储油罐",
    "液化气瓶",
    "沙石料",
    "宣传横幅",
    "移动摊车",
    "钢架结构",
    "泡沫箱",
    "餐厨废弃物",
    "工程渣土",
    "彩钢板房",
    "电动三轮车",
    "无人机",
    "烟花礼盒",
    "二手家具",
    "石材",
    "化工桶",
    "木材",
    "塑料薄膜",
    "建筑模板",
]
EN_OBJECTS = [
    "light boxes",
    "parcel lockers",
    "shared bikes",
    "cold-chain units",
    "charging posts",
    "building materials",
    "old appliances",
    "scrap tyres",
    "live poultry",
    "sightseeing carts",
    "awnings",
    "oil tanks",
    "gas cylinders",
    "sand and gravel",
    "banners",
    "mobile carts",
    "steel frames",
    "foam boxes",
    "kitchen waste",
    "muck",
    "steel sheds",
    "electric tricycles",
    "drones",
    "firework boxes",
    "second-hand furniture",
    "stone",
    "chemical drums",
    "timber",
    "plastic film",
    "formwork",
]


def demo_items() -> list[ItemSpec]:
    with CATALOG.open(newline="", encoding="utf-8") as f:
        return [
            ItemSpec(
                id=k + 1,
                code=r["code"],
                name_zh=r["name_zh"],
                name_en=r["name_en"],
                description=r["description_zh"],
                rule_broken=r.get("rule_broken", ""),
                legal_basis=r.get("legal_basis", ""),
                domain=r["domain"],
            )
            for k, r in enumerate(csv.DictReader(f))
        ]


def catalog(size: int, seed: int = 1) -> list[ItemSpec]:
    items = demo_items()[:size]
    rng = random.Random(seed)
    seen = {i.name_zh for i in items}
    n = 0
    while len(items) < size:
        place, act, k = rng.choice(PLACES), rng.choice(ACTS), rng.randrange(len(OBJECTS))
        name = f"对在{place}{act}{OBJECTS[k]}的行政处罚"
        if name in seen:
            name = f"对在{place}{act}{OBJECTS[k]}（第{n}类）的行政处罚"
        seen.add(name)
        n += 1
        items.append(
            ItemSpec(
                id=10_000 + n,
                code=f"GEN-{n:05d}",
                name_zh=name,
                name_en=f"Penalty for {EN_OBJECTS[k]} in {place}",
                description=f"当事人在{place}{act}{OBJECTS[k]}，影响市容秩序和公共安全。",
                rule_broken=f"任何单位和个人不得在{place}{act}{OBJECTS[k]}。",
                domain="city_management",
            )
        )
    return items


def lexicon() -> list[LexSpec]:
    with LEXICON.open(newline="", encoding="utf-8") as f:
        return [
            LexSpec(
                term=r["term"], canonical=tuple(p for p in r["canonical"].split("|") if p), lang=r["lang"]
            )
            for r in csv.DictReader(f)
        ]


def rules(items: list[ItemSpec]) -> list[RuleSpec]:
    ids = {i.code: i.id for i in items}
    with RULES.open(newline="", encoding="utf-8") as f:
        return [
            RuleSpec(
                id=k, item_id=ids[r["code"]], kind=r["kind"], pattern=r["pattern"], weight=float(r["weight"])
            )
            for k, r in enumerate(csv.DictReader(f))
            if r["code"] in ids
        ]


def labelled() -> list[tuple[str, tuple[str, ...]]]:
    with DESCRIPTIONS.open(newline="", encoding="utf-8") as f:
        return [(r["text"], tuple(c for c in r["expected_codes"].split("|") if c)) for r in csv.DictReader(f)]


def descriptions() -> list[str]:
    return [text for text, _ in labelled()]


def top1(match, examples: list[tuple[str, tuple[str, ...]]]) -> float:
    """Top-1 accuracy on the labelled descriptions that name items (the demo items hidden among the generated
    ones)."""
    named = [(t, codes) for t, codes in examples if codes]
    hits = 0
    for text, codes in named:
        candidates = match(text).candidates
        hits += bool(candidates) and candidates[0].code in codes
    return hits / len(named)


class NaiveBaseline:
    """One regex per item (the alternation of the item's terms), tried in turn."""

    def __init__(self, matcher: Matcher) -> None:
        per_item: dict[int, dict[str, float]] = defaultdict(dict)
        for tid, plist in enumerate(matcher.postings):
            for item, weight, _, _ in plist:
                per_item[item][matcher.terms[tid]] = weight
        self.items = matcher.items
        self.weights = per_item
        self.regexes = [
            (item, re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))))
            for item, terms in sorted(per_item.items())
        ]
        self.vocabulary, self.typo_index = matcher.vocabulary, matcher.typo_index

    def match(self, text: str, limit: int = 5) -> list[tuple[float, str]]:
        processed = scan(text, self.vocabulary, self.typo_index).text
        scored = []
        for item, regex in self.regexes:
            found = set(regex.findall(processed))
            if found:
                weights = self.weights[item]
                scored.append((sum(weights.get(t, 0.0) for t in found), self.items[item][1]))
        scored.sort(reverse=True)
        return scored[:limit]


def interleaved(engine, baseline, texts: list[str], base_texts: list[str], repeat: int):
    """Each description through the engine `repeat` times, then through the baseline once (if it is one of
    the baseline's), so that both are timed in the same moments: on a shared machine the load moves between a
    run of the one and a run of the other, and the ratio with it."""
    base = set(base_texts)
    engine_times: list[float] = []
    baseline_times: list[float] = []
    for text in texts:
        for _ in range(repeat):
            start = time.perf_counter()
            engine(text)
            engine_times.append(time.perf_counter() - start)
        if text in base:
            start = time.perf_counter()
            baseline(text)
            baseline_times.append(time.perf_counter() - start)
    return engine_times, baseline_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the descriptions for the engine")
    parser.add_argument(
        "--baseline-texts", type=int, default=0, help="descriptions for the baseline (default: all)"
    )
    parser.add_argument(
        "--without-rules", action="store_true", help="no curated rules, as on a freshly imported catalog"
    )
    args = parser.parse_args()
    examples = labelled()
    texts = [text for text, _ in examples]
    base_texts = texts[: args.baseline_texts] if args.baseline_texts else texts
    lex = lexicon()
    print(
        f"workload: {len(texts)} descriptions (engine: {args.repeat} passes; "
        f"baseline: {len(base_texts)} descriptions, 1 pass)"
    )
    print(f"lexicon: {len(lex)} entries; python {sys.version.split()[0]}")
    started = time.perf_counter()
    words = len(matching_engine.bilingual())
    matching_engine._bilingual_finder()
    print(
        f"English bridge: {words} dictionary headwords read once per process in "
        f"{time.perf_counter() - started:.2f} s (not counted in compile)"
    )
    header = (
        f"{'items':>6} {'terms':>7} {'compile s':>9} {'pickle MB':>9} | {'engine ms/desc':>14} {'p95 ms':>7} "
        f"{'desc/s':>8} | {'baseline ms/desc':>16} {'p95 ms':>8} {'desc/s':>7} "
        f"| {'ratio':>6} {'same top-1':>10} | {'top-1 acc':>9} "
        f"| {'1,000 s':>7}"
    )
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        items = catalog(size)
        started = time.perf_counter()
        matcher = compile_matcher(items, [] if args.without_rules else rules(items), lex)
        compile_s = time.perf_counter() - started
        blob = len(pickle.dumps(matcher, pickle.HIGHEST_PROTOCOL))
        for text in texts:
            matcher.match(
                text
            )  # warm up: the first pass reads WordNet and fills the caches of words and characters
        baseline = NaiveBaseline(matcher)
        for text in base_texts:
            baseline.match(text)  # warm up, as the engine
        engine, naive = interleaved(matcher.match, baseline.match, texts, base_texts, args.repeat)
        batch = [texts[k % len(texts)] for k in range(1000)]
        started = time.perf_counter()
        for text in batch:
            matcher.match(text)
        batch_s = time.perf_counter() - started
        agree = sum(
            1
            for t in base_texts
            if (matcher.match(t).candidates[:1] or [None])[0] is not None
            and baseline.match(t)[:1]
            and baseline.match(t)[0][1] == matcher.match(t).candidates[0].code
        )
        with_items = sum(1 for t in base_texts if matcher.match(t).candidates)
        e_mean, b_mean = statistics.mean(engine), statistics.mean(naive)
        e_p95 = sorted(engine)[int(len(engine) * 0.95)]
        b_p95 = sorted(naive)[int(len(naive) * 0.95)]
        print(
            f"{size:>6} {matcher.stats['terms']:>7} {compile_s:>9.2f} {blob / 1e6:>9.1f} "
            f"| {e_mean * 1000:>14.3f} "
            f"{e_p95 * 1000:>7.3f} {1 / e_mean:>8.0f} "
            f"| {b_mean * 1000:>16.3f} {b_p95 * 1000:>8.3f} {1 / b_mean:>7.0f} | "
            f"{b_mean / e_mean:>5.0f}x {agree:>5}/{with_items:<4} "
            f"| {top1(matcher.match, examples):>9.3f} | {batch_s:>7.2f}"
        )
    print("1,000 s: seconds to match a batch of 1,000 descriptions one after another in this process")
    print(
        "ratio = baseline time per description / engine time per description (higher: the engine is faster)"
    )
    print(
        "top-1 acc: engine's top-1 accuracy on the labelled descriptions, the demo items hidden "
        "among the generated ones"
    )
    print(
        "same top-1: descriptions where the baseline's first item is the engine's (of those the "
        "engine matched);"
        " the baseline has no lexicon-aware overlap handling, thresholds or exclusions"
    )


if __name__ == "__main__":
    main()
