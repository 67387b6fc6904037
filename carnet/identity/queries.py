"""Reads of the identity domain."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Case, Q, When
from django.utils.translation import gettext as _

from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.errors import NotFound
from carnet.identity import codes
from carnet.identity.models import (
    Opposition,
    Patient,
    Profession,
    Professional,
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
    patient = Patient.objects.filter(nir=nir).select_related("gp").first()
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
        return Patient.objects.filter(nir=normalize_nir(nir)).first()
    except ValidationError:
        return None


def patient_by_id(patient_id: int) -> Patient | None:
    return Patient.objects.filter(pk=patient_id).select_related("gp", "user").first()


def representatives_of(patient: Patient):
    return patient.representatives.select_related("person", "user").order_by("-since")


def representative_by_id(rep_id: int) -> Representative | None:
    return Representative.objects.filter(pk=rep_id).select_related("patient").first()
