"""One penalty-kind vocabulary (issue 12): `order_closure` meant "责令停产停业 or 关闭" and now means 关闭 alone.

A tier recommends what it recommended, read the lighter way (a migration never makes a recommendation heavier):
`order_closure` becomes `suspend_business` (责令停产停业); `suspend_permit` keeps its value and now means 暂扣 alone,
the lighter of the two it stood for. The items' penalty clauses provide both readings (authority 0004).
"""

from __future__ import annotations

from django.db import migrations

FORWARDS = {"order_closure": "suspend_business"}
BACKWARDS = {"suspend_business": "order_closure", "lower_qualification": "suspend_permit", "restrict_practice": "limit_activity"}


def _rewrite(apps, table: dict[str, str]) -> None:
    Tier = apps.get_model("discretion", "BenchmarkTier")
    for tier in Tier.objects.only("pk", "penalty_kinds").iterator():
        kinds = tier.penalty_kinds or []
        if set(table) & set(kinds):
            mapped: list[str] = []
            for kind in kinds:
                new = table.get(kind, kind)
                if new not in mapped:
                    mapped.append(new)
            tier.penalty_kinds = mapped
            tier.save(update_fields=["penalty_kinds"])


def forwards(apps, schema_editor) -> None:
    _rewrite(apps, FORWARDS)


def backwards(apps, schema_editor) -> None:
    _rewrite(apps, BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("discretion", "0002_tier_multiples"), ("authority", "0004_one_penalty_vocabulary")]

    operations = [migrations.RunPython(forwards, backwards)]
