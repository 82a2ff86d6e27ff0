"""Issue 18: the case's and the complaint's own district column is what an administrator's scope now filters
on, so any row whose district is not its town's is set right; and text search gets trigram indexes.

The search filters are `icontains` (PostgreSQL: `UPPER(column::text) LIKE UPPER('%q%')`), which no B-tree
index serves; a GIN trigram index on that very expression does, so a search costs what the matches cost rather
than a scan of the town's cases. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may
create it. On SQLite (the demo) the indexes are skipped.
"""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery

TRIGRAM = [
    ("cases_case", "title"),
    ("cases_case", "party_name"),
    ("cases_case", "number"),
    ("cases_complaint", "text"),
    ("cases_complaint", "address"),
    ("cases_complaint", "external_id"),
]


def district_from_town(apps, schema_editor):
    Unit = apps.get_model("enforcement", "Unit")
    for name in ("Case", "Complaint"):
        model = apps.get_model("cases", name)
        town_district = Unit.objects.filter(pk=OuterRef("town_id")).values("district_id")[:1]
        model.objects.exclude(district_id=F("town__district_id")).update(district_id=Subquery(town_district))


def trigram_on(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def trigram_off(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_district_keyset"), ("enforcement", "__first__")]

    operations = [
        migrations.RunPython(district_from_town, migrations.RunPython.noop),
        migrations.RunPython(trigram_on, trigram_off),
    ]
