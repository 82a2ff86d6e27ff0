from django.db import migrations

ROLES = ["officer", "supervisor", "legal_reviewer", "responder", "district_admin"]

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION zhifa_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON enforcement_auditevent
    FOR EACH ROW EXECUTE FUNCTION zhifa_audit_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS audit_event_append_only ON enforcement_auditevent;
DROP FUNCTION IF EXISTS zhifa_audit_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


def add_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=f"role:{role}")


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]

    operations = [
        migrations.RunPython(add_trigger, drop_trigger),
        migrations.RunPython(add_roles, migrations.RunPython.noop),
    ]
