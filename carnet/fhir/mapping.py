"""From FHIR to the domain and back (DocumentReference, profile resources, Patient)."""

import base64
import datetime

from carnet.fhir.outcome import FhirError
from carnet.identity.models import Patient
from carnet.identity.validators import normalize_nir
from carnet.records import codes
from carnet.records.actions import DocumentMetadata
from carnet.records.export import INS_SYSTEM, document_reference, patient_resource  # noqa: F401 (re-exported)

LABEL_TO_VISIBILITY = {"MASQUE_PS": "masked", "N": "normal", "PRIVE": "private"}
VISIBILITY_TO_LABEL = {"masked": "MASQUE_PS", "normal": "N", "private": "PRIVE"}
SECURITY_SYSTEM = "urn:oid:1.2.250.1.213.1.1.4.13"


def resolve_patient(reference: str = "", identifier: str = "") -> Patient:
    """A patient from ``Patient/{id}`` or an INS identifier ``system|NIR``; 404 when unknown."""
    patient = None
    if reference.startswith("Patient/") and reference[8:].isdigit():
        patient = Patient.objects.filter(pk=int(reference[8:])).first()
    elif identifier:
        system, _, value = identifier.rpartition("|")
        if system and system != INS_SYSTEM:
            raise FhirError(400, "invalid", f"patient.identifier system must be {INS_SYSTEM}")
        try:
            patient = Patient.objects.filter(nir=normalize_nir(value)).first()
        except Exception:
            raise FhirError(400, "invalid", "patient.identifier is not a valid INS (NIR with key)") from None
    if patient is None:
        raise FhirError(404, "not-found", "no such patient")
    return patient


def _first_code(concept: dict | None) -> str:
    codings = (concept or {}).get("coding") or []
    return codings[0].get("code", "") if codings else ""


def document_metadata(resource: dict) -> DocumentMetadata:
    """DocumentReference → metadata; every missing or wrong element is a precise 422."""
    unique_id = (resource.get("masterIdentifier") or {}).get("value")
    if not unique_id:
        raise FhirError(422, "required", "DocumentReference.masterIdentifier.value (unique id) is required")
    type_code = _first_code(resource.get("type"))
    if type_code not in codes.ALL_TYPES:
        raise FhirError(422, "code-invalid", f"DocumentReference.type code {type_code!r} is not accepted")
    context = resource.get("context") or {}
    start = (context.get("period") or {}).get("start") or resource.get("date") or ""
    try:
        care_date = datetime.date.fromisoformat(start[:10])
    except ValueError:
        raise FhirError(422, "required", "context.period.start (date of care) is required") from None
    labels = {
        c.get("code") for label in resource.get("securityLabel") or [] for c in label.get("coding") or []
    }
    attachment = (resource.get("content") or [{}])[0].get("attachment") or {}
    return DocumentMetadata(
        unique_id=unique_id,
        type_code=type_code,
        title=resource.get("description") or attachment.get("title") or "",
        care_date=care_date,
        mime_type=attachment.get("contentType", ""),
        practice_setting=_first_code(context.get("practiceSetting")),
        visibility=next((LABEL_TO_VISIBILITY[c] for c in labels if c in LABEL_TO_VISIBILITY), None),
        minor_secret="INVISIBLE_REPRESENTANTS_LEGAUX" in labels,
        hide_days=30 if "INVISIBLE_PATIENT" in labels else 0,
    )


def attachment_bytes(attachment: dict, binaries: dict[str, bytes]) -> bytes:
    if attachment.get("data"):
        try:
            return base64.b64decode(attachment["data"], validate=True)
        except ValueError:
            raise FhirError(400, "invalid", "attachment.data is not valid base64") from None
    url = attachment.get("url", "")
    if url in binaries:
        return binaries[url]
    raise FhirError(422, "required", f"attachment has no data and {url!r} is not a Binary of this Bundle")


def with_security_label(document) -> dict:
    resource = document_reference(document)
    labels = [VISIBILITY_TO_LABEL[document.visibility]]
    if document.minor_secret:
        labels.append("INVISIBLE_REPRESENTANTS_LEGAUX")
    resource["securityLabel"] = [{"coding": [{"system": SECURITY_SYSTEM, "code": code}]} for code in labels]
    if document.author_id:
        resource["author"] = [
            {"reference": f"Practitioner/{document.author_id}", "display": document.author.display_name}
        ]
    if document.replaces_id:
        resource["relatesTo"] = [
            {"code": "replaces", "target": {"reference": f"DocumentReference/{document.replaces_id}"}}
        ]
    if document.practice_setting:
        resource["context"]["practiceSetting"] = {"coding": [{"code": document.practice_setting}]}
    return resource
