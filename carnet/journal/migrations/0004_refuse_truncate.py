"""PostgreSQL: TRUNCATE on the journal is refused too (row triggers do not fire on TRUNCATE)."""

from django.db import migrations

from carnet.journal import guard


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in guard.create_statements("postgresql"):
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in guard.drop_statements("postgresql"):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0003_refuse_update_delete")]
    operations = [migrations.RunPython(forwards, backwards)]
