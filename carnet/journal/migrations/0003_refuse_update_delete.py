"""The database itself refuses UPDATE and DELETE on the journal (PostgreSQL and SQLite triggers)."""

from django.db import migrations

from carnet.journal import guard

UP = """
CREATE OR REPLACE FUNCTION carnet_journal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'carnet journal entries are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS journal_entry_append_only ON journal_entry;
CREATE TRIGGER journal_entry_append_only BEFORE UPDATE OR DELETE ON journal_entry
    FOR EACH ROW EXECUTE FUNCTION carnet_journal_append_only();
DROP TRIGGER IF EXISTS journal_checkpoint_append_only ON journal_checkpoint;
CREATE TRIGGER journal_checkpoint_append_only BEFORE UPDATE OR DELETE ON journal_checkpoint
    FOR EACH ROW EXECUTE FUNCTION carnet_journal_append_only();
"""
DOWN = """
DROP TRIGGER IF EXISTS journal_entry_append_only ON journal_entry;
DROP TRIGGER IF EXISTS journal_checkpoint_append_only ON journal_checkpoint;
DROP FUNCTION IF EXISTS carnet_journal_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in guard.create_statements():
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in guard.drop_statements():
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0002_checkpoint")]
    operations = [migrations.RunPython(forwards, backwards)]
