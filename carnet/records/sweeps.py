"""The record's periodic sweeps: find what is due, and run the one action for each (run by tasks)."""

import datetime

from django.conf import settings
from django.utils import timezone

from carnet.access.actor import SYSTEM
from carnet.identity.models import Patient
from carnet.records import actions
from carnet.records.models import Document


def release_overdue_hidden_documents(now: datetime.datetime | None = None) -> dict:
    """At 2 weeks tell the patient their record was updated; at the limit the document is released."""
    now = now or timezone.now()
    warn_before = now - datetime.timedelta(days=settings.CARNET_HIDDEN_WARN_DAYS)
    to_warn = Document.objects.filter(
        hidden_since__lte=warn_before, hidden_notice_sent_at__isnull=True, hidden_from_patient_until__gt=now
    ).select_related("patient")
    warned = sum(actions.warn_held_back_document(SYSTEM, document) for document in to_warn)
    to_release = Document.objects.filter(
        hidden_from_patient_until__lte=now, hidden_released_at__isnull=True, hidden_since__isnull=False
    ).select_related("patient")
    released = sum(actions.release_due_document(SYSTEM, document) for document in to_release)
    return {"warned": warned, "released": released}


def destroy_due_spaces(now: datetime.datetime | None = None) -> int:
    """Every closed space whose ``destroy_after`` has passed is destroyed (claimed one by one)."""
    now = now or timezone.now()
    due = Patient.objects.filter(state=Patient.State.CLOSED, destroy_after__lte=now)
    return sum(actions.destroy_space(SYSTEM, patient) for patient in due.iterator())
