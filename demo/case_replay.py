"""Demo penalty cases: eight months of the four 渝中区 subdistricts' cases, replayed through the real services
at the times they happened (`enforcement.clock.at`), so numbers, deadlines, the timeline and the audit trail
are what the services made of them. Every stage is represented: leads still being checked, filings awaiting
approval, cases under investigation or ordered to correct (art 33), notices served, hearings, legal review,
decisions waiting to be served, fines unpaid, paid, closed and archived, leads not filed, withdrawn cases and
on-the-spot decisions (简易程序). A few cases are transferred to a department when the whistle demo has run
first (a transfer raises a whistle, and the whistle demo does nothing once the district has whistles).

The inputs are chosen to be legal (items the town holds on the day of the act, two officers with valid
certificates who declared no conflict, fines inside the range, the benchmark's suggested amount); a step the
services still refuse is counted, printed, and leaves its case where it was.

Idempotent: if the demo district already has cases, nothing is done. `seed(stdout)` is called by
demo/cases.py.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from authority.models import EnforcementItem
from authority.selectors import items_held_by
from cases import deadlines as dl
from cases.lifecycle import case_act, case_create, case_declare
from cases.models import Case
from cases.review import all_passed
from cases.selectors import case_recommendation
from cases.workflow import Stage
from demo.core import SLUG_BY_TOWN
from demo.pictures import scene_photo
from discretion.vocabulary import STANDARD_FACTOR_MAP, Effect
from enforcement import clock
from enforcement.memo import stable_reference_data
from enforcement.models import District, Unit, User
from enforcement.workflow import InvalidTransition, StaleObject

DISTRICT_CODE = "500103"
DAYS_BACK = 240  # about eight months
COUNT = 300
PHOTOS = 60
DOCUMENTS = 20
TRANSFERS = 4

STREETS = {
    "500103-001": [
        "石油路",
        "渝州路",
        "虎头岩",
        "金银湾",
        "万象城旁",
        "石油路轻轨站",
        "歇台子",
        "龙湖时代天街",
    ],
    "500103-002": ["民族路", "八一路", "邹容路", "五一路", "较场口", "临江门", "解放碑步行街", "新华路"],
    "500103-003": [
        "大坪正街",
        "长江二路",
        "医学院路",
        "袁家岗",
        "七牌坊",
        "英利国际",
        "大坪轻轨站",
        "马家堡",
    ],
    "500103-004": [
        "红岩村",
        "李子坝正街",
        "嘉陵江滨江路",
        "化龙桥重庆天地",
        "北城天街后街",
        "虎头岩隧道口",
        "佛图关",
    ],
}
CENTRES = {
    "500103-001": (29.5408, 106.5198),
    "500103-002": (29.5573, 106.5771),
    "500103-003": (29.5424, 106.5176),
    "500103-004": (29.5599, 106.5265),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = [
    "建国",
    "秀英",
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "桂英",
    "志强",
    "玉兰",
    "海燕",
    "晓东",
    "春梅",
    "国华",
    "德明",
    "小红",
    "文博",
    "子涵",
    "雨欣",
    "浩然",
]
SHOP_WORDS = [
    "老码头",
    "渝味",
    "山城",
    "嘉陵",
    "朝天门",
    "两江",
    "红岩",
    "巴渝",
    "鑫源",
    "恒达",
    "顺发",
    "好运来",
    "蜀香",
]


# The reasons the demo officers give when a fence warning asks for one (电子围栏: a warning lets the person go
# on with a written reason, kept on the warning for the supervisor).
REASONS = {
    "deviation_reason": (
        "当事人系初次违法，主动配合调查并已停止违法行为，综合考虑社会危害程度，按上述金额处罚。"
    ),
    "fence_reason": "现场检查笔录和询问笔录已载明违法事实，当事人对事实无异议，相关照片随卷补齐。",
}


# The circumstances (discretion.vocabulary, 情节) the demo officers find, with the share of notices each set
# is found in; the rest find none. The recommendation and the decision's reasons follow from them.
CIRCUMSTANCES: tuple[tuple[float, tuple[str, ...]], ...] = (
    (0.30, ("cooperated",)),
    (0.10, ("refused_correct",)),
    (0.04, ("cooperated", "refused_correct")),
)
# The one decision below the tier in the demo, and the reason the deciding supervisor writes (art 34).
DEVIATION_REASON = (
    "当事人系低保对象，家庭经济确有困难，案发后当即停止违法行为并主动消除影响，经队务会集体讨论，"
    "在法定罚款幅度内低于裁量基准档次下限处罚。"
)


@dataclass(frozen=True)
class Fact:
    item: str
    party: str  # "person" (also 个体工商户) or "organisation"
    title: str
    facts: str  # {place}; {name} is the party
    business: str = ""  # the organisation's name: {word} a shop word, {street}
    big: bool = False  # a fine large enough to give a hearing right (person: ≥ 5,000 yuan)


FACTS = [
    Fact(
        "CQ-CG-001",
        "person",
        "流动摊贩占道经营",
        "巡查发现当事人{name}在{place}人行道上摆摊销售水果，占用人行道约4平方米，影响行人通行，经劝"
        "导后仍未离开。",
    ),
    Fact(
        "CQ-CG-001",
        "person",
        "早餐摊点占道经营",
        "当事人{name}每日早晨在{place}公交站旁摆放推车和桌凳经营早餐，占道约6平方米。",
    ),
    Fact(
        "CQ-CG-002",
        "organisation",
        "门店超出门窗外摆经营",
        "当事人{name}在{place}临街门店外人行道上摆放货架和冰柜展示商品，超出门窗约2.5米。",
        "渝中区{word}便利店",
    ),
    Fact(
        "CQ-CG-002",
        "person",
        "汽修店占道作业",
        "当事人{name}经营的汽车修理店在{place}门店外人行道上进行车辆维修作业，油污遍地。",
    ),
    Fact(
        "CQ-CG-003",
        "person",
        "随意倾倒生活垃圾",
        "群众举报当事人{name}多次将生活垃圾倾倒在{place}绿化带内，现场查见垃圾袋十余袋。",
    ),
    Fact(
        "CQ-CG-004",
        "person",
        "张贴小广告",
        "当事人{name}在{place}沿线电杆、墙面张贴“办证”“招租”小广告共37张。",
    ),
    Fact(
        "CQ-CG-005",
        "person",
        "临街护栏晾晒衣物",
        "当事人{name}在{place}临街护栏和行道树上拉绳晾晒衣物、被褥，影响市容。",
    ),
    Fact(
        "CQ-CG-006",
        "organisation",
        "擅自设置户外广告牌",
        "当事人{name}未经许可在{place}建筑外立面设置大型喷绘广告牌约24平方米。",
        "重庆{word}文化传媒有限公司",
    ),
    Fact(
        "CQ-CG-008",
        "organisation",
        "渣土车沿途遗撒",
        "夜间巡查发现当事人{name}所属渣土车未密闭运输，在{place}路段沿途遗撒渣土约200米。",
        "重庆{word}土石方工程有限公司",
    ),
    Fact(
        "CQ-CG-008",
        "person",
        "个体运输户渣土车遗撒",
        "当事人{name}驾驶自有渣土车未加盖篷布，在{place}路段遗撒渣土约150米，污染路面。",
        big=True,
    ),
    Fact(
        "CQ-CG-009",
        "person",
        "装修垃圾乱倒",
        "当事人{name}将房屋装修产生的建筑垃圾约3立方米倾倒在{place}小区生活垃圾收集点旁。",
    ),
    Fact(
        "CQ-CG-011",
        "person",
        "遛犬未束犬链",
        "当事人{name}在{place}广场遛犬未束犬链，犬只追逐行人，经劝导拒不改正。",
    ),
    Fact(
        "CQ-CG-013",
        "person",
        "街头焚烧垃圾",
        "当事人{name}在{place}背街空地焚烧落叶和废纸，浓烟影响周边居民。",
    ),
    Fact(
        "CQ-CG-015",
        "person",
        "生活垃圾混投",
        "当事人{name}多次将厨余垃圾与其他垃圾混合投放于{place}小区分类桶，经劝导拒不改正。",
    ),
    Fact(
        "CQ-XF-001",
        "organisation",
        "商场安全出口被锁闭",
        "检查发现当事人{name}在{place}经营场所负一楼两处安全出口被上锁，疏散通道堆放纸箱。",
        "重庆{word}商贸有限公司",
    ),
    Fact(
        "CQ-XF-002",
        "person",
        "楼道堆放杂物堵塞疏散通道",
        "当事人{name}在{place}住宅楼楼梯间堆放旧家具、纸箱，占用疏散通道。",
    ),
    Fact(
        "CQ-XF-005",
        "person",
        "楼道内为电动车充电",
        "当事人{name}在{place}住宅楼一楼楼梯间停放电动自行车并飞线充电。",
    ),
    Fact(
        "CQ-XF-007",
        "organisation",
        "网吧外窗设置铁栅栏",
        "当事人{name}在{place}经营的网吧外窗安装固定铁栅栏，影响逃生和灭火救援。",
        "重庆{word}网络科技有限公司",
    ),
    Fact(
        "CQ-XF-010",
        "organisation",
        "灭火器过期失效",
        "检查发现当事人{name}在{place}的门店内灭火器已过期、疏散指示标志损坏。",
        "渝中区{word}火锅店",
    ),
    Fact(
        "CQ-HJ-001",
        "person",
        "火锅店油烟直排",
        "当事人{name}在{place}经营的个体火锅店油烟净化器长期未开启，油烟直排居民窗户。",
        big=True,
    ),
    Fact(
        "CQ-HJ-002", "person", "人行道露天烧烤", "当事人{name}夜间在{place}人行道上露天烧烤食品，烟尘扰民。"
    ),
    Fact(
        "CQ-HJ-005",
        "person",
        "商铺高音喇叭揽客",
        "当事人{name}在{place}门店门口使用高音喇叭循环播放促销广告，经劝导拒不改正。",
    ),
    Fact(
        "CQ-HJ-006",
        "organisation",
        "工地夜间施工扰民",
        "当事人{name}在{place}工地夜间23时后进行混凝土浇筑作业，未取得夜间施工证明。",
        "重庆{word}建设工程有限公司",
    ),
    Fact(
        "CQ-SC-002",
        "person",
        "无登记卡流动食品摊贩",
        "当事人{name}未取得食品摊贩登记卡，在{place}学校周边推车销售烤肠、炸串。",
    ),
    Fact(
        "CQ-SC-004",
        "organisation",
        "停车场未明码标价",
        "当事人{name}在{place}经营的停车场未公示收费标准即收取停车费。",
        "重庆{word}停车管理有限公司",
    ),
    Fact(
        "CQ-SC-005",
        "person",
        "从业人员无健康证上岗",
        "检查发现当事人{name}在{place}经营的个体面馆3名从业人员未取得健康证明即从事接触直接入口食品"
        "工作，经责令后拒不改正。",
        big=True,
    ),
    Fact(
        "CQ-SC-006",
        "person",
        "菜市场摊贩缺斤短两",
        "当事人{name}在{place}菜市场摊位使用作弊电子秤，经复称每斤短少约一两。",
    ),
    Fact(
        "CQ-ZJ-001",
        "organisation",
        "工地扬尘未覆盖",
        "当事人{name}在{place}施工工地裸土未覆盖、出场车辆未冲洗带泥上路。",
        "重庆{word}建筑工程有限公司",
    ),
    Fact(
        "CQ-ZJ-002",
        "person",
        "装修擅自拆除承重墙",
        "当事人{name}在{place}住宅装修中擅自拆除承重墙约4平方米，危及房屋安全。",
        big=True,
    ),
    Fact(
        "CQ-WJ-001", "person", "禁烟场所吸烟", "当事人{name}在{place}商场室内禁烟区域吸烟，经劝阻拒不改正。"
    ),
    Fact(
        "CQ-GA-002",
        "person",
        "夜间高声喧哗扰民",
        "当事人{name}在{place}住宅内夜间多次播放高音量音乐，经调解仍未停止，干扰邻居正常生活。",
    ),
]

# Stages the demo ends cases at (with `simple_*`: on-the-spot decisions) and how many of every 100 cases.
MIX = [
    ("lead", 5),
    ("checking", 5),
    ("filing_review", 4),
    ("investigating", 9),
    ("correcting", 3),
    ("correction_closed", 3),
    ("notified", 5),
    ("hearing", 2),
    ("legal_review", 3),
    ("deciding", 3),
    ("decided", 3),
    ("served", 4),
    ("executed", 4),
    ("closed", 6),
    ("no_penalty", 2),
    ("archived", 18),
    ("not_filed", 4),
    ("withdrawn", 2),
    ("simple_served", 2),
    ("simple_executed", 3),
    ("simple_archived", 6),
    ("transferred", 0),
]
# Days ago the case was recorded (the first step); finished cases are older, open ones recent.
STARTS = {
    "lead": (0, 9),
    "checking": (2, 18),
    "filing_review": (4, 20),
    "investigating": (12, 75),
    "correcting": (15, 40),
    "correction_closed": (30, 230),
    "notified": (20, 60),
    "hearing": (30, 70),
    "legal_review": (30, 80),
    "deciding": (30, 85),
    "decided": (30, 90),
    "served": (35, 110),
    "executed": (45, 150),
    "closed": (50, 220),
    "no_penalty": (40, 220),
    "archived": (70, DAYS_BACK - 5),
    "not_filed": (5, 200),
    "withdrawn": (20, 200),
    "simple_served": (1, 12),
    "simple_executed": (1, 200),
    "simple_archived": (30, DAYS_BACK - 5),
    "transferred": (5, 120),
}


def _fresh(case: Case) -> Case:
    case.refresh_from_db()
    return case


def id_number(rnd: random.Random, born: dt.date) -> str:
    """An 18-digit resident ID number of 渝中区 with a valid check digit (GB 11643)."""
    body = f"500103{born:%Y%m%d}{rnd.randint(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(rnd: random.Random, kind: str = "91") -> str:
    """A unified social credit code for 渝中区 with valid check characters (GB 32100, GB 11714)."""
    body8 = "".join(rnd.choice("0123456789") for _ in range(8))
    check9 = 11 - sum(int(c) * w for c, w in zip(body8, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
    org = body8 + {10: "X", 11: "0"}.get(check9, str(check9))
    head = f"{kind}500103{org}"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(head, weights, strict=True))
    return head + USCC_CHARS[(31 - total % 31) % 31]


def photo(seed: int) -> SimpleUploadedFile:
    """A small generated PNG standing in for a scene photo."""
    return scene_photo(seed, f"现场照片-{seed}.png", size=(320, 240), png=True)


@dataclass
class Team:
    town: Unit
    officers: list[User]  # the handling officers (valid certificates)
    supervisor: User
    reviewer: User
    facts: list[Fact] = field(default_factory=list)
    big_facts: list[Fact] = field(default_factory=list)
    simple_facts: list[Fact] = field(default_factory=list)
    items: dict[str, EnforcementItem] = field(default_factory=dict)


@dataclass
class Step:
    action: str  # a workflow action, or "declare"
    gap: tuple[float, float]  # days after the previous step
    who: str = "lead"  # lead / second / supervisor / reviewer
    data: Callable[[Case, dt.datetime], dict[str, Any]] | dict[str, Any] | None = None
    only_from: frozenset[str] = frozenset()  # taken only if the case is at one of these stages (else skipped)


@dataclass
class Plan:
    team: Team
    target: str
    lead: User
    second: User
    data: dict[str, Any]
    create_at: dt.datetime
    steps: list[Step]
    moments: list[dt.datetime]
    photos: bool = False
    case: Case | None = None
    dead: bool = False


class Replay:
    def __init__(
        self,
        district: District,
        teams: list[Team],
        departments: list[Unit],
        rnd: random.Random,
        now: dt.datetime,
        stdout: Any,
    ) -> None:
        self.district = district
        self.teams = teams
        self.departments = departments
        self.rnd = rnd
        self.now = now
        self.stdout = stdout
        self.refusals: list[tuple[str, str, str]] = []
        self.cases: list[tuple[Case, Team, str]] = []
        self.photos = 0
        self.photos_wanted = PHOTOS
        self.seq = 0
        self.suggested: dict[tuple[str, str, tuple[str, ...]], Any] = {}
        # The circumstances found in each case drawn from a generator of their own, so that adding them left
        # every other draw of the demo (stages, dates, parties) as it was.
        self.circumstances_rnd = random.Random("zhifa-demo-circumstances")
        self.deviated = False

    # --- time -----------------------------------------------------------------------------------------------

    def working_moment(self, moment: dt.datetime) -> dt.datetime:
        """The next office-hours moment (weekdays 9:00-18:00) at or after `moment`: never earlier."""
        local = timezone.localtime(moment)
        if local.hour >= 18:
            local = (local + dt.timedelta(days=1)).replace(hour=9, minute=self.rnd.randint(0, 50))
        elif local.hour < 9:
            local = local.replace(hour=9, minute=self.rnd.randint(0, 50))
        while local.weekday() >= 5:
            local += dt.timedelta(days=1)
        return local

    def timeline(self, start: dt.datetime, steps: list[Step]) -> list[dt.datetime]:
        """The moment of each step (office hours, weekdays). If the last one would be later than an hour ago,
        the whole case moves back by whole weeks (keeping weekdays and hours)."""
        moments, t = [], start
        for step in steps:
            t = self.working_moment(t + dt.timedelta(days=self.rnd.uniform(*step.gap)))
            moments.append(t)
        return self.no_later_than_now(moments)

    def no_later_than_now(self, moments: list[dt.datetime]) -> list[dt.datetime]:
        latest = self.now - dt.timedelta(hours=1)
        if moments and moments[-1] > latest:
            weeks = -(-(moments[-1] - latest) // dt.timedelta(weeks=1))
            moments = [m - dt.timedelta(weeks=weeks) for m in moments]
        return moments

    # --- one case -------------------------------------------------------------------------------------------

    def party(self, fact: Fact, street: str) -> dict[str, Any]:
        name = self.rnd.choice(SURNAMES) + self.rnd.choice(GIVEN)
        if fact.party == "organisation":
            org = fact.business.format(word=self.rnd.choice(SHOP_WORDS), street=street)
            return {
                "party_kind": "organisation",
                "party_name": org,
                "party_identifier": uscc(self.rnd),
                "party_age": None,
                "party_representative": name,
                "party_contact": f"023-6{self.rnd.randint(1000000, 9999999)}",
                "party_address": f"重庆市渝中区{street}{self.rnd.randint(1, 300)}号",
            }
        age = self.rnd.randint(22, 66)
        born = dt.date(self.now.year - age, self.rnd.randint(1, 12), self.rnd.randint(1, 28))
        return {
            "party_kind": "person",
            "party_name": name,
            "party_identifier": id_number(self.rnd, born),
            "party_age": age,
            "party_representative": "",
            "party_contact": f"1{self.rnd.choice('3589')}{self.rnd.randint(100000000, 999999999)}",
            "party_address": (
                f"重庆市渝中区{street}{self.rnd.randint(1, 300)}号"
                f"{self.rnd.randint(1, 30)}-{self.rnd.randint(1, 8)}"
            ),
        }

    def lead_data(
        self, team: Team, fact: Fact, item: EnforcementItem, start: dt.datetime, second: User
    ) -> dict[str, Any]:
        street = self.rnd.choice(STREETS[team.town.code])
        place = f"{street}{self.rnd.randint(1, 300)}号附近"
        party = self.party(fact, street)
        day = timezone.localtime(start).date()
        lat, lon = CENTRES[team.town.code]
        source = self.rnd.choices(["patrol", "complaint", "camera", "inspection"], weights=[55, 30, 10, 5])[0]
        ref = {
            "complaint": f"12345-{day:%Y%m%d}{self.rnd.randint(1000, 9999)}",
            "camera": f"CAM-{self.rnd.randint(100, 999)}",
            "inspection": f"综查〔{day.year}〕{self.rnd.randint(1, 80)}号",
        }.get(source, "")
        return {
            "town": team.town,
            "source": source,
            "source_ref": ref,
            "title": fact.title,
            "description": fact.facts.format(name=party["party_name"], place=place),
            "item": item,
            "place": place,
            "latitude": Decimal(str(round(lat + self.rnd.uniform(-0.004, 0.004), 6))),
            "longitude": Decimal(str(round(lon + self.rnd.uniform(-0.004, 0.004), 6))),
            "act_on": day - dt.timedelta(days=self.rnd.randint(0, 4)),
            "act_continuing": False,
            "act_ended_on": None,
            "discovered_on": day,
            "harm_to_life_or_finance": False,
            **party,
            "officers": [second],
        }

    def penalty(
        self, case: Case, on: dt.date, factors: tuple[str, ...] = ()
    ) -> tuple[list[str], Decimal | None]:
        """The benchmark's suggestion for the circumstances found when there is one, else the middle of the
        statutory range."""
        item = case.item
        assert item is not None
        if "fine" not in (item.penalty_kinds or []):
            return ["warning"], None
        fine = self.suggestion(case, on, factors)
        kinds = self.tier_kinds(case, on, factors)
        if fine is None and kinds is not None:
            return kinds, None  # the tier names no fine (warnings only): the officer follows it
        if fine is None:
            low = item.fine_min if item.fine_min is not None else Decimal("0")
            high = item.fine_max if item.fine_max is not None else low + Decimal("1000")
            fine = (low + high) / 2
        if item.fine_min is not None:
            fine = max(fine, item.fine_min)
        if item.fine_max is not None:
            fine = min(fine, item.fine_max)
        if fine >= 1000:
            fine = fine.quantize(Decimal("100"), rounding=ROUND_HALF_UP)
        return ["fine"], fine.quantize(Decimal("0.01"))

    def suggestion(self, case: Case, on: dt.date, factors: tuple[str, ...]) -> Decimal | None:
        """The benchmark's suggested fine for the circumstances (one look-up per item, kind of party and
        circumstances is enough for the demo)."""
        rec = self.recommendation(case, on, factors)
        return (
            Decimal(rec.fine_suggested)
            if rec is not None and rec.punish and rec.fine_suggested is not None
            else None
        )

    def tier_kinds(self, case: Case, on: dt.date, factors: tuple[str, ...]) -> list[str] | None:
        """The penalties of the benchmark's tier when it names penalties but no fine (a tier of warnings)."""
        rec = self.recommendation(case, on, factors)
        if rec is None or not rec.punish or not rec.penalty_kinds or "fine" in rec.penalty_kinds:
            return None
        return list(rec.penalty_kinds)

    def recommendation(self, case: Case, on: dt.date, factors: tuple[str, ...]) -> Any:
        assert case.item is not None
        key = (case.item.code, case.party_kind, factors)
        if key not in self.suggested:
            self.suggested[key] = case_recommendation(case, list(factors), on=on)
        return self.suggested[key]

    def circumstances(self) -> tuple[str, ...]:
        """What the investigation found about the party's conduct, as the officer ticks it on the notice
        form: most cases none; some cooperated with the investigation (lighter), some refused to correct
        (heavier), a few both."""
        draw = self.circumstances_rnd.random()
        for share, found in CIRCUMSTANCES:
            if draw < share:
                return found
            draw -= share
        return ()

    def prepare(self, team: Team, target: str) -> Plan:
        rnd = self.rnd
        pool = team.facts
        if target in {"hearing", "legal_review"} and team.big_facts:
            pool = team.big_facts
        elif target.startswith("simple_") and team.simple_facts:
            pool = team.simple_facts
        fact = rnd.choice(pool)
        lo, hi = STARTS[target]
        start = self.working_moment(self.now - dt.timedelta(days=rnd.uniform(lo, hi)))
        lead_officer, second = rnd.sample(team.officers, 2)
        steps = self.plan(target, fact)
        moments = self.timeline(start, steps)
        create_at = (
            moments[0] - dt.timedelta(hours=rnd.uniform(0.3, 2))
            if moments
            else self.no_later_than_now([start])[0]
        )
        data = self.lead_data(team, fact, team.items[fact.item], create_at, second)
        return Plan(
            team, target, lead_officer, second, data, create_at, steps, moments, photos=rnd.random() < 0.3
        )

    def execute(self, plans: list[Plan]) -> None:
        """Every step of every case in the order they happened, so numbers follow the filing dates."""
        events: list[tuple[dt.datetime, int, int]] = []
        for n, plan in enumerate(plans):
            events.append((plan.create_at, n, -1))
            events += [(moment, n, k) for k, moment in enumerate(plan.moments)]
        events.sort()
        for _moment, n, k in events:
            plan = plans[n]
            if plan.dead:
                continue
            if k == -1:
                self.create(plan)
            elif not self.take(plan, plan.steps[k], plan.moments[k]):
                plan.dead = True

    def create(self, plan: Plan) -> None:
        with clock.at(plan.create_at):
            try:
                plan.case = case_create(actor=plan.lead, data=plan.data)
            except (ValidationError, PermissionDenied) as exc:
                self.refuse("create", plan.target, exc)
                plan.dead = True
                return
        self.cases.append((plan.case, plan.team, plan.target))
        camera = (
            plan.data["source"] == "camera"
        )  # its capture is attached and reviewed before filing (art 41)
        if camera or (plan.photos and self.photos < self.photos_wanted):
            self.add_photos(
                plan.case, plan.lead, caption="电子监控抓拍（已人工审核）" if camera else "现场检查照片"
            )

    def take(self, plan: Plan, step: Step, moment: dt.datetime) -> bool:
        case = plan.case
        assert case is not None
        people = {
            "lead": plan.lead,
            "second": plan.second,
            "supervisor": plan.team.supervisor,
            "reviewer": plan.team.reviewer,
        }
        actor = people[step.who]
        if step.only_from:
            case.refresh_from_db(fields=["stage", "version"])  # where the earlier steps left it
        if step.only_from and case.stage not in step.only_from:
            return True
        with clock.at(moment):
            try:
                if step.action == "declare":
                    case_declare(actor=actor, case=case, conflict=False, note="")
                    return True
                payload = step.data(case, moment) if callable(step.data) else dict(step.data or {})
                payload = {"version": None, "note": "", **payload}
                try:
                    case_act(actor=actor, case=case, action=step.action, data=payload)
                except ValidationError as exc:
                    # A fence warning asks for the reason to go on: the demo officer gives it, as a real one
                    # would, and the warning stays for the supervisor's desk.
                    problems = getattr(exc, "message_dict", {})
                    asked = [f for f in REASONS if f in problems and not payload.get(f)]
                    if not asked:
                        raise
                    payload.update({f: REASONS[f] for f in asked})
                    case_act(actor=actor, case=case, action=step.action, data=payload)
                return True
            except (ValidationError, PermissionDenied, InvalidTransition, StaleObject) as exc:
                self.refuse(step.action, plan.target, exc)
                return False

    def refuse(self, action: str, target: str, exc: Exception) -> None:
        messages = getattr(exc, "messages", None) or [str(exc)]
        self.refusals.append((action, target, "; ".join(str(m) for m in messages)[:300]))

    def add_photos(self, case: Case, actor: User, caption: str = "现场检查照片") -> None:
        from cases.evidence import evidence_add_many

        n = self.rnd.choice([1, 1, 2, 3])
        uploads = [photo(self.photos * 10 + k) for k in range(n)]
        with clock.at(case.created_at + dt.timedelta(minutes=20)):
            try:
                evidence_add_many(actor=actor, case=case, uploads=uploads, caption=caption)
                self.photos += 1
            except (ValidationError, PermissionDenied) as exc:
                self.refuse("evidence", case.stage, exc)

    # --- the paths ------------------------------------------------------------------------------------------

    def plan(self, target: str, fact: Fact) -> list[Step]:
        rnd = self.rnd
        declare = [Step("declare", (0.01, 0.03), "lead"), Step("declare", (0.01, 0.05), "second")]
        if target == "lead":
            return declare[:1] if rnd.random() < 0.5 else []
        check = [*declare, Step("start_check", (0.05, 0.5))]
        if target == "checking":
            return check
        if target == "not_filed":
            return [
                *check,
                Step(
                    "decline_filing",
                    (2, 12),
                    data={
                        "note": rnd.choice(
                            [
                                "经核查，当事人已自行清理完毕，现场无违法事实，不予立案。",
                                "经核查，反映的问题不属于本街道综合行政执法事项，已告知投诉人向有关"
                                "部门反映。",
                                "经现场核查，未发现举报所称违法行为，证据不足，不予立案。",
                            ]
                        )
                    },
                ),
            ]
        if target.startswith("simple_"):
            steps = [*declare, Step("on_spot", (0.02, 0.1), data=self.on_spot_data(target))]
            if target == "simple_served":
                return steps
            steps.append(
                Step("record_payment", (1, 10), data=self.payment_data, only_from=frozenset({"served"}))
            )
            if target == "simple_archived":
                steps += [
                    Step("close", (1, 6), "supervisor"),
                    Step("archive", (2, 15), "supervisor", data=self.archive_data),
                ]
            return steps
        filing = [*check, Step("propose_filing", (1, 8)), Step("approve_filing", (0.3, 3), "supervisor")]
        if target == "filing_review":
            steps = filing[:-1]
            if rnd.random() < 0.15:  # sent back once, proposed again
                steps += [
                    Step(
                        "reject_filing",
                        (0.5, 2),
                        "supervisor",
                        data={"note": "请补充当事人身份信息和现场照片后重新报批。"},
                    ),
                    Step("propose_filing", (1, 3)),
                ]
            return steps
        if target == "withdrawn":
            return [
                *filing,
                Step(
                    "withdraw", (3, 20), "supervisor", data={"note": "经复核，当事人身份认定错误，撤销本案。"}
                ),
            ]
        if target == "transferred":
            department = rnd.choice(self.departments)
            return [
                *check,
                Step(
                    "transfer",
                    (1, 6),
                    "supervisor",
                    data={"department": department, "note": "经核查需要专业检测认定，移送区级主管部门处理。"},
                ),
            ]
        if target == "investigating":
            steps = list(filing)
            if rnd.random() < 0.2:
                steps.append(Step("pause", (2, 10), "supervisor", data={"reason": "testing"}))
            return steps
        if target in {"correcting", "correction_closed"}:
            steps = [*filing, Step("order_correction", (1, 5), data=self.correction_data)]
            if target == "correction_closed":
                steps.append(
                    Step(
                        "confirm_correction",
                        (5, 14),
                        data=lambda c, m: {
                            "checked_on": timezone.localtime(m).date(),
                            "note": "复查发现当事人已按期改正，违法状态消除。",
                        },
                    )
                )
                if rnd.random() < 0.5:
                    steps.append(Step("archive", (3, 15), "supervisor", data=self.archive_data))
            return steps
        notice = [*filing, Step("serve_notice", (6, 25), data=self.notice_data)]
        if target == "notified":
            return notice
        if target == "hearing":
            return [
                *notice,
                Step(
                    "request_hearing",
                    (0.5, 3),
                    data=lambda c, m: {"requested_on": timezone.localtime(m).date()},
                ),
                Step("schedule_hearing", (0.5, 2), data=self.hearing_data),
            ]
        answered = [*notice, self.answer_step(fact)]
        if target == "legal_review":
            return [*answered, Step("submit_for_decision", (0.5, 3), data={"major": True})]
        if fact.big and rnd.random() < 0.4:  # the party asked for a hearing; legal review follows it (art 58)
            steps = [
                *notice,
                Step(
                    "request_hearing",
                    (0.5, 3),
                    data=lambda c, m: {"requested_on": timezone.localtime(m).date()},
                ),
                Step("schedule_hearing", (0.5, 2), data=self.hearing_data),
                Step(
                    "finish_hearing",
                    (20, 26),
                    data=lambda c, m: {
                        "held_on": _fresh(c).hearing_on,
                        "note": "听证会依法举行，当事人及其委托代理人到场陈述申辩，调查人员出示了证据。",
                    },
                ),
            ]
        else:
            steps = [*answered, Step("submit_for_decision", (0.5, 3), data={"major": rnd.random() < 0.1})]
        # Legal review when the submission found it required (a large fine, a hearing, marked major).
        steps.append(
            Step(
                "pass_review",
                (1, 4),
                "reviewer",
                only_from=frozenset({"legal_review"}),
                data=all_passed("事实清楚，证据确实充分，适用依据正确，程序合法，处罚适当，同意。"),
            )
        )
        if target == "deciding":
            return steps
        if target == "no_penalty":
            return [
                *steps,
                Step(
                    "decide_no_penalty",
                    (1, 4),
                    "supervisor",
                    data={
                        "basis": "insufficient_evidence",
                        "note": "当事人陈述申辩理由成立，现有证据不足以认定违法事实，不予行政处罚。",
                    },
                ),
            ]
        steps.append(Step("decide", (1, 4), "supervisor", data=self.decision_data))
        if target == "decided":
            return steps
        steps.append(
            Step(
                "serve_decision",
                (0.5, 5),
                data=lambda c, m: {
                    "served_on": timezone.localtime(m).date(),
                    "method": rnd.choice(["direct", "direct", "left", "post", "electronic"]),
                },
            )
        )
        if target == "served":
            return steps
        if rnd.random() < 0.1:
            steps.append(
                Step(
                    "record_enforcement",
                    (20, 40),
                    data={"note": "当事人逾期未缴纳罚款，已依法申请人民法院强制执行并执行到位。"},
                )
            )
        else:
            # A decision of warnings only is executed when served: nothing to pay.
            steps.append(
                Step("record_payment", (2, 18), data=self.payment_data, only_from=frozenset({"served"}))
            )
        if target == "executed":
            return steps
        steps.append(Step("close", (1, 7), "supervisor"))
        if target == "closed":
            return steps
        return [*steps, Step("archive", (3, 20), "supervisor", data=self.archive_data)]

    def answer_step(self, fact: Fact) -> Step:
        """The party waives their rights in writing, or makes a statement (either lets the case go on)."""
        if self.rnd.random() < 0.55:
            return Step("waive_rights", (0.5, 4), data={"note": "当事人书面表示放弃陈述、申辩和听证权利。"})
        return Step(
            "record_statement",
            (1, 4),
            data=lambda c, m: {
                "made_on": timezone.localtime(m).date(),
                "accepted": False,
                "note": "当事人称系初次违法、不了解相关规定，请求从轻处理；经复核，其陈述不足以改变处罚。",
            },
        )

    # --- action data ----------------------------------------------------------------------------------------

    def on_spot_data(self, target: str) -> Callable[[Case, dt.datetime], dict[str, Any]]:
        def data(case: Case, moment: dt.datetime) -> dict[str, Any]:
            kinds, fine = self.penalty(case, timezone.localtime(moment).date())
            if fine is not None:
                fine = min(fine, Decimal("200.00"))
            paid = bool(fine is not None and fine <= 100 and target != "simple_served")
            return {
                "penalty_kinds": kinds,
                "fine": fine,
                "paid_on_spot": paid,
                "note": "事实清楚，当场作出处罚决定并送达。",
            }

        return data

    def correction_data(self, case: Case, moment: dt.datetime) -> dict[str, Any]:
        day = timezone.localtime(moment).date()
        return {
            "correction_due": day + dt.timedelta(days=self.rnd.choice([3, 5, 7, 10, 15])),
            "basis": "art33_first",
            "note": "当事人系首次违法且危害后果轻微，已对其进行法治宣传教育，责令限期改正。",
        }

    def notice_data(self, case: Case, moment: dt.datetime) -> dict[str, Any]:
        day = timezone.localtime(moment).date()
        factors = self.circumstances()
        fines = case.item is not None and "fine" in (case.item.penalty_kinds or [])
        if factors and fines and self.suggestion(case, day, factors) is None:
            # The benchmark names no fine for this case with them (a tier of warnings only): the officer
            # finds them but they would not move a fine, so the demo leaves them out rather than fine
            # outside the tier.
            factors = ()
        kinds, fine = self.penalty(case, day, factors)
        return {
            "penalty_kinds": kinds,
            "proposed_fine": fine,
            "factors": list(factors),
            "served_on": day,
            "note": "已向当事人送达行政处罚告知书，告知其陈述、申辩权利。",
        }

    def hearing_data(self, case: Case, moment: dt.datetime) -> dict[str, Any]:
        day = timezone.localtime(moment).date()
        policy = dl.policy_for(case.district_id)
        return {
            "hearing_on": dl.earliest_hearing(day, policy) + dt.timedelta(days=self.rnd.randint(0, 2)),
            "place_of_hearing": f"{case.town.name_zh}综合行政执法大队听证室",
        }

    def decision_data(self, case: Case, moment: dt.datetime) -> dict[str, Any]:
        case.refresh_from_db()
        fine, reason = case.proposed_fine, case.deviation_reason
        lower = self.deviation(case)
        if lower is not None:
            fine, reason = lower, DEVIATION_REASON
        return {
            "penalty_kinds": list(case.proposed_kinds) or ["warning"],
            "fine": fine,
            "confiscated": None,
            "deviation_reason": reason,
            "decided_on": timezone.localtime(moment).date(),
            "note": "",
            "collective_discussion": f"{timezone.localtime(moment):%m月%d日}队务会集体讨论，同意拟定处罚。"
            if {"major_penalty", "major_or_complex"} & set(case.review_reasons)
            else "",
        }

    def deviation(self, case: Case) -> Decimal | None:
        """Once in the demo, a decision below the benchmark's tier (still inside the statutory range), with
        the written reason art 34 asks for: the first fine whose tier starts above the statutory minimum, in
        a case without an aggravating circumstance.
        The notice capped the fine (art 45), so the decision may go lower, not higher."""
        record = case.recommendation or {}
        item = case.item
        if self.deviated or item is None or case.proposed_fine is None or record.get("fine_min") is None:
            return None
        found = case.facts.get("factors") or []
        if any(
            code in STANDARD_FACTOR_MAP and STANDARD_FACTOR_MAP[code].effect == Effect.HEAVIER
            for code in found
        ):
            return None  # the reason speaks of a party who stopped at once: not one who refused to correct
        tier_min = Decimal(str(record["fine_min"]))
        statutory_min = item.fine_min or Decimal("0")
        if tier_min - statutory_min < 100:
            return None
        self.deviated = True
        return ((statutory_min + tier_min) / 2).quantize(Decimal("10"), rounding=ROUND_HALF_UP)

    def payment_data(self, case: Case, moment: dt.datetime) -> dict[str, Any]:
        case.refresh_from_db()
        paid = timezone.localtime(moment).date()
        fee = dl.late_fee(case.fine, case.payment_due, paid, dl.policy_for(case.district_id))
        amount = (case.fine or Decimal("0")) + (case.confiscated or Decimal("0")) + fee
        return {
            "paid_on": paid,
            "amount": amount,
            "channel": self.rnd.choice(["bank", "online", "online"]),
            "receipt": f"CQFS{paid:%Y%m%d}{self.rnd.randint(100000, 999999)}",
        }

    def archive_data(self, case: Case, moment: dt.datetime) -> dict[str, Any]:
        self.seq += 1
        return {"archive_ref": f"渝中执档〔{timezone.localtime(moment).year}〕{self.seq:04d}号"}


