"""A document's reading counters carry its patient (to shard with the document, Citus), filled from it."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Document = apps.get_model("records", "Document")
    patient = Subquery(Document.objects.filter(pk=OuterRef("document_id")).values("patient_id")[:1])
    apps.get_model("stats", "DocumentReading").objects.update(patient_id=patient)


class Migration(migrations.Migration):
    dependencies = [("records", "0007_document_versions"), ("stats", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="documentreading", name="patient_id", field=models.BigIntegerField(db_index=True, null=True)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="documentreading", name="patient_id", field=models.BigIntegerField(db_index=True)
        ),
    ]
