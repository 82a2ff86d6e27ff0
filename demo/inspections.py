"""Demo joint inspections (综合查一次) for 渝中区, replayed through the real services at the times they
happened (`enforcement.clock.at`): the district's published inspection-item list (five fields, every point
tied to an item of the demo authority catalog), the units' checklists for four scenarios (restaurant, building
site, residential estate, street shop), a registry of a few hundred businesses, four months of visits (some
joint, some with failures that became draft cases for the town or whistles to the department holding the
power, some re-checked), and the work of today: a draft, a plan waiting for departments to answer, an approved
visit with its code and notice, a visit on site, findings to hand on, two plans on one building site that the
merge proposes to combine, an on-the-spot visit approved afterwards.

Needs the core demo and the authority demo's catalog; skipped without them. Idempotent: if the district has a
published inspection-item list, nothing is done. It writes draft cases and whistles through those apps'
services, so it runs after the whistle and case demos (which skip when their tables already hold rows).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from authority.models import EnforcementItem
from demo.core import SLUG_BY_TOWN
from demo.pictures import scene_photo
from enforcement import clock
from enforcement.models import District, Subject, Unit, User
from enforcement.services import subject_get_or_create
from inspections import services
from inspections.models import ChecklistTemplate, CheckPoint, InspectionItem, InspectionList, InspectionTask
from inspections.workflow import PointResult, Scenario, TaskKind

DISTRICT_CODE = "500103"
LIST_TITLE = "渝中区涉企行政检查事项清单（2026年版）"
LIST_DOCUMENT = "渝中府办发〔2026〕12号"
SEED = 20260920  # 令375 in force
CODE_BASE = "http://127.0.0.1:8000"  # the demo server (scripts/demo); the notice's QR points here

RESPONDERS = {
    "market": "market_responder",
    "emergency": "emergency_responder",
    "city_management": "urban_responder",
}

# (code, name, legal basis, high risk, [(point code, what to check, enforcement item, photo on fail)])
ITEMS: list[tuple[str, str, str, bool, list[tuple[str, str, str, bool]]]] = [
    (
        "JC-CG-01",
        "市容环境卫生和户外招牌检查",
        "《重庆市市容环境卫生管理条例》《重庆市户外广告管理条例》",
        False,
        [
            ("1", "是否超出门窗和外墙经营、作业或者展示商品", "CQ-CG-002", True),
            ("2", "是否擅自占用人行道、广场摆摊设点", "CQ-CG-001", True),
            ("3", "户外招牌、广告设施是否完好整洁，有无破损、污浊", "CQ-CG-007", True),
            ("4", "是否擅自设置户外广告设施", "CQ-CG-006", False),
            ("5", "门前责任区是否整洁，有无乱倒、乱堆生活垃圾", "CQ-CG-003", False),
            ("6", "餐厨垃圾、其他垃圾是否分类投放", "CQ-CG-015", False),
        ],
    ),
    (
        "JC-HJ-01",
        "餐饮油烟和噪声污染防治检查",
        "《中华人民共和国大气污染防治法》《中华人民共和国噪声污染防治法》",
        False,
        [
            ("1", "是否安装油烟净化设施", "CQ-HJ-001", True),
            ("2", "油烟净化设施是否正常使用，是否有清洗维护记录", "CQ-HJ-001", False),
            ("3", "是否在禁止区域露天烧烤或者为露天烧烤提供场地", "CQ-HJ-002", True),
            ("4", "是否使用高音广播喇叭招揽顾客", "CQ-HJ-005", False),
            ("5", "夜间（22时至次日6时）是否进行产生噪声的施工作业", "CQ-HJ-006", False),
        ],
    ),
    (
        "JC-SC-01",
        "食品经营和价格计量检查",
        "《中华人民共和国食品安全法》《中华人民共和国价格法》《中华人民共和国计量法》",
        False,
        [
            ("1", "是否在显著位置公示食品经营许可证（小餐饮登记证）", "CQ-SC-005", False),
            ("2", "从事接触直接入口食品工作的人员是否持有效健康证明", "CQ-SC-005", False),
            ("3", "库存食品原料、食品添加剂是否超过保质期", "CQ-SC-003", True),
            ("4", "商品和服务是否明码标价", "CQ-SC-004", False),
            ("5", "使用的计量器具是否经检定合格", "CQ-SC-006", False),
            ("6", "销售的电器、燃气灶具等产品是否符合强制性标准", "CQ-SC-007", True),
        ],
    ),
    (
        "JC-XF-01",
        "消防和燃气安全检查",
        "《中华人民共和国消防法》《城镇燃气管理条例》《重庆市燃气管理条例》",
        True,
        [
            ("1", "疏散通道、安全出口是否畅通，有无占用、堵塞、封闭", "CQ-XF-001", True),
            ("2", "灭火器等消防器材是否按标准配置并保持完好有效", "CQ-XF-010", True),
            ("3", "门窗上是否设置影响逃生和灭火救援的障碍物", "CQ-XF-007", False),
            ("4", "公共门厅、楼梯间是否停放电动自行车或者为其充电", "CQ-XF-005", True),
            ("5", "消防车通道是否畅通", "CQ-XF-004", True),
            ("6", "公众聚集场所投入使用前是否经消防安全检查", "CQ-XF-009", False),
            ("7", "瓶装燃气是否从有资质的经营者购买，气瓶是否合格", "CQ-ZJ-005", True),
        ],
    ),
    (
        "JC-YJ-01",
        "安全生产检查",
        "《中华人民共和国安全生产法》《生产安全事故应急条例》",
        True,
        [
            ("1", "是否对从业人员进行安全生产教育和培训并有记录", "CQ-YJ-001", False),
            ("2", "有较大危险因素的场所和设备是否设置明显的安全警示标志", "CQ-YJ-002", True),
            ("3", "排查出的事故隐患是否已采取措施消除", "CQ-YJ-003", True),
            ("4", "是否制定生产安全事故应急救援预案并定期演练", "CQ-YJ-007", False),
        ],
    ),
    (
        "JC-ZJ-01",
        "建设工地文明施工检查",
        "《中华人民共和国大气污染防治法》《中华人民共和国建筑法》《城市建筑垃圾管理规定》",
        False,
        [
            ("1", "施工现场是否设置连续、稳固的硬质围挡", "CQ-ZJ-001", True),
            ("2", "出入口地面是否硬化，是否设置车辆冲洗设施并正常使用", "CQ-ZJ-001", True),
            ("3", "裸露土方、易扬尘物料是否覆盖，是否洒水抑尘", "CQ-ZJ-001", True),
            ("4", "是否取得施工许可证", "CQ-ZJ-003", False),
            ("5", "渣土运输车辆是否密闭，有无沿途泄漏遗撒", "CQ-CG-008", True),
            ("6", "建筑垃圾是否随意倾倒、堆放", "CQ-CG-009", True),
        ],
    ),
    (
        "JC-WY-01",
        "住宅小区物业和公共秩序检查",
        "《物业管理条例》《重庆市城市园林绿化条例》《城乡规划法》",
        False,
        [
            ("1", "小区内有无未取得规划许可的违法搭建", "CQ-CG-014", True),
            ("2", "有无擅自砍伐树木、毁坏绿地", "CQ-CG-012", True),
            ("3", "物业管理用房是否被改变用途", "CQ-ZJ-006", False),
            ("4", "携犬出户是否束犬链、及时清除粪便（宣传提示落实情况）", "CQ-CG-011", False),
        ],
    ),
]

# (unit code, scenario, name, [item code or "item:point"])
TEMPLATES: list[tuple[str, str, str, list[str]]] = [
    (
        "500103-001",
        Scenario.RESTAURANT,
        "餐饮店综合查一次检查表（石油路街道）",
        [
            "JC-CG-01:1",
            "JC-CG-01:3",
            "JC-CG-01:6",
            "JC-HJ-01:1",
            "JC-HJ-01:2",
            "JC-HJ-01:3",
            "JC-SC-01:2",
            "JC-XF-01:1",
            "JC-XF-01:2",
        ],
    ),
    (
        "500103-001",
        Scenario.STREET_SHOP,
        "沿街商铺检查表（石油路街道）",
        ["JC-CG-01", "JC-SC-01:4", "JC-HJ-01:4", "JC-XF-01:1"],
    ),
    (
        "500103-001",
        Scenario.BUILDING_SITE,
        "建设工地检查表（石油路街道）",
        ["JC-ZJ-01:1", "JC-ZJ-01:2", "JC-ZJ-01:3", "JC-ZJ-01:6", "JC-HJ-01:5", "JC-YJ-01:2"],
    ),
    (
        "500103-001",
        Scenario.RESIDENTIAL_ESTATE,
        "住宅小区检查表（石油路街道）",
        ["JC-WY-01", "JC-XF-01:4", "JC-XF-01:5", "JC-CG-01:5"],
    ),
    (
        "500103-market",
        Scenario.RESTAURANT,
        "餐饮服务食品安全监督检查表",
        ["JC-SC-01:1", "JC-SC-01:2", "JC-SC-01:3", "JC-SC-01:4", "JC-SC-01:5"],
    ),
    ("500103-market", Scenario.STREET_SHOP, "商户经营行为检查表", ["JC-SC-01:4", "JC-SC-01:5", "JC-SC-01:6"]),
    (
        "500103-emergency",
        Scenario.RESTAURANT,
        "餐饮场所燃气和安全生产检查表",
        ["JC-XF-01:1", "JC-XF-01:6", "JC-XF-01:7", "JC-YJ-01:1", "JC-YJ-01:3", "JC-YJ-01:4"],
    ),
    (
        "500103-city_management",
        Scenario.BUILDING_SITE,
        "建设工地扬尘和渣土检查表",
        ["JC-ZJ-01", "JC-YJ-01:2"],
    ),
]
# The other three subdistricts use the same four checklists as 石油路街道, under their own name.
TEMPLATES += [
    (code, scenario, name.replace("石油路街道", town), refs)
    for code, town in (("500103-002", "解放碑街道"), ("500103-003", "大坪街道"), ("500103-004", "化龙桥街道"))
    for unit, scenario, name, refs in TEMPLATES[:4]
]

STREETS = {
    "500103-001": ["石油路", "虎头岩路", "渝州路", "万象城北街", "石油路轻轨站旁"],
    "500103-002": ["民族路", "邹容路", "八一路", "五四路", "民生路"],
    "500103-003": ["大坪正街", "长江二路", "大坪北路", "袁家岗路"],
    "500103-004": ["红岩村", "化龙桥正街", "李子坝正街", "虎头岩隧道口"],
}
RESTAURANTS = [
    "老码头火锅",
    "渝味小面",
    "山城烤鱼",
    "嘉陵江豆花饭",
    "巴渝串串香",
    "胖妹面庄",
    "朝天门酸辣粉",
    "顺风鸡公煲",
    "老院子中餐",
    "川味钵钵鸡",
    "解放碑烧烤",
    "渝乡米线",
    "好又来抄手",
    "江湖菜馆",
    "重庆小吃店",
]
SHOPS = [
    "便民超市",
    "五金建材店",
    "手机维修店",
    "水果店",
    "烟酒店",
    "服装店",
    "药房",
    "电器商行",
    "文具店",
    "花店",
    "理发店",
    "干洗店",
    "眼镜店",
    "母婴用品店",
    "面包房",
]
SITES = [
    "城市更新项目一期工地",
    "安置房项目二标段工地",
    "商业综合体改造工地",
    "道路管网改造工地",
    "学校扩建工程工地",
]
ESTATES = ["渝州新城小区", "石油新村", "大坪花园", "红岩新村", "八一大院", "长江苑", "化龙佳苑", "民族路小区"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何罗高林"


@dataclass
class Cast:
    district: District
    towns: list[Unit]
    departments: dict[str, Unit]
    officers: dict[str, list[User]]  # town code -> officer, officer2
    heads: dict[str, User]  # town code -> supervisor
    responders: dict[str, User]  # domain -> responder
    items: dict[str, EnforcementItem]


def _cast() -> Cast | None:
    district = District.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        return None
    towns = list(Unit.objects.filter(code__in=SLUG_BY_TOWN).order_by("code"))
    users = {u.username: u for u in User.objects.filter(unit__district=district)}
    officers, heads = {}, {}
    for town in towns:
        slug = SLUG_BY_TOWN[town.code]
        pair = [users[name] for name in (f"{slug}_officer", f"{slug}_officer2") if name in users]
        head = users.get(f"{slug}_supervisor")
        if len(pair) != 2 or head is None:
            return None
        officers[town.code], heads[town.code] = pair, head
    responders = {domain: users[name] for domain, name in RESPONDERS.items() if name in users}
    if len(towns) != 4 or len(responders) != len(RESPONDERS):
        return None
    departments = {u.domain: u for u in Unit.objects.filter(district=district, kind=Unit.Kind.DEPARTMENT)}
    items = {i.code: i for i in EnforcementItem.objects.filter(district=district)}
    return Cast(district, towns, departments, officers, heads, responders, items)


def _moment(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _visit_day(today: dt.date, months_back: int, rnd: random.Random) -> dt.date:
    """A day from the 21st to the 28th (no quiet day) `months_back` months before today's month."""
    year, month = today.year, today.month - months_back
    while month <= 0:
        month += 12
        year -= 1
    return dt.date(year, month, rnd.randint(21, 28))


