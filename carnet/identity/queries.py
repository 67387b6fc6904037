"""Reads of the identity domain."""

import datetime
import re

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, When
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.errors import NotFound, Refused
from carnet.identity import codes, lookups
from carnet.identity.models import (
    ActivationCode,
    ContactChange,
    Opposition,
    Patient,
    Profession,
    Professional,
    ProfessionalInvitation,
    Representative,
    Specialty,
    User,
)
from carnet.identity.validators import normalize_nir
from carnet.journal.chain import record


def find_patient_by_ins(nir: str, birth_date: datetime.date | None) -> Patient | None:
    """A professional finds a patient by INS: the NIR and the birth date must both match."""
    try:
        nir = normalize_nir(nir)
    except ValidationError:
        return None
    patient = lookups.patient_for_nir(nir, Patient.objects.select_related("gp"))
    if patient is None or (birth_date is not None and patient.birth_date != birth_date):
        return None
    return patient


def lookup_patient(actor, nir: str, birth_date: datetime.date | None) -> Patient | None:
    """A professional reaches a patient only this way: by INS, journaled on the patient's record. A patient
    who blocked them, or a space not open, answers as no match does: they learn nothing."""
    patient = find_patient_by_ins(nir, birth_date)
    if patient is None:
        return None
    decision = decide(actor, P.ACCESS_PATIENT_LOOKUP, patient)  # not blocked, space open
    record(
        actor,
        P.ACCESS_PATIENT_LOOKUP,
        decision,
        patient=patient,
        resource_type="Patient",
        resource_id=patient.pk,
    )
    return patient if decision.allowed else None


def language_of(patient: Patient) -> str:
    """The language the person chose for their letters and PDFs (French unless they chose otherwise)."""
    return getattr(patient, "language", "") or "fr"


def spaces_due_for_destruction(now: datetime.datetime):
    return Patient.objects.filter(state=Patient.State.CLOSED, destroy_after__lte=now)


def nir_is_opposed(nir: str) -> bool:
    """True if this NIR opposed to the creation of a space (only a keyed hash of it is kept)."""
    return Opposition.objects.filter(nir_hash=codes.keyed_hash(nir)).exists()


def professional_by_id(professional_id: int) -> Professional:
    """The professional a page names, or a clear 404."""
    professional = Professional.objects.filter(pk=professional_id).first()
    if professional is None:
        raise NotFound("unknown_professional", _("Ce professionnel n'existe pas."))
    return professional


def user_by_login(login: str) -> User | None:
    """The account with this login (any case), or None."""
    return User.objects.filter(username__iexact=(login or "").strip()).first()


def search_doctors(text: str, limit: int = 20):
    """Doctors of the directory whose name or place of practice contains ``text`` (GPs first)."""
    words = [word for word in (text or "").split() if len(word) >= 2][:3]
    found = Professional.objects.filter(profession=Profession.MEDECIN)
    for word in words:
        found = found.filter(
            Q(family_name__icontains=word) | Q(given_name__icontains=word) | Q(organisation__icontains=word)
        )
    general_first = Case(When(specialty=Specialty.GENERALE, then=0), default=1)
    return list(found.order_by(general_first, "family_name", "given_name")[:limit]) if words else []


def search_directory(text: str, limit: int = 20):
    """Professionals of every profession whose name, place of practice or RPPS matches ``text``."""
    words = [word for word in (text or "").split() if len(word) >= 2][:3]
    found = Professional.objects.all()
    for word in words:
        found = found.filter(
            Q(family_name__icontains=word)
            | Q(given_name__icontains=word)
            | Q(organisation__icontains=word)
            | Q(rpps=word)
        )
    return list(found.order_by("family_name", "given_name")[:limit]) if words else []


def doctor_by_id(professional_id) -> Professional | None:
    return Professional.objects.filter(pk=professional_id, profession=Profession.MEDECIN).first()


def patient_by_nir(nir: str) -> Patient | None:
    """Operators find a person's space by the full NIR (from a paper request); never listed by NIR."""
    try:
        return lookups.patient_for_nir(normalize_nir(nir))
    except ValidationError:
        return None


def patient_by_id(patient_id: int) -> Patient | None:
    return Patient.objects.filter(pk=patient_id).select_related("gp", "user").first()


def representatives_of(patient: Patient):
    return patient.representatives.select_related("person", "user").order_by("-since")


def representative_by_id(rep_id: int) -> Representative | None:
    return Representative.objects.filter(pk=rep_id).select_related("patient").first()


# --- lookups and checks of the account steps (the actions ask the policy; these only read) ------------


class Recipient:
    """Where a space's invitation and codes go: the person, or for a minor their legal representative."""

    def __init__(self, name: str, email: str, address: str, representative: Representative | None = None):
        self.name, self.email, self.address, self.representative = name, email, address, representative


def is_minor(patient: Patient) -> bool:
    return patient.age_on(timezone.localdate()) < 18


def active_representatives(patient: Patient):
    return patient.representatives.filter(ended_at__isnull=True).select_related("person", "user")


def invitation_recipient(patient: Patient) -> Recipient:
    rep = active_representatives(patient).filter(kind=Representative.Kind.PARENT).first()
    if rep is None or not is_minor(patient) or rep.person is None:
        return Recipient(patient.display_name, patient.email, patient.address)
    return Recipient(rep.person.display_name, rep.person.email, rep.person.address, rep)


def refuse_minor_activation(patient: Patient) -> None:
    """A represented minor has no login of their own: the representative acts from their own space."""
    if is_minor(patient) and active_representatives(patient).exists():
        raise Refused(
            "minor_represented",
            _(
                "Ce code est celui d'un mineur : son représentant légal accède à son espace depuis son "
                "propre espace carnet. Le code sert seulement à s'opposer à la création de l'espace."
            ),
            field="code",
        )


def has_valid_code(patient: Patient) -> bool:
    return ActivationCode.objects.filter(
        patient=patient, used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


def postal_code_of(address: str) -> str:
    """The postal code of an address on file: its last group of five digits."""
    found = re.findall(r"(?<!\d)\d{5}(?!\d)", address or "")
    return found[-1] if found else ""


def user_for_reset_link(uid: str, token: str) -> User:
    """The person a reset link was sent to, or a refusal (unknown, expired or already used link)."""
    try:
        user = User.objects.filter(pk=int(force_str(urlsafe_base64_decode(uid)))).first()
    except (TypeError, ValueError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise Refused("link_invalid", _("Ce lien n'est plus valable : demandez-en un nouveau."))
    return user


def pending_contact_change(user: User) -> ContactChange | None:
    return (
        ContactChange.objects.filter(user=user, confirmed_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )


def invitation_for(token: str) -> ProfessionalInvitation:
    """The invitation behind a link, or a refusal that says why it no longer works."""
    invitation = (
        ProfessionalInvitation.objects.select_related("professional")
        .filter(token_hash=codes.keyed_hash(token or ""))
        .first()
    )
    if invitation is None:
        raise Refused("invitation_unknown", _("Ce lien d'invitation n'est pas valide."), status=404)
    if invitation.used_at is not None:
        raise Refused("invitation_used", _("Ce lien a déjà servi : connectez-vous avec votre identifiant."))
    if invitation.expires_at <= timezone.now() or invitation.professional.user_id is not None:
        raise Refused("invitation_expired", _("Ce lien a expiré : demandez une nouvelle invitation."))
    return invitation
