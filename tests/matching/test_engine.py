"""The engine on catalogs built on the spot (no database): derived terms, the lexicon, curated rules,
normalisation."""

from __future__ import annotations

import csv
import pickle
import random

from authority.matching.engine import ItemSpec, RuleSpec, compile_matcher
from authority.matching.loader import BUILTIN_LEXICON, builtin_lexicon
from authority.matching.normalize import correct_word, scan, term_key
from authority.matching.services import clean_lexicon

ITEMS = [
    ItemSpec(
        1,
        "A-STALL",
        "对擅自占用城市道路摆摊设点、占道经营的行政处罚",
        "Penalty for street stalls on city roads",
        "未经批准在城市道路、人行道上摆摊设点。",
    ),
    ItemSpec(
        2,
        "A-EXIT",
        "对占用、堵塞、封闭疏散通道、安全出口的行政处罚",
        "Penalty for blocking evacuation routes or exits",
        "商场在疏散通道堆放货物或者锁闭安全出口。",
    ),
    ItemSpec(
        3,
        "A-EBIKE",
        "对在楼道、楼梯间停放电动自行车或者为其充电的行政处罚",
        "Penalty for parking or charging e-bikes in corridors or stairwells",
        "居民在楼梯间停放电动自行车、飞线充电。",
    ),
    ItemSpec(
        4,
        "A-NIGHT",
        "对夜间进行产生噪声的建筑施工作业的行政处罚",
        "Penalty for noisy construction work at night",
        "工地在夜间打桩、浇筑混凝土。",
    ),
    ItemSpec(
        5,
        "A-FOOD",
        "对经营超过保质期的食品的行政处罚",
        "Penalty for selling food past its shelf life",
        "销售过期食品。",
    ),
    ItemSpec(
        6,
        "A-FUME",
        "对餐饮服务业经营者未安装油烟净化设施的行政处罚",
        "Penalty for restaurants without cooking-fume purifiers",
        "餐馆油烟直接排放。",
    ),
]


def matcher(rules=()):
    return compile_matcher(ITEMS, rules, builtin_lexicon()[0])


def codes(result):
    return [c.code for c in result.candidates]


def test_a_civil_dispute_is_no_match():
    m = matcher()
    for text in [
        "邻居借了我两万块钱一直不还",
        "我和老公吵架了，要离婚",
        "My neighbour owes me money",
        "我家的猫丢了",
        "",
    ]:
        result = m.match(text)
        assert result.no_match, text
        assert result.candidates == []


def test_praise_debts_and_lost_property_are_evidence_of_no_match():
    m = matcher()
    for text in [
        "物业服务很好，特地表扬一下",
        "The staff at the office were very helpful, thank you",
        "我的钱包在公交车上丢了",
        "My landlord will not return my deposit",
    ]:
        result = m.match(text)
        assert result.no_match, text
        assert result.off_topic, text
    praise = m.match("物业服务很好，特地表扬一下")
    assert "表扬" in praise.off_topic
    # one such word does not hide a clear violation
    strong = m.match("谢谢你们，楼下电瓶车天天推进楼道里充电，麻烦管管")
    assert codes(strong)[0] == "A-EBIKE"
    assert strong.off_topic == ["谢谢"]


def test_colloquial_words_reach_the_items_in_both_languages():
    m = matcher()
    for text, code in [
        ("地铁口有人推着小车卖炒饭，路都占了", "A-STALL"),
        ("A man sells pancakes from a food cart on the sidewalk", "A-STALL"),
        ("凌晨两点工地还在用电锯切钢筋", "A-NIGHT"),
        ("Builders pouring concrete at 2am next to our flats", "A-NIGHT"),
        ("Kitchen smoke from the restaurant comes straight in, they have no filter", "A-FUME"),
        ("The corner shop sells yoghurt that is out of date", "A-FOOD"),
    ]:
        assert codes(m.match(text))[:1] == [code], text


def test_everyday_words_reach_the_legal_wording_through_the_lexicon():
    result = matcher().match("电瓶车推进楼道里充电")
    assert codes(result)[0] == "A-EBIKE"
    top = result.candidates[0]
    assert {"电瓶车", "楼道", "充电"} <= set(top.terms)
    assert any(e.via == "电动自行车" and e.source == "lexicon" for e in top.evidence)


def test_several_violations_give_several_items():
    result = matcher().match("夜市的摊贩占道摆摊，旁边工地半夜还在打桩施工")
    assert {"A-STALL", "A-NIGHT"} <= set(codes(result)[:3])
    assert all(c.score >= 0.36 for c in result.candidates[:2])


def test_english_matches_the_chinese_catalog():
    m = matcher()
    assert codes(m.match("Street vendors block the sidewalk every morning"))[0] == "A-STALL"
    assert codes(m.match("People charge their e-bikes in the stairwell overnight"))[0] == "A-EBIKE"
    assert codes(m.match("The supermarket sells expired milk"))[0] == "A-FOOD"


def test_traditional_characters_and_full_width_input():
    m = matcher()
    result = m.match("樓道裡停滿了電瓶車，還有人拉線充電！！")
    assert codes(result)[0] == "A-EBIKE"
    assert "樓道" in result.candidates[0].terms  # highlighted as typed
    result = m.match("工地晚上１２点还在打桩，ＫＴＶ也吵")
    assert codes(result)[0] == "A-NIGHT"


