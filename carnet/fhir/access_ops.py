"""Professional software obtains access through the API (the DMP's "test / declare authorisation").

Five FHIR operations on a patient found by INS (``GET /fhir/Patient?identifier=...``), each through the
same access actions as the professional pages, so journaled, notified and refused alike:

- ``GET  Patient/{id}/$access-status``: is the space open, and this professional's own standing;
- ``POST Patient/{id}/$declare-consent``: declared mode, the professional declares the patient's consent;
- ``POST Patient/{id}/$request-access``: confirmed mode, the patient confirms in their space;
- ``POST Patient/{id}/$redeem-presence-code``: the one-time code the patient handed over;
- ``POST Patient/{id}/$break-glass``: emergency access with a reason code and text.

Answers are a ``Parameters`` (status) or a ``Consent`` (the access obtained); refusals an OperationOutcome.
"""

import json

from django.http import HttpRequest
from ninja import Router

from carnet.access import actions as access
from carnet.access.actor import Role
from carnet.access.decision import AccessDenied
from carnet.access.queries import professional_standing
from carnet.errors import Refused
from carnet.fhir import mapping
from carnet.fhir.outcome import FhirError, fhir_response

router = Router()
HL7 = "http://terminology.hl7.org/CodeSystem"
RPPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
OPERATIONS = ["access-status", "declare-consent", "request-access", "redeem-presence-code", "break-glass"]


def _professional_and_patient(request: HttpRequest, patient_id: str):
    if request.actor.role != Role.PROFESSIONAL:
        raise FhirError(403, "forbidden", "these operations are for professional software")
    return request.actor, mapping.resolve_patient(f"Patient/{patient_id}")


def _parameters(request: HttpRequest) -> dict:
    """``name → value`` of a Parameters body (valueString, valueCode, valueBoolean or valueCoding.code)."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise FhirError(400, "structure", "the body is not valid JSON") from None
    if body.get("resourceType") != "Parameters":
        raise FhirError(400, "invalid", "send a Parameters resource")
    values = {}
    for item in body.get("parameter") or []:
        for key in ("valueString", "valueCode", "valueBoolean"):
            if key in item:
                values[item.get("name", "")] = item[key]
        if "valueCoding" in item:
            values[item.get("name", "")] = (item["valueCoding"] or {}).get("code", "")
    return values


def _run(action, *args, **kwargs):
    """Call an access action; its business refusals become a 422 OperationOutcome with their code."""
    try:
        return action(*args, **kwargs)
    except AccessDenied:
        raise
    except (Refused, access.AccessError) as error:
        raise FhirError(422, "business-rule", f"{error.code}: {error.message}") from None


def _consent(identifier: str, patient, professional, status: str, end, purpose: str = "") -> dict:
    provision = {
        "type": "permit",
        "actor": [
            {
                "role": {"coding": [{"system": f"{HL7}/v3-ParticipationType", "code": "PRCP"}]},
                "reference": {"identifier": {"system": RPPS_SYSTEM, "value": professional.rpps or ""}},
            }
        ],
    }
    if end is not None:
        provision["period"] = {"end": end.isoformat()}
    if purpose:
        provision["purpose"] = [{"system": f"{HL7}/v3-ActReason", "code": purpose}]
    return {
        "resourceType": "Consent",
        "id": identifier,
        "status": status,
        "scope": {"coding": [{"system": f"{HL7}/consentscope", "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"reference": f"Patient/{patient.pk}"},
        "provision": provision,
    }


def _parameter(name: str, value) -> dict:
    if hasattr(value, "isoformat"):
        return {"name": name, "valueDateTime": value.isoformat()}
    return {"name": name, "valueCode": value}


@router.get("/Patient/{patient_id}/$access-status")
def access_status(request, patient_id: str):
    actor, patient = _professional_and_patient(request, patient_id)
    standing = professional_standing(actor, patient)
    parameters = [_parameter(name, value) for name, value in standing.items() if value is not None]
    return fhir_response({"resourceType": "Parameters", "parameter": parameters})


@router.post("/Patient/{patient_id}/$declare-consent")
def declare_consent(request, patient_id: str):
    actor, patient = _professional_and_patient(request, patient_id)
    grant = _run(access.declare_consent, actor, patient)
    return fhir_response(
        _consent(f"grant-{grant.pk}", patient, actor.professional, "active", grant.expires_at), 201
    )


@router.post("/Patient/{patient_id}/$request-access")
def request_access(request, patient_id: str):
    actor, patient = _professional_and_patient(request, patient_id)
    grant = _run(access.request_access, actor, patient)
    return fhir_response(
        _consent(f"grant-{grant.pk}", patient, actor.professional, "proposed", grant.expires_at), 202
    )


@router.post("/Patient/{patient_id}/$redeem-presence-code")
def redeem_presence_code(request, patient_id: str):
    actor, patient = _professional_and_patient(request, patient_id)
    code = str(_parameters(request).get("code", ""))
    grant = _run(access.redeem_presence_code, actor, patient, code)
    return fhir_response(
        _consent(f"grant-{grant.pk}", patient, actor.professional, "active", grant.expires_at), 201
    )


@router.post("/Patient/{patient_id}/$break-glass")
def break_glass(request, patient_id: str):
    actor, patient = _professional_and_patient(request, patient_id)
    given = _parameters(request)
    reason, text, samu = (
        str(given.get("reason", "")),
        str(given.get("reason-text", "")),
        given.get("samu") is True,
    )
    emergency = _run(access.break_glass, actor, patient, reason, text, samu=samu)
    return fhir_response(
        _consent(
            f"emergency-{emergency.pk}", patient, actor.professional, "active", emergency.ends_at, "ETREAT"
        ),
        201,
    )
