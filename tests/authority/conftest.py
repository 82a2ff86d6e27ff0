"""A small catalog for the cast's district: imported through the real service, effective 2024-01-01."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pytest

from authority.importing import read_catalog
from authority.models import AdjustmentLine, EnforcementItem, GrantKind
from authority.services import adjustment_approve, adjustment_create, adjustment_line_add, catalog_import

COLUMNS = [
    "code",
    "name_zh",
    "name_en",
    "kind",
    "domain",
    "legal_basis",
    "description_zh",
    "fine_min",
    "fine_max",
    "holder",
    "rule_broken",
    "penalty_clause",
    "penalty_kinds",
    "delegation_scope",
]
ROWS = [
    [
        "T-CG-001",
        "对擅自占道经营的行政处罚",
        "Penalty for street vending without approval",
        "statutory",
        "city_management",
        "《重庆市市容环境卫生管理条例》第二十三条、第六十条",
        "占道摆摊",
        "50",
        "500",
        "town",
        "第二十三条",
        "第六十条",
        "fine",
        "",
    ],
    [
        "T-XF-001",
        "对占用、堵塞、封闭疏散通道的行政处罚",
        "Penalty for blocking evacuation routes",
        "empowered",
        "fire_safety",
        "《中华人民共和国消防法》第二十八条、第六十条",
        "堵塞通道",
        "5000",
        "50000",
        "town",
        "",
        "",
        "fine",
        "",
    ],
    [
        "T-SC-001",
        "对小餐饮店无证经营的行政处罚",
        "Penalty for small restaurants without a certificate",
        "delegated",
        "market",
        "《重庆市食品生产加工小作坊和食品摊贩管理条例》第四十九条",
        "无证小餐饮",
        "2000",
        "50000",
        "town",
        "",
        "",
        "fine|confiscate_gains",
        "辖区内小餐饮店",
    ],
    [
        "T-SL-001",
        "对违法采砂的行政处罚",
        "Penalty for illegal sand dredging",
        "empowered",
        "water",
        "《中华人民共和国河道管理条例》第四十四条",
        "违法采砂",
        "",
        "",
        "district",
        "",
        "",
        "fine",
        "",
    ],
]
EFFECTIVE = dt.date(2024, 1, 1)


def csv_bytes(rows: list[list[str]], columns: list[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def import_rows(district_code: str, rows: list[list[str]] = ROWS, **kwargs):
    return catalog_import(
        actor=None,
        district_code=district_code,
        rows=read_catalog(io.BytesIO(csv_bytes(rows)), "catalog.csv"),
        effective=kwargs.pop("effective", EFFECTIVE),
        source="catalog.csv",
        **kwargs,
    )


@dataclass
class Catalog:
    items: dict[str, EnforcementItem]

    def __getitem__(self, code: str) -> EnforcementItem:
        return self.items[code]


@pytest.fixture
def catalog(cast) -> Catalog:
    import_rows(cast.district.code)
    return Catalog({i.code: i for i in EnforcementItem.objects.filter(district=cast.district)})


def approve_adjustment(
    cast, catalog, *, effective=dt.date(2025, 7, 1), recover=("T-XF-001",), grant=("T-SL-001",), towns=None
):
    """Recover `recover` from town A and grant `grant` (empowered) to town A, effective `effective`."""
    towns = towns or [cast.town_a]
    adjustment = adjustment_create(
        actor=cast.admin,
        district=cast.district,
        title="调整决定",
        document_number="测府发〔2025〕1号",
        document_date=effective - dt.timedelta(days=20),
        effective_from=effective,
    )
    for code in recover:
        adjustment_line_add(
            actor=cast.admin,
            adjustment=adjustment,
            action=AdjustmentLine.Action.RECOVER,
            item=catalog[code],
            towns=towns,
        )
    for code in grant:
        adjustment_line_add(
            actor=cast.admin,
            adjustment=adjustment,
            action=AdjustmentLine.Action.GRANT,
            item=catalog[code],
            towns=towns,
            kind=GrantKind.EMPOWERED,
        )
    return adjustment_approve(actor=cast.admin, adjustment=adjustment)