def _next_open_day(today: dt.date, months_ahead: int = 1, day: int = 24) -> dt.date:
    year, month = today.year, today.month + months_ahead
    while month > 12:
        month -= 12
        year += 1
    return dt.date(year, month, day)


def _photo(seed: int) -> SimpleUploadedFile:
    return scene_photo(seed, f"site-{seed}.jpg")


# --- the list, the checklists, the registry -----------------------------------------------------------------


def _seed_list(cast: Cast, admin: User, today: dt.date) -> dict[str, CheckPoint]:
    listing = services.inspection_list_create(
        actor=admin, district=cast.district, title=LIST_TITLE, document_number=LIST_DOCUMENT
    )
    points: dict[str, CheckPoint] = {}
    for code, name, basis, high_risk, rows in ITEMS:
        item = services.inspection_item_add(
            actor=admin,
            inspection_list=listing,
            code=code,
            name_zh=name,
            legal_basis=basis,
            high_risk=high_risk,
        )
        for point_code, text, enforcement_code, photo in rows:
            points[f"{code}:{point_code}"] = services.check_point_add(
                actor=admin,
                item=item,
                code=point_code,
                text_zh=text,
                enforcement_item=cast.items[enforcement_code],
                photo_on_fail=photo,
            )
    services.inspection_list_publish(actor=admin, inspection_list=listing, on=today - dt.timedelta(days=200))
    return points


