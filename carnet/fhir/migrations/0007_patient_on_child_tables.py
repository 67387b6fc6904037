"""The submission links and the stored resources carry the patient (to shard with their documents, Citus).

The documents of a submission set become an explicit model over the same table (state only), then gain
``patient_id``; both tables are filled from their parent before the column turns required."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Document = apps.get_model("records", "Document")
    ProfileEntry = apps.get_model("records", "ProfileEntry")
    StoredResource = apps.get_model("fhir", "StoredResource")
    Link = apps.get_model("fhir", "SubmissionSetDocument")
    document_patient = Subquery(Document.objects.filter(pk=OuterRef("document_id")).values("patient_id")[:1])
    entry_patient = Subquery(ProfileEntry.objects.filter(pk=OuterRef("profile_entry_id")).values("patient_id")[:1])
    StoredResource.objects.filter(document__isnull=False).update(patient_id=document_patient)
    StoredResource.objects.filter(document__isnull=True).update(patient_id=entry_patient)
    Link.objects.update(patient_id=document_patient)


def _patient(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        null=null, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="identity.patient"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("fhir", "0006_folder"),
        ("identity", "0007_merge_20261202_0522"),
        ("records", "0008_documentversion_patient"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SubmissionSetDocument",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "submissionset",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="fhir.submissionset",
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="records.document",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "fhir_submissionset_documents",
                        "unique_together": {("submissionset", "document")},
                    },
                ),
                migrations.AlterField(
                    model_name="submissionset",
                    name="documents",
                    field=models.ManyToManyField(
                        related_name="submission_sets", through="fhir.SubmissionSetDocument", to="records.document"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(model_name="submissionsetdocument", name="patient", field=_patient(True)),
        migrations.AddField(model_name="storedresource", name="patient", field=_patient(True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="submissionsetdocument", name="patient", field=_patient(False)),
        migrations.AlterField(model_name="storedresource", name="patient", field=_patient(False)),
        migrations.AlterUniqueTogether(name="submissionsetdocument", unique_together=set()),
        migrations.AddConstraint(
            model_name="submissionsetdocument",
            constraint=models.UniqueConstraint(
                fields=("patient", "submissionset", "document"), name="one_document_per_submission"
            ),
        ),
    ]
