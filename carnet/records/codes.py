"""Document type codes (LOINC and French extensions) with their class codes and names (domain.md §3)."""

import functools

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# type code: (class code, name)
TYPES = {
    "11488-4": ("10", _("Compte rendu de consultation")),
    "11490-0": ("10", _("Lettre de sortie")),
    "28655-9": ("10", _("Résumé de sortie du médecin responsable")),
    "34112-3": ("10", _("Compte rendu d'hospitalisation")),
    "15507-7": ("10", _("Compte rendu des urgences")),
    "34874-8": ("10", _("Compte rendu opératoire")),
    "11502-2": ("10", _("Compte rendu de biologie")),
    "11526-1": ("10", _("Compte rendu d'anatomopathologie")),
    "18748-4": ("31", _("Compte rendu d'imagerie")),
    "60591-5": ("11", _("Volet de synthèse médicale")),
    "34133-9": ("11", _("Synthèse d'épisode de soins")),
    "68599-0": ("11", _("Synthèse psychiatrique")),
    "83901-9": ("11", _("Bilan psychologique")),
    "57833-6": ("42", _("Prescription de médicaments")),
    "57832-8": ("42", _("Prescription de soins")),
    "60593-1": ("43", _("Dispensation de médicaments")),
    "11369-6": ("52", _("Historique des vaccinations")),
    "89601-9": ("52", _("Certificat médical")),
    "REMB": ("60", _("Historique des remboursements")),
    "EXPPAT_1": ("90", _("Volontés et droits du patient")),
    "EXPPAT_3": ("90", _("Directives anticipées")),
    "ATTEST-RESID": ("95", _("Attestation de résidence")),
}
PATIENT_TYPES = {f"DOCPAT{n:02d}": ("90", _("Document personnel")) for n in range(1, 10)}
ALL_TYPES = TYPES | PATIENT_TYPES

CLASSES = {
    "10": _("Compte rendu"),
    "11": _("Synthèse"),
    "31": _("Imagerie"),
    "42": _("Prescription"),
    "43": _("Dispensation"),
    "52": _("Certificat, vaccination"),
    "60": _("Données de remboursement"),
    "90": _("Expression du patient"),
    "95": _("Document administratif"),
}
# The "Suivi médical" view shows clinical classes; "Documents" shows everything.
CLINICAL_CLASSES = {"10", "11", "31", "42", "43", "52"}
ADMINISTRATIVE_TYPES = {"REMB", "ATTEST-RESID"}

FORMAT_BY_MIME = {
    "application/pdf": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
    "text/plain": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
    "image/jpeg": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
    "image/png": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
    "application/xml": "urn:ihe:iti:xds-sd:pdf:2008",
    "application/fhir+json": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
}


def class_of(type_code: str) -> str:
    return ALL_TYPES[type_code][0]


def type_name(type_code: str) -> str:
    return _type_name(type_code, get_language())


@functools.lru_cache(maxsize=1024)
def _type_name(type_code: str, language: str | None) -> str:
    return str(ALL_TYPES.get(type_code, ("", type_code))[1])
