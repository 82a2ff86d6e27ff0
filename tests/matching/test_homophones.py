"""Homophone typos (issue 15): Chinese typed through pinyin often has the right sound and the wrong character
(燥音 for 噪音). A stretch that sounds like a term of the catalog or the lexicon and differs from it in one
character counts as that term, a little less than the word itself; the evidence shows what was typed and the
term it was read as. Two-character stretches that are words themselves (老鼠, not 老树) or hold a character of
grammar (点外卖 is not 店外) are read as typed.
"""

from __future__ import annotations

import pytest

from authority.matching import engine
from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon
from tests.matching.conftest import import_catalog, match_json, town_row

ITEMS = [
    ItemSpec(1, "T-NOISE", "对室内装修产生噪音干扰他人的行政处罚", description="装修电钻、切割的噪音扰民。"),
    ItemSpec(2, "T-FISH", "对使用电鱼方法进行捕捞的行政处罚", description="在河里、水库电鱼。"),
    ItemSpec(
        3, "T-FUME", "对餐饮服务业未安装油烟净化设施的行政处罚", description="饭店油烟机直接对外排油烟。"
    ),
    ItemSpec(4, "T-TREE", "对损害古树名木的行政处罚", description="在老树上钉钉子、剥树皮。"),
    ItemSpec(5, "T-SHOP", "对超出门窗和外墙经营的行政处罚", description="门店把货摆到店外经营。"),
]

TYPOS = [
    ("楼上装修的燥音大得很，一天到黑不停", "T-NOISE", "燥音"),
    ("河坝头有人背起电瓶在电渔", "T-FISH", "电渔"),
    ("楼下饭馆的油咽机对到我家窗子排", "T-FUME", "油咽机"),
]


def matcher():
    return compile_matcher(ITEMS, [], builtin_lexicon()[0])


@pytest.mark.parametrize(("text", "code", "typed"), TYPOS)
def test_a_homophone_typo_finds_the_item_and_shows_what_was_typed(text, code, typed):
    result = matcher().match(text)
    assert not result.no_match
    assert result.candidates[0].code == code
    assert typed in result.candidates[0].terms


@pytest.mark.parametrize(("text", "code", "typed"), TYPOS)
def test_without_homophones_the_typo_was_missed(monkeypatch, text, code, typed):
    monkeypatch.setattr(engine, "HOMOPHONE_FACTOR", 0.0)
    result = matcher().match(text)
    assert result.no_match or result.candidates[0].code != code or typed not in result.candidates[0].terms


@pytest.mark.parametrize("text", ["家里有老鼠，晚上吵得睡不着觉", "点外卖送来的菜都凉了，商家不理我"])
def test_words_and_grammar_are_read_as_typed(text):
    result = matcher().match(text)
    assert not any(c.code in ("T-TREE", "T-SHOP") for c in result.candidates), [
        (c.code, c.terms) for c in result.candidates
    ]


@pytest.mark.django_db
def test_a_freshly_imported_catalog_reads_the_typo(tmp_path):
    rows = [town_row(i.code, i.name_zh, "city_management", i.description) for i in ITEMS]
    import_catalog(tmp_path / "typos.csv", rows, "990013", "同音区")
    body = match_json(TYPOS[0][0], "990013")
    assert body["candidates"][0]["code"] == "T-NOISE"
