"""IHE MHD ITI-65 Provide Document Bundle: all documents of the bundle, or none."""

import base64

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from carnet.access.actor import Actor
from carnet.access.gate import atomic_action
from carnet.fhir import mapping
from carnet.fhir.outcome import FhirError
from carnet.records import actions, queries
from carnet.records.models import Document
from carnet.vault import actions as vault


def validate(resource_class, body: dict):
    try:
        return resource_class.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise FhirError(
            400, "structure", f"invalid {resource_class.__name__}: {where}: {first.get('msg')}"
        ) from None


def _submission_identifier(body: dict) -> str:
    for entry in body.get("entry") or []:
        resource = entry.get("resource") or {}
        if resource.get("resourceType") == "List":
            identifiers = resource.get("identifier") or [{}]
            return str(identifiers[0].get("value", entry.get("fullUrl", "")))[:128]
    return ""


def _parts(body: dict) -> tuple[dict[str, bytes], list[dict]]:
    binaries, references = {}, []
    for entry in body.get("entry") or []:
        resource = entry.get("resource") or {}
        kind = resource.get("resourceType")
        if kind == "Binary":
            try:
                binaries[entry.get("fullUrl", "")] = base64.b64decode(resource.get("data", ""), validate=True)
            except ValueError:
                raise FhirError(
                    400, "invalid", f"Binary {entry.get('fullUrl')} data is not valid base64"
                ) from None
        elif kind == "DocumentReference":
            references.append(resource)
    if not references:
        raise FhirError(422, "required", "the Bundle holds no DocumentReference")
    return binaries, references


def _replaced(actor: Actor, resource: dict):
    for relation in resource.get("relatesTo") or []:
        if relation.get("code") == "replaces":
            target = (relation.get("target") or {}).get("reference", "")
            return queries.get_document(actor, target.rpartition("/")[2])
    return None


def provide_bundle(actor: Actor, body: dict) -> dict:
    """Deposit every DocumentReference of a transaction Bundle atomically; idempotent on unique ids."""
    validate(Bundle, body)
    if body.get("type") != "transaction":
        raise FhirError(422, "invalid", "ITI-65 expects a Bundle of type 'transaction'")
    binaries, references = _parts(body)
    written = []
    try:
        _deposit_all(actor, body, binaries, references, written)
    except Exception:
        for document in written:  # rolled back: their blobs are orphans (existing documents are kept)
            if not Document.objects.filter(pk=document.pk).exists():
                vault.discard(document.blob_ref)
        raise
    return {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "timestamp": timezone.now().isoformat(),
        "entry": [
            {"response": {"status": "201 Created", "location": f"DocumentReference/{d.pk}"}} for d in written
        ],
    }


@atomic_action
def _deposit_all(actor: Actor, body: dict, binaries: dict, references: list[dict], written: list) -> None:
    """One transaction (one commit) for the whole bundle; each deposit asks the policy itself."""
    patients = []
    for resource in references:
        subject = resource.get("subject") or {}
        identifier = subject.get("identifier") or {}
        patient = mapping.resolve_patient(
            subject.get("reference", ""),
            f"{identifier.get('system', '')}|{identifier.get('value', '')}" if identifier else "",
        )
        attachment = ((resource.get("content") or [{}])[0]).get("attachment") or {}
        meta = mapping.document_metadata(resource)
        content = mapping.attachment_bytes(attachment, binaries)
        old = _replaced(actor, resource)
        document = (
            actions.replace_document(actor, old, content, meta)
            if old is not None
            else actions.deposit_document(actor, patient, content, meta)
        )
        written.append(document)
        patients.append(patient)
    _record_submission(actor, body, patients, written)


def _record_submission(actor: Actor, body: dict, patients: list, written: list) -> None:
    """Keep the SubmissionSet (one per patient of the bundle) for the List search (ITI-66)."""
    from carnet.fhir.models import SubmissionSet

    identifier = _submission_identifier(body)
    links = SubmissionSet.documents.through
    for patient in {patient.pk: patient for patient in patients}.values():
        submission = SubmissionSet.objects.create(
            patient=patient, identifier=identifier, professional=actor.professional
        )
        documents = {d.pk: d for d in written if d.patient_id == patient.pk}
        links.objects.bulk_create([links(submissionset=submission, document=d) for d in documents.values()])
