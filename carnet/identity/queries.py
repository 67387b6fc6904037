"""Reads of the identity domain."""

import datetime

from django.core.exceptions import ValidationError

from carnet.identity.models import Patient
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
