"""A document's versions carry its patient (to shard with the document, Citus): filled from the document
before the column turns required; one number per version of a document stays the rule."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Document = apps.get_model("records", "Document")
    patient = Subquery(Document.objects.filter(pk=OuterRef("document_id")).values("patient_id")[:1])
    apps.get_model("records", "DocumentVersion").objects.update(patient_id=patient)


def _patient(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        null=null, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="identity.patient"
    )


class Migration(migrations.Migration):
    dependencies = [("identity", "0007_merge_20261202_0522"), ("records", "0007_document_versions")]

    operations = [
        migrations.AddField(model_name="documentversion", name="patient", field=_patient(True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="documentversion", name="patient", field=_patient(False)),
        migrations.RemoveConstraint(model_name="documentversion", name="one_number_per_version"),
        migrations.AddConstraint(
            model_name="documentversion",
            constraint=models.UniqueConstraint(
                fields=("patient", "document", "number"), name="one_number_per_version"
            ),
        ),
    ]