def test_typos_are_tolerated():
    m = matcher()
    assert codes(m.match("someone is bloking the evacuation rootes"))[0] == "A-EXIT"
    assert (
        correct_word("bloking", frozenset({"blocking"}), {"bloking": "blocking", "blocking": "blocking"})
        == "blocking"
    )
    assert codes(m.match("消访通道被货物堵死了"))[0] == "A-EXIT"  # 消防 mistyped; the rest still points there


def test_highlight_spans_point_into_the_original_text():
    text = "Ｓｏｍｅｏｎｅ 在樓道給電瓶車充電"
    result = matcher().match(text)
    for ev in result.candidates[0].evidence:
        assert text[ev.start : ev.end] == ev.text
    assert all(0 <= s < e <= len(text) for s, e in result.highlight_spans())


def test_curated_rules_keyword_phrase_regex_and_exclusion():
    base = matcher()
    text = "有人在小区门口卖烤苕皮"  # 苕皮: a street snack no lexicon entry knows
    assert base.match(text).no_match
    rules = [RuleSpec(1, 1, "keyword", "苕皮", 1)]
    assert codes(matcher(rules).match(text))[0] == "A-STALL"
    # a co-occurrence phrase fires only when every part is present
    rules = [RuleSpec(2, 6, "phrase", "后厨+排烟", 1)]
    assert "A-FUME" in codes(matcher(rules).match("后厨的排烟管直通后巷"))
    assert "A-FUME" not in codes(matcher(rules).match("后厨很干净"))
    rules = [RuleSpec(3, 4, "regex", r"(晚上|夜里)\d{1,2}点.*施工", 1)]
    assert codes(matcher(rules).match("工地夜里11点还在施工"))[0] == "A-NIGHT"
    # an excluding word removes the item
    plain = base.match("超市卖过期的灭火器")
    assert "A-FOOD" in codes(plain)
    excluded = matcher([RuleSpec(4, 5, "exclude", "灭火器", 1)]).match("超市卖过期的灭火器")
    assert "A-FOOD" not in codes(excluded) + [c.code for c in excluded.weak]
    assert excluded.excluded == ["A-FOOD"]


def test_a_catalog_it_has_never_seen_matches_at_once():
    """Items with invented wording: their own terms are enough, with no rule and no lexicon entry for them."""
    rng = random.Random(7)
    objects = ["共享单车", "快递柜", "广告气球", "冷链仓库", "充电桩", "露天仓储", "无人机", "观光马车"]
    acts = ["违规投放", "擅自设置", "违法经营", "私自改装"]
    items = []
    for k, obj in enumerate(objects):
        act = rng.choice(acts)
        items.append(
            ItemSpec(100 + k, f"N-{k:02d}", f"对{act}{obj}的行政处罚", "", f"{obj}{act}，影响公共秩序。")
        )
    m = compile_matcher(items, [], builtin_lexicon()[0])
    for k, obj in enumerate(objects):
        result = m.match(f"小区门口有人{obj}乱摆，太影响通行了")
        assert codes(result)[0] == f"N-{k:02d}", obj


def test_the_compiled_matcher_pickles():
    m = matcher([RuleSpec(1, 1, "keyword", "烤红薯", 1), RuleSpec(2, 4, "regex", r"夜里\d+点", 1)])
    again = pickle.loads(pickle.dumps(m))
    for text in ["有人卖烤红薯", "夜里11点", "電瓶車在樓道充電", "借钱不还"]:
        a, b = m.match(text), again.match(text)
        assert [(c.code, c.score) for c in a.candidates] == [(c.code, c.score) for c in b.candidates]
    assert again.version == m.version


def test_the_version_is_a_hash_of_the_content():
    assert matcher().version == matcher().version
    assert matcher([RuleSpec(1, 1, "keyword", "烤红薯", 1)]).version != matcher().version


def test_scan_keeps_chinese_and_stems_english():
    scanned = scan("楼道里的e-bikes在Charging")
    assert "楼道里的" in scanned.text
    assert " e bike " in scanned.text and " charg " in scanned.text


def test_no_two_built_in_words_meet_on_one_key_with_different_meanings():
    # the database keeps one entry per normalised word: "sawing" and "sawed" both become " saw "
    seen: dict[tuple[str, str], object] = {}
    for entry in builtin_lexicon()[0]:
        key = (term_key(entry.term), entry.lang)
        assert seen.setdefault(key, entry.canonical) == entry.canonical, entry.term


def test_every_row_of_the_built_in_lexicon_is_one_the_lexicon_editor_accepts():
    # The demo loads the file through the editor's service (lexicon_load_shared): a row it refuses (a comment
    # line with commas split into columns, a language the editor does not know) stops the demo's build.
    with BUILTIN_LEXICON.open(newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            assert not row["term"].lstrip().startswith("#"), row
            if row["term"].strip() and row["canonical"].strip():
                clean_lexicon(term=row["term"], canonical=row["canonical"], lang=row["lang"] or "zh")
