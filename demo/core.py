"""Demo data for the core: a believable district, its towns, departments, people and their certificates.
Idempotent: running it again changes nothing. The other domains' demo data follows it (`demo.seed`)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from enforcement.domains import DEPARTMENT_NAMES, Domain
from enforcement.models import Certificate, City, District, Role, Secondment, Unit, User
from enforcement.services import (
    certificate_issue,
    city_create,
    district_create,
    district_set_city,
    secondment_create,
    unit_create,
    user_create,
)

DEMO_PASSWORD = "zhifa-demo-2026"  # noqa: S105  (printed for the demo; never used outside demo mode)
DISTRICT_CODE = "500103"

TOWNS = [
    # code, name_zh, name_en, document prefix
    ("500103-001", "石油路街道", "Shiyoulu Subdistrict", "渝中石油路执"),
    ("500103-002", "解放碑街道", "Jiefangbei Subdistrict", "渝中解放碑执"),
    ("500103-003", "大坪街道", "Daping Subdistrict", "渝中大坪执"),
    ("500103-004", "化龙桥街道", "Hualongqiao Subdistrict", "渝中化龙桥执"),
]

# (username, full name, town index, roles, certificate state)
TOWN_PEOPLE = [
    ("officer", "王建国", [Role.OFFICER], "valid"),
    ("officer2", "李秀英", [Role.OFFICER], "valid"),
    ("officer3", "张伟", [Role.OFFICER], "expired"),
    ("supervisor", "刘洋", [Role.SUPERVISOR, Role.OFFICER], "valid"),
    ("reviewer", "陈静", [Role.LEGAL_REVIEWER], "valid"),
]
# Fines go to the district's non-tax revenue account (财政非税收入), never to the officer (art 67). Made up.
PAYMENT_ACCOUNT = (
    "中国工商银行重庆渝中支行（户名：重庆市渝中区财政局非税收入汇缴专户，账号：3100 0211 0902 0001 234）"
)
TOWN_SLUGS = ["shiyoulu", "jiefangbei", "daping", "hualongqiao"]
# The other towns' people, in TOWN_PEOPLE's order (石油路 has the names above). Made up.
OTHER_TOWN_NAMES = {
    "jiefangbei": ("赵磊", "孙丽", "周强", "吴刚", "郑芳"),
    "daping": ("何勇", "马丽娟", "罗军", "高峰", "林燕"),
    "hualongqiao": ("黄志明", "徐静", "朱涛", "胡斌", "郭敏"),
}
# A town's code to the slug its demo usernames start with (shiyoulu_officer, ...).
SLUG_BY_TOWN = {code: slug for (code, *_), slug in zip(TOWNS, TOWN_SLUGS, strict=True)}


@dataclass
class Login:
    username: str
    who: str


def _unit(district: District, **kwargs: str) -> Unit:
    existing = Unit.objects.filter(code=kwargs["code"]).first()
    if existing is not None and not existing.legal_name and kwargs.get("legal_name"):
        # A demo database seeded before units had legal names gets them (the documents are headed with them).
        # A save, not update(): its signal replaces the reference-data token the held units are kept under.
        existing.legal_name = kwargs["legal_name"]
        existing.payment_account = kwargs.get("payment_account", "")
        existing.save(update_fields=["legal_name", "payment_account"])
    return existing or unit_create(actor=None, district=district, **kwargs)


@functools.cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is deliberately slow


def _user(username: str, unit: Unit, roles: Sequence[str], full_name: str) -> User:
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    user = user_create(
        actor=None, username=username, password=None, unit=unit, roles=roles, full_name=full_name
    )
    user.password = _demo_password_hash()
    user.save(update_fields=["password"])
    return user


def _certificate(user: User, number: str, state: str, domains: list[str]) -> None:
    if Certificate.objects.filter(number=number).exists():
        return
    today = timezone.localdate()
    if state == "expired":
        start, end = today - dt.timedelta(days=3 * 365), today - dt.timedelta(days=40)
    elif state == "expiring":
        start, end = today - dt.timedelta(days=2 * 365), today + dt.timedelta(days=20)
    else:
        start, end = today - dt.timedelta(days=400), today + dt.timedelta(days=3 * 365 - 400)
    certificate_issue(
        actor=None,
        holder=user,
        number=number,
        issuing_body="重庆市人民政府",
        valid_from=start,
        valid_to=end,
        domains=domains,
    )


CITY_CODE = "500000"


def _seed_city(district: District) -> None:
    """重庆市 over the demo district, and its justice bureau's supervisor (a member of the city, no unit)."""
    city = City.objects.filter(code=CITY_CODE).first() or city_create(
        actor=None, code=CITY_CODE, name_zh="重庆市", name_en="Chongqing"
    )
    if district.city_id != city.pk:
        district_set_city(actor=None, district=district, city=city)
    if not User.objects.filter(username="city_supervisor").exists():
        user = user_create(
            actor=None,
            username="city_supervisor",
            password=None,
            unit=None,
            city=city,
            roles=[Role.CITY_SUPERVISOR],
            full_name="周海",
        )
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])


