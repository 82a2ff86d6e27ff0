"""factory_boy factories. They build through the core services, so units get their groups, users their roles
and every row its audit entry, like real data. The make_* functions are short spellings used across the
tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from enforcement.models import Certificate, District, Unit, User
from enforcement.services import certificate_issue, district_create, unit_create, user_create

PASSWORD = "test-pass-123!"


class DistrictFactory(factory.django.DjangoModelFactory[District]):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name_zh = "测试区"
    name_en = factory.Sequence(lambda n: f"Test District {n}")

    @classmethod
    def _create(cls, model_class: type[District], *args: Any, **kwargs: Any) -> District:
        return district_create(actor=None, **kwargs)


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    district = factory.SubFactory(DistrictFactory)
    kind = Unit.Kind.TOWN
    code = factory.Sequence(lambda n: f"U{n:05d}")
    name_zh = factory.Sequence(lambda n: f"测试单位{n}")
    name_en = factory.Sequence(lambda n: f"Unit {n}")
    team_name = factory.LazyAttribute(
        lambda o: f"{o.name_zh}综合行政执法大队" if o.kind == Unit.Kind.TOWN else ""
    )
    case_prefix = factory.LazyAttribute(lambda o: f"{o.name_zh[:2]}执" if o.kind == Unit.Kind.TOWN else "")
    domain = ""

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        return unit_create(actor=None, **kwargs)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试员{n}")
    unit = factory.SubFactory(UnitFactory)
    roles: list[str] = ["officer"]

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return user_create(actor=None, password=PASSWORD, **kwargs)


class CertificateFactory(factory.django.DjangoModelFactory[Certificate]):
    class Meta:
        model = Certificate

    holder = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: f"CERT{n:06d}")
    issuing_body = "重庆市人民政府"
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    valid_to = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))
    domains = factory.LazyFunction(lambda: ["city_management"])

    @classmethod
    def _create(cls, model_class: type[Certificate], *args: Any, **kwargs: Any) -> Certificate:
        return certificate_issue(actor=None, **kwargs)


def make_district(code: str | None = None, name_zh: str = "测试区") -> District:
    return DistrictFactory.create(**({"code": code} if code else {}), name_zh=name_zh)


def make_unit(
    district: District,
    kind: str = Unit.Kind.TOWN,
    *,
    code: str | None = None,
    name_zh: str | None = None,
    domain: str = "",
) -> Unit:
    extra: dict[str, Any] = {}
    if code:
        extra["code"] = code
    if name_zh:
        extra["name_zh"] = name_zh
    return UnitFactory.create(district=district, kind=kind, domain=domain, **extra)


def make_user(
    unit: Unit | None, roles: list[str], *, username: str | None = None, full_name: str = ""
) -> User:
    extra: dict[str, Any] = {}
    if username:
        extra["username"] = username
    if full_name:
        extra["full_name"] = full_name
    return UserFactory.create(unit=unit, roles=roles, **extra)


def make_certificate(
    holder: User,
    *,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    number: str | None = None,
) -> Certificate:
    extra: dict[str, Any] = {}
    if valid_from:
        extra["valid_from"] = valid_from
    if valid_to:
        extra["valid_to"] = valid_to
    if number:
        extra["number"] = number
    return CertificateFactory.create(holder=holder, **extra)
