"""Make the audit log append-only in the database itself, not only in the application.

UPDATE is refused on both databases. DELETE is refused on PostgreSQL; on SQLite, Django's test
flush deletes rows with plain DELETE, so there the application layer alone refuses deletion.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER accounts_auditevent_no_update BEFORE UPDATE ON accounts_auditevent
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS accounts_auditevent_no_update;"

PG_UP = """
CREATE OR REPLACE FUNCTION sauti_audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditevent_no_change BEFORE UPDATE OR DELETE ON accounts_auditevent
FOR EACH ROW EXECUTE FUNCTION sauti_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS accounts_auditevent_no_change ON accounts_auditevent;
DROP FUNCTION IF EXISTS sauti_audit_append_only();
"""


def forwards(apps, schema_editor):
    sql = {"sqlite": SQLITE_UP, "postgresql": PG_UP}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    sql = {"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
