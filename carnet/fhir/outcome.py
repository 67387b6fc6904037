"""Every refusal or invalid input as an OperationOutcome with a precise diagnostic and the right status."""

import json

from django.http import HttpResponse

FHIR_JSON = "application/fhir+json"


class FhirError(Exception):
    def __init__(self, status: int, code: str, diagnostics: str, headers: dict | None = None):
        super().__init__(diagnostics)
        self.status, self.code, self.diagnostics = status, code, diagnostics
        self.headers = headers or {}


def fhir_response(resource: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(resource, ensure_ascii=False), status=status, content_type=FHIR_JSON)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def outcome(
    status: int, code: str, diagnostics: str, headers: dict | None = None, severity: str = "error"
) -> HttpResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }
    response = fhir_response(body, status, headers)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="carnet", error="invalid_token"'
    return response
