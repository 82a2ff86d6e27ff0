"""Demo data for the dashboards: the city above the demo district, a city supervisor, and the aggregates
counted once from everything the other seeders made (afterwards each change keeps them up to date)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from enforcement.models import City, District, Role, Unit
from figures.services import figures_reconcile

from .core import DISTRICT_CODE, Login, _user

CITY_CODE = "500000"


@transaction.atomic
def _city() -> list[Login]:
    # Until the supervisor's desk decides how a city user belongs to the city, the city supervisor sits in
    # the demo district's office and reads every district of that district's city.
    city = City.objects.filter(code=CITY_CODE).first() or City.objects.create(
        code=CITY_CODE, name_zh="重庆市", name_en="Chongqing"
    )
    District.objects.filter(code=DISTRICT_CODE, city__isnull=True).update(city=city)
    office = Unit.objects.filter(district__code=DISTRICT_CODE, kind=Unit.Kind.DISTRICT_OFFICE).first()
    if office is None:
        return []
    _user("city_supervisor", office, [Role.CITY_SUPERVISOR], "周敏")
    return [Login("city_supervisor", "city supervisor (市司法局): every district's figures")]


def seed(stdout: Any) -> list[Login]:
    logins = _city()
    run = figures_reconcile()
    stdout.write(f"  figures: {run.rows} town-month rows counted in {run.seconds:.1f} s")
    return logins
