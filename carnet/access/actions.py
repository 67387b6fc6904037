"""The only code that changes who may see what: grants, presence codes, blocks, settings, emergencies,
mandates, contests and the matrix. Each asks the policy, journals, and notifies in one transaction."""

import datetime
import json
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.access.actor import Actor
from carnet.access.gate import atomic_action, authorize
from carnet.access.grants import (  # effective_mode re-exported for the FHIR API while it moves
    effective_mode,
    grant_extension_end,
    grants_to_extend,
)
from carnet.access.models import (
    AccessContest,
    Block,
    EmergencyAccess,
    EmergencyCard,
    Grant,
    PatientAccessSettings,
    PresenceCode,
    ProfessionRule,
)
from carnet.access.permissions import Permission as P
from carnet.access.sensitivity import CATEGORIES
from carnet.errors import NotFound, Refused
from carnet.identity.codes import keyed_hash
from carnet.identity.models import Mandate
from carnet.journal.models import Entry
from carnet.notify.outbox import email_later, notify_patient
from carnet.vault.envelope import seal

EMERGENCY_REASONS = {
    "unconscious": _("patient inconscient ou incapable de consentir"),
    "vital-risk": _("risque vital immédiat"),
    "samu-regulation": _("régulation médicale (SAMU)"),
}
PRESENCE_CODE_MINUTES = 60
PRESENCE_CODE_MAX_FAILURES = 5


# The old name of the access domain's refusals, kept while other areas move to carnet.errors.Refused.
AccessError = Refused


def _expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.CARNET_GRANT_EXPIRY_DAYS)


def _settings_row(patient) -> PatientAccessSettings:
    row, _created = PatientAccessSettings.objects.get_or_create(patient=patient)
    return row


@atomic_action
def declare_consent(actor: Actor, patient) -> Grant:
    """Declared mode: the professional declares the patient's consent; the patient is told at once."""
    authorize(actor, P.ACCESS_GRANT_CREATE, patient, detail={"mode": "declared"})
    if effective_mode(patient) != "declared":
        raise Refused(
            "confirmation_needed",
            _(
                "Ce patient confirme lui-même chaque accès : demandez-lui son "
                "code de présence ou sa confirmation."
            ),
        )
    now = timezone.now()
    first = not Grant.objects.filter(patient=patient, professional=actor.professional).exists()
    grant = Grant.objects.create(
        patient=patient,
        professional=actor.acting_professional,
        mode=Grant.Mode.DECLARED,
        confirmed_at=now,
        expires_at=_expiry(),
    )
    if first:
        _tell_first_access(patient, actor.acting_professional)
    return grant


def _tell_first_access(patient, professional) -> None:
    notify_patient(
        patient,
        "first-access",
        _("Un nouveau professionnel accède à votre dossier"),
        _(
            "%(who)s (%(role)s) a désormais accès à votre dossier. Vous pouvez retirer cet accès à tout "
            "moment dans votre espace."
        )
        % {"who": professional.display_name, "role": professional.role_label},
    )


@atomic_action
def request_access(actor: Actor, patient) -> Grant:
    """Confirmed mode: a pending request the patient confirms in their space."""
    authorize(actor, P.ACCESS_GRANT_CREATE, patient, detail={"mode": "confirmed"})
    grant = Grant.objects.create(
        patient=patient,
        professional=actor.acting_professional,
        mode=Grant.Mode.CONFIRMED,
        expires_at=_expiry(),
    )
    notify_patient(
        patient,
        "access-request",
        _("Demande d'accès à votre dossier"),
        _("%(who)s demande à accéder à votre dossier. Confirmez ou refusez dans votre espace.")
        % {"who": actor.acting_professional.display_name},
    )
    return grant


@atomic_action
def confirm_access(actor: Actor, grant: Grant) -> Grant:
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, grant.patient, detail={"grant": grant.pk})
    if grant.confirmed_at is not None or grant.revoked_at is not None:
        raise Refused("not_pending", _("Cette demande n'est plus en attente."))
    grant.confirmed_at = timezone.now()
    grant.save(update_fields=["confirmed_at"])
    return grant


