"""Issue 15, tenth round (men10): a catalog of a field the lexicon never covered before this round, imported
on the spot with import_authority (no curated rules, no English names), answers the everyday English wording
of workers, residents and officers. The items are written here in the formal style of a town list; nothing in
the engine or the lexicon names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from authority.models import MatchRule
from tests.matching.conftest import import_catalog, match_json

pytestmark = pytest.mark.django_db

DISTRICT = "990010"


def row(code: str, name: str, domain: str, basis: str, description: str) -> tuple[str, ...]:
    return (code, name, "", "empowered", domain, basis, description, "0", "30000", "town")


# Special equipment (特种设备安全法): registration, the operator's certificate and inspection are three twins.
EQUIPMENT = [
    row(
        "E-REG",
        "对场（厂）内专用机动车辆未办理使用登记擅自使用的行政处罚",
        "market",
        "《中华人民共和国特种设备安全法》第八十三条",
        "叉车、观光车等场内专用机动车辆投入使用前未向负责特种设备安全监督管理的部门办理使用登记。",
    ),
    row(
        "E-CERT",
        "对特种设备作业人员未取得相应资格上岗作业的行政处罚",
        "market",
        "《中华人民共和国特种设备安全法》第八十六条",
        "使用单位安排未取得特种设备作业人员证的人员操作叉车、起重机械、锅炉。",
    ),
    row(
        "E-INSPECT",
        "对使用未经定期检验或者检验不合格的压力容器、起重机械的行政处罚",
        "market",
        "《中华人民共和国特种设备安全法》第八十四条",
        "压力容器、起重机械超过检验周期或者检验不合格仍继续使用。",
    ),
    row(
        "E-LIFT",
        "对电梯维护保养单位未按规定维护保养、困人后未及时救援的行政处罚",
        "market",
        "《中华人民共和国特种设备安全法》第八十八条",
        "电梯长期未维护保养，频繁故障困人，维保单位接报后未及时到场。",
    ),
]

# Labour and weights and measures (劳动保障监察条例, 禁止使用童工规定, 计量法): the wholesale town's porters
# and market stalls.
LABOUR = [
    row(
        "L-WAGE",
        "对用人单位克扣或者无故拖欠劳动者工资报酬的行政处理",
        "civil_affairs",
        "《劳动保障监察条例》第二十六条",
        "用人单位不按时足额支付工资，拖欠搬运工、装卸工劳动报酬。",
    ),
    row(
        "L-CHILD",
        "对使用童工的行政处罚",
        "civil_affairs",
        "《禁止使用童工规定》第六条",
        "招用不满16周岁的未成年人从事有经济收入的劳动。",
    ),
    row(
        "L-CONTRACT",
        "对用人单位未与劳动者订立书面劳动合同的行政处理",
        "civil_affairs",
        "《中华人民共和国劳动合同法》第八十二条",
        "用工超过一个月未订立书面劳动合同。",
    ),
    row(
        "M-CHEAT",
        "对破坏计量器具准确度的行政处罚",
        "market",
        "《中华人民共和国计量法实施细则》第五十一条",
        "改装电子秤、加装作弊装置，使计量器具失准。",
    ),
    row(
        "M-VERIFY",
        "对使用未经检定的地磅等强制检定计量器具的行政处罚",
        "market",
        "《中华人民共和国计量法》第二十六条",
        "地磅、台秤未经检定或者超过检定周期仍在使用。",
    ),
]


def first(text: str) -> str | None:
    body = match_json(text, DISTRICT)
    return body["candidates"][0]["code"] if body["candidates"] else None


@pytest.fixture
def equipment(tmp_path: Path) -> None:
    import_catalog(tmp_path / "catalog.csv", EQUIPMENT, DISTRICT, "设备镇")
    assert not MatchRule.objects.filter(item__district__code=DISTRICT).exists()


@pytest.fixture
def labour(tmp_path: Path) -> None:
    import_catalog(tmp_path / "catalog.csv", LABOUR, DISTRICT, "物流镇")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The forklifts in the warehouse have no number plates, they were never registered", "E-REG"),
        ("Their forklift driver has no operator's certificate", "E-CERT"),
        ("The air compressor tank in the workshop is way overdue for inspection", "E-INSPECT"),
        ("We got stuck in the lift again, the maintenance company never comes", "E-LIFT"),
    ],
)
def test_special_equipment_twins_are_told_apart_in_everyday_english(equipment, text, code):
    assert first(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The logistics company hasn't paid us porters for three months", "L-WAGE"),
        ("Child workers at the packing plant, some look about fourteen", "L-CHILD"),
        ("We never signed a contract with the warehouse boss", "L-CONTRACT"),
        ("The fruit seller's scale is rigged, I got 200 grams short", "M-CHEAT"),
        ("The weighbridge at the yard has no calibration sticker", "M-VERIFY"),
    ],
)
def test_labour_and_scales_in_everyday_english(labour, text, code):
    assert first(text) == code


def test_each_answer_shows_the_everyday_words_and_the_legal_words(labour):
    body = match_json("The weighbridge at the yard has no calibration sticker", DISTRICT)
    evidence = body["candidates"][0]["evidence"]
    assert any(e["text"].lower() == "weighbridge" and e["via"] == "地磅" for e in evidence)