def _teams(district: District) -> list[Team] | None:
    teams = []
    for code, slug in SLUG_BY_TOWN.items():
        town = Unit.objects.filter(code=code).first()
        people = {u.username: u for u in User.objects.filter(username__startswith=f"{slug}_")}
        officers = [people[name] for name in (f"{slug}_officer", f"{slug}_officer2") if name in people]
        supervisor, reviewer = people.get(f"{slug}_supervisor"), people.get(f"{slug}_reviewer")
        if town is None or len(officers) != 2 or supervisor is None or reviewer is None:
            return None
        teams.append(Team(town, officers, supervisor, reviewer))
    return teams


def _held_facts(team: Team, on: dt.date) -> None:
    """The facts whose item the town holds over the whole period (checked at both ends)."""
    start = on - dt.timedelta(days=DAYS_BACK + 10)
    held = set(items_held_by(team.town, start).values_list("code", flat=True)) & set(
        items_held_by(team.town, on).values_list("code", flat=True)
    )
    team.items = {
        i.code: i for i in EnforcementItem.objects.filter(district=team.town.district, code__in=held)
    }
    team.facts = [f for f in FACTS if f.item in held]
    team.big_facts = [f for f in team.facts if f.big]
    team.simple_facts = [  # on the spot: a person, a fine the simple procedure allows (≤ 200 yuan, art 51)
        f
        for f in team.facts
        if f.party == "person"
        and not f.big
        and "fine" in (team.items[f.item].penalty_kinds or [])
        and (team.items[f.item].fine_min or 0) <= 200
        and _tier_fits_on_the_spot(team.items[f.item], on)
    ]


