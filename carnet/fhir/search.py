"""The reads behind the FHIR endpoints other than the document search: one document, its history, its
content, the health profile, the journal as AuditEvents, the access settings as a
Consent, and a patient's whole visible record. The policy decides every one; what is hidden looks absent."""

import base64

import jsonpatch

from carnet.access.actor import Actor
from carnet.access.permissions import Permission as P
from carnet.fhir import audit, ids, mapping, people
from carnet.fhir.documents import patient_of, stored_body
from carnet.fhir.models import StoredResource
from carnet.fhir.outcome import FhirError
from carnet.fhir.paging import Query, bundle_of
from carnet.fhir.profile import RESOURCE_KIND, entry_resource
from carnet.fhir.validation import validate
from carnet.indexing.fhir_search import with_candidates
from carnet.records import actions as record_actions
from carnet.records import queries
from carnet.records.models import Document, ProfileEntry

PROFILE_PARAMS = {"patient", "patient.identifier", "subject", "_id"}


def get_document(actor: Actor, document_id: str) -> Document:
    return queries.get_document(actor, mapping.uuid_or_404(document_id))


def document_resource(document: Document) -> dict:
    return mapping.document_resource(document, stored_body(document))


def check_version(document: Document, if_match: str) -> None:
    """``If-Match: W/"<versionId>"``: a stale version is refused (412), nothing changes."""
    if if_match and if_match.strip().removeprefix("W/").strip('"') != mapping.version_of(document):
        raise FhirError(412, "conflict", "the document changed since this version was read (If-Match)")


def patched(actor: Actor, document: Document, body, content_type: str) -> dict:
    """The resource after the patch (JSON Patch, FHIRPath Parameters or a partial resource), validated."""
    current = document_resource(document)
    try:
        if content_type == "application/json-patch+json":
            result = jsonpatch.apply_patch(current, body)
        elif isinstance(body, dict) and body.get("resourceType") == "Parameters":
            result = current | _fhirpath_changes(validate(body, "Parameters"))
        elif isinstance(body, dict):
            result = current | body
        else:
            raise FhirError(400, "structure", "the PATCH body must be a JSON Patch or a FHIR resource")
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, TypeError) as error:
        raise FhirError(422, "invalid", f"the JSON Patch does not apply: {error}") from None
    result = validate(result, "DocumentReference")
    if result.get("id") != current["id"]:
        raise FhirError(422, "invalid", "PATCH cannot change the id")
    return result


def apply_patch(actor: Actor, document: Document, changed: dict) -> Document:
    """What a PATCH asks, as the records action that decides it: withdrawal (status entered-in-error, the
    author) or visibility (securityLabel, the patient). ``changed`` is the patched resource, validated."""
    if changed.get("status") == "entered-in-error" and document.status != Document.Status.ENTERED_IN_ERROR:
        return record_actions.withdraw_document(actor, document)
    visibility = mapping.visibility_of(changed)
    if visibility is None or visibility == document.visibility:
        raise FhirError(
            422, "invalid", "PATCH changes status to entered-in-error or the visibility (N, MASQUE_PS, PRIVE)"
        )
    return record_actions.set_document_visibility(actor, document, visibility)


def _fhirpath_changes(parameters: dict) -> dict:
    changes = {}
    for operation in parameters.get("parameter") or []:
        parts = {part.get("name"): part for part in operation.get("part") or []}
        path = (parts.get("path") or {}).get("valueString", "")
        value = parts.get("value") or {}
        if (parts.get("type") or {}).get("valueCode") != "replace" or path != "DocumentReference.status":
            raise FhirError(
                422, "not-supported", "FHIRPath PATCH supports replace of DocumentReference.status"
            )
        changes["status"] = value.get("valueCode")
    return changes


def retrieve(actor: Actor, document_id: str) -> tuple[Document, bytes]:
    return queries.read_content(actor, mapping.uuid_or_404(document_id))


def binary_resource(document: Document, content: bytes) -> dict:
    return {
        "resourceType": "Binary",
        "id": str(document.pk),
        "contentType": document.mime_type,
        "data": base64.b64encode(content).decode(),
    }


