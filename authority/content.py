"""An item's content as one canonical dict: what a version snapshots, what an import compares, what an export
writes."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from .importing import CONTENT_COLUMNS, money_text
from .importing import MULTIPLE_COLUMNS as MULTIPLE_KEYS
from .models import EnforcementItem
from .penalties import FineBasis

CONTENT_KEYS = CONTENT_COLUMNS  # every column of an import row but the code


def item_content(item: EnforcementItem) -> dict[str, Any]:
    return {
        "name_zh": item.name_zh,
        "name_en": item.name_en,
        "kind": item.kind,
        "domain": item.domain,
        "legal_basis": item.legal_basis,
        "description_zh": item.description_zh,
        "fine_min": money_text(item.fine_min),
        "fine_max": money_text(item.fine_max),
        "holder": item.held_by,
        "rule_broken": item.rule_broken,
        "penalty_clause": item.penalty_clause,
        "penalty_kinds": list(item.penalty_kinds or []),
        "delegation_scope": item.delegation_scope,
        "fine_basis": "" if item.fine_basis == FineBasis.AMOUNT else item.fine_basis,
        "fine_multiple_min": money_text(item.fine_multiple_min),
        "fine_multiple_max": money_text(item.fine_multiple_max),
        "fine_multiple_from": money_text(item.fine_multiple_from),
    }


def content_hash(content: dict[str, Any]) -> str:
    canonical = {key: content.get(key, [] if key == "penalty_kinds" else "") for key in CONTENT_KEYS}
    for (
        key
    ) in MULTIPLE_KEYS:  # absent from items without multiples: their hashes stay those of before the keys
        if not canonical[key]:
            del canonical[key]
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def apply_content(item: EnforcementItem, content: dict[str, Any]) -> None:
    """Copy content onto the item's current fields (the caller saves)."""
    item.name_zh = content["name_zh"]
    item.name_en = content["name_en"]
    item.kind = content["kind"]
    item.domain = content["domain"]
    item.legal_basis = content["legal_basis"]
    item.description_zh = content["description_zh"]
    item.fine_min = Decimal(content["fine_min"]) if content["fine_min"] else None
    item.fine_max = Decimal(content["fine_max"]) if content["fine_max"] else None
    item.held_by = content["holder"]
    item.rule_broken = content.get("rule_broken", "")
    item.penalty_clause = content.get("penalty_clause", "")
    item.penalty_kinds = list(content.get("penalty_kinds", []))
    item.delegation_scope = content.get("delegation_scope", "")
    item.fine_basis = content.get("fine_basis") or FineBasis.AMOUNT
    for key in ("fine_multiple_min", "fine_multiple_max", "fine_multiple_from"):
        setattr(item, key, Decimal(content[key]) if content.get(key) else None)


def content_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (before.get(k), after.get(k)) for k in CONTENT_KEYS if before.get(k) != after.get(k)}