def _tier_fits_on_the_spot(item: EnforcementItem, on: dt.date) -> bool:
    """The benchmark's usual tier for the item starts within the simple procedure's 200 yuan: where it
    starts above (800 yuan for a faulty scale, say), an officer takes the normal procedure rather than fine
    below the tier on the spot."""
    from discretion.recommend import recommend

    rec = recommend(item, {"values": {}}, on=on)
    return not rec.punish or rec.fine_min is None or rec.fine_min <= 200


def seed(
    stdout: Any,
    *,
    count: int = COUNT,
    photos: int = PHOTOS,
    documents: int = DOCUMENTS,
    seed_value: int = 20260301,
) -> None:
    began = time.monotonic()
    district = District.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        stdout.write("cases: no demo district; skipped.")
        return
    if Case.objects.filter(district=district).exists():
        stdout.write(
            f"cases: the demo district already has {Case.objects.filter(district=district).count()} "
            "cases; nothing done."
        )
        return
    teams = _teams(district)
    if teams is None:
        stdout.write("cases: the demo towns or their people are missing; skipped.")
        return
    now = timezone.now()
    for team in teams:
        _held_facts(team, timezone.localdate())
    teams = [t for t in teams if t.facts]
    if not teams:
        stdout.write(
            "cases: the demo towns hold none of the demo items (is the authority demo loaded?); skipped."
        )
        return
    from whistles.models import WhistleRequest

    transfers = TRANSFERS if WhistleRequest.objects.filter(district=district).exists() else 0
    departments = list(
        Unit.objects.filter(district=district, kind=Unit.Kind.DEPARTMENT, is_active=True).order_by("code")
    )
    rnd = random.Random(seed_value)
    replay = Replay(district, teams, departments, rnd, now, stdout)
    replay.photos_wanted = photos

    # Every stage at least once (spread over the towns), then the mix.
    targets = [name for name, weight in MIX if weight] + ["transferred"] * transfers
    weighted = [name for name, weight in MIX for _ in range(weight)]
    while len(targets) < count:
        targets.append(rnd.choice(weighted))
    rnd.shuffle(targets)
    plans = [replay.prepare(teams[n % len(teams)], target) for n, target in enumerate(targets)]
    # All or nothing (a crash leaves no half demo), and one commit is fast on SQLite. The replay writes cases
    # and what hangs on them, never the catalog, grants, certificates, policies or benchmarks: those reads are
    # asked once.
    with stable_reference_data():
        with transaction.atomic():
            replay.execute(plans)
        replayed = time.monotonic()
        made_documents = _documents(replay, documents)
    stages = Counter(Case.objects.filter(district=district).values_list("stage", flat=True))
    simple = Case.objects.filter(district=district, procedure="simple").count()
    stdout.write(
        f"cases: {sum(stages.values())} demo cases over {DAYS_BACK} days in {len(teams)} towns "
        f"({simple} on the spot, 简易程序), {replay.photos} with photos, {made_documents} documents; "
        f"{replayed - began:.1f} s replaying, {time.monotonic() - replayed:.1f} s of documents:"
    )
    for stage in Stage:
        if stages.get(stage.value):
            stdout.write(f"  {stage.value:<14} {stages[stage.value]:>4}  {stage.label}")
    if replay.refusals:
        stdout.write(
            f"  refused by the services: {len(replay.refusals)} step(s); those cases stay where they were:"
        )
        for action, target, message in replay.refusals[:20]:
            stdout.write(f"    {action} (aiming at {target}): {message}")
    else:
        stdout.write("  no step was refused by the services.")


