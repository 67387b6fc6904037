"""PostgreSQL: the full-text GIN index without its pending list (fastupdate off).

With the pending list, inserts are cheap until the list is full; then the backend that happens to insert
(often a deposit's small title row) merges megabytes of the worker's long texts into the index, and that
request waits hundreds of milliseconds. Without it, each insert pays for its own entries: the worker for
the long texts, a deposit for its title. PostgreSQL's documentation (GIN, "GIN Fast Update Technique"):
"If consistent response time is more important than update speed, use of pending entries can be disabled
by turning off the fastupdate storage parameter."
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX IF EXISTS records_documenttext_fts SET (fastupdate = off)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX IF EXISTS records_documenttext_fts RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("records", "0003_search_index")]
    operations = [migrations.RunPython(forwards, backwards)]
