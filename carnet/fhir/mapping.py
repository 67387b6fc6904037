"""From FHIR to the domain and back (DocumentReference, profile resources, Patient)."""

import base64
import copy
import datetime
import uuid
from urllib.parse import parse_qs

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from carnet.fhir import ids
from carnet.fhir.outcome import FhirError
from carnet.fhir.validation import first_code
from carnet.identity.models import Patient
from carnet.identity.validators import normalize_nir
from carnet.records import codes, queries
from carnet.records.actions import DocumentMetadata
from carnet.records.export import INS_SYSTEM, document_reference

LABEL_TO_VISIBILITY = {"MASQUE_PS": "masked", "N": "normal", "PRIVE": "private"}
VISIBILITY_TO_LABEL = {"masked": "MASQUE_PS", "normal": "N", "private": "PRIVE"}
SECURITY_SYSTEM = "urn:oid:1.2.250.1.213.1.1.4.13"
CONFIDENTIALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
CARNET_LABELS = {"MASQUE_PS", "PRIVE", "INVISIBLE_PATIENT", "INVISIBLE_REPRESENTANTS_LEGAUX"}
INS_SYSTEMS = {  # INS-NIR, the INS-NIR test OID, and the NIA (a provisional number of the same form)
    INS_SYSTEM: "INS-NIR",
    "urn:oid:1.2.250.1.213.1.4.10": "INS-NIR-TEST",
    "urn:oid:1.2.250.1.213.1.4.9": "INS-NIA",
}


def resolve_patient(reference: str = "", identifier="") -> Patient:
    """A patient from a reference (``Patient/{id}``, an absolute URL, or the DMP's conditional reference
    ``Patient?identifier=system|INS``) or from an identifier (``system|value`` or ``{system, value}``);
    404 when unknown, 400 when the identifier cannot be an INS."""
    reference = reference or ""
    if "Patient?" in reference:
        query = parse_qs(reference.partition("?")[2])
        identifier = (query.get("identifier") or [""])[0]
        reference = ""
    patient = None
    target = reference.rstrip("/").rpartition("Patient/")[2] if "Patient/" in reference else ""
    if (number := ids.number(target)) is not None:
        patient = Patient.objects.filter(pk=number).first()
    elif identifier:
        patient = _by_identifier(identifier)
    if patient is None:
        raise FhirError(404, "not-found", "no such patient")
    return patient


def _by_identifier(identifier) -> Patient | None:
    if isinstance(identifier, dict):
        system, value = identifier.get("system") or "", identifier.get("value") or ""
    else:
        system, _, value = str(identifier).rpartition("|")
    if system and system not in INS_SYSTEMS:
        raise FhirError(
            400, "invalid", f"the patient identifier system must be one of {', '.join(INS_SYSTEMS)}"
        )
    if not value.isascii():
        raise FhirError(400, "invalid", "the patient identifier must be written with ASCII digits")
    try:
        return Patient.objects.filter(nir=normalize_nir(value)).first()
    except ValidationError:
        raise FhirError(400, "invalid", "the patient identifier is not a valid INS (NIR with key)") from None


def _first_code(concept: dict | None) -> str:
    return first_code(concept)


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


def uuid_or_none(value: str) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


def uuid_or_404(value: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise FhirError(404, "not-found", "no such resource") from None


def document_or_none(actor, document_id: str):
    """The document if it exists and the actor may see it (the policy decides, journaled), else None."""
    try:
        return queries.get_document(actor, uuid_or_404(document_id))
    except (Http404, FhirError):
        return None


def conditional_match(actor, patient, condition: str):
    """``If-None-Exist: identifier=[system|]value``: the matching document the actor sees, if any."""
    query = parse_qs(condition)
    if set(query) != {"identifier"}:
        raise FhirError(400, "not-supported", "If-None-Exist supports 'identifier=' only")
    value = query["identifier"][0].rpartition("|")[2]
    return queries.visible_documents(actor, patient).filter(unique_id=value).first()


def visibility_of(resource: dict) -> str | None:
    codes_ = _label_codes(resource)
    for code in ("PRIVE", "MASQUE_PS"):
        if code in codes_:
            return LABEL_TO_VISIBILITY[code]
    return "normal" if "N" in codes_ else None


def _label_codes(resource: dict) -> set[str]:
    return {c.get("code") for label in resource.get("securityLabel") or [] for c in label.get("coding") or []}


def version_of(document) -> str:
    """The number of the document's newest version (each change of status or visibility adds one)."""
    return str(document.version)


def last_updated(document):
    return document.updated_at or document.created_at


def as_of(document, version):
    """The document as carnet decided about it at ``version`` (a DocumentVersion): for ``_history``."""
    then = copy.copy(document)
    for name in ("status", "visibility", "minor_secret", "hidden_from_patient_until"):
        setattr(then, name, getattr(version, name))
    then.version, then.updated_at = version.number, version.recorded_at
    return then


def _confidentiality(label: dict) -> str:
    return next(
        (c.get("code", "") for c in label.get("coding") or [] if c.get("system") == CONFIDENTIALITY_SYSTEM),
        "",
    )


def _security_labels(document, kept: list[dict]) -> list[dict]:
    """carnet's labels (the visibility codes; confidentiality N when the producer gave no level) over the
    producer's own labels (its confidentiality level kept as sent, N included)."""
    labels = [label for label in kept if not _label_codes({"securityLabel": [label]}) & CARNET_LABELS]
    if not any(_confidentiality(label) for label in labels):  # the producer's own level is kept (R, V...)
        labels.append({"coding": [{"system": CONFIDENTIALITY_SYSTEM, "code": "N"}]})
    codes_ = [VISIBILITY_TO_LABEL[document.visibility]] if document.visibility != "normal" else []
    if document.minor_secret:
        codes_.append("INVISIBLE_REPRESENTANTS_LEGAUX")
    if document.hidden_from_patient_until and document.hidden_from_patient_until > timezone.now():
        codes_.append("INVISIBLE_PATIENT")
    return labels + [{"coding": [{"system": SECURITY_SYSTEM, "code": code}]} for code in codes_]


def document_resource(document, stored: dict | None = None) -> dict:
    """The DocumentReference served: the producer's resource as deposited (metadata and profile codings
    kept) with carnet's own fields laid over it: id, status, subject, visibility, content URL, size, hash."""
    own = document_reference(document)
    resource = copy.deepcopy(stored) if stored else own
    resource["id"] = own["id"]
    resource["meta"] = (resource.get("meta") or {}) | {
        "versionId": version_of(document),
        "lastUpdated": last_updated(document).isoformat(),
    }
    resource["status"] = own["status"]
    resource["subject"] = own["subject"]
    resource["securityLabel"] = _security_labels(document, resource.get("securityLabel") or [])
    content = resource.get("content") or [{}]
    sent = content[0].get("attachment") or {}
    title = {"title": sent["title"]} if "title" in sent else {}  # the producer's title, not carnet's
    content[0]["attachment"] = sent | own["content"][0]["attachment"] | title
    resource["content"] = content
    if not stored:
        _carnet_fields(document, resource)
    if document.depositor == "app":  # the app is the author, whatever the resource it sent claimed
        resource["author"] = [{"type": "Device", "display": document.source_app}]
    return resource


def _carnet_fields(document, resource: dict) -> None:
    """What carnet knows of a document deposited through the pages (no producer resource kept)."""
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


def with_security_label(document) -> dict:
    return document_resource(document)
