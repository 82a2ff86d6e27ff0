"""One penalty-kind vocabulary (issue 12): the catalog's two combined kinds are split as art 9 lists them.

`suspend_permit` meant "暂扣许可证件 or 降低资质等级" and `order_closure` "责令停产停业 or 关闭"; a penalty clause that
provided one of them provides both of the kinds it stood for. Item versions are rewritten the same way (it is the
words that change, not the content), with their content hashes recomputed.
"""

from __future__ import annotations

import hashlib
import json

from django.db import migrations

SPLIT = {
    "suspend_permit": ["suspend_permit", "lower_qualification"],
    "order_closure": ["suspend_business", "order_closure"],
}
FOLD = {"lower_qualification": "suspend_permit", "suspend_business": "order_closure", "restrict_practice": "limit_activity"}
# The content keys as they were when these versions were written (authority.content.CONTENT_KEYS then).
KEYS = [
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


def _map(kinds: list[str], table: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for kind in kinds or []:
        for new in table.get(kind, [kind]):
            if new not in out:
                out.append(new)
    return out


def _hash(content: dict) -> str:
    canonical = {key: content.get(key, [] if key == "penalty_kinds" else "") for key in KEYS}
    for key, value in content.items():  # keys added later are hashed only when set
        if key not in canonical and value:
            canonical[key] = value
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _rewrite(apps, table: dict[str, list[str]]) -> None:
    Item = apps.get_model("authority", "EnforcementItem")
    Version = apps.get_model("authority", "EnforcementItemVersion")
    old = set(table)
    for item in Item.objects.exclude(penalty_kinds=[]).only("pk", "penalty_kinds").iterator():
        if old & set(item.penalty_kinds or []):
            item.penalty_kinds = _map(item.penalty_kinds, table)
            item.save(update_fields=["penalty_kinds"])
    for version in Version.objects.only("pk", "content").iterator():
        kinds = (version.content or {}).get("penalty_kinds") or []
        if old & set(kinds):
            version.content = {**version.content, "penalty_kinds": _map(kinds, table)}
            version.content_hash = _hash(version.content)
            version.save(update_fields=["content", "content_hash"])


def forwards(apps, schema_editor) -> None:
    _rewrite(apps, SPLIT)


def backwards(apps, schema_editor) -> None:
    _rewrite(apps, {new: [old] for new, old in FOLD.items()})


class Migration(migrations.Migration):
    dependencies = [("authority", "0003_fine_multiples")]

    operations = [migrations.RunPython(forwards, backwards)]
