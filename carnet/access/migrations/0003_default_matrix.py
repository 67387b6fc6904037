from django.db import migrations


def load(apps, schema_editor):
    from carnet.access.matrix import DEFAULT_MATRIX

    rule = apps.get_model("access", "ProfessionRule")
    rule.objects.bulk_create(
        [rule(profession=profession, type_code=code) for profession, codes in DEFAULT_MATRIX.items() for code in codes],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("access", "ProfessionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("access", "0002_access_rules")]
    operations = [migrations.RunPython(load, unload)]
