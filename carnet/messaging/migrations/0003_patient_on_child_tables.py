"""Read states, outgoing mail and reply slips carry the patient (to shard with their conversation, Citus):
filled from the conversation before the column turns required; one read state per person and conversation
stays the rule, now with the patient in the constraint."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Conversation = apps.get_model("messaging", "Conversation")
    Message = apps.get_model("messaging", "Message")
    by_conversation = Subquery(Conversation.objects.filter(pk=OuterRef("conversation_id")).values("patient_id")[:1])
    by_message = Subquery(Message.objects.filter(pk=OuterRef("message_id")).values("patient_id")[:1])
    apps.get_model("messaging", "Participation").objects.update(patient_id=by_conversation)
    apps.get_model("messaging", "PaperSlip").objects.update(patient_id=by_conversation)
    apps.get_model("messaging", "OutgoingMail").objects.update(patient_id=by_message)


def _patient(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        null=null, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="identity.patient"
    )


MODELS = ("participation", "outgoingmail", "paperslip")


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0007_merge_20261202_0522"),
        ("messaging", "0002_attachment_position"),
    ]

    operations = [
        *(migrations.AddField(model_name=name, name="patient", field=_patient(True)) for name in MODELS),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *(migrations.AlterField(model_name=name, name="patient", field=_patient(False)) for name in MODELS),
        migrations.RemoveConstraint(model_name="participation", name="one_participation"),
        migrations.AddConstraint(
            model_name="participation",
            constraint=models.UniqueConstraint(fields=("patient", "conversation", "user"), name="one_participation"),
        ),
    ]