def _documents(replay: Replay, wanted: int) -> int:
    """Enforcement documents (PDF through WeasyPrint, the slow part) for a few decided cases."""
    if wanted <= 0:
        return 0
    from cases.documents import document_generate, documents_available

    made = 0
    candidates = []
    current = Case.objects.in_bulk([case.pk for case, _team, _target in replay.cases])
    for case, team, _target in replay.cases:
        case = current[case.pk]
        kinds = documents_available(case)
        if kinds:  # decisions first: the document people look for
            candidates.append(
                (
                    "decision" not in kinds,
                    replay.rnd.random(),
                    case,
                    team,
                    "decision" if "decision" in kinds else kinds[-1],
                )
            )
    candidates.sort(key=lambda row: row[:2])
    decisions = [row for row in candidates if not row[0]]
    others = [row for row in candidates if row[0]]
    keep = decisions[: max(wanted - len(others), wanted * 2 // 3)]
    chosen = keep + others[: wanted - len(keep)]
    for _later, _order, case, team, kind in chosen:
        actor = next(
            (o.officer for o in case.officers.select_related("officer") if o.active), team.supervisor
        )
        try:
            document_generate(actor=actor, case=case, kind=kind)
            made += 1
        except (ValidationError, PermissionDenied) as exc:
            replay.refuse("document", case.stage, exc)
    return made
