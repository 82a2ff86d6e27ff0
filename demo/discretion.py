"""Demo benchmarks for 渝中区: hand-written tables for the common street-level items (in the style of the
Chongqing city-management, fire, ecology and market tables: tiers by area, quantity, place, correction, repeat
and harm), a revised version for street stalls, a draft in progress, a few generated defaults confirmed by the
district, and generated defaults for every other item. Idempotent: an item that already has a benchmark is
left alone. Seeds nothing when the authority demo has not created the items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from authority.models import EnforcementItem
from discretion.conditions import parse_conditions
from discretion.models import Benchmark, LocalFactor
from discretion.selectors import factor_catalog
from discretion.services import (
    BenchmarkInvalid,
    benchmark_draft_create,
    benchmark_generate,
    benchmark_publish,
    benchmark_save,
    benchmarks_generate_missing,
    local_factor_save,
)
from discretion.specs import EntrySpec, TierSpec
from enforcement.models import District, User

DISTRICT_CODE = "500103"
DOC_2024 = {
    "document_number": "渝中司发〔2024〕15号",
    "document_title": "渝中区街道综合行政执法事项行政处罚裁量基准（2024年版）",
    "document_date": dt.date(2024, 2, 20),
    "valid_from": dt.date(2024, 3, 1),
}
DOC_2025 = {
    "document_number": "渝中司发〔2025〕21号",
    "document_title": "关于修订占道经营等事项行政处罚裁量基准的通知",
    "document_date": dt.date(2025, 6, 20),
    "valid_from": dt.date(2025, 7, 1),
}
DOC_CONFIRM: dict[str, Any] = {
    "document_number": "渝中司发〔2026〕4号",
    "document_title": "关于确认部分执法事项默认裁量基准的通知",
    "document_date": dt.date(2026, 3, 10),
    "valid_from": dt.date(2026, 4, 1),
}
CITY = (
    "《重庆市城市管理行政处罚裁量权实施办法》（渝城管局发〔2023〕5号）；《重庆市规范行政处罚裁量权办"
    "法》（市政府令第355号）"
)
FIRE = "《中华人民共和国消防法》第六十条；《重庆市规范行政处罚裁量权办法》（市政府令第355号）"
ECO = "《重庆市生态环境行政处罚裁量基准》；《重庆市规范行政处罚裁量权办法》（市政府令第355号）"
MARKET = "《重庆市市场监管领域行政处罚裁量基准》；《市场监管领域轻微违法行为不予处罚清单》"
ART33 = "《中华人民共和国行政处罚法》第三十三条第一款"
EDUCATE = "批评教育，责令改正"

LOCAL_FACTORS = [
    {
        "code": "uncorrectable_planning",
        "name_zh": "无法采取改正措施消除对规划实施的影响",
        "name_en": "The effect on planning cannot be remedied by corrective measures",
        "effect": "heavier",
        "legal_basis": "《中华人民共和国城乡规划法》第六十四条",
        "item": "CQ-CG-014",
    },
    {
        "code": "major_event",
        "name_zh": "在重大活动保障期间或者创建文明城区迎检期间实施",
        "name_en": "Committed during a major public event or city inspection period",
        "effect": "heavier",
        "legal_basis": "《重庆市规范行政处罚裁量权办法》",
    },
]

# The household-waste benchmark in force and its draft revision share their two lower tiers.
_WASTE_LOWER_TIERS = (
    (
        "minor",
        "个人随意倾倒、抛洒少量生活垃圾（0.5立方米以下），责令后及时清除的。",
        "party_kind = person; volume_m3 <= 0.5",
        "all",
        "warning|fine",
        50,
        100,
    ),
    ("normal", "个人随意倾倒、抛洒、堆放生活垃圾的。", "", "all", "fine", 100, 200),
)

Tier = tuple[str, str, str, str, str, Any, Any]  # level, conditions text, structured, match, kinds, min, max
Entry = tuple[str, str, str, str, str]  # list, conditions text, structured, required circumstances, measures

TABLES: list[dict[str, Any]] = [
    {
        "code": "CQ-CG-001",
        "keyword": "占道经营",
        "basis": CITY,
        "versions": [
            (
                DOC_2024,
                [
                    (
                        "minor",
                        "占道面积在2平方米以下，责令改正后及时改正的。",
                        "area_m2 <= 2; corrected_after_order = yes",
                        "all",
                        "fine",
                        50,
                        100,
                    ),
                    ("normal", "占道面积在2平方米以上5平方米以下的。", "", "all", "fine", 100, 250),
                    (
                        "serious",
                        "占道面积在5平方米以上10平方米以下，或者在主次干道、学校医院周边占道经营的。",
                        "area_m2 > 5; sensitive_area = yes",
                        "any",
                        "fine",
                        250,
                        400,
                    ),
                    (
                        "grave",
                        "占道面积在10平方米以上，或者经责令改正拒不改正，或者一年内因同一违法行为受"
                        "过处罚的。",
                        "area_m2 > 10; refused_correct; repeat_12m",
                        "any",
                        "fine",
                        400,
                        500,
                    ),
                ],
            ),
            (
                DOC_2025,
                [
                    (
                        "minor",
                        "占道面积在2平方米以下，责令改正后及时改正的。",
                        "area_m2 <= 2; corrected_after_order = yes",
                        "all",
                        "fine",
                        50,
                        100,
                    ),
                    ("normal", "占道面积在2平方米以上5平方米以下的。", "", "all", "fine", 100, 200),
                    (
                        "serious",
                        "占道面积在5平方米以上10平方米以下，或者在主次干道、学校医院周边占道经营的。",
                        "area_m2 > 5; sensitive_area = yes",
                        "any",
                        "fine",
                        200,
                        350,
                    ),
                    (
                        "grave",
                        "占道面积在10平方米以上，或者经责令改正拒不改正，或者一年内因同一违法行为受"
                        "过处罚的。",
                        "area_m2 > 10; refused_correct; repeat_12m",
                        "any",
                        "fine",
                        350,
                        500,
                    ),
                ],
            ),
        ],
        "entries": [
            (
                "first_violation",
                "首次被发现占道经营，占道面积在2平方米以下，经责令后立即改正，未影响通行的。",
                "area_m2 <= 2",
                "first_violation|corrected_promptly",
                EDUCATE,
            ),
        ],
    },
    {
        "code": "CQ-CG-002",
        "keyword": "门窗",
        "basis": CITY,
        "tiers": [
            (
                "minor",
                "拒不改正，超出门窗和外墙经营、作业或者展示商品面积在2平方米以下的。",
                "area_m2 <= 2",
                "all",
                "fine",
                100,
                200,
            ),
            ("normal", "拒不改正，超出面积在2平方米以上5平方米以下的。", "", "all", "fine", 200, 500),
            (
                "serious",
                "拒不改正，超出面积在5平方米以上10平方米以下，或者严重影响行人通行的。",
                "area_m2 > 5; harm >= general",
                "any",
                "fine",
                500,
                800,
            ),
            (
                "grave",
                "超出面积在10平方米以上，或者一年内因同一违法行为受过处罚，或者阻碍执法的。",
                "area_m2 > 10; repeat_12m; obstructed",
                "any",
                "fine",
                800,
                1000,
            ),
        ],
        "entries": [
            (
                "no_penalty",
                "责令改正后按期改正的（本条罚则仅处罚拒不改正的行为）。",
                "corrected_after_order = yes",
                "corrected_promptly",
                "责令改正",
            ),
        ],
    },
    {
        "code": "CQ-CG-003",
        "keyword": "生活垃圾",
        "basis": CITY + "；《重庆市生活垃圾管理条例》",
        "tiers": [
            *_WASTE_LOWER_TIERS,
            (
                "serious",
                "单位随意倾倒、抛洒、堆放生活垃圾的。",
                "party_kind = organisation",
                "all",
                "fine",
                5000,
                20000,
            ),
            (
                "grave",
                "单位随意倾倒、抛洒、堆放生活垃圾5立方米以上的。",
                "party_kind = organisation; volume_m3 > 5",
                "all",
                "fine",
                20000,
                50000,
            ),
        ],
        "entries": [
            (
                "first_violation",
                "个人首次随意丢弃少量生活垃圾，当场清除的。",
                "party_kind = person",
                "first_violation|corrected_promptly",
                "批评教育，责令当场清除",
            ),
        ],
        "draft": [
            *_WASTE_LOWER_TIERS,
            (
                "serious",
                "单位随意倾倒、抛洒、堆放生活垃圾的。",
                "party_kind = organisation",
                "all",
                "fine",
                5000,
                15000,
            ),
            (
                "grave",
                "单位随意倾倒、抛洒、堆放生活垃圾3立方米以上，或者倾倒在水体、绿地的。",
                "party_kind = organisation; volume_m3 > 3",
                "all",
                "fine",
                15000,
                50000,
            ),
        ],
    },
    {
        "code": "CQ-CG-004",
        "keyword": "涂写",
        "basis": CITY,
        "tiers": [
            (
                "minor",
                "涂写、刻画、张贴面积在1平方米以下，责令后及时清除的。",
                "area_m2 <= 1",
                "all",
                "fine",
                50,
                200,
            ),
            ("normal", "涂写、刻画、张贴面积在1平方米以上5平方米以下的。", "", "all", "fine", 200, 500),
            (
                "serious",
                "面积在5平方米以上10平方米以下，或者张贴小广告50张以上的。",
                "area_m2 > 5; quantity >= 50",
                "any",
                "fine",
                500,
                1000,
            ),
            (
                "grave",
                "面积在10平方米以上，或者张贴小广告200张以上，或者拒不清除的。",
                "area_m2 > 10; quantity >= 200; refused_correct",
                "any",
                "fine",
                1000,
                2000,
            ),
        ],
    },
    {
        "code": "CQ-CG-005",
        "keyword": "晾晒",
        "basis": CITY,
        "tiers": [
            (
                "minor",
                "吊挂、晾晒物品5件以下，责令后立即收回的。",
                "quantity <= 5; corrected_after_order = yes",
                "all",
                "warning",
                None,
                None,
            ),
            ("normal", "在城市道路两侧和公共场地吊挂、晾晒物品，影响市容的。", "", "all", "fine", 20, 80),
            (
                "serious",
                "在主次干道、景区周边吊挂、晾晒，或者物品20件以上的。",
                "sensitive_area = yes; quantity > 20",
                "any",
                "fine",
                80,
                150,
            ),
            (
                "grave",
                "经责令改正拒不改正，或者一年内因同一违法行为受过处罚的。",
                "refused_correct; repeat_12m",
                "any",
                "fine",
                150,
                200,
            ),
        ],
        "entries": [
            (
                "no_penalty",
                "晾晒物品少量、未影响通行和市容，经劝阻立即收回的。",
                "",
                "minor_violation|corrected_promptly",
                "劝导教育",
            ),
        ],
    },
    {
        "code": "CQ-CG-006",
        "keyword": "户外广告",
        "basis": CITY,
        "tiers": [
            (
                "minor",
                "设置面积在5平方米以下，责令限期拆除后按期拆除的。",
                "area_m2 <= 5; corrected_after_order = yes",
                "all",
                "fine",
                1000,
                2000,
            ),
            ("normal", "设置面积在5平方米以上20平方米以下的。", "", "all", "fine|demolish", 2000, 5000),
            (
                "serious",
                "面积在20平方米以上50平方米以下，或者设置在建筑物屋顶、立交桥等影响安全位置的。",
                "area_m2 > 20; public_safety",
                "any",
                "fine|demolish",
                5000,
                8000,
            ),
            (
                "grave",
                "面积在50平方米以上，或者逾期不拆除，或者存在安全隐患造成危害后果的。",
                "area_m2 > 50; refused_correct; harm >= serious",
                "any",
                "fine|demolish",
                8000,
                10000,
            ),
        ],
    },
    {
        "code": "CQ-CG-008",
        "keyword": "遗撒",
        "basis": CITY + "；《重庆市建筑垃圾管理规定》",
        "tiers": [
            (
                "minor",
                "泄漏遗撒面积在10平方米以下，及时清除未造成危害后果的。",
                "area_m2 <= 10",
                "all",
                "fine",
                5000,
                10000,
            ),
            ("normal", "泄漏遗撒面积在10平方米以上50平方米以下的。", "", "all", "fine", 10000, 20000),
            (
                "serious",
                "泄漏遗撒面积在50平方米以上100平方米以下，或者在城市主干道、学校周边遗撒的。",
                "area_m2 > 50; sensitive_area = yes",
                "any",
                "fine",
                20000,
                35000,
            ),
            (
                "grave",
                "泄漏遗撒面积在100平方米以上，或者造成交通事故等严重后果，或者一年内受过处罚的。",
                "area_m2 > 100; harm >= serious; repeat_12m",
                "any",
                "fine",
                35000,
                50000,
            ),
        ],
    },
    {
        "code": "CQ-CG-011",
        "keyword": "犬",
        "basis": CITY + "；《重庆市养犬管理暂行办法》",
        "tiers": [
            (
                "minor",
                "携犬出户未束犬链或者未清除粪便，经劝阻立即改正的。",
                "corrected_after_order = yes",
                "all",
                "warning",
                None,
                None,
            ),
            ("normal", "携犬出户未束犬链，或者未及时清除犬只粪便的。", "", "all", "fine", 50, 100),
            (
                "serious",
                "在学校、医院、广场等人员密集场所携犬未束犬链的。",
                "sensitive_area = yes",
                "all",
                "fine",
                100,
                150,
            ),
            (
                "grave",
                "犬只惊吓、伤害他人造成后果，或者拒不改正的。",
                "harm >= general; refused_correct",
                "any",
                "fine",
                150,
                200,
            ),
        ],
        "entries": [
            (
                "first_violation",
                "首次被发现，经教育立即改正，未造成后果的。",
                "",
                "first_violation|corrected_promptly|no_harm",
                "批评教育",
            ),
        ],
    },
    {
        "code": "CQ-CG-013",
        "keyword": "焚烧",
        "basis": CITY,
        "tiers": [
            ("minor", "焚烧量在0.5立方米以下，立即熄灭的。", "volume_m3 <= 0.5", "all", "fine", 50, 100),
            ("normal", "焚烧量在0.5立方米以上1立方米以下的。", "", "all", "fine", 100, 250),
            (
                "serious",
                "焚烧量在1立方米以上，或者在居民区、学校周边焚烧的。",
                "volume_m3 > 1; sensitive_area = yes",
                "any",
                "fine",
                250,
                400,
            ),
            (
                "grave",
                "焚烧产生大量烟尘影响周边10人以上，或者拒不改正，或者一年内受过处罚的。",
                "persons_affected >= 10; refused_correct; repeat_12m",
                "any",
                "fine",
                400,
                500,
            ),
        ],
    },
    {
        "code": "CQ-CG-014",
        "keyword": "规划许可",
        "basis": "《中华人民共和国城乡规划法》第六十四条；《重庆市城乡规划违法建设处罚裁量基准》",
        "tiers": [
            (
                "minor",
                "违法建设面积在10平方米以下，尚可采取改正措施，在限期内自行改正的：处建设工程造价"
                "5%以上6%以下罚款。",
                "area_m2 <= 10",
                "all",
                "fine",
                None,
                None,
            ),
            (
                "normal",
                "尚可采取改正措施消除对规划实施影响的：限期改正，处建设工程造价6%以上8%以下罚款。",
                "",
                "all",
                "fine",
                None,
                None,
            ),
            (
                "serious",
                "尚可改正但面积在50平方米以上，或者逾期不改正的：处建设工程造价8%以上10%以下罚款。",
                "area_m2 > 50; refused_correct",
                "any",
                "fine",
                None,
                None,
            ),
            (
                "grave",
                "无法采取改正措施消除影响的：限期拆除；不能拆除的，没收实物或者违法收入，可以并处建"
                "设工程造价10%以下罚款。",
                "uncorrectable_planning",
                "all",
                "fine|demolish|confiscate_property|confiscate_gains",
                None,
                None,
            ),
        ],
    },
    {
        "code": "CQ-CG-015",
        "keyword": "分类",
        "basis": CITY + "；《重庆市生活垃圾管理条例》",
        "tiers": [
            (
                "minor",
                "个人初次未按规定分类投放，经指导后仍不改正的。",
                "party_kind = person; first_violation",
                "all",
                "warning|fine",
                50,
                100,
            ),
            ("normal", "个人未按规定分类投放生活垃圾，经指导后拒不改正的。", "", "all", "fine", 100, 200),
            (
                "serious",
                "单位未按规定分类投放生活垃圾的。",
                "party_kind = organisation",
                "all",
                "fine",
                5000,
                20000,
            ),
            (
                "grave",
                "单位未按规定分类投放，且一年内因同一违法行为受过处罚的。",
                "party_kind = organisation; repeat_12m",
                "all",
                "fine",
                20000,
                50000,
            ),
        ],
    },
    {
        "code": "CQ-XF-001",
        "keyword": "疏散通道",
        "basis": FIRE,
        "tiers": [
            (
                "minor",
                "占用、堵塞疏散通道、安全出口，现场责令后立即改正，未造成危害后果的。",
                "corrected_after_order = yes; harm = none",
                "all",
                "fine",
                5000,
                10000,
            ),
            ("normal", "占用、堵塞、封闭疏散通道、安全出口1处的。", "", "all", "fine", 10000, 20000),
            (
                "serious",
                "占用、堵塞、封闭疏散通道、安全出口2处以上，或者属于人员密集场所的。",
                "quantity >= 2; sensitive_area = yes",
                "any",
                "fine",
                20000,
                35000,
            ),
            (
                "grave",
                "封闭疏散通道、安全出口3处以上，或者拒不改正，或者造成人员伤亡等严重后果的。",
                "quantity >= 3; refused_correct; harm >= serious",
                "any",
                "fine",
                35000,
                50000,
            ),
        ],
    },
    {
        "code": "CQ-XF-002",
        "keyword": "个人占用",
        "basis": FIRE,
        "tiers": [
            (
                "minor",
                "个人占用、堵塞疏散通道、安全出口，经责令立即改正的。",
                "corrected_after_order = yes",
                "all",
                "warning",
                None,
                None,
            ),
            ("normal", "个人占用、堵塞、封闭疏散通道、安全出口的。", "", "all", "fine", 100, 200),
            (
                "serious",
                "在人员密集场所，或者占用、堵塞2处以上的。",
                "sensitive_area = yes; quantity >= 2",
                "any",
                "fine",
                200,
                350,
            ),
            (
                "grave",
                "拒不改正，或者影响人员疏散造成后果的。",
                "refused_correct; harm >= general",
                "any",
                "fine",
                350,
                500,
            ),
        ],
    },
    {
        "code": "CQ-XF-004",
        "keyword": "消防车通道",
        "basis": FIRE,
        "tiers": [
            (
                "minor",
                "个人占用消防车通道，经责令立即驶离、清除的。",
                "party_kind = person; corrected_after_order = yes",
                "all",
                "warning",
                None,
                None,
            ),
            ("normal", "个人占用、堵塞消防车通道的。", "", "all", "fine", 200, 500),
            (
                "serious",
                "单位占用、堵塞、封闭消防车通道的。",
                "party_kind = organisation",
                "all",
                "fine",
                5000,
                20000,
            ),
            (
                "grave",
                "单位占用、堵塞、封闭消防车通道，经责令拒不改正的。",
                "party_kind = organisation; refused_correct",
                "all",
                "fine",
                20000,
                50000,
            ),
        ],
        "entries": [
            (
                "first_violation",
                "个人首次临时停放占用消防车通道，经提醒立即驶离，未影响消防车通行的。",
                "party_kind = person",
                "first_violation|corrected_promptly|no_harm",
                "批评教育",
            ),
        ],
    },
    {
        "code": "CQ-XF-005",
        "keyword": "电动自行车",
        "basis": FIRE + "；《重庆市消防条例》",
        "tiers": [
            (
                "minor",
                "个人在公共门厅、疏散走道、楼梯间停放电动自行车，经劝阻立即移出的。",
                "party_kind = person; corrected_after_order = yes",
                "all",
                "warning",
                None,
                None,
            ),
            (
                "normal",
                "个人在公共门厅、疏散走道、楼梯间、安全出口停放电动自行车或者为其充电的。",
                "",
                "all",
                "fine",
                100,
                500,
            ),
            (
                "serious",
                "物业服务企业等单位对管理区域内停放、充电行为未及时制止的。",
                "party_kind = organisation",
                "all",
                "fine",
                5000,
                20000,
            ),
            (
                "grave",
                "单位管理区域内停放、充电引发火情或者造成其他后果的。",
                "party_kind = organisation; harm >= general",
                "all",
                "fine",
                20000,
                50000,
            ),
        ],
    },
    {
        "code": "CQ-XF-008",
        "keyword": "吸烟",
        "basis": FIRE,
        "tiers": [
            (
                "minor",
                "在具有火灾、爆炸危险的场所吸烟、使用明火，经责令立即改正，未造成后果的。",
                "corrected_after_order = yes; harm = none",
                "all",
                "warning",
                None,
                None,
            ),
            ("normal", "在具有火灾、爆炸危险的场所吸烟、使用明火的。", "", "all", "fine", 100, 200),
            (
                "serious",
                "在加油站、液化气站等易燃易爆场所吸烟、使用明火的。",
                "sensitive_area = yes",
                "all",
                "fine",
                200,
                350,
            ),
            (
                "grave",
                "引起火情，或者拒不改正的。",
                "harm >= minor; refused_correct",
                "any",
                "fine",
                350,
                500,
            ),
        ],
    },
    {
        "code": "CQ-HJ-001",
        "keyword": "油烟",
        "basis": ECO + "；《中华人民共和国大气污染防治法》第一百一十八条",
        "tiers": [
            (
                "minor",
                "已安装油烟净化设施但未正常使用，责令后立即改正，未引起投诉的。",
                "corrected_after_order = yes; harm = none",
                "all",
                "fine",
                5000,
                10000,
            ),
            ("normal", "未安装油烟净化设施或者未正常使用，超标排放油烟的。", "", "all", "fine", 10000, 20000),
            (
                "serious",
                "油烟直排居民住宅楼，或者引起5人以上投诉的。",
                "persons_affected >= 5; sensitive_area = yes",
                "any",
                "fine",
                20000,
                35000,
            ),
            (
                "grave",
                "拒不改正，或者一年内因同一违法行为受过处罚，或者引起群体投诉的。",
                "refused_correct; repeat_12m; persons_affected >= 20",
                "any",
                "fine|suspend_business",
                35000,
                50000,
            ),
        ],
    },
    {
        "code": "CQ-HJ-002",
        "keyword": "露天烧烤",
        "basis": ECO + "；《中华人民共和国大气污染防治法》第一百一十八条",
        "tiers": [
            (
                "minor",
                "露天烧烤摊位1个，经劝阻立即停止的。",
                "quantity <= 1; corrected_after_order = yes",
                "all",
                "fine|confiscate_property",
                500,
                2000,
            ),
            (
                "normal",
                "在禁止区域内露天烧烤食品的。",
                "",
                "all",
                "fine|confiscate_property|confiscate_gains",
                2000,
                5000,
            ),
            (
                "serious",
                "烧烤摊位2个以上，或者在居民区、学校周边露天烧烤的。",
                "quantity >= 2; sensitive_area = yes",
                "any",
                "fine|confiscate_property|confiscate_gains",
                5000,
                10000,
            ),
            (
                "grave",
                "为露天烧烤提供场地（5个摊位以上），或者拒不改正，或者一年内受过处罚的。",
                "quantity >= 5; refused_correct; repeat_12m",
                "any",
                "fine|confiscate_property|confiscate_gains",
                10000,
                20000,
            ),
        ],
    },
    {
        "code": "CQ-HJ-005",
        "keyword": "高音",
        "basis": ECO + "；《中华人民共和国噪声污染防治法》第八十二条",
        "tiers": [
            (
                "minor",
                "经说服教育、责令改正后仍使用，初次违法的。",
                "first_violation",
                "all",
                "warning",
                None,
                None,
            ),
            ("normal", "个人使用高音广播喇叭等进行广告宣传，拒不改正的。", "", "all", "fine", 200, 1000),
            (
                "serious",
                "单位使用高音广播喇叭等进行广告宣传，拒不改正的。",
                "party_kind = organisation",
                "all",
                "fine",
                2000,
                10000,
            ),
            (
                "grave",
                "单位拒不改正，且一年内因同一违法行为受过处罚的。",
                "party_kind = organisation; repeat_12m",
                "all",
                "fine",
                10000,
                20000,
            ),
        ],
        "entries": [
            (
                "no_penalty",
                "经说服教育、责令改正后立即停止的（罚则仅处罚拒不改正的行为）。",
                "",
                "corrected_promptly",
                "说服教育，责令改正",
            ),
        ],
    },
    {
        "code": "CQ-HJ-006",
        "keyword": "夜间",
        "basis": ECO + "；《中华人民共和国噪声污染防治法》第七十七条",
        "tiers": [
            (
                "minor",
                "夜间施工噪声超标5分贝以下，持续时间较短的。",
                "excess_db <= 5",
                "all",
                "fine",
                10000,
                20000,
            ),
            (
                "normal",
                "在噪声敏感建筑物集中区域夜间进行产生噪声的建筑施工作业的。",
                "",
                "all",
                "fine",
                20000,
                40000,
            ),
            (
                "serious",
                "超标5分贝以上10分贝以下，或者持续3日以上的。",
                "excess_db > 5; duration_days >= 3",
                "any",
                "fine",
                40000,
                70000,
            ),
            (
                "grave",
                "超标10分贝以上，或者拒不改正，或者引起20人以上投诉的。",
                "excess_db > 10; refused_correct; persons_affected >= 20",
                "any",
                "fine|limit_activity",
                70000,
                100000,
            ),
        ],
    },
    {
        "code": "CQ-WJ-001",
        "keyword": "禁止吸烟",
        "basis": "《重庆市公共场所控制吸烟条例》；《重庆市卫生健康行政处罚裁量基准》",
        "tiers": [
            (
                "minor",
                "在禁止吸烟场所吸烟，经劝阻立即熄灭的。",
                "corrected_after_order = yes",
                "all",
                "warning",
                None,
                None,
            ),
            ("normal", "在禁止吸烟场所吸烟，经劝阻拒不改正的。", "", "all", "fine", 50, 100),
            (
                "serious",
                "在学校、医院、儿童活动场所等禁止吸烟场所吸烟的。",
                "sensitive_area = yes",
                "all",
                "fine",
                100,
                150,
            ),
            (
                "grave",
                "一年内因同一违法行为受过处罚，或者阻碍执法的。",
                "repeat_12m; obstructed",
                "any",
                "fine",
                150,
                200,
            ),
        ],
        "entries": [
            (
                "first_violation",
                "首次被发现在禁止吸烟场所吸烟，经劝阻立即熄灭的。",
                "",
                "first_violation|corrected_promptly",
                "劝阻教育",
            ),
        ],
    },
    {
        "code": "CQ-SC-004",
        "keyword": "明码标价",
        "basis": MARKET + "；《中华人民共和国价格法》第四十二条",
        "tiers": [
            (
                "minor",
                "未明码标价的商品或者服务在5种以下，责令后及时改正的。",
                "quantity <= 5",
                "all",
                "fine",
                0,
                500,
            ),
            (
                "normal",
                "未明码标价的商品或者服务在5种以上20种以下的。",
                "",
                "all",
                "fine|confiscate_gains",
                500,
                1500,
            ),
            (
                "serious",
                "未明码标价的商品或者服务在20种以上，或者标价签要素不全误导消费者的。",
                "quantity > 20; harm >= general",
                "any",
                "fine|confiscate_gains",
                1500,
                3000,
            ),
            (
                "grave",
                "拒不改正，或者一年内因同一违法行为受过处罚的。",
                "refused_correct; repeat_12m",
                "any",
                "fine|confiscate_gains",
                3000,
                5000,
            ),
        ],
        "entries": [
            (
                "first_violation",
                "首次违法，未明码标价商品较少，及时改正，没有造成危害后果的。",
                "quantity <= 5",
                "first_violation|corrected_promptly|no_harm",
                "责令改正，批评教育",
            ),
        ],
    },
    {
        "code": "CQ-ZJ-001",
        "keyword": "防尘",
        "basis": "《中华人民共和国大气污染防治法》第一百一十五条；《重庆市住房城乡建设行政处罚裁量基准》",
        "tiers": [
            (
                "minor",
                "未采取防尘降尘措施面积在100平方米以下，责令后立即整改的。",
                "area_m2 <= 100; corrected_after_order = yes",
                "all",
                "fine",
                10000,
                20000,
            ),
            ("normal", "施工工地未采取有效防尘降尘措施的。", "", "all", "fine", 20000, 40000),
            (
                "serious",
                "裸露土方未覆盖面积在500平方米以上，或者运输车辆未冲洗带泥上路的。",
                "area_m2 > 500; sensitive_area = yes",
                "any",
                "fine",
                40000,
                70000,
            ),
            (
                "grave",
                "拒不整改，或者一年内受过处罚，或者在重污染天气预警期间的。",
                "refused_correct; repeat_12m; emergency_period",
                "any",
                "fine|limit_activity",
                70000,
                100000,
            ),
        ],
    },
    {
        "code": "CQ-JT-001",
        "keyword": "公路",
        "basis": "《中华人民共和国公路法》第七十七条；《重庆市交通运输行政处罚裁量基准》",
        "scale": "three",
        "tiers": [
            (
                "lighter",
                "占用公路用地面积在5平方米以下，责令后及时清除的。",
                "area_m2 <= 5",
                "all",
                "fine",
                200,
                1000,
            ),
            (
                "normal",
                "在公路、公路用地范围内摆摊设点、堆放物品、倾倒垃圾的。",
                "",
                "all",
                "fine",
                1000,
                3000,
            ),
            (
                "heavier",
                "占用面积在20平方米以上，或者影响公路通行安全，或者拒不清除的。",
                "area_m2 > 20; public_safety; refused_correct",
                "any",
                "fine",
                3000,
                5000,
            ),
        ],
    },
    {
        "code": "CQ-SC-002",
        "keyword": "食品摊贩",
        "basis": MARKET + "；《重庆市食品生产加工小作坊和食品摊贩管理条例》",
        "scale": "three",
        "tiers": [
            (
                "lighter",
                "经营时间较短，货值金额在500元以下的。",
                "value_yuan <= 500",
                "all",
                "warning|fine",
                200,
                500,
            ),
            ("normal", "食品摊贩未取得登记卡从事食品经营的。", "", "all", "fine", 500, 1200),
            (
                "heavier",
                "货值金额在1000元以上，或者在学校周边经营，或者拒不改正的。",
                "value_yuan > 1000; sensitive_area = yes; refused_correct",
                "any",
                "fine",
                1200,
                2000,
            ),
        ],
    },
]
CONFIRM_GENERATED = ["CQ-CG-007", "CQ-WJ-002", "CQ-MZ-004"]


def _tiers(rows: list[Tier], catalog: dict[str, Any]) -> list[TierSpec]:
    return [
        TierSpec(
            level=level,
            conditions_text=text,
            conditions=tuple(parse_conditions(dsl, catalog)),
            match=match,
            penalty_kinds=tuple(kinds.split("|")),
            fine_min=None if low is None else Decimal(low),
            fine_max=None if high is None else Decimal(high),
        )
        for level, text, dsl, match, kinds, low, high in rows
    ]


def _entries(rows: list[Entry], catalog: dict[str, Any]) -> list[EntrySpec]:
    return [
        EntrySpec(
            kind=kind,
            conditions_text=text,
            conditions=tuple(parse_conditions(dsl, catalog)),
            required_factors=tuple(r for r in required.split("|") if r),
            measures=measures,
            legal_basis=ART33,
        )
        for kind, text, dsl, required, measures in rows
    ]


def _write_version(
    admin: User, item: EnforcementItem, table: dict[str, Any], rows: list[Tier], doc: dict[str, Any] | None
) -> Benchmark:
    catalog = factor_catalog(item.district_id, item.pk)
    draft = benchmark_draft_create(actor=admin, item=item)
    draft = benchmark_save(
        actor=admin,
        benchmark=draft,
        scale=table.get("scale", "four"),
        tiers=_tiers(rows, catalog),
        entries=_entries(table.get("entries", []), catalog),
        basis=table["basis"],
    )
    if doc is not None:
        draft = benchmark_publish(actor=admin, benchmark=draft, **doc)
    return draft


def seed_item_table(admin: User, item: EnforcementItem, table: dict[str, Any]) -> None:
    versions = table.get("versions") or [(DOC_2024, table["tiers"])]
    with transaction.atomic():
        for doc, rows in versions:
            _write_version(admin, item, table, rows, doc)
        if table.get("draft"):
            _write_version(admin, item, table, table["draft"], None)


def seed(stdout: Any) -> None:
    district = District.objects.filter(code=DISTRICT_CODE).first()
    admin = User.objects.filter(username="admin").first()
    if district is None or admin is None or not EnforcementItem.objects.filter(district=district).exists():
        stdout.write("discretion: no demo items yet; nothing seeded")
        return
    items = {i.code: i for i in EnforcementItem.objects.filter(district=district)}
    for spec in LOCAL_FACTORS:
        if LocalFactor.objects.filter(district=district, code=spec["code"]).exists():
            continue
        item = items.get(spec.get("item", ""))
        if spec.get("item") and item is None:
            continue
        local_factor_save(
            actor=admin,
            district=district,
            code=spec["code"],
            name_zh=spec["name_zh"],
            name_en=spec["name_en"],
            effect=spec["effect"],
            legal_basis=spec["legal_basis"],
            item=item,
        )
    written = 0
    for table in TABLES:
        item = items.get(table["code"])
        if (
            item is None
            or table["keyword"] not in item.name_zh
            or Benchmark.objects.filter(item=item).exists()
        ):
            continue
        try:
            seed_item_table(admin, item, table)
            written += 1
        except (
            BenchmarkInvalid
        ) as exc:  # the catalog changed under the table: leave it to the generated default
            stdout.write(
                f"discretion: table for {item.code} does not fit the item "
                f"({'; '.join(p.message for p in exc.problems)})"
            )
    confirmed = 0
    for code in CONFIRM_GENERATED:
        item = items.get(code)
        if item is None or Benchmark.objects.filter(item=item).exists():
            continue
        with transaction.atomic():
            default = benchmark_generate(actor=admin, item=item)
            benchmark_publish(actor=admin, benchmark=default, **DOC_CONFIRM)
        confirmed += 1
    generated = benchmarks_generate_missing(actor=admin, district=district)
    stdout.write(
        f"discretion: {written} hand-written table(s), {confirmed} confirmed "
        f"default(s), {len(generated)} generated default(s)"
    )
