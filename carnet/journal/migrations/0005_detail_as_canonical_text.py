"""Entry.detail becomes the canonical JSON text that the hash covers (journal entry encoding v2).

SQLite rebuilds the table to change a column type, which drops its triggers: they are put back.
Entries written with the v1 encoding (before any release) no longer verify; development databases
should be recreated (remove var/carnet.sqlite3, then `make demo`).
"""

from django.db import migrations, models

from carnet.journal import guard


def restore_sqlite_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in guard.create_statements():
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0004_refuse_truncate")]
    operations = [
        migrations.AlterField(
            model_name="entry",
            name="detail",
            field=models.TextField(blank=True, default="{}"),
        ),
        migrations.RunPython(restore_sqlite_guard, migrations.RunPython.noop),
    ]
