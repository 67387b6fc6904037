"""The FHIR R4 API (django-ninja): IHE MHD for documents, profile resources, Patient, AuditEvent, Consent.

Endpoints parse, call the same services as the pages, and render FHIR JSON; every refusal is an
OperationOutcome. The policy decides; a refused read of a hidden document answers 404.
"""

import json
import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import http_date
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from carnet.access.decision import AccessDenied
from carnet.errors import Refused
from carnet.fhir import (
    access_ops,
    actions,
    appointment,
    communication,
    documents,
    lists,
    mapping,
    measurements,
    mhd,
    openapi,
    people,
    profile,
    search,
    smart,
)
from carnet.fhir.capability import capability_statement
from carnet.fhir.outcome import FhirError, fhir_response, outcome
from carnet.fhir.paging import query_of
from carnet.fhir.security import actor_for_token
from carnet.fhir.validation import validate
from carnet.identity.errors import IdentityError
from carnet.ops.unavailable import retry_after
from carnet.records.content import ContentRefused
from carnet.records.errors import DocumentConflict, RecordError
from carnet.vault.errors import VaultError

logger = logging.getLogger("carnet.fhir")
PROFILE_TYPES = sorted(profile.RESOURCE_KIND)


class Bearer(HttpBearer):
    def authenticate(self, request, token):
        actor = actor_for_token(token)
        if actor is not None:
            request.actor = actor
        return actor


api = openapi.LinkedNinjaAPI(
    title="carnet FHIR R4 API", version="1", urls_namespace="fhir", auth=Bearer(), docs_url="/docs"
)


@api.exception_handler(FhirError)
def _fhir_error(request, error):
    return outcome(error.status, error.code, error.diagnostics, error.headers)


@api.exception_handler(HttpError)
def _http_error(request, error):
    if error.status_code == 401:
        return outcome(401, "login", "a valid bearer token is required (Authorization: Bearer ...)")
    return outcome(error.status_code, "processing", str(error))


@api.exception_handler(NinjaValidationError)
def _invalid_parameters(request, error):
    return outcome(400, "invalid", "invalid request parameters")


@api.exception_handler(RequestDataTooBig)
def _too_large(request, error):
    return outcome(413, "too-costly", "the request body is too large")


@api.exception_handler(VaultError)
def _vault(request, error):
    if error.status == 503:  # the blob store or the keys away: nothing was written, retry later
        return outcome(503, "transient", str(error.message), {"Retry-After": retry_after()})
    logger.error("vault failure on %s %s: %s", request.method, request.path, error.__class__.__name__)
    return outcome(
        500,
        "exception",
        "the stored content could not be read back intact; nothing was changed and operators were alerted",
    )


@api.exception_handler(Refused)
def _refused(request, error):
    if isinstance(error, AccessDenied):
        return _denied(request, error)
    return outcome(error.status, "business-rule" if error.status < 500 else "exception", error.message)


@api.exception_handler(IdentityError)
def _identity(request, error):
    return outcome(422, "business-rule", error.message)


@api.exception_handler(AccessDenied)
def _denied(request, error):
    if error.hide:
        return outcome(404, "not-found", "no such resource")
    return outcome(403, "forbidden", f"refused by the access policy: {error.decision.rule}")


@api.exception_handler(Http404)
def _not_found(request, error):
    return outcome(404, "not-found", "no such resource")


@api.exception_handler(ContentRefused)
def _refused_content(request, error):
    status = {"too_large": 413, "type_mismatch": 415, "unsupported": 415}.get(error.code, 422)
    return outcome(status, "invalid", error.message)


@api.exception_handler(DocumentConflict)
def _conflict(request, error):
    return outcome(409, "duplicate", error.message)


@api.exception_handler(RecordError)
def _record_error(request, error):
    return outcome(422, "business-rule", error.message)


BODY_TYPES = ("application/fhir+json", "application/json", "application/json-patch+json")


def _body(request: HttpRequest):
    if request.content_type not in BODY_TYPES:
        raise FhirError(415, "not-supported", "send application/fhir+json")
    try:
        return json.loads(request.body or b"{}")
    except ValueError:
        raise FhirError(400, "structure", "the body is not valid JSON") from None


def _etag(document) -> dict:
    return {
        "ETag": f'W/"{mapping.version_of(document)}"',
        "Last-Modified": http_date(mapping.last_updated(document).timestamp()),
    }


@api.get("/metadata", auth=None)
def metadata(request):
    return fhir_response(capability_statement(request.build_absolute_uri("/fhir")))


@api.get("/.well-known/smart-configuration", auth=None)
def smart_configuration(request):
    return fhir_response(smart.configuration(request), headers={"Content-Type": "application/json"})


@api.post("", openapi_extra=openapi.body("Bundle"))
def transaction(request):
    """ITI-65 Provide Document Bundle."""
    return fhir_response(actions.provide_bundle(request.actor, mhd.parse_bundle(_body(request))), 200)


@api.post("/DocumentReference", openapi_extra=openapi.body("DocumentReference"))
def publish(request):
    """ITI-105 Simplified Publish (one DocumentReference, its bytes in attachment.data); If-None-Exist."""
    resource, content = mhd.simplified(_body(request))
    document, created = actions.publish(
        request.actor, resource, content, request.headers.get("If-None-Exist", "")
    )
    headers = {"Location": f"DocumentReference/{document.pk}/_history/{mapping.version_of(document)}"}
    return fhir_response(
        search.document_resource(document), 201 if created else 200, headers | _etag(document)
    )


@api.get("/DocumentReference", openapi_extra=openapi.search("DocumentReference"))
def find_documents(request):
    """ITI-67 Find Document References."""
    return fhir_response(documents.find_documents(request.actor, query_of(request)))


