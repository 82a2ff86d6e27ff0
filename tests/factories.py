"""Factories build through the services, so units get their groups and users their roles, like real data."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from enforcement.models import Certificate, District, Unit, User
from enforcement.services import certificate_issue, district_create, unit_create, user_create

_seq = itertools.count(1)
PASSWORD = "test-pass-123!"


def make_district(code: str | None = None, name_zh: str = "测试区") -> District:
    n = next(_seq)
    return district_create(actor=None, code=code or f"D{n:04d}", name_zh=name_zh, name_en=f"Test District {n}")


def make_unit(district: District, kind: str = Unit.Kind.TOWN, *, code: str | None = None, name_zh: str | None = None, domain: str = "") -> Unit:
    n = next(_seq)
    return unit_create(
        actor=None,
        district=district,
        kind=kind,
        code=code or f"{district.code}-{n:03d}",
        name_zh=name_zh or f"测试单位{n}",
        name_en=f"Unit {n}",
        team_name=f"测试单位{n}综合行政执法大队" if kind == Unit.Kind.TOWN else "",
        case_prefix=f"测{n}执" if kind == Unit.Kind.TOWN else "",
        domain=domain,
    )


def make_user(unit: Unit | None, roles: list[str], *, username: str | None = None, full_name: str = "") -> User:
    n = next(_seq)
    return user_create(
        actor=None,
        username=username or f"user{n}",
        password=PASSWORD,
        unit=unit,
        roles=roles,
        full_name=full_name or f"测试员{n}",
    )


def make_certificate(
    holder: User, *, valid_from: dt.date | None = None, valid_to: dt.date | None = None, number: str | None = None
) -> Certificate:
    today = timezone.localdate()
    return certificate_issue(
        actor=None,
        holder=holder,
        number=number or f"CERT{next(_seq):06d}",
        issuing_body="重庆市人民政府",
        valid_from=valid_from or today - dt.timedelta(days=365),
        valid_to=valid_to or today + dt.timedelta(days=365),
        domains=["city_management"],
    )
