"""The table of the shared cache (sign-in rate limits count there, across every process and server).

Created by Django's ``createcachetable`` for whatever database cache CACHES names; nothing when the cache
is another shared backend (Redis, Memcached)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("identity", "0003_professional_sign_in")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