@api.post("/DocumentReference/_search", openapi_extra=openapi.form("DocumentReference"))
def find_documents_post(request):
    return fhir_response(documents.find_documents(request.actor, query_of(request)))


@api.get("/DocumentReference/{document_id}")
def read_document(request, document_id: str):
    document = search.get_document(request.actor, document_id)
    return fhir_response(search.document_resource(document), headers=_etag(document))


@api.get("/DocumentReference/{document_id}/_history")
def document_history(request, document_id: str):
    return fhir_response(search.history(request.actor, document_id, query_of(request)))


@api.get("/DocumentReference/{document_id}/_history/{version}")
def document_version(request, document_id: str, version: str):
    document = search.vread(request.actor, document_id, version)
    return fhir_response(search.document_resource(document), headers=_etag(document))


@api.patch("/DocumentReference/{document_id}", openapi_extra=openapi.PATCH)
def patch_document(request, document_id: str):
    """Withdraw (status entered-in-error, the author) or change visibility (securityLabel, the patient);
    JSON Patch, FHIRPath Parameters or a partial resource; If-Match is checked (412 when stale)."""
    document = actions.patch_document(
        request.actor, document_id, _body(request), request.content_type, request.headers.get("If-Match", "")
    )
    return fhir_response(search.document_resource(document), headers=_etag(document))


@api.get("/Binary/{document_id}")
def retrieve(request, document_id: str):
    """ITI-68 Retrieve Document: the bytes, or a Binary resource when FHIR JSON is asked."""
    document, content = search.retrieve(request.actor, document_id)
    if "fhir+json" in request.headers.get("Accept", "") or request.GET.get("_format", "").endswith("json"):
        return fhir_response(search.binary_resource(document, content), headers=_etag(document))
    response = HttpResponse(content, content_type=document.mime_type)
    response["Content-Disposition"] = f'attachment; filename="{document.pk}"'
    return response


@api.get("/List", openapi_extra=openapi.search("List"))
def find_lists(request):
    """ITI-66 Find Document Lists (SubmissionSets and Folders)."""
    return fhir_response(lists.find_lists(request.actor, query_of(request)))


@api.get("/List/{list_id}")
def read_list(request, list_id: str):
    return fhir_response(lists.read_list(request.actor, list_id))


@api.get("/Patient", openapi_extra=openapi.search("Patient"))
def find_patients(request):
    return fhir_response(people.find_patients(request.actor, query_of(request)))


@api.post("/Patient/_search", openapi_extra=openapi.form("Patient"))
def find_patients_post(request):
    return fhir_response(people.find_patients(request.actor, query_of(request)))


@api.get("/Patient/{patient_id}")
def read_patient(request, patient_id: str):
    return fhir_response(people.patient_resource(people.read_patient(request.actor, patient_id)))


@api.get("/Patient/{patient_id}/$everything")
def patient_everything(request, patient_id: str):
    return fhir_response(search.everything(request.actor, patient_id, query_of(request)))


@api.get("/Practitioner", openapi_extra=openapi.search("Practitioner"))
def find_practitioners(request):
    return fhir_response(people.find_practitioners(query_of(request)))


@api.get("/Practitioner/{practitioner_id}")
def read_practitioner(request, practitioner_id: str):
    return fhir_response(people.practitioner_resource(people.read_practitioner(practitioner_id)))


@api.get("/AuditEvent", openapi_extra=openapi.search("AuditEvent"))
def find_audit_events(request):
    return fhir_response(search.find_audit_events(request.actor, query_of(request)))


@api.get("/Consent", openapi_extra=openapi.search("Consent"))
def find_consents(request):
    return fhir_response(search.find_consents(request.actor, query_of(request)))


appointment.register(api, _body)  # the agenda's Appointment (before the generic routes below)
communication.register(api)  # messaging's Communication and CommunicationRequest (idem)
measurements.register(
    api, _body, lambda request: create_profile(request, "Observation")
)  # apps' measurements


@api.get("/{resource_type}", openapi_extra=openapi.search("AllergyIntolerance"))
def find_profile(request, resource_type: str):
    """AllergyIntolerance, Condition, MedicationStatement, Immunization, Observation."""
    return fhir_response(search.find_profile(request.actor, _profile_type(resource_type), query_of(request)))


@api.post("/{resource_type}/_search", openapi_extra=openapi.form("AllergyIntolerance"))
def find_profile_post(request, resource_type: str):
    return fhir_response(search.find_profile(request.actor, _profile_type(resource_type), query_of(request)))


@api.get("/{resource_type}/{resource_id}")
def read_profile(request, resource_type: str, resource_id: str):
    return fhir_response(search.read_profile(request.actor, _profile_type(resource_type), resource_id))


@api.post("/{resource_type}", openapi_extra=openapi.body(*PROFILE_TYPES))
def create_profile(request, resource_type: str):
    resource = validate(_body(request), _profile_type(resource_type))
    subject = profile.subject_of(resource)
    patient = mapping.resolve_patient(subject.get("reference", ""), subject.get("identifier") or "")
    entry = actions.create_profile_entry(request.actor, patient, resource)
    created = profile.entry_resource(entry, entry.fhir_resource.body)  # no second read of what was written
    return fhir_response(created, 201, {"Location": f"{resource_type}/{created['id']}"})


def _profile_type(resource_type: str) -> str:
    if resource_type not in profile.RESOURCE_KIND:
        raise FhirError(404, "not-supported", f"resource type {resource_type} is not served")
    return resource_type


api.add_router("", access_ops.router)  # the access operations (DMP test / declare authorisation)
