"""A Folder's documents carry the patient (to shard with their Folder and documents, Citus).

The documents of a Folder become an explicit model over the same table (state only), then gain
``patient_id``, filled from the Folder before the column turns required."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Folder = apps.get_model("fhir", "Folder")
    Link = apps.get_model("fhir", "FolderDocument")
    Link.objects.update(patient_id=Subquery(Folder.objects.filter(pk=OuterRef("folder_id")).values("patient_id")[:1]))


def _patient(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        null=null, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="identity.patient"
    )


class Migration(migrations.Migration):
    dependencies = [("fhir", "0007_patient_on_child_tables")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FolderDocument",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "folder",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="fhir.folder"
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="records.document"
                            ),
                        ),
                    ],
                    options={"db_table": "fhir_folder_documents", "unique_together": {("folder", "document")}},
                ),
                migrations.AlterField(
                    model_name="folder",
                    name="documents",
                    field=models.ManyToManyField(
                        related_name="fhir_folders", through="fhir.FolderDocument", to="records.document"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(model_name="folderdocument", name="patient", field=_patient(True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="folderdocument", name="patient", field=_patient(False)),
        migrations.AlterUniqueTogether(name="folderdocument", unique_together=set()),
        migrations.AddConstraint(
            model_name="folderdocument",
            constraint=models.UniqueConstraint(fields=("patient", "folder", "document"), name="one_document_per_folder"),
        ),
    ]
