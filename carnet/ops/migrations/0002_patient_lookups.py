"""The patients' NIR and account are unique through their lookup tables (``identity/lookups.py``): on
PostgreSQL the patients' table loses its two global uniques, the last blockers of colocated distribution."""

from django.db import migrations

from carnet.ops.shardkeys import UniquesMoved


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_shard_keys"),
        ("identity", "0009_patient_lookups"),
    ]

    operations = [UniquesMoved("identity_patient", ["nir", "user_id"])]
