"""Issue 15, sixth round (mzh6): Chinese. Items written here, the built-in lexicon, no rules."""

from __future__ import annotations

from authority.matching.engine import ItemSpec, compile_matcher, is_grammar, zh_terms
from authority.matching.loader import builtin_lexicon


def _matcher(items: list[ItemSpec]):
    return compile_matcher(items, [], builtin_lexicon()[0])


def _all(result) -> list[str]:
    return [c.code for c in result.candidates + result.weak]


GRAMMAR_ITEMS = [
    ItemSpec(
        1,
        "G-ONLINE",
        "对入网餐饮服务提供者未公示许可证的行政处罚",
        description="外卖平台上的店铺没挂许可证照片，或者根本没有店面，自己在出租屋里做外卖。",
    ),
    ItemSpec(2, "G-SMOKE", "对室内公共场所经营者未劝阻吸烟的行政处罚", description="网吧、茶馆里有人抽烟。"),
    ItemSpec(
        3,
        "G-PIPE",
        "对利用暗管逃避监管排放水污染物的行政处罚",
        description="在地下埋管子偷偷往河里排污水。",
    ),
]


def test_an_item_s_everyday_grammar_is_no_term():
    terms = zh_terms("或者根本没有店面，自己在出租屋里做外卖")
    for word in ("根本没有", "没有", "自己", "根本没"):
        assert word not in terms
    assert "店面" in terms and "出租屋" in terms
    assert is_grammar("也没有") and is_grammar("说是") and not is_grammar("地下") and not is_grammar("门前")


def test_a_complaint_s_grammar_does_not_find_an_item_worded_in_everyday_words():
    m = _matcher(GRAMMAR_ITEMS)
    result = m.match("茶馆里老板自己也在抽烟，墙上根本没有禁烟标志")
    assert result.candidates[0].code == "G-SMOKE"
    assert "G-ONLINE" not in _all(result)  # 根本没有 and 自己 are in its description, and say nothing


def test_a_word_of_place_made_of_grammar_characters_still_counts():
    m = _matcher(GRAMMAR_ITEMS)
    assert m.match("厂子晚上排水，地下埋了管子通到河里").candidates[0].code == "G-PIPE"


OBJECT_ITEMS = [
    ItemSpec(
        1,
        "O-EXPIRED",
        "对食品经营者经营超过保质期食品的行政处罚",
        description="卖腐败变质、超过保质期的食品。",
    ),
    ItemSpec(
        2,
        "O-INSPECT",
        "对特种设备使用单位使用未经定期检验的特种设备的行政处罚",
        description="特种设备检验过期了还在用。",
    ),
    ItemSpec(3, "O-LABEL", "对经营无标签的预包装食品的行政处罚", description="预包装食品没有中文标签。"),
]


def test_the_food_a_conduct_is_about_parts_a_word_shared_across_fields():
    # 过期 is the word of the food item and of the inspection item alike; the yoghurt says which
    m = _matcher(OBJECT_ITEMS)
    assert m.match("在超市买的酸奶，回家一看过期半个月了").candidates[0].code == "O-EXPIRED"
    # ... and the lift says the other
    assert m.match("客栈的电梯检验过期了，还在用").candidates[0].code == "O-INSPECT"


def test_a_food_alone_names_no_conduct():
    # the object without a conduct: a context word, never enough for an item
    result = _matcher(OBJECT_ITEMS).match("我早上吃了一个面包")
    assert result.no_match


EVERYDAY_ITEMS = [
    ItemSpec(1, "E-AQUATIC", "对非法捕捉、杀害国家重点保护水生野生动物的行政处罚"),
    ItemSpec(2, "E-NETS", "对未依法取得捕捞许可证擅自进行捕捞的行政处罚"),
    ItemSpec(3, "E-CREW", "对船员酒后驾驶船舶或者在值班期间饮酒的行政处罚"),
    ItemSpec(4, "E-CARGO", "对货船超过核定载重线装载的行政处罚"),
    ItemSpec(5, "E-AD", "对发布虚假广告的行政处罚"),
    ItemSpec(6, "E-PRICE", "经营者不按规定明码标价的处罚"),
]


