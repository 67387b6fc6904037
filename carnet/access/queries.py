"""Reads about access itself: who may see a patient's record, for the patient's own page."""

from django.utils import timezone

from carnet.access.actor import Actor
from carnet.access.gate import authorize
from carnet.access.matrix import PLAIN_WORDS
from carnet.access.models import AccessContest, Block, EmergencyAccess, Grant
from carnet.access.permissions import Permission as P
from carnet.identity.models import Mandate


def access_overview(actor: Actor, patient) -> dict:
    """Everything the patient should see about access to their record, in one place."""
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, patient, detail={"view": "access-overview"})
    now = timezone.now()
    grants = Grant.objects.filter(patient=patient, revoked_at__isnull=True).select_related("professional")
    return {
        "gp": patient.gp,
        "grants": grants.filter(confirmed_at__isnull=False, expires_at__gt=now),
        "pending": grants.filter(confirmed_at__isnull=True),
        "blocks": Block.objects.filter(patient=patient).select_related("professional"),
        "emergencies": EmergencyAccess.objects.filter(patient=patient).select_related("professional"),
        "mandates": Mandate.objects.active(now).filter(patient=patient),
        "contests": AccessContest.objects.filter(patient=patient),
        "matrix": PLAIN_WORDS,
    }


def emergency_review_queue():
    """Operators' queue: emergency accesses not yet reviewed (no clinical content in it)."""
    return EmergencyAccess.objects.filter(outcome="").select_related("professional").order_by("started_at")


def open_contests():
    return AccessContest.objects.filter(status=AccessContest.Status.OPEN).order_by("created_at")


def active_emergency(professional, patient):
    """The professional's running emergency access to this patient, if any (for the countdown)."""
    return (
        EmergencyAccess.objects.filter(patient=patient, professional=professional, ends_at__gt=timezone.now())
        .order_by("-ends_at")
        .first()
    )


def active_mandates(patient):
    """The mandates the patient gave that are in force, with their caregivers (her own page)."""
    return Mandate.objects.active().filter(patient=patient).select_related("caregiver")


def mandate_of(patient, mandate_id: int) -> Mandate | None:
    """One mandate of this patient's (None if it is someone else's)."""
    return Mandate.objects.filter(pk=mandate_id, patient=patient).first()