@atomic_action
def issue_presence_code(actor: Actor, patient) -> str:
    """A one-time code for the patient to hand a professional (shown, sent by SMS, or printed)."""
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, patient, detail={"presence-code": "issued"})
    code = f"{secrets.randbelow(10**8):08d}"
    PresenceCode.objects.filter(patient=patient, used_at__isnull=True).update(used_at=timezone.now())
    PresenceCode.objects.create(
        patient=patient,
        code_hash=keyed_hash(f"{patient.pk}:{code}"),
        expires_at=timezone.now() + datetime.timedelta(minutes=PRESENCE_CODE_MINUTES),
    )
    return code


def redeem_presence_code(actor: Actor, patient, code: str) -> Grant:
    """The professional enters the patient's code (shown in the space, or printed on the emergency card):
    a confirmed grant; single use, guessing limited (each wrong code counts on every code it was tried on)."""
    authorize(actor, P.ACCESS_GRANT_CREATE, patient, detail={"mode": "presence-code"})
    now = timezone.now()
    candidates = [
        PresenceCode.objects.filter(patient=patient, used_at__isnull=True, expires_at__gt=now).first(),
        EmergencyCard.objects.filter(
            patient=patient, revoked_at__isnull=True, code_used_at__isnull=True
        ).first(),
    ]
    candidates = [row for row in candidates if row is not None and row.failures < PRESENCE_CODE_MAX_FAILURES]
    if not candidates:
        raise Refused("no_code", _("Aucun code de présence valide : demandez au patient d'en créer un."))
    typed = keyed_hash(f"{patient.pk}:{''.join(ch for ch in code if ch.isdigit())}")
    row = next((row for row in candidates if row.code_hash == typed), None)
    if row is None:
        for wrong in candidates:  # kept: outside any rollback
            type(wrong).objects.filter(pk=wrong.pk).update(failures=F("failures") + 1)
        raise Refused("wrong_code", _("Code de présence incorrect."))
    used = "used_at" if isinstance(row, PresenceCode) else "code_used_at"
    with transaction.atomic():
        if not type(row).objects.filter(pk=row.pk, **{f"{used}__isnull": True}).update(**{used: now}):
            raise Refused("no_code", _("Ce code de présence vient d'être utilisé."))
        first = not Grant.objects.filter(patient=patient, professional=actor.professional).exists()
        grant = Grant.objects.create(
            patient=patient,
            professional=actor.acting_professional,
            mode=Grant.Mode.CONFIRMED,
            confirmed_at=now,
            expires_at=_expiry(),
        )
        if first:
            _tell_first_access(patient, actor.acting_professional)
    return grant


@atomic_action
def issue_emergency_card(actor: Actor, patient, sections: list[str]) -> EmergencyCard:
    """A new wallet card (the previous one stops working): a random link token and presence code, sealed
    with the patient's key so that the patient can print the card again; only hashes are looked up."""
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, patient, detail={"card": "issued"})
    if not set(sections) <= set(EmergencyCard.Section.values):
        raise Refused("unknown_section", _("Choisissez parmi les informations proposées."), field="sections")
    token, code = secrets.token_urlsafe(24), f"{secrets.randbelow(10**8):08d}"
    EmergencyCard.objects.filter(patient=patient, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return EmergencyCard.objects.create(
        patient=patient,
        token_hash=keyed_hash(f"card:{token}"),
        code_hash=keyed_hash(f"{patient.pk}:{code}"),
        sealed=seal(patient, json.dumps({"token": token, "code": code}).encode()),
        sections=[value for value in EmergencyCard.Section.values if value in sections],
    )


@atomic_action
def revoke_emergency_card(actor: Actor, patient) -> int:
    """The card is lost or no longer wanted: its link and its code stop working at once."""
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, patient, detail={"card": "revoked"})
    return EmergencyCard.objects.filter(patient=patient, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@atomic_action
def extend_grant(actor: Actor, patient) -> int:
    """A grant expires after CARNET_GRANT_EXPIRY_DAYS *without a visit*: each visit pushes the date (at
    most one write a day; ``authorize`` calls this after a read allowed by a grant)."""
    authorize(actor, P.ACCESS_GRANT_EXTEND, patient)
    return grants_to_extend(actor.professional, patient).update(expires_at=grant_extension_end())


@atomic_action
def revoke_access(actor: Actor, patient, professional) -> int:
    """The patient withdraws a professional's access at once."""
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, patient, detail={"revoke": professional.pk})
    return Grant.objects.filter(patient=patient, professional=professional, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@atomic_action
def block_professional(actor: Actor, patient, professional) -> Block:
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, patient, detail={"block": professional.pk})
    Grant.objects.filter(patient=patient, professional=professional, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    block, _created = Block.objects.get_or_create(patient=patient, professional=professional)
    return block


@atomic_action
def unblock_professional(actor: Actor, patient, professional) -> None:
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, patient, detail={"unblock": professional.pk})
    Block.objects.filter(patient=patient, professional=professional).delete()


