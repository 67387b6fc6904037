"""Reads about access itself: who may see a patient's record, for the patient's own page."""

import json
from dataclasses import dataclass

from django.utils import timezone

from carnet.access.actions import effective_mode
from carnet.access.actor import Actor
from carnet.access.decision import AccessDenied
from carnet.access.gate import authorize
from carnet.access.matrix import PLAIN_WORDS
from carnet.access.models import AccessContest, Block, EmergencyAccess, EmergencyCard, Grant, ProfessionRule
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.identity.codes import keyed_hash
from carnet.identity.models import Mandate, Profession
from carnet.journal.chain import record
from carnet.records.codes import ALL_TYPES
from carnet.vault.queries import unseal


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


@dataclass(frozen=True)
class CardSecrets:
    """The patient's current wallet card with what is printed on it (unsealed for the patient only)."""

    card: EmergencyCard
    token: str
    code: str

    @property
    def code_usable(self) -> bool:
        return self.card.code_used_at is None and self.card.failures < 5


def current_card(actor: Actor, patient) -> CardSecrets | None:
    """The card in force, for the patient (or who acts for them) to see and print again."""
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, patient, detail={"card": "shown"})
    card = EmergencyCard.objects.filter(patient=patient, revoked_at__isnull=True).order_by("-pk").first()
    if card is None:
        return None
    sealed = json.loads(unseal(patient, card.sealed))
    return CardSecrets(card, sealed["token"], sealed["code"])


def patient_by_card(actor: Actor, token: str):
    """The patient whose card's link a professional opened, journaled on that record as a lookup; a revoked
    card, a blocked professional or a space not open answer as an unknown link does (None)."""
    card = (
        EmergencyCard.objects.filter(token_hash=keyed_hash(f"card:{token}"), revoked_at__isnull=True)
        .select_related("patient")
        .first()
    )
    if card is None:
        return None
    decision = decide(actor, P.ACCESS_PATIENT_LOOKUP, card.patient)
    record(
        actor,
        P.ACCESS_PATIENT_LOOKUP,
        decision,
        patient=card.patient,
        resource_type="Patient",
        resource_id=card.patient.pk,
        detail={"via": "emergency-card"},
    )
    return card.patient if decision.allowed else None
