"""The end of a closed space: at the end of retention, crypto-shred the record (domain.md §2)."""

from django.db import transaction
from django.utils import timezone

from carnet.access.actor import SYSTEM
from carnet.access.decision import Decision
from carnet.identity.models import Patient
from carnet.journal.actions import record
from carnet.records import search
from carnet.records.models import ProfileEntry, Wish
from carnet.vault import actions as vault


def destroy_space(patient: Patient) -> None:
    """Erase the patient's data key (all content becomes unreadable), the search text and the profile."""
    with transaction.atomic():
        claimed = Patient.objects.filter(pk=patient.pk, state=Patient.State.CLOSED).update(
            state=Patient.State.DESTROYED, state_changed_at=timezone.now()
        )
        if not claimed:
            return
        vault.shred(patient)
        search.drop_patient_index(patient.pk)
        ProfileEntry.objects.filter(patient=patient).delete()
        Wish.objects.filter(patient=patient).delete()
        patient.documents.update(title="", blob_ref="")
        record(
            SYSTEM,
            "account:space:destroy",
            Decision(True, "retention over", "crypto-shred"),
            patient=patient,
            resource_type="Patient",
            resource_id=patient.pk,
        )


def destroy_due_spaces(now=None) -> int:
    """Task: every closed space whose ``destroy_after`` has passed is destroyed (claimed one by one)."""
    now = now or timezone.now()
    count = 0
    for patient in Patient.objects.filter(state=Patient.State.CLOSED, destroy_after__lte=now).iterator():
        destroy_space(patient)
        count += 1
    return count
