"""Demo whistles: five months of towns calling departments, replayed through the real services at the times
they happened (`enforcement.clock.at`). Some departments are quick, one is slow and bounces problems back "as
a local responsibility"; one return is overruled by the district, others upheld; the last days leave work
open, some of it overdue. Idempotent: if the demo district already has whistles, nothing is done.

Uses the demo catalog's items when authority's demo has imported them, and works without them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from authority.models import EnforcementItem
from demo.case_replay import CENTRES
from demo.core import SLUG_BY_TOWN
from demo.pictures import scene_photo
from enforcement import clock
from enforcement.audit import audit_record
from enforcement.memo import stable_reference_data
from enforcement.models import District, Unit, User
from whistles.models import Notification, WhistleAssignment, WhistleRequest
from whistles.services import (
    assignment_acknowledge,
    assignment_alert,
    assignment_arrive,
    assignment_confirm,
    assignment_handle,
    assignment_overrule_return,
    assignment_return,
    assignment_uphold_return,
    notifications_mark_all_read,
    whistle_raise,
    whistle_withdraw,
)
from whistles.workflow import DEPARTMENT_WORK

DISTRICT_CODE = "500103"
RESPONDERS = {
    "market": "market_responder",
    "city_management": "urban_responder",
    "environment": "eco_responder",
    "emergency": "emergency_responder",
}
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Problem:
    domain: str
    title: str
    description: str
    address: str
    reason: str
    urgency: str = "normal"
    item: str = ""
    handling: str = ""
    case_ref: bool = False
    also: str = ""  # a second department for joint action
    town: str = ""  # the town whose streets the address is in


PROBLEMS = [
    Problem(
        "market",
        "超市货架销售过期乳制品",
        "群众举报某超市冷柜内多批次酸奶已过保质期仍在销售，街道无该项处罚权。",
        "大坪正街118号",
        "no_power",
        item="CQ-SC-003",
        handling="现场下架过期酸奶43盒，抽样送检，已立案调查。",
        case_ref=True,
        town="500103-003",
    ),
    Problem(
        "market",
        "儿童玩具店销售无3C标志电动玩具",
        "巡查发现店内销售的电动玩具无3C认证标志，疑似不合格产品。",
        "解放碑民族路66号",
        "no_power",
        item="CQ-SC-007",
        handling="查封涉嫌不合格玩具126件，责令暂停销售，已立案。",
        case_ref=True,
        town="500103-002",
    ),
    Problem(
        "market",
        "菜市场电子秤疑似被改装",
        "多名群众反映在同一摊位买菜缺斤短两，需要计量检定设备核查。",
        "石油路菜市场B区12号摊",
        "expertise",
        item="CQ-SC-006",
        handling="使用标准砝码检定，确认计量器具不准确，已扣押并责令整改。",
        town="500103-001",
    ),
    Problem(
        "city_management",
        "大型户外广告牌松动存在坠落风险",
        "大风后临街楼顶广告牌一角脱落，需专业力量评估和拆除。",
        "化龙桥红岩村桥头",
        "expertise",
        urgency="urgent",
        handling="联系产权单位，现场加固并拆除松动面板，设置警示区域。",
        town="500103-004",
    ),
    Problem(
        "city_management",
        "渣土车夜间沿途抛洒",
        "连续三晚有渣土车在辖区主干道抛洒，涉及跨区运输企业。",
        "大坪长江二路",
        "joint_action",
        handling="联合交巡警设卡检查，查处违规车辆2台，约谈运输企业。",
        case_ref=True,
        town="500103-003",
    ),
    Problem(
        "city_management",
        "小区违法搭建涉及规划审批",
        "居民在楼顶搭建彩钢房约60平方米，是否取得规划许可需区级部门认定。",
        "石油路街道渝州新城7栋",
        "no_power",
        handling="经规划核查无许可，已下达限期拆除决定。",
        case_ref=True,
        town="500103-001",
    ),
    Problem(
        "environment",
        "餐馆油烟直排居民窗口",
        "沿街火锅店油烟净化器长期不开，居民投诉多次，需要油烟检测。",
        "解放碑八一路203号",
        "expertise",
        item="CQ-HJ-001",
        handling="现场检测油烟浓度超标，责令限期整改并复查。",
        town="500103-002",
    ),
    Problem(
        "environment",
        "工地夜间施工噪声扰民",
        "工地连续夜间浇筑混凝土，未见夜间施工许可公示。",
        "大坪石油路轻轨站旁工地",
        "no_power",
        item="CQ-HJ-006",
        handling="夜间突击检查，测得噪声超标，责令停止夜间施工。",
        case_ref=True,
        town="500103-001",
    ),
    Problem(
        "environment",
        "洗车店污水直排雨水管网",
        "洗车店废水未经处理直接排入雨水井，疑似无排污许可。",
        "化龙桥北城天街后街",
        "no_power",
        item="CQ-HJ-007",
        handling="现场采样，确认无排污许可，已立案并责令停止排放。",
        case_ref=True,
        town="500103-004",
    ),
    Problem(
        "emergency",
        "居民楼底商铺燃气泄漏",
        "商铺内闻到浓烈燃气味，已疏散群众，需要专业处置。",
        "解放碑较场口88号",
        "emergency",
        urgency="emergency",
        handling="会同燃气公司关阀检漏，更换老化软管，隐患已消除。",
        town="500103-002",
    ),
    Problem(
        "emergency",
        "无证储存危险化学品",
        "仓库内堆放多桶油漆稀释剂，无危化品经营许可。",
        "化龙桥李子坝正街41号",
        "no_power",
        urgency="urgent",
        item="CQ-YJ-006",
        handling="查封危化品23桶，转移至合规仓库，已立案。",
        case_ref=True,
        town="500103-004",
    ),
    Problem(
        "emergency",
        "有限空间作业无防护",
        "污水井内有工人作业，未见通风检测和监护人员。",
        "大坪医学院路",
        "emergency",
        urgency="emergency",
        handling="立即叫停作业，督促企业落实有限空间作业审批和检测。",
        town="500103-003",
    ),
    Problem(
        "market",
        "餐饮一条街食品安全联合检查",
        "夜市餐饮摊点集中，存在无证经营、油烟和消防通道占用问题，需联合执法。",
        "石油路夜市",
        "joint_action",
        also="environment",
        handling="联合检查摊点31家，责令整改9家，立案2起。",
        case_ref=True,
        town="500103-001",
    ),
]

# How each department behaves: minutes to check in, hours to get on site after that, hours to handle after
# that.
PROFILES: dict[str, dict[str, Any]] = {
    "market": {"check_in": (8, 90), "on_site": (1, 20), "handle": (4, 60), "late_check_in": 0.05},
    "city_management": {
        "check_in": (60, 1500),
        "on_site": (4, 40),
        "handle": (24, 120),
        "late_check_in": 0.25,
    },
    "environment": {"check_in": (20, 600), "on_site": (2, 40), "handle": (12, 150), "late_check_in": 0.1},
    "emergency": {"check_in": (6, 40), "on_site": (0.3, 1.8), "handle": (1, 20), "late_check_in": 0.15},
}


@dataclass
class Cast:
    district: District
    towns: list[Unit]
    departments: dict[str, Unit]
    officers: dict[str, list[User]]
    responders: dict[str, User]
    admin: User
    items: dict[str, EnforcementItem] = field(default_factory=dict)


def _cast() -> Cast | None:
    district = District.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        return None
    towns = list(Unit.objects.filter(code__in=SLUG_BY_TOWN).order_by("code"))
    departments = {u.domain: u for u in Unit.objects.filter(district=district, kind=Unit.Kind.DEPARTMENT)}
    officers = {
        t.code: list(
            User.objects.filter(
                username__in=[
                    f"{SLUG_BY_TOWN[t.code]}_officer",
                    f"{SLUG_BY_TOWN[t.code]}_supervisor",
                    f"{SLUG_BY_TOWN[t.code]}_officer2",
                ]
            ).order_by("username")
        )
        for t in towns
    }
    found = {domain: User.objects.filter(username=name).first() for domain, name in RESPONDERS.items()}
    responders = {domain: user for domain, user in found.items() if user is not None}
    admin = User.objects.filter(username="admin").first()
    if len(towns) != 4 or admin is None or len(responders) != len(found) or not all(officers.values()):
        return None
    items = {i.code: i for i in EnforcementItem.objects.filter(district=district)}
    return Cast(district, towns, departments, officers, responders, admin, items)


def _place_near(town: Unit, seed: int) -> tuple[Decimal, Decimal]:
    """A point near the town's centre (the case replay's), so the town map shows the whistles. Its own
    generator: the replay's draws, and so the rest of the demo district, stay as they were."""
    lat, lng = CENTRES.get(town.code, (29.5560, 106.5330))
    rnd = random.Random(f"whistle-place-{seed}")
    return (
        Decimal(f"{lat + rnd.uniform(-0.005, 0.005):.6f}"),
        Decimal(f"{lng + rnd.uniform(-0.006, 0.006):.6f}"),
    )


