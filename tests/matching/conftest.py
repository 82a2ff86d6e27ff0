"""A small catalog for the cast's district, built on the spot: matching must work on catalogs it has never
seen."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from authority.matching.loader import forget_local
from authority.models import AuthorityGrant, EnforcementItem, GrantKind
from enforcement.domains import Domain

TODAY = timezone.localdate()

ITEMS = [
    # code, name_zh, name_en, domain, description
    (
        "T-STALL",
        "对擅自占用城市道路摆摊设点、占道经营的行政处罚",
        "Penalty for street stalls on city roads",
        Domain.CITY_MANAGEMENT,
        "未经批准在城市道路、人行道上摆摊设点。",
    ),
    (
        "T-EXIT",
        "对占用、堵塞、封闭疏散通道、安全出口的行政处罚",
        "Penalty for blocking evacuation routes or exits",
        Domain.FIRE_SAFETY,
        "商场、宾馆在疏散通道堆放货物或者锁闭安全出口。",
    ),
    (
        "T-EBIKE",
        "对在楼道、楼梯间停放电动自行车或者为其充电的行政处罚",
        "Penalty for parking or charging e-bikes in corridors or stairwells",
        Domain.FIRE_SAFETY,
        "居民在楼梯间停放电动自行车、飞线充电。",
    ),
    (
        "T-NIGHT",
        "对在噪声敏感建筑物集中区域夜间进行产生噪声的建筑施工作业的行政处罚",
        "Penalty for noisy construction work at night",
        Domain.ENVIRONMENT,
        "工地在夜间进行打桩、浇筑混凝土等施工作业。",
    ),
    (
        "T-FOOD",
        "对经营超过保质期的食品的行政处罚",
        "Penalty for selling food past its shelf life",
        Domain.MARKET,
        "超市、小卖部销售超过保质期的食品。",
    ),
    (
        "T-FUME",
        "对餐饮服务业经营者未安装油烟净化设施的行政处罚",
        "Penalty for restaurants without cooking-fume purifiers",
        Domain.ENVIRONMENT,
        "餐馆油烟未经净化直接排放。",
    ),
]


@dataclass
class Catalog:
    items: dict[str, EnforcementItem]

    def __getitem__(self, code: str) -> EnforcementItem:
        return self.items[code]


@pytest.fixture(autouse=True)
def _fresh_process():
    """Each test starts like a new process (the Redis cache is shared; versions keep entries apart)."""
    forget_local()
    yield
    forget_local()


@pytest.fixture
def catalog(cast) -> Catalog:
    items = {}
    for code, name_zh, name_en, domain, description in ITEMS:
        items[code] = EnforcementItem.objects.create(
            district=cast.district,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            domain=domain,
            description_zh=description,
            default_holder=cast.department if domain == Domain.MARKET else None,
        )
    start = TODAY - dt.timedelta(days=365)
    AuthorityGrant.objects.create(
        town=cast.town_a, item=items["T-STALL"], kind=GrantKind.STATUTORY, valid_from=start
    )
    AuthorityGrant.objects.create(
        town=cast.town_a, item=items["T-EXIT"], kind=GrantKind.EMPOWERED, valid_from=start
    )
    AuthorityGrant.objects.create(
        town=cast.town_a,
        item=items["T-EBIKE"],
        kind=GrantKind.EMPOWERED,
        valid_from=start,
        valid_to=TODAY - dt.timedelta(days=30),
    )
    return Catalog(items)


# The columns of `import_authority` a small catalog written in a test fills (the rest are optional).
CATALOG_COLUMNS = ["code", "name_zh", "name_en", "kind", "domain", "legal_basis", "description_zh"]
CATALOG_COLUMNS += ["fine_min", "fine_max", "holder"]


def town_row(code: str, name_zh: str, domain: str, description: str) -> list[str]:
    """An empowered item a town holds, fined 50–500 yuan, with no English name and no legal basis."""
    return [code, name_zh, "", "empowered", domain, "", description, "50", "500", "town"]


def write_catalog(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    """A catalog file in `import_authority` columns (CATALOG_COLUMNS, in that order)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CATALOG_COLUMNS)
        writer.writerows(rows)
    return path


def import_catalog(path: Path, rows: Iterable[Sequence[str]], district: str, district_name: str) -> Path:
    """Written and imported as a district would (the command, no curated rules), matchers forgotten."""
    write_catalog(path, rows)
    call_command(
        "import_authority", str(path), district=district, district_name=district_name, stdout=io.StringIO()
    )
    forget_local()
    return path


def match_json(text: str, district: str) -> dict:
    """`manage.py match --district D --json TEXT`, read back."""
    out = io.StringIO()
    call_command("match", text, district=district, json=True, stdout=out)
    return json.loads(out.getvalue())
