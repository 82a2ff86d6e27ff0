"""Everyday words for conducts the lexicon did not know (issue 15, fourth round): dog breeds of the
dangerous-dog lists, road furniture, hidden discharge, wild birds and game, farm film, veterinary drugs, food
grown on green space, homes let by the day, equipment overdue for inspection. Each
reaches the item whose legal wording names the conduct, in a catalog written here."""

from __future__ import annotations

import pytest

from authority.matching.engine import ItemSpec, compile_matcher
from authority.matching.loader import builtin_lexicon

ITEMS = [
    ItemSpec(1, "T-DOG", "对在重点管理区域内饲养烈性犬的行政处罚"),
    ItemSpec(2, "T-ROADFURN", "对损坏、擅自移动公路附属设施的行政处罚"),
    ItemSpec(3, "T-PIPE", "对通过暗管逃避监管排放水污染物的行政处罚"),
    ItemSpec(4, "T-WILD", "对非法出售、购买野生动物的行政处罚"),
    ItemSpec(5, "T-FILM", "对未按规定回收农用薄膜的行政处罚"),
    ItemSpec(6, "T-VET", "对未按规定使用兽药、不执行休药期的行政处罚"),
    ItemSpec(7, "T-GREEN", "对擅自占用城市绿地或者在绿地内种菜的行政处罚"),
    ItemSpec(8, "T-HOME", "对擅自改变住宅用途从事经营活动的行政处罚"),
    ItemSpec(9, "T-LIFT", "对电梯未按规定定期检验的行政处罚"),
]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("楼下那家养了条罗威纳，天天在小区里乱跑", "T-DOG"),
        ("货车把路边的防撞栏撞歪了就开走了", "T-ROADFURN"),
        ("那个厂半夜偷排，沟里的水都变色了", "T-PIPE"),
        ("菜市场有人卖斑鸠和野兔", "T-WILD"),
        ("收完庄稼地膜扔得满地都是", "T-FILM"),
        ("猪打了抗生素没几天就拉去卖", "T-VET"),
        ("楼下的草皮被人翻了种庄稼", "T-GREEN"),
        ("隔壁单元好几套房子做起了短租房", "T-HOME"),
        ("单位那部货梯早就过了年检还在用", "T-LIFT"),
    ],
)
def test_an_everyday_word_reaches_the_item_of_its_conduct(text, code):
    result = compile_matcher(ITEMS, [], builtin_lexicon()[0]).match(text)
    assert not result.no_match, text
    assert result.candidates[0].code == code