@transaction.atomic
def seed_core() -> list[Login]:
    district = District.objects.filter(code=DISTRICT_CODE).first() or district_create(
        actor=None, code=DISTRICT_CODE, name_zh="渝中区", name_en="Yuzhong District"
    )
    logins: list[Login] = []
    office = _unit(
        district,
        kind=Unit.Kind.DISTRICT_OFFICE,
        code="500103-SFJ",
        name_zh="渝中区司法局",
        name_en="Yuzhong Justice Bureau",
    )
    _user("admin", office, [Role.DISTRICT_ADMIN], "赵敏")
    logins.append(Login("admin", "district administrator (区司法局)"))
    _seed_city(district)
    logins.append(
        Login("city_supervisor", "city supervisor (重庆市司法局): every district's warnings, read-only")
    )

    towns = []
    for (code, name_zh, name_en, prefix), slug in zip(TOWNS, TOWN_SLUGS, strict=True):
        town = _unit(
            district,
            kind=Unit.Kind.TOWN,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            team_name=f"{name_zh}综合行政执法大队",
            case_prefix=prefix,
            legal_name=f"重庆市渝中区{name_zh}办事处",
            payment_account=PAYMENT_ACCOUNT,
        )
        towns.append(town)
        for n, (role_slug, full_name, roles, state) in enumerate(TOWN_PEOPLE):
            username = f"{slug}_{role_slug}"
            user = _user(
                username, town, roles, OTHER_TOWN_NAMES[slug][n] if slug in OTHER_TOWN_NAMES else full_name
            )
            number = f"500103{code[-3:]}{n:03d}"
            _certificate(user, number, state, [Domain.CITY_MANAGEMENT, Domain.FIRE_SAFETY])
            if slug in ("shiyoulu", "jiefangbei"):
                who = f"{name_en}: {', '.join(str(r.label) for r in roles)} ({state} certificate)"
                if username == "shiyoulu_officer":
                    # The electronic certificate (电子执法证) and its public check on the portal.
                    who += f"; certificate page /me/certificate/, portal check: {number} + {user.full_name}"
                logins.append(Login(username, who))

    departments = {}
    for domain in Domain:
        name_zh, name_en = DEPARTMENT_NAMES[domain]
        departments[domain] = _unit(
            district,
            kind=Unit.Kind.DEPARTMENT,
            code=f"500103-{domain.value}",
            name_zh=f"渝中区{name_zh}",
            name_en=f"Yuzhong {name_en}",
            domain=domain.value,
            legal_name=f"重庆市渝中区{name_zh}",
            payment_account=PAYMENT_ACCOUNT,
        )
    for domain, slug in [
        (Domain.MARKET, "market"),
        (Domain.CITY_MANAGEMENT, "urban"),
        (Domain.ENVIRONMENT, "eco"),
        (Domain.EMERGENCY, "emergency"),
    ]:
        responder = _user(
            f"{slug}_responder",
            departments[domain],
            [Role.RESPONDER, Role.OFFICER],
            f"{DEPARTMENT_NAMES[domain][0][:2]}联络员",
        )
        _certificate(responder, f"500103D{domain.value[:6].upper()}", "valid", [domain.value])
        logins.append(Login(responder.username, f"{departments[domain].name_en}: department responder"))

    # A city-management officer stationed in Shiyoulu ("county-owned, town-used").
    seconded = _user("urban_seconded", departments[Domain.CITY_MANAGEMENT], [Role.OFFICER], "孙立")
    _certificate(seconded, "500103DSEC001", "expiring", [Domain.CITY_MANAGEMENT])
    if not Secondment.objects.filter(officer=seconded).exists():
        secondment_create(
            actor=None,
            officer=seconded,
            town=towns[0],
            start=timezone.localdate() - dt.timedelta(days=200),
            document="渝中城管〔2024〕12号",
        )
    logins.append(Login("urban_seconded", "urban management officer seconded to Shiyoulu"))
    return logins
