"""Reads about access itself: who may see a patient's record, for the patient's own page."""

from django.utils import timezone

from carnet.access.actions import effective_mode
from carnet.access.actor import Actor
from carnet.access.decision import AccessDenied
from carnet.access.gate import authorize
from carnet.access.matrix import PLAIN_WORDS
from carnet.access.models import AccessContest, Block, EmergencyAccess, Grant, ProfessionRule
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.identity.models import Mandate, Profession
from carnet.records.codes import ALL_TYPES


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
        "mandates": Mandate.objects.filter(patient=patient, revoked_at__isnull=True, ends_at__gt=now),
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


def profession_grid() -> tuple[list, list]:
    """The live matrix as a grid for patients: the professions, then one row per document type with, for
    each profession, whether it reads that type (operators change it; this is never fixed text)."""
    rules = set(ProfessionRule.objects.values_list("profession", "type_code"))
    professions = list(Profession.choices)
    rows = [
        (str(name), [(str(label), (code_p, code) in rules) for code_p, label in professions])
        for code, (_class, name) in ALL_TYPES.items()
    ]
    return professions, rows


def professional_standing(actor: Actor, patient) -> dict:
    """What professional software may know before reading (the DMP's "test authorisation"): whether the
    space is open and this professional's own standing; nothing about anyone else or the patient's other
    choices. Journaled like every access question."""
    try:
        authorize(actor, P.ACCESS_STANDING_READ, patient, detail={"view": "standing"})
    except AccessDenied as denied:
        if denied.decision.rule != "space-not-open":
            raise
        return {"space": "unavailable"}
    read = decide(actor, P.RECORD_PROFILE_READ, patient)
    standing = {"space": "open", "mode": effective_mode(patient)}
    if read.allowed:
        emergency = active_emergency(actor.professional, patient)
        grant = (
            Grant.objects.filter(
                patient=patient,
                professional=actor.professional,
                revoked_at__isnull=True,
                confirmed_at__isnull=False,
            )
            .order_by("-expires_at")
            .first()
        )
        until = emergency.ends_at if read.rule == "emergency-access" else getattr(grant, "expires_at", None)
        return {**standing, "standing": "authorised", "basis": read.rule, "until": until}
    if read.rule == "blocked":
        return {"space": "open", "standing": "blocked"}
    pending = Grant.objects.filter(
        patient=patient, professional=actor.professional, revoked_at__isnull=True, confirmed_at__isnull=True
    ).exists()
    return {**standing, "standing": "pending-confirmation" if pending else "not-authorised"}