@atomic_action
def update_access_settings(actor: Actor, patient, **choices) -> PatientAccessSettings:
    """Grant mode (stricter only), emergency and SAMU refusals, what the GP sees masked."""
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, patient, detail={"settings": sorted(choices)})
    row = _settings_row(patient)
    allowed = {"grant_mode", "refuses_emergency", "refuses_samu", "gp_sees_masked"}
    for name, value in choices.items():
        if name not in allowed:
            raise Refused("unknown_setting", _("Réglage inconnu : %(name)s.") % {"name": name})
        setattr(row, name, value)
    row.save()
    return row


@atomic_action
def set_category_choice(actor: Actor, patient, category: str, visibility: str) -> PatientAccessSettings:
    """The patient chooses once per sensitive category how new documents of it are shown."""
    if category not in CATEGORIES or visibility not in {"normal", "masked", "private"}:
        raise Refused("bad_choice", _("Catégorie ou visibilité inconnue."))
    authorize(
        actor, P.ACCESS_SETTINGS_MANAGE, patient, detail={"category": category, "visibility": visibility}
    )
    row = _settings_row(patient)
    row.category_choices = {**row.category_choices, category: visibility}
    row.save(update_fields=["category_choices"])
    return row


@atomic_action
def break_glass(
    actor: Actor, patient, reason_code: str, reason_text: str, *, samu: bool = False
) -> EmergencyAccess:
    """Emergency access: reason required, time-limited, notified at once, queued for review."""
    if reason_code not in EMERGENCY_REASONS or len((reason_text or "").strip()) < 10:
        raise Refused("reason_required", _("Indiquez le motif et une explication (10 caractères au moins)."))
    authorize(
        actor,
        P.ACCESS_SAMU_OPEN if samu else P.ACCESS_EMERGENCY_OPEN,
        patient,
        detail={"reason": reason_code},
    )
    now = timezone.now()
    access = EmergencyAccess.objects.create(
        patient=patient,
        professional=actor.acting_professional,
        started_at=now,
        kind=EmergencyAccess.Kind.SAMU if samu else EmergencyAccess.Kind.GLASS,
        reason_code=reason_code,
        reason_text=reason_text.strip(),
        ends_at=now + datetime.timedelta(hours=settings.CARNET_EMERGENCY_HOURS),
    )
    text = _(
        "%(who)s a ouvert votre dossier en urgence (%(reason)s). Cet accès sera examiné ; vous verrez le "
        "résultat dans votre journal."
    ) % {"who": actor.acting_professional.display_name, "reason": EMERGENCY_REASONS[reason_code]}
    notify_patient(patient, "emergency-access", _("Accès en urgence à votre dossier"), text, urgent=True)
    if patient.gp is not None and patient.gp.user is not None and patient.gp.user.email:
        email_later(  # queued in this transaction: sent only if the emergency access commits
            patient.gp.user.email,
            _("Accès en urgence au dossier d'un de vos patients"),
            _("Un accès en urgence a eu lieu au dossier d'un patient dont vous êtes le médecin traitant."),
        )
    return access


@atomic_action
def review_emergency_access(
    actor: Actor, access: EmergencyAccess, outcome: str, note: str = ""
) -> EmergencyAccess:
    """Operators review each emergency access; the outcome is visible to the patient."""
    authorize(actor, P.ACCESS_EMERGENCY_REVIEW, access, detail={"outcome": outcome})
    if outcome not in {EmergencyAccess.Outcome.JUSTIFIED, EmergencyAccess.Outcome.UNJUSTIFIED}:
        raise Refused("bad_outcome", _("Résultat inconnu."))
    access.outcome, access.review_note = outcome, note
    access.reviewed_by, access.reviewed_at = actor.user, timezone.now()
    access.save()
    return access


