"""One penalty-kind vocabulary (issue 12): the cases' own three words become the catalog's.

`suspend_licence` ("暂扣许可证件、降低资质等级") → `suspend_permit`, `revoke_licence` → `revoke_permit`, `restrict`
("限制开展生产经营活动、责令停产停业、责令关闭、限制从业") → `limit_activity`: each the lightest of what it stood for,
so no stored decision reads heavier than it was. Proposed and decided kinds and the timeline's event data are
rewritten; the audit trail is append-only and keeps the words of its day.
"""

from __future__ import annotations

from django.db import migrations

FORWARDS = {"suspend_licence": "suspend_permit", "revoke_licence": "revoke_permit", "restrict": "limit_activity"}
BACKWARDS = {
    "suspend_permit": "suspend_licence",
    "lower_qualification": "suspend_licence",
    "revoke_permit": "revoke_licence",
    "limit_activity": "restrict",
    "suspend_business": "restrict",
    "order_closure": "restrict",
    "restrict_practice": "restrict",
}


def _mapped(kinds: list[str], table: dict[str, str]) -> list[str]:
    out: list[str] = []
    for kind in kinds or []:
        new = table.get(kind, kind)
        if new not in out:
            out.append(new)
    return out


def _rewrite(apps, table: dict[str, str]) -> None:
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    old = set(table)
    for case in Case.objects.only("pk", "proposed_kinds", "penalty_kinds").iterator():
        if old & (set(case.proposed_kinds or []) | set(case.penalty_kinds or [])):
            case.proposed_kinds = _mapped(case.proposed_kinds, table)
            case.penalty_kinds = _mapped(case.penalty_kinds, table)
            case.save(update_fields=["proposed_kinds", "penalty_kinds"])
    events = CaseEvent.objects.filter(action__in=["serve_notice", "decide", "on_spot"]).only("pk", "data")
    for event in events.iterator():
        kinds = (event.data or {}).get("kinds")
        if isinstance(kinds, list) and old & set(kinds):
            event.data = {**event.data, "kinds": _mapped(kinds, table)}
            event.save(update_fields=["data"])


def forwards(apps, schema_editor) -> None:
    _rewrite(apps, FORWARDS)


def backwards(apps, schema_editor) -> None:
    _rewrite(apps, BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_penalty_content")]

    operations = [migrations.RunPython(forwards, backwards)]