def _photo(seed: int) -> SimpleUploadedFile:
    return scene_photo(seed, f"scene-{seed}.jpg")


def _daytime(moment: dt.datetime, urgency: str) -> dt.datetime:
    """Departments work office hours unless it is an emergency: a step that would fall at night happens at
    08:xx."""
    local = timezone.localtime(moment)
    if urgency == "emergency" or 8 <= local.hour < 21:
        return moment
    next_morning = local if local.hour < 8 else local + dt.timedelta(days=1)
    return next_morning.replace(hour=8, minute=local.minute % 50 + 5)


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


class Replay:
    def __init__(self, cast: Cast, rnd: random.Random, now: dt.datetime) -> None:
        self.cast = cast
        self.rnd = rnd
        self.now = now
        self.count = 0

    def raise_(self, problem: Problem, town: Unit, at: dt.datetime, *, photo: bool = False) -> WhistleRequest:
        officer = self.rnd.choice(self.cast.officers[town.code])
        departments = [self.cast.departments[problem.domain]]
        if problem.also:
            departments.append(self.cast.departments[problem.also])
        latitude, longitude = _place_near(town, self.count)
        with clock.at(at):
            whistle = whistle_raise(
                actor=officer,
                town=town,
                title=problem.title,
                description=problem.description,
                reason=problem.reason,
                urgency=problem.urgency,
                address=problem.address,
                departments=departments,
                item=self.cast.items.get(problem.item),
                photos=[_photo(self.count)] if photo else [],
                latitude=latitude,
                longitude=longitude,
            )
        self.count += 1
        return whistle

    def delays(
        self, domain: str, urgency: str, late: bool
    ) -> tuple[dt.timedelta, dt.timedelta, dt.timedelta]:
        p = PROFILES[domain]
        lo, hi = p["check_in"]
        check_in = self.rnd.uniform(lo, hi) * M
        if urgency == "emergency":
            check_in = self.rnd.uniform(6, 28) * M if not late else self.rnd.uniform(35, 70) * M
        elif urgency == "urgent":
            check_in = (
                min(check_in, self.rnd.uniform(20, 200) * M) if not late else self.rnd.uniform(5, 9) * H
            )
        elif late:
            check_in = self.rnd.uniform(26, 40) * H
        on_site = self.rnd.uniform(*p["on_site"]) * H
        handle = self.rnd.uniform(*p["handle"]) * H
        return check_in, on_site, handle

    def work(
        self,
        whistle: WhistleRequest,
        assignment: WhistleAssignment,
        start: dt.datetime,
        *,
        stop: str = "",
        late: bool = False,
        rating: int | None = None,
    ) -> dt.datetime:
        """Check in, go on site, handle and get rated, stopping early at `stop`. Returns the time of the last
        step."""
        domain = assignment.department.domain
        responder = self.cast.responders[domain]
        check_in, on_site, handle = self.delays(domain, whistle.urgency, late)
        at = _daytime(start + check_in, whistle.urgency)
        if stop == "sent" or at > self.now:
            return start
        with clock.at(at):
            assignment_acknowledge(actor=responder, assignment=assignment)
        if stop == "acknowledged":
            return at
        previous, at = at, _daytime(at + on_site, whistle.urgency)
        if at > self.now:
            return previous
        with clock.at(at):
            assignment_arrive(actor=responder, assignment=assignment, note="执法人员已到场")
        if stop == "on_site":
            return at
        previous, at = at, _daytime(at + handle, whistle.urgency)
        if at > self.now:
            return previous
        problem = next((p for p in PROBLEMS if p.title == whistle.title), None)
        note = problem.handling if problem else "已按职责处置完毕。"
        case_ref = (
            f"渝中{assignment.department.name_zh[3:5]}罚〔{at.year}〕{self.rnd.randint(10, 300)}号"
            if problem and problem.case_ref
            else ""
        )
        with clock.at(at):
            assignment_handle(actor=responder, assignment=assignment, note=note, case_ref=case_ref)
        if stop == "handled":
            return at
        at = _daytime(at + self.rnd.uniform(2, 30) * H, "normal")
        if at > self.now:
            return at
        stars = rating or (self.rnd.choice([4, 5, 5]) if not late else self.rnd.choice([2, 3, 3, 4]))
        comment = {
            5: "响应迅速，处置到位",
            4: "处置及时",
            3: "基本解决，但到场偏慢",
            2: "到场太慢，群众意见较大",
        }[stars]
        officer = self.rnd.choice(self.cast.officers[whistle.town.code])
        with clock.at(at):
            assignment_confirm(actor=officer, assignment=assignment, rating=stars, comment=comment)
        return at


