"""The FHIR R4 API (django-ninja): IHE MHD for documents, profile resources, Patient, AuditEvent, Consent.

Endpoints parse, call the same services as the pages, and render FHIR JSON; every refusal is an
OperationOutcome. The policy decides; a refused read of a hidden document answers 404.
"""

import json

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer

from carnet.access.decision import AccessDenied
from carnet.fhir import search
from carnet.fhir.mhd import provide_bundle
from carnet.fhir.outcome import FhirError, fhir_response, outcome
from carnet.fhir.security import actor_for_token
from carnet.records.content import ContentRefused
from carnet.records.errors import DocumentConflict, RecordError


class Bearer(HttpBearer):
    def authenticate(self, request, token):
        actor = actor_for_token(token)
        if actor is not None:
            request.actor = actor
        return actor


api = NinjaAPI(
    title="carnet FHIR R4 API", version="1", urls_namespace="fhir", auth=Bearer(), docs_url="/docs"
)


@api.exception_handler(FhirError)
def _fhir_error(request, error):
    return outcome(error.status, error.code, error.diagnostics)


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


def _body(request: HttpRequest) -> dict:
    if request.content_type not in ("application/fhir+json", "application/json"):
        raise FhirError(415, "not-supported", "send application/fhir+json")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise FhirError(400, "structure", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise FhirError(400, "structure", "the body must be a FHIR resource (a JSON object)")
    return body


@api.get("/metadata", auth=None)
def metadata(request):
    from carnet.fhir.capability import capability_statement

    return fhir_response(capability_statement())


@api.post("")
def transaction(request):
    """ITI-65 Provide Document Bundle."""
    return fhir_response(provide_bundle(request.actor, _body(request)), 200)


@api.post("/DocumentReference")
def publish(request):
    """ITI-105 Simplified Publish: one DocumentReference with its content in attachment.data."""
    document = search.publish(request.actor, _body(request))
    return fhir_response(
        search.document_resource(document), 201, {"Location": f"DocumentReference/{document.pk}"}
    )


@api.get("/DocumentReference")
def find_documents(request):
    """ITI-67 Find Document References."""
    return fhir_response(search.find_documents(request.actor, request.GET, request.build_absolute_uri()))


@api.post("/DocumentReference/_search")
def find_documents_post(request):
    return fhir_response(search.find_documents(request.actor, request.POST, request.build_absolute_uri()))


@api.get("/DocumentReference/{document_id}")
def read_document(request, document_id: str):
    return fhir_response(search.document_resource(search.get_document(request.actor, document_id)))


@api.patch("/DocumentReference/{document_id}")
def patch_document(request, document_id: str):
    """Withdraw (status entered-in-error, the author) or change visibility (securityLabel, the patient)."""
    return fhir_response(search.document_resource(search.patch(request.actor, document_id, _body(request))))


@api.get("/Binary/{document_id}")
def retrieve(request, document_id: str):
    """ITI-68 Retrieve Document."""
    document, content = search.retrieve(request.actor, document_id)
    from django.http import HttpResponse

    disposition = f'attachment; filename="document-{document.pk}"'  # never rendered inline by a browser
    return HttpResponse(
        content, content_type=document.mime_type, headers={"Content-Disposition": disposition}
    )


@api.get("/List")
def find_lists(request):
    """ITI-66 Find Document Lists (submission sets)."""
    return fhir_response(search.find_lists(request.actor, request.GET, request.build_absolute_uri()))


@api.get("/Patient")
def find_patients(request):
    return fhir_response(search.find_patients(request.actor, request.GET))


@api.get("/{resource_type}")
def find_profile(request, resource_type: str):
    """AllergyIntolerance, Condition, MedicationStatement, Immunization, Observation, AuditEvent, Consent."""
    return fhir_response(search.find_other(request.actor, resource_type, request.GET))


@api.post("/{resource_type}")
def create_profile(request, resource_type: str):
    entry = search.create_profile_entry(request.actor, resource_type, _body(request))
    return fhir_response(entry, 201, {"Location": f"{resource_type}/{entry['id']}"})
