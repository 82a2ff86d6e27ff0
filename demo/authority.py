"""Demo data for the authority list: the demo catalog for 渝中区 (all four subdistricts), one historical
approved adjustment that recovers specialised items and grants others (with a delegation), and one draft to
decide.
Idempotent: running it again changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction

import authority
from authority.importing import read_catalog
from authority.models import Adjustment, AdjustmentLine, EnforcementItem, GrantKind
from authority.services import adjustment_approve, adjustment_create, adjustment_line_add, catalog_import
from enforcement.models import District, Unit, User

CATALOG = Path(authority.__file__).resolve().parent / "data" / "demo_catalog.csv"
DISTRICT_CODE = "500103"
TOWN_CODES = ["500103-001", "500103-002", "500103-003", "500103-004"]
CATALOG_EFFECTIVE = dt.date(2024, 1, 1)
CATALOG_DOCUMENT = "渝中府办发〔2023〕168号"

# The historical adjustment: hazardous-materials items go back to the departments; road digging, roadside
# encroachment and sand dredging (delegated, under the Water Resources Bureau's name) are handed down.
HISTORY: dict[str, Any] = {
    "title": "关于调整街道综合行政执法事项的决定",
    "document_number": "渝中府发〔2025〕9号",
    "document_date": dt.date(2025, 6, 10),
    "effective_from": dt.date(2025, 7, 1),
    "note": "危险化学品、烟花爆竹、瓶装燃气等专业性强的事项收回区级部门；道路挖掘、公路占用事项赋权解放碑、"
    "石油路、大坪街道；"
    "河道采砂巡查处罚事项委托化龙桥街道实施。",
}
RECOVER = ["CQ-XF-006", "CQ-YJ-005", "CQ-ZJ-005"]
GRANT = [("CQ-CG-010", ["500103-001", "500103-002"]), ("CQ-JT-003", ["500103-003"])]
DELEGATION: dict[str, Any] = {
    "item": "CQ-SL-003",
    "towns": ["500103-004"],
    "department": "500103-water",
    "scope": "化龙桥街道辖区嘉陵江岸线范围内日常巡查发现的未经批准采砂、取土行为；需要专业测量或者涉案金额较"
    "大的，移交区水利局办理。",
    "valid_to": dt.date(2027, 6, 30),
}

DRAFT: dict[str, Any] = {
    "title": "关于收回部分街道畜禽养殖污染防治执法事项的决定（征求意见稿）",
    "document_number": "渝中府发〔2026〕（拟）",
    "document_date": dt.date(2026, 11, 1),
    "effective_from": dt.date(2027, 1, 1),
    "note": "渝中区无畜禽养殖场，相关事项赋权以来从未使用，拟收回区生态环境局。",
}


def _admin() -> User:
    return User.objects.get(username="admin")


def _towns(codes: list[str]) -> list[Unit]:
    return list(Unit.objects.filter(code__in=codes).order_by("code"))


@transaction.atomic
def seed(stdout: Any) -> None:
    district = District.objects.get(code=DISTRICT_CODE)
    report = catalog_import(
        actor=None,
        district_code=DISTRICT_CODE,
        rows=read_catalog(CATALOG),
        town_codes=TOWN_CODES,
        effective=CATALOG_EFFECTIVE,
        document=CATALOG_DOCUMENT,
        source=CATALOG.name,
    )
    stdout.write(f"Authority catalog: {report.summary()}")
    admin = _admin()
    items = {i.code: i for i in EnforcementItem.objects.filter(district=district)}

    if not Adjustment.objects.filter(district=district, document_number=HISTORY["document_number"]).exists():
        adjustment = adjustment_create(actor=admin, district=district, **HISTORY)
        for code in RECOVER:
            adjustment_line_add(
                actor=admin,
                adjustment=adjustment,
                action=AdjustmentLine.Action.RECOVER,
                item=items[code],
                towns=_towns(TOWN_CODES),
            )
        for code, towns in GRANT:
            adjustment_line_add(
                actor=admin,
                adjustment=adjustment,
                action=AdjustmentLine.Action.GRANT,
                item=items[code],
                towns=_towns(towns),
                kind=GrantKind.EMPOWERED,
            )
        adjustment_line_add(
            actor=admin,
            adjustment=adjustment,
            action=AdjustmentLine.Action.GRANT,
            item=items[DELEGATION["item"]],
            towns=_towns(DELEGATION["towns"]),
            kind=GrantKind.DELEGATED,
            delegating_department=Unit.objects.get(code=DELEGATION["department"]),
            scope=DELEGATION["scope"],
            valid_to=DELEGATION["valid_to"],
        )
        adjustment_approve(actor=admin, adjustment=adjustment, note="经区政府常务会议审议通过。")
        stdout.write(
            f"Authority adjustment {adjustment.document_number} approved "
            f"(effective {adjustment.effective_from})."
        )

    if not Adjustment.objects.filter(district=district, document_number=DRAFT["document_number"]).exists():
        draft = adjustment_create(actor=admin, district=district, **DRAFT)
        adjustment_line_add(
            actor=admin,
            adjustment=draft,
            action=AdjustmentLine.Action.RECOVER,
            item=items["CQ-HJ-008"],
            towns=_towns(TOWN_CODES),
        )
        stdout.write(f"Authority adjustment draft {draft.document_number} waiting for approval.")