def history(actor: Actor, document_id: str, query: Query) -> dict:
    """``DocumentReference/{id}/_history``: every version, newest first (a change of status, as when a
    replacement supersedes it, or of visibility, as a masking PATCH); one read decision, journaled."""
    document, versions = queries.document_versions(actor, mapping.uuid_or_404(document_id))
    stored, root = stored_body(document), query.base.split("/DocumentReference/")[0]
    entries = []
    for then in [mapping.as_of(document, version) for version in versions] or [document]:
        first = then.version == 1
        entries.append(
            {
                "fullUrl": f"{root}/DocumentReference/{document.pk}",
                "resource": mapping.document_resource(then, stored),
                "request": {
                    "method": "POST" if first else "PATCH",
                    "url": "DocumentReference" if first else f"DocumentReference/{document.pk}",
                },
                "response": {
                    "status": "201 Created" if first else "200 OK",
                    "etag": f'W/"{then.version}"',
                    "lastModified": mapping.last_updated(then).isoformat(),
                },
            }
        )
    count, offset = query.page()
    return {
        "resourceType": "Bundle",
        "type": "history",
        "total": len(entries),
        "link": [{"relation": "self", "url": query.base}],
        "entry": entries[offset : offset + count],
    }


def vread(actor: Actor, document_id: str, version: str) -> Document:
    """``DocumentReference/{id}/_history/{vid}``: that version as it was served (404 for an unknown one)."""
    document, versions = queries.document_versions(actor, mapping.uuid_or_404(document_id))
    if not versions and version == mapping.version_of(document):
        return document
    for kept in versions:
        if str(kept.number) == version:
            return mapping.as_of(document, kept)
    raise FhirError(404, "not-found", f"DocumentReference/{document_id} has no version {version}")


def find_profile(actor: Actor, resource_type: str, query: Query) -> dict:
    query.check_known(PROFILE_PARAMS)
    patient = patient_of(actor, query)
    entries = _profile_entries(actor, patient, resource_type)
    if query.get("_id"):
        entries = entries.filter(
            pk__in=ids.numbers(v.removeprefix("profile-") for v in query.get("_id").split(","))
        )
    resources = [entry_resource(e, _stored(e)) for e in entries]
    resources = with_candidates(actor, patient, resource_type, resources, query.get("_id"))
    return bundle_of(query, resources, patient_id=patient.pk)


def _profile_entries(actor: Actor, patient, resource_type: str):
    return queries.health_profile(actor, patient, RESOURCE_KIND[resource_type]).select_related(
        "fhir_resource"
    )


def _stored(entry: ProfileEntry) -> dict | None:
    try:
        return entry.fhir_resource.body
    except StoredResource.DoesNotExist:
        return None


def read_profile(actor: Actor, resource_type: str, resource_id: str) -> dict:
    entry = (
        ProfileEntry.objects.filter(pk=number, kind=RESOURCE_KIND[resource_type]).first()
        if (number := ids.number(resource_id.removeprefix("profile-"))) is not None
        else None
    )
    if entry is None:
        raise FhirError(404, "not-found", "no such resource")
    entry = _profile_entries(actor, entry.patient, resource_type).filter(pk=entry.pk).first()
    if entry is None:
        raise FhirError(404, "not-found", "no such resource")
    return entry_resource(entry, _stored(entry))


def everything(actor: Actor, patient_id: str, query: Query) -> dict:
    """``Patient/{id}/$everything``: the patient, the documents the caller sees, the profile if allowed."""
    patient = people.read_patient(actor, patient_id)
    resources = [people.patient_resource(patient)]
    documents = queries.list_documents(actor, patient, status="").select_related("fhir_resource")
    resources += [mapping.document_resource(d, stored_body(d)) for d in documents]
    if people.allowed(actor, P.RECORD_PROFILE_READ, patient):
        entries = queries.health_profile(actor, patient).select_related("fhir_resource")
        resources += [entry_resource(e, _stored(e)) for e in entries]
    return bundle_of(query, resources, patient_id=patient.pk)


def find_audit_events(actor: Actor, query: Query) -> dict:
    patient = patient_of(actor, query)
    return bundle_of(query, audit.events(actor, patient), patient_id=patient.pk)


def find_consents(actor: Actor, query: Query) -> dict:
    patient = patient_of(actor, query)
    return bundle_of(query, [audit.consent(actor, patient)], patient_id=patient.pk)
