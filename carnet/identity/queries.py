"""Reads of the identity domain."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Case, Q, When

from carnet.identity.models import Patient, Profession, Professional, Representative, Specialty
from carnet.identity.validators import normalize_nir


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


def spaces_due_for_destruction(now: datetime.datetime):
    return Patient.objects.filter(state=Patient.State.CLOSED, destroy_after__lte=now)


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