def _seed_templates(cast: Cast, points: dict[str, CheckPoint]) -> dict[tuple[str, str], ChecklistTemplate]:
    keepers = {t.code: cast.heads[t.code] for t in cast.towns}
    for domain, responder in cast.responders.items():
        keepers[cast.departments[domain].code] = responder
    out = {}
    for unit_code, scenario, name, refs in TEMPLATES:
        unit = Unit.objects.get(code=unit_code)
        chosen = []
        for ref in refs:
            if ":" in ref:
                chosen.append(points[ref])
            else:
                chosen += [p for key, p in points.items() if key.startswith(f"{ref}:")]
        template = services.template_create(
            actor=keepers[unit_code], unit=unit, scenario=scenario, name=name, points=chosen
        )
        out[(unit_code, scenario)] = services.template_activate(actor=keepers[unit_code], template=template)
    return out


def _credit_code(rnd: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91500103" + "".join(rnd.choice(alphabet) for _ in range(10))


@dataclass
class Business:
    subject: Subject
    town: Unit
    scenario: str


def _seed_registry(cast: Cast, rnd: random.Random) -> list[Business]:
    out = []
    for town in cast.towns:
        streets = STREETS[town.code]
        names = (
            [
                (f"{n}（{streets[i % len(streets)]}店）", Scenario.RESTAURANT)
                for i, n in enumerate(RESTAURANTS)
            ]
            + [(f"{SURNAMES[i]}记{n}", Scenario.STREET_SHOP) for i, n in enumerate(SHOPS)]
            + [(f"{town.name_zh[:-2]}{n}", Scenario.BUILDING_SITE) for n in SITES[:3]]
            + [(f"{n}", Scenario.RESIDENTIAL_ESTATE) for n in ESTATES[cast.towns.index(town) * 2 :][:3]]
            + [(f"{SURNAMES[(i + 7) % 20]}氏{n}", Scenario.RESTAURANT) for i, n in enumerate(RESTAURANTS[:8])]
            + [(f"{SURNAMES[(i + 3) % 20]}家{n}", Scenario.STREET_SHOP) for i, n in enumerate(SHOPS[:9])]
        )
        for name, scenario in names:
            street = rnd.choice(streets)
            subject = subject_get_or_create(
                actor=None,
                district=cast.district,
                kind=Subject.Kind.ORGANISATION,
                name=name,
                identifier=_credit_code(rnd),
                address=f"渝中区{town.name_zh}{street}{rnd.randint(1, 260)}号",
            )
            out.append(Business(subject, town, scenario))
    return out


# --- one visit through the services -------------------------------------------------------------------------

NOTES = {
    "JC-CG-01:1": "店外摆放桌椅四张、冰柜一台，占用人行道约6平方米",
    "JC-CG-01:3": "招牌灯箱破损，部分字体脱落",
    "JC-CG-01:6": "餐厨垃圾与其他垃圾混装",
    "JC-HJ-01:1": "后厨未安装油烟净化设施，油烟直排后巷",
    "JC-HJ-01:2": "油烟净化器未通电，无清洗记录",
    "JC-HJ-01:3": "店外空地摆放烧烤炉两台",
    "JC-SC-01:2": "两名后厨人员健康证明过期",
    "JC-SC-01:3": "冷库内一批鸭肠超过保质期3天，约4公斤",
    "JC-SC-01:4": "菜单未标价格，按“时价”收费",
    "JC-XF-01:1": "后门安全出口堆放纸箱、食材，通道宽度不足0.5米",
    "JC-XF-01:2": "两具灭火器压力不足，已过检验期",
    "JC-XF-01:6": "新增营业面积未申请消防安全检查",
    "JC-XF-01:7": "使用无检验标识的液化石油气瓶一个",
    "JC-YJ-01:3": "上次检查指出的燃气软管老化隐患未整改",
    "JC-YJ-01:4": "未制定应急预案，员工不清楚燃气泄漏处置",
    "JC-ZJ-01:2": "出入口冲洗设施损坏，车辆带泥上路",
    "JC-ZJ-01:3": "东侧约200平方米裸土未覆盖",
    "JC-ZJ-01:4": "二期工程未取得施工许可证即开始基础施工",
    "JC-ZJ-01:6": "围挡外堆放建筑垃圾约3立方米",
    "JC-WY-01:1": "顶楼新建彩钢棚约40平方米",
    "JC-XF-01:4": "一楼门厅停放电动自行车6辆，有飞线充电",
}


@dataclass
class Plan:
    business: Business
    day: dt.date
    partners: list[str]  # department domains that join
    fails: list[str]  # "item:point" keys that fail
    kind: str = TaskKind.ROUTINE
    exemption_ref: str = ""
    photos: bool = False
    exemption: str = ""  # requested, permit: exempt from the cap (a complaint check is exempt by its kind)
    title: str = ""
    prepared_on: dt.date | None = None  # when the plan is made (default: twelve days before the visit)


def _run(
    cast: Cast, templates: dict[tuple[str, str], ChecklistTemplate], visit: Plan, *, until: str = "closed"
) -> InspectionTask:
    """Plan → invite → accept → officers → publish → approve → enter → answer → finish → findings → close,
    each at its own time on and before the visit day; stop after `until`."""
    town = visit.business.town
    officer, officer2 = cast.officers[town.code]
    head = cast.heads[town.code]
    day = visit.day
    planned = visit.prepared_on or day - dt.timedelta(days=12)
    template = templates[(town.code, visit.business.scenario)]
    with clock.at(_moment(planned, 10)):
        task = services.task_create(
            actor=officer,
            lead_unit=town,
            town=town,
            subject=visit.business.subject,
            kind=visit.kind,
            title=visit.title or visit.business.subject.name + _visit_word(visit),
            planned_on=day,
            headcount=2 + len(visit.partners),
            scenario=visit.business.scenario,
            exemption_ref=visit.exemption_ref,
            exemption=visit.exemption,
            templates=[template],
        )
        invitations = [
            services.task_invite(actor=officer, task=task, department=cast.departments[d])
            for d in visit.partners
        ]
        services.task_publish(actor=officer, task=task)
    if until == "published":
        return InspectionTask.objects.get(pk=task.pk)
    with clock.at(_moment(planned + dt.timedelta(days=2), 15)):
        for domain, invitation in zip(visit.partners, invitations, strict=True):
            dept = cast.departments[domain]
            services.invitation_accept(
                actor=cast.responders[domain],
                invitation=invitation,
                template=templates.get((dept.code, visit.business.scenario)),
            )
        crew = [officer, officer2, *[cast.responders[d] for d in visit.partners]]
        services.task_officers_set(actor=officer, task=task, officers=crew)
    with clock.at(_moment(planned + dt.timedelta(days=3), 9, 30)):
        task = services.task_approve(actor=head, task=task)
    if until == "approved":
        return InspectionTask.objects.get(pk=task.pk)
    with clock.at(_moment(day, 9, 40)):
        services.task_enter(actor=officer, task=task, identifier_seen=visit.business.subject.identifier)
    rows = list(task.points.select_related("point__item", "holder_department").order_by("pk"))
    for n, row in enumerate(rows):
        key = f"{row.point.item.code}:{row.point.code}"
        failed = key in visit.fails
        answerer = officer
        if row.holder_department is not None and row.holder_department.domain in visit.partners:
            answerer = cast.responders[row.holder_department.domain]
        with clock.at(_moment(day, 9, 45) + dt.timedelta(minutes=3 * n)):
            services.point_record(
                actor=answerer,
                task_point=row,
                result=PointResult.FAIL if failed else PointResult.PASS,
                note=NOTES.get(key, "现场检查发现问题，已拍照固定") if failed else "",
                major=failed and key in {"JC-XF-01:1", "JC-SC-01:3"},
                rectify_by=day + dt.timedelta(days=7 if key.startswith("JC-XF") else 15) if failed else None,
                photos=[_photo(SEED + task.pk * 100 + n)]
                if failed and (visit.photos or row.point.photo_on_fail)
                else [],
            )
    if until == "on_site":
        return InspectionTask.objects.get(pk=task.pk)
    with clock.at(_moment(day, 11, 10)):
        services.task_finish(
            actor=officer,
            task=task,
            present=crew,
            business_signatory=f"{visit.business.subject.name[:1]}经理（负责人）",
        )
    if until == "checked":
        return InspectionTask.objects.get(pk=task.pk)
    with clock.at(_moment(day + dt.timedelta(days=1), 10)):
        services.task_findings_handle(actor=officer, task=task)
        services.task_close(actor=officer, task=task)
    return InspectionTask.objects.get(pk=task.pk)


def _recheck(cast: Cast, original: InspectionTask, day: dt.date) -> InspectionTask:
    town = original.town
    officer, officer2 = cast.officers[town.code]
    with clock.at(_moment(day - dt.timedelta(days=5), 10)):
        follow = services.task_follow_up_create(actor=officer, task=original, planned_on=day)
        for invitation in follow.invitations.all():
            services.invitation_accept(
                actor=cast.responders[invitation.department.domain], invitation=invitation
            )
        accepted = [cast.responders[i.department.domain] for i in follow.invitations.all()]
        services.task_officers_set(
            actor=officer, task=follow, officers=[officer, officer2, *accepted][: follow.headcount]
        )
        services.task_publish(actor=officer, task=follow)
        follow = services.task_approve(actor=cast.heads[town.code], task=follow)
    with clock.at(_moment(day, 14)):
        services.task_enter(actor=officer, task=follow)
        for row in follow.points.all():
            services.point_record(actor=officer, task_point=row, result=PointResult.PASS, note="已整改到位")
        services.task_finish(
            actor=officer, task=follow, present=[officer, officer2], business_signatory="负责人（复查签字）"
        )
        services.task_findings_handle(actor=officer, task=follow)
        services.task_close(actor=officer, task=follow)
    return follow


def _notice(task: InspectionTask, kind: str, actor: User, moment: dt.datetime) -> None:
    from django.urls import reverse

    from inspections.documents import inspection_document_generate

    url = CODE_BASE + reverse("inspection-code", args=[task.code]) if task.code else ""
    with clock.at(moment):
        inspection_document_generate(actor=actor, task=task, kind=kind, code_url=url)


# --- the whole story ----------------------------------------------------------------------------------------


def seed(stdout: Any) -> None:
    cast = _cast()
    if cast is None:
        stdout.write("inspections: the demo district or its people are missing; skipped.")
        return
    missing = {ref for _c, _n, _b, _h, rows in ITEMS for _p, _t, ref, _f in rows} - set(cast.items)
    if missing:
        stdout.write("inspections: the authority demo catalog is not loaded; skipped.")
        return
    if InspectionList.objects.filter(district=cast.district, published_on__isnull=False).exists():
        stdout.write("inspections: the demo district already has its inspection-item list; nothing done.")
        return
    admin = User.objects.get(username="admin")
    today = clock.today()
    rnd = random.Random(SEED)
    points = _seed_list(cast, admin, today)
    templates = _seed_templates(cast, points)
    businesses = _seed_registry(cast, rnd)
    _seed_profiles(admin, businesses, rnd)
    story = _seed_history(cast, templates, businesses, today, rnd)
    _seed_exempt(cast, templates, businesses, today)
    _seed_today(cast, templates, businesses, today, story)
    _seed_plans(cast, businesses, today)
    _seed_code_scans()
    figures = inspection_figures_text(cast.district)
    stdout.write(
        "inspections: list "
        f"of {InspectionItem.objects.filter(inspection_list__district=cast.district).count()} items "
        f"and {len(points)} check points, {len(templates)} checklists, {len(businesses)} "
        f"businesses; {figures}."
    )


def _seed_history(
    cast: Cast,
    templates: dict[tuple[str, str], ChecklistTemplate],
    businesses: list[Business],
    today: dt.date,
    rnd: random.Random,
) -> dict[str, Any]:
    """Four months of visits: per month two in 石油路街道 and one in each other subdistrict, the scenes in
    turn, restaurants joint with the market bureau (and every other time the emergency bureau), a third with
    failures, re-checked the month after."""
    pool = list(businesses)
    rnd.shuffle(pool)
    used: set[int] = set()
    story: dict[str, Any] = {}
    rotation = [
        Scenario.RESTAURANT,
        Scenario.STREET_SHOP,
        Scenario.BUILDING_SITE,
        Scenario.RESTAURANT,
        Scenario.RESIDENTIAL_ESTATE,
    ]
    restaurant_fails = [
        ["JC-CG-01:1", "JC-SC-01:3", "JC-YJ-01:4"],
        ["JC-HJ-01:2", "JC-XF-01:1"],
        ["JC-SC-01:2", "JC-XF-01:6", "JC-XF-01:7"],
    ]
    other_fails = {
        Scenario.STREET_SHOP: ["JC-CG-01:1", "JC-CG-01:3"],
        Scenario.BUILDING_SITE: ["JC-ZJ-01:3", "JC-ZJ-01:6", "JC-ZJ-01:4"],
        Scenario.RESIDENTIAL_ESTATE: ["JC-XF-01:4", "JC-WY-01:1"],
    }
    slot = 0
    for months_back in (4, 3, 2, 1):
        for town in cast.towns:
            for _n in range(2 if town.code == "500103-001" else 1):
                scenario = rotation[(slot + months_back) % len(rotation)]  # each town sees each scene in turn
                business = next(
                    b for b in pool if b.town == town and b.scenario == scenario and b.subject.pk not in used
                )
                used.add(business.subject.pk)
                partners: list[str] = []
                if scenario == Scenario.RESTAURANT:
                    partners = ["market", "emergency"] if slot % 2 else ["market"]
                elif scenario == Scenario.BUILDING_SITE and slot % 2:
                    partners = ["city_management"]
                fails: list[str] = []
                if slot % 3 == 0:
                    if scenario == Scenario.RESTAURANT:
                        fails = restaurant_fails[(slot // 3) % len(restaurant_fails)]
                    else:
                        fails = other_fails[scenario]
                day = _visit_day(today, months_back, rnd)
                task = _run(cast, templates, Plan(business, day, partners, fails, photos=bool(fails)))
                if months_back >= 2 and task.points.filter(result=PointResult.FAIL).exists():
                    _recheck(cast, task, _visit_day(today, months_back - 1, rnd))
                slot += 1
    # non-inspection visits on the ledger: guidance, research, publicity
    for n, business in enumerate(rnd.sample([b for b in businesses if b.subject.pk not in used], 12)):
        officer = cast.officers[business.town.code][n % 2]
        purpose = ["guidance", "research", "publicity"][n % 3]
        day = today - dt.timedelta(days=5 + 9 * n)
        with clock.at(_moment(day, 15)):
            services.visit_record(
                actor=officer, unit=business.town, subject=business.subject, visited_on=day, purpose=purpose
            )
        used.add(business.subject.pk)
    story["used"] = used
    return story


def _seed_today(
    cast: Cast,
    templates: dict[tuple[str, str], ChecklistTemplate],
    businesses: list[Business],
    today: dt.date,
    story: dict[str, Any],
) -> None:
    """The work of today in 石油路街道 (the demo's officer logs in there)."""
    shiyoulu = cast.towns[0]
    officer, officer2 = cast.officers[shiyoulu.code]
    head = cast.heads[shiyoulu.code]
    free = [b for b in businesses if b.town == shiyoulu and b.subject.pk not in story["used"]]
    restaurants = [b for b in free if b.scenario == Scenario.RESTAURANT]
    shops = [b for b in free if b.scenario == Scenario.STREET_SHOP]
    sites = [b for b in free if b.scenario == Scenario.BUILDING_SITE]
    last_month = _visit_day(today, 1, random.Random(SEED + 1))
    next_open = _next_open_day(today)
    # "Today" happens a few hours ago, so that nothing in the demo lies in the future.
    now = timezone.localtime(clock.now()) - dt.timedelta(hours=3)
    today = now.date()
    week_ago = today - dt.timedelta(days=6)

    # A joint visit last month, checked with failures of three holders, findings not yet handed on; its
    # notices.
    checked = _run(
        cast,
        templates,
        Plan(
            restaurants[0],
            last_month,
            ["market", "emergency"],
            ["JC-HJ-01:1", "JC-SC-01:3", "JC-YJ-01:4", "JC-XF-01:1"],
            photos=True,
        ),
        until="checked",
    )
    _notice(checked, "rectification", officer, _moment(last_month, 11, 30))

    # An approved joint visit next month: code and notice ready.
    approved = _run(
        cast,
        templates,
        Plan(restaurants[1], next_open, ["emergency"], [], prepared_on=week_ago),
        until="approved",
    )
    _notice(approved, "notice", officer, _moment(week_ago + dt.timedelta(days=3), 16))

    # A plan published last week: the market and ecology departments are asked to join (an open invitation).
    with clock.at(_moment(week_ago, 10)):
        published = services.task_create(
            actor=officer,
            lead_unit=shiyoulu,
            town=shiyoulu,
            subject=restaurants[2].subject,
            kind=TaskKind.ROUTINE,
            title=f"{restaurants[2].subject.name}综合查一次",
            planned_on=_next_open_day(today, 1, 27),
            headcount=4,
            scenario=Scenario.RESTAURANT,
            templates=[templates[(shiyoulu.code, Scenario.RESTAURANT)]],
        )
        services.task_invite(actor=officer, task=published, department=cast.departments["market"])
        services.task_invite(actor=officer, task=published, department=cast.departments["environment"])
        services.task_officers_set(actor=officer, task=published, officers=[officer, officer2])
        services.task_publish(actor=officer, task=published)

    # A complaint check on site now, half answered.
    with clock.at(now - dt.timedelta(hours=2)):
        clue = services.task_create(
            actor=officer,
            lead_unit=shiyoulu,
            town=shiyoulu,
            subject=restaurants[3].subject,
            kind=TaskKind.CLUE,
            title=f"投诉核查：{restaurants[3].subject.name}油烟扰民",
            planned_on=today,
            scenario=Scenario.RESTAURANT,
            exemption_ref="12345-DEMO-0004",
            templates=[templates[(shiyoulu.code, Scenario.RESTAURANT)]],
        )
        services.task_officers_set(actor=officer, task=clue, officers=[officer, officer2])
        services.task_publish(actor=officer, task=clue)
        services.task_approve(actor=head, task=clue)
    with clock.at(now - dt.timedelta(minutes=40)):
        services.task_enter(actor=officer, task=clue, identifier_seen=clue.subject.identifier)
        for n, row in enumerate(
            clue.points.select_related("point__item").order_by("point__item__code", "point__code")[:4]
        ):
            key = f"{row.point.item.code}:{row.point.code}"
            fail = key == "JC-HJ-01:2"
            services.point_record(
                actor=officer,
                task_point=row,
                result=PointResult.FAIL if fail else PointResult.PASS,
                note=NOTES.get(key, "") if fail else "",
                photos=[_photo(SEED + 7 + n)] if fail else [],
            )

    # A draft for a street shop.
    with clock.at(now - dt.timedelta(minutes=30)):
        services.task_create(
            actor=officer2,
            lead_unit=shiyoulu,
            town=shiyoulu,
            subject=shops[0].subject,
            kind=TaskKind.ROUTINE,
            title=f"{shops[0].subject.name}日常检查",
            planned_on=_next_open_day(today, 2, 23),
            scenario=Scenario.STREET_SHOP,
            templates=[templates[(shiyoulu.code, Scenario.STREET_SHOP)]],
        )

    # Two plans on one building site within a fortnight: the town's (made first: the visit kept) and the urban
    # management bureau's. The merge proposes one visit; the town's page offers to let the bureau join.
    site = sites[0]
    urban = cast.departments["city_management"]
    with clock.at(now - dt.timedelta(minutes=20)):
        services.task_create(
            actor=officer,
            lead_unit=shiyoulu,
            town=shiyoulu,
            subject=site.subject,
            kind=TaskKind.ROUTINE,
            title=f"{site.subject.name}文明施工检查",
            planned_on=_next_open_day(today, 1, 26),
            headcount=3,
            scenario=Scenario.BUILDING_SITE,
            templates=[templates[(shiyoulu.code, Scenario.BUILDING_SITE)]],
        )
        services.task_create(
            actor=cast.responders["city_management"],
            lead_unit=urban,
            town=shiyoulu,
            subject=site.subject,
            kind=TaskKind.ROUTINE,
            title=f"{site.subject.name}扬尘和渣土专项巡查",
            planned_on=_next_open_day(today, 1, 22),
            headcount=2,
            scenario=Scenario.BUILDING_SITE,
            templates=[templates[(urban.code, Scenario.BUILDING_SITE)]],
        )

    # An on-the-spot visit two weeks ago (a gas smell on patrol), no code, approved afterwards, closed.
    spot_day = today - dt.timedelta(days=14)
    with clock.at(_moment(spot_day, 16)):
        spot = services.task_create(
            actor=officer,
            lead_unit=shiyoulu,
            town=shiyoulu,
            subject=restaurants[4].subject,
            kind=TaskKind.IMMEDIATE,
            title=f"即时检查：{restaurants[4].subject.name}燃气异味",
            planned_on=spot_day,
            scenario=Scenario.RESTAURANT,
            items=[InspectionItem.objects.get(inspection_list__district=cast.district, code="JC-XF-01")],
        )
        services.task_officers_set(actor=officer, task=spot, officers=[officer, officer2])
        services.task_enter(
            actor=officer, task=spot, with_code=False, no_code_reason="巡查途中闻到明显燃气味，先行进入排查"
        )
        for row in spot.points.all():
            key = f"{row.point.item.code}:{row.point.code}"
            fail = key == "JC-XF-01:7"
            services.point_record(
                actor=officer2,
                task_point=row,
                result=PointResult.FAIL
                if fail
                else PointResult.PASS
                if key != "JC-XF-01:5"
                else PointResult.NOT_APPLICABLE,
                note=NOTES.get(key, "") if fail else "",
                major=fail,
                photos=[_photo(SEED + 99)] if fail else [],
            )
        services.task_finish(
            actor=officer,
            task=spot,
            present=[officer, officer2],
            business_refusal="店主称老板不在，拒绝签字；执法记录仪全程记录",
        )
    with clock.at(_moment(spot_day + dt.timedelta(days=1), 9)):
        services.task_approve(
            actor=head, task=spot, reason="现场存在燃气泄漏风险，需立即进入排查，来不及事先审批"
        )
        services.task_findings_handle(actor=officer, task=spot)
        services.task_close(actor=officer, task=spot)

    # A cancelled plan (the business closed down).
    with clock.at(_moment(today - dt.timedelta(days=3), 11)):
        gone = services.task_create(
            actor=officer2,
            lead_unit=shiyoulu,
            town=shiyoulu,
            subject=shops[1].subject,
            kind=TaskKind.ROUTINE,
            title=f"{shops[1].subject.name}日常检查",
            planned_on=_next_open_day(today, 1, 28),
            scenario=Scenario.STREET_SHOP,
            templates=[templates[(shiyoulu.code, Scenario.STREET_SHOP)]],
        )
        services.task_cancel(actor=officer2, task=gone, reason="经核实该店已停业注销")


def inspection_figures_text(district: District) -> str:
    from inspections.selectors import inspection_figures

    f = inspection_figures(district=district)
    return (
        f"{f.inspections} inspections ({f.joint} joint, {f.departments_per_joint:.1f} bodies per "
        "joint visit, "
        f"{f.visits_saved} visits saved), {f.failures} failed points, {f.cases} draft "
        f"cases, {f.whistles} whistles, "
        f"{f.rechecked} re-checked, {f.with_code} of {f.visits} visits with a code"
    )


def _visit_word(visit: Plan) -> str:
    """What the task title calls the visit: a joint one, a routine one or a complaint check."""
    if visit.partners:
        return "综合查一次"
    return "日常检查" if visit.kind == TaskKind.ROUTINE else "投诉核查"


# --- the registry's profiles, the annual plans, visits above the cap, codes opened -------------------------

RISK: dict[str, list[str]] = {
    Scenario.RESTAURANT: ["medium", "medium", "high", "low"],
    Scenario.STREET_SHOP: ["low", "low", "low", "medium"],
    Scenario.BUILDING_SITE: ["high"],
    Scenario.RESIDENTIAL_ESTATE: ["medium", "low"],
}
# Roughly where each subdistrict lies (渝中区), for the registry's coordinates.
CENTRES = {
    "500103-001": (29.5560, 106.5300),
    "500103-002": (29.5570, 106.5770),
    "500103-003": (29.5420, 106.5150),
    "500103-004": (29.5330, 106.5200),
}


def _seed_profiles(admin: User, businesses: list[Business], rnd: random.Random) -> None:
    """Type, risk level and coordinates of every business in the registry."""
    from decimal import Decimal

    from inspections.services.plans import subject_profile_set

    for b in businesses:
        lat, lng = CENTRES[b.town.code]
        subject_profile_set(
            actor=admin,
            subject=b.subject,
            subject_type=b.scenario,
            risk_level=rnd.choice(RISK[b.scenario]),
            latitude=Decimal(f"{lat + rnd.uniform(-0.006, 0.006):.6f}"),
            longitude=Decimal(f"{lng + rnd.uniform(-0.008, 0.008):.6f}"),
        )


def _past_open_day(today: dt.date, back: int) -> dt.date:
    """A weekday on or after the 21st (no quiet day), at least `back` days ago."""
    day = today - dt.timedelta(days=back)
    while day.day < 21 or day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _seed_exempt(
    cast: Cast,
    templates: dict[tuple[str, str], ChecklistTemplate],
    businesses: list[Business],
    today: dt.date,
) -> None:
    """Visits above the yearly cap that the rules let through, each with its exemption on record: a check the
    business asked for and a permit check, at businesses its town has already visited on routine this year."""
    by_subject = {b.subject.pk: b for b in businesses}
    day = _past_open_day(today, 3)
    visited = (
        InspectionTask.objects.filter(
            district=cast.district,
            kind=TaskKind.ROUTINE,
            exemption="",
            follow_up_of__isnull=True,
            status="closed",
            planned_on__year=day.year,
            planned_on__lt=day - dt.timedelta(days=14),
            invitations__isnull=True,
        )
        .exclude(subject__in=InspectionTask.objects.filter(follow_ups__isnull=False).values("subject"))
        .order_by("-planned_on", "pk")
    )
    seen: list[Business] = []
    for task in visited:
        business = by_subject.get(task.subject_id)
        if business is not None and business.town == task.lead_unit and business not in seen:
            seen.append(business)
        if len(seen) == 2:
            break
    reasons = [
        ("requested", "企业申请-{n}", "{name}应企业申请上门检查"),
        ("permit", "许可受理-{n}", "{name}许可现场核查（户外招牌设置）"),
    ]
    for n, (business, (exemption, ref, title)) in enumerate(zip(seen, reasons, strict=False)):
        _run(
            cast,
            templates,
            Plan(
                business,
                day,
                [],
                [],
                exemption=exemption,
                exemption_ref=ref.format(n=f"{day.year}-{n + 1:03d}"),
                title=title.format(name=business.subject.name),
                prepared_on=day - dt.timedelta(days=6),
            ),
        )


def _seed_plans(cast: Cast, businesses: list[Business], today: dt.date) -> None:
    """Each subdistrict's annual plan for the year (in January, or once the list is out; approved by its head
    two days later): street shops and estates by type, and named businesses in this month and the next; the
    market bureau's plan for restaurants, still a draft waiting for its head."""
    from inspections.services.plans import annual_plan_approve, annual_plan_create, annual_plan_entry_add

    year = today.year
    items = {i.code: i for i in InspectionItem.objects.filter(inspection_list__district=cast.district)}
    published = (
        InspectionList.objects.filter(district=cast.district, published_on__isnull=False).get().published_on
    )
    assert published is not None
    start = max(dt.date(year, 1, 6), published + dt.timedelta(days=5))  # once the list is out
    made = min(_moment(start, 9), clock.now() - dt.timedelta(days=3))
    this_month = today.month
    next_month = today.month + 1 if today.month < 12 else 11  # the year's plan: in December, November instead
    planned_subjects = set(
        InspectionTask.objects.filter(planned_on__year=year, planned_on__month__in=[this_month, next_month])
        .exclude(status__in=["cancelled", "merged"])
        .values_list("subject_id", flat=True)
    )
    scenario_items: dict[str, list[str]] = {
        Scenario.RESTAURANT: ["JC-CG-01", "JC-HJ-01"],
        Scenario.STREET_SHOP: ["JC-CG-01"],
        Scenario.BUILDING_SITE: ["JC-ZJ-01"],
        Scenario.RESIDENTIAL_ESTATE: ["JC-WY-01"],
    }
    for n, town in enumerate(cast.towns):
        officer = cast.officers[town.code][0]
        with clock.at(made + dt.timedelta(minutes=10 * n)):
            plan = annual_plan_create(actor=officer, unit=town, year=year)
            annual_plan_entry_add(
                actor=officer,
                plan=plan,
                items=[items["JC-CG-01"]],
                visits_per_year=1,
                months=[(4 + n) % 12 + 1],
                subject_type=Scenario.STREET_SHOP,
                town=town,
            )
            annual_plan_entry_add(
                actor=officer,
                plan=plan,
                items=[items["JC-WY-01"]],
                visits_per_year=1,
                months=[(7 + n) % 12 + 1],
                subject_type=Scenario.RESIDENTIAL_ESTATE,
                town=town,
            )
            mine = [b for b in businesses if b.town == town]
            named = [b for b in mine if b.subject.pk in planned_subjects][:3]
            named += [b for b in mine if b not in named and b.scenario != Scenario.STREET_SHOP][
                : 5 - len(named)
            ]
            for k, b in enumerate(named):
                annual_plan_entry_add(
                    actor=officer,
                    plan=plan,
                    items=[items[code] for code in scenario_items[b.scenario]],
                    visits_per_year=1,
                    months=[this_month if k % 2 == 0 else next_month],
                    subject=b.subject,
                )
        with clock.at(made + dt.timedelta(days=2, minutes=10 * n)):
            annual_plan_approve(actor=cast.heads[town.code], plan=plan)
    market = cast.departments["market"]
    with clock.at(made + dt.timedelta(hours=1)):
        plan = annual_plan_create(actor=cast.responders["market"], unit=market, year=year)
        for n, town in enumerate(cast.towns):
            annual_plan_entry_add(
                actor=cast.responders["market"],
                plan=plan,
                items=[items["JC-SC-01"]],
                visits_per_year=1,
                months=[(2 + 3 * n) % 12 + 1],
                subject_type=Scenario.RESTAURANT,
                town=town,
            )


def _seed_code_scans() -> None:
    """Two businesses in three opened the code they were shown, a few minutes before the officers came in."""
    from inspections.services.plans import code_scan_record

    for n, task in enumerate(
        InspectionTask.objects.exclude(code="").filter(entered_at__isnull=False).order_by("pk")
    ):
        if n % 3 == 2 or task.entered_at is None:
            continue
        with clock.at(task.entered_at - dt.timedelta(minutes=6)):
            code_scan_record(code=task.code)