def test_everyday_words_for_conducts_of_the_river_and_the_market():
    m = _matcher(EVERYDAY_ITEMS)
    assert m.match("看到一头江豚被渔网缠住了，旁边的人不放，还想拖去卖").candidates[0].code == "E-AQUATIC"
    assert m.match("那个开货船的一边开一边喝了酒，满身酒气").candidates[0].code == "E-CREW"
    assert m.match("店里卖灵芝粉，跟老年人说吃了能治癌症").candidates[0].code == "E-AD"
    assert m.match("特产店里一个价格牌都没有，看人喊价").candidates[0].code == "E-PRICE"


SIGN_ITEMS = [
    ItemSpec(1, "S-RUST", "对户外招牌锈蚀破损未及时维修的行政处罚", description="招牌掉字、摇摇欲坠。"),
    ItemSpec(2, "S-SET", "对擅自设置户外招牌的行政处罚", description="没有审批就在户外挂招牌。"),
    ItemSpec(3, "S-LIGHT", "对户外广告照明设施不按时开关的行政处罚", description="户外广告灯不亮。"),
]


def test_the_characters_only_one_twin_holds_outweigh_a_phrase_of_the_other_s_description():
    # 挂招牌 is the wording of S-SET's description; 锈 and 破 are of S-RUST's name alone: the frame that
    # rusted through is the damaged sign (the characters' share was capped at 10 % of the score: 30 % now)
    m = _matcher(SIGN_ITEMS)
    result = m.match("他家挂招牌的架子锈穿了，烂得很，破得掉渣")
    assert [c.code for c in result.candidates[:2]] == ["S-RUST", "S-SET"]
    # without such characters the phrase still decides
    assert m.match("他家挂招牌也没审批").candidates[0].code == "S-SET"


RURAL_ITEMS = [
    ItemSpec(1, "R-STRAW", "对露天焚烧秸秆、落叶等产生烟尘污染物质的行政处罚"),
    ItemSpec(2, "R-MEAT", "对经营、运输未附有检疫证明的动物和动物产品的行政处罚"),
    ItemSpec(3, "R-PEST", "对农药使用者使用禁用农药的行政处罚"),
]


def test_dialect_straw_and_the_stamp_on_meat():
    m = _matcher(RURAL_ITEMS)
    assert m.match("油菜收了，田坝里一堆一堆地烧秆秆，娃儿咳个不停").candidates[0].code == "R-STRAW"
    assert m.match("菜市场卖的牛肉上头没有检疫章，问他说是乡下收的").candidates[0].code == "R-MEAT"


GOODS_ITEMS = [
    ItemSpec(1, "G-FAKE", "对销售不合格产品或者以假充真的行政处罚", description="卖假货、次品。"),
    ItemSpec(2, "G-AD", "对发布虚假广告的行政处罚", description="广告吹得天花乱坠。"),
    ItemSpec(3, "G-MED", "对销售假药、劣药的行政处罚", description="药店卖假药。"),
    ItemSpec(4, "G-CERT", "对伪造、涂改许可证件的行政处罚", description="假证。"),
]


def test_fake_goods_and_the_goods_they_are():
    m = _matcher(GOODS_ITEMS)
    # 是假的 names the conduct; the socket, the toy or the cold medicine says which item
    assert m.match("五金店卖的插座一插就冒烟，牌子是假的").candidates[0].code == "G-FAKE"
    assert m.match("超市卖的玩具是假的").candidates[0].code == "G-FAKE"
    assert m.match("买的感冒药是假的，吃了没用").candidates[0].code == "G-MED"
    # a thing alone is no complaint
    assert m.match("我买了个新手机").no_match