@atomic_action
def grant_mandate(actor: Actor, patient, caregiver, scopes: list[str], days: int | None = None) -> Mandate:
    """The patient lets a caregiver or a digital mediator act for them: scoped, time-limited, revocable."""
    authorize(actor, P.ACCESS_MANDATE_GRANT, patient, detail={"mandate": sorted(scopes)})
    if not scopes or not set(scopes) <= set(Mandate.Scope.values):
        raise Refused("bad_scope", _("Choisissez ce que la personne peut faire."))
    days = days or settings.CARNET_MANDATE_DAYS
    mandate = Mandate.objects.create(
        patient=patient,
        caregiver=caregiver,
        scopes=sorted(scopes),
        ends_at=timezone.now() + datetime.timedelta(days=days),
    )
    notify_patient(
        patient,
        "mandate-change",
        _("Nouveau mandat"),
        _("%(who)s peut désormais agir pour vous dans carnet.")
        % {"who": caregiver.get_full_name() or caregiver.username},
    )
    return mandate


@atomic_action
def revoke_mandate(actor: Actor, mandate: Mandate) -> Mandate:
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, mandate.patient, detail={"mandate": mandate.pk})
    mandate.revoked_at = timezone.now()
    mandate.save(update_fields=["revoked_at"])
    notify_patient(
        mandate.patient,
        "mandate-change",
        _("Mandat retiré"),
        _("Un mandat a été retiré : la personne ne peut plus agir pour vous."),
    )
    return mandate


@atomic_action
def contest_access(actor: Actor, patient, entry_seq: int, text: str) -> AccessContest:
    """The patient contests an access seen in their journal: it reaches the operators."""
    authorize(actor, P.JOURNAL_ENTRY_CONTEST, patient, detail={"entry": entry_seq})
    if not Entry.objects.filter(seq=entry_seq, patient_id=patient.pk).exists():
        raise NotFound("unknown_entry", _("Cette ligne n'existe pas dans votre journal."))
    if not (text or "").strip():
        raise Refused("text_required", _("Expliquez en quelques mots pourquoi vous contestez cet accès."))
    return AccessContest.objects.create(patient=patient, entry_seq=entry_seq, text=text.strip())


@atomic_action
def answer_contest(actor: Actor, contest: AccessContest, answer: str) -> AccessContest:
    authorize(actor, P.JOURNAL_CONTEST_ANSWER, contest)
    contest.status, contest.answer, contest.handled_by = AccessContest.Status.CLOSED, answer, actor.user
    contest.save()
    notify_patient(
        contest.patient,
        "contest-answer",
        _("Réponse à votre contestation"),
        _(
            "L'équipe carnet a répondu à votre contestation d'un accès à votre dossier. Lisez sa réponse "
            "dans « Qui a consulté mon dossier » sur %(site)s."
        )
        % {"site": settings.SITE_URL},
    )
    return contest


@atomic_action
def change_matrix(actor: Actor, profession: str, type_code: str, allowed: bool) -> None:
    """Operators change the profession × type matrix; every change is journaled."""
    cell = ProfessionRule(profession=profession, type_code=type_code)
    authorize(
        actor, P.ACCESS_MATRIX_CHANGE, cell, detail={"cell": f"{profession}:{type_code}", "allow": allowed}
    )
    if allowed:
        ProfessionRule.objects.get_or_create(profession=profession, type_code=type_code)
    else:
        ProfessionRule.objects.filter(profession=profession, type_code=type_code).delete()


@atomic_action
def confirm_pending_access(actor: Actor, patient, professional) -> int:
    """The patient accepts a professional's pending requests (confirmed mode)."""
    authorize(actor, P.ACCESS_SETTINGS_MANAGE, patient, detail={"confirm": professional.pk})
    pending = Grant.objects.filter(
        patient=patient, professional=professional, confirmed_at__isnull=True, revoked_at__isnull=True
    )
    return pending.update(confirmed_at=timezone.now())