@transaction.atomic
def _seed(cast: Cast, now: dt.datetime) -> int:
    rnd = random.Random(20260301)
    replay = Replay(cast, rnd, now)
    today = timezone.localtime(now).date()
    start_day = today - dt.timedelta(days=150)
    standard = [p for p in PROBLEMS if not p.also]

    # Five months of settled whistles, about three a week.
    day = start_day
    n = 0
    while day < today - dt.timedelta(days=12):
        problem = standard[n % len(standard)] if n % 9 else PROBLEMS[-1]
        if n in (6, 41):
            problem = PROBLEMS[5]  # a building matter the slow department calls "the town's own business"
        elif n == 24:
            problem = PROBLEMS[3]  # a loose billboard: the town whistled for expertise it does not have
        elif n in (14, 33):
            problem = PROBLEMS[8]  # a discharge report too vague to act on
        town = next(t for t in cast.towns if t.code == problem.town)
        at = _local(day, rnd.randint(8, 19), rnd.choice([5, 15, 25, 40, 50]))
        whistle = replay.raise_(problem, town, at, photo=n in (3, 17))
        profile = PROFILES[problem.domain]
        if n == 28:
            # The town solved it before anyone came and withdrew the whistle.
            with clock.at(at + 50 * M):
                whistle_withdraw(
                    actor=cast.officers[town.code][0],
                    whistle=whistle,
                    reason="当事人已自行整改，无需部门到场。",
                )
            n += 1
            day += dt.timedelta(days=2)
            continue
        for assignment in whistle.assignments.select_related("department").order_by("pk"):
            domain = assignment.department.domain
            if n in (6, 24, 41) and domain == "city_management":
                # The slow department bounces it back as "the town's own business"; the district upholds twice
                # ...
                with clock.at(_daytime(at + rnd.uniform(20, 30) * H, "normal")):
                    assignment_return(
                        actor=cast.responders[domain],
                        assignment=assignment,
                        reason="town_holds_power",
                        note="该问题属于街道属地管理职责，请街道自行处理。",
                    )
                with clock.at(_daytime(at + 2 * 24 * H, "normal")):
                    if n == 24:
                        # ... and overrules once: the town whistled for expertise it does not have.
                        assignment_overrule_return(
                            actor=cast.admin,
                            assignment=assignment,
                            note="该事项需要专业力量，街道无相应设备和权限，请城管局立即处置。",
                        )
                    else:
                        assignment_uphold_return(
                            actor=cast.admin,
                            assignment=assignment,
                            note="经核实该事项已赋权街道，由街道依法处理。",
                        )
                if n == 24:
                    replay.work(whistle, assignment, _daytime(at + 2 * 24 * H, "normal"), late=True, rating=2)
                continue
            if n in (14, 33) and domain == "environment":
                with clock.at(_daytime(at + 6 * H, "normal")):
                    assignment_return(
                        actor=cast.responders[domain],
                        assignment=assignment,
                        reason="insufficient_information",
                        note="未提供具体门牌和排放时段，无法核查，请补充。",
                    )
                with clock.at(_daytime(at + 30 * H, "normal")):
                    assignment_uphold_return(
                        actor=cast.admin, assignment=assignment, note="请街道补充信息后重新吹哨。"
                    )
                continue
            late = rnd.random() < profile["late_check_in"]
            replay.work(whistle, assignment, at, late=late)
        n += 1
        day += dt.timedelta(days=rnd.choice([1, 2, 2, 3, 3, 4]))

    # The last days: work in every state, some of it late.
    recent = [
        # (problem index, days ago, hours ago extra, stop, late)
        (0, 11, 0, "handled", False),  # market handled, awaiting the town's confirmation
        (3, 9, 0, "on_site", True),  # urban on site, late
        (6, 6, 0, "acknowledged", False),  # environment checked in
        (5, 4, 0, "returned", False),  # urban returned "local responsibility": awaiting the district
        (9, 0, 5, "handled", False),  # emergency handled this morning
        (1, 2, 0, "sent", False),  # market: not checked in for two days (overdue)
        (7, 0, 3, "sent", False),  # environment: raised three hours ago
        (12, 3, 0, "on_site", False),  # joint: market and environment on site
        (10, 1, 0, "on_site", False),  # emergency (urgent) on site
    ]
    for index, days_ago, hours_ago, stop, late in recent:
        problem = PROBLEMS[index]
        at = timezone.localtime(now) - dt.timedelta(days=days_ago, hours=hours_ago) - rnd.randint(0, 50) * M
        if days_ago:
            at = at.replace(hour=min(max(at.hour, 9), 17))
        town = next(t for t in cast.towns if t.code == problem.town)
        whistle = replay.raise_(problem, town, at, photo=index in (3, 9))
        for assignment in whistle.assignments.select_related("department").order_by("pk"):
            if stop == "returned":
                with clock.at(_daytime(at + 26 * H, "normal")):
                    assignment_return(
                        actor=cast.responders[assignment.department.domain],
                        assignment=assignment,
                        reason="town_holds_power",
                        note="违法建设查处已下放街道，属于街道职责，退回街道办理。",
                    )
            else:
                replay.work(whistle, assignment, at, stop=stop, late=late)

    # Old notifications are read; recent ones stay new so the bell shows something.
    with clock.at(now):
        for recipient in User.objects.filter(
            pk__in=Notification.objects.filter(read_at__isnull=True).values("recipient")
        ).order_by("pk"):
            notifications_mark_all_read(actor=recipient, before=now - dt.timedelta(days=3))
    # Send the reminders and escalations due now for what is still open.
    for assignment_id in WhistleAssignment.objects.filter(
        whistle__district=cast.district, status__in=DEPARTMENT_WORK, alert_at__lte=now
    ).values_list("pk", flat=True):
        with clock.at(now):
            assignment_alert(assignment_id=assignment_id)
    total = WhistleRequest.objects.filter(district=cast.district).count()
    audit_record(actor=None, action="whistles.demo.seed", after={"whistles": total})
    return total


def seed(stdout: Any) -> None:
    cast = _cast()
    if cast is None:
        stdout.write("whistles: the demo district or its people are missing; skipped.")
        return
    if WhistleRequest.objects.filter(district=cast.district).exists():
        stdout.write("whistles: demo whistles already present.")
        return
    with stable_reference_data():  # the replay writes whistles and notifications only
        total = _seed(cast, timezone.now())
    stdout.write(
        f"whistles: {total} demo whistles over five months "
        f"({'with' if cast.items else 'without'} catalog items)."
    )
