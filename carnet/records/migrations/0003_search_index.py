"""Full-text search: FTS5 on SQLite, a French tsvector GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_UP = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5("
    "document_id UNINDEXED, patient_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')"
)
POSTGRES_UP = (
    "CREATE INDEX IF NOT EXISTS records_documenttext_fts ON records_documenttext "
    "USING GIN (to_tsvector('french', body))"
)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS records_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS records_documenttext_fts")


class Migration(migrations.Migration):
    dependencies = [("records", "0002_profile_wishes_search_text")]
    operations = [migrations.RunPython(forwards, backwards)]
