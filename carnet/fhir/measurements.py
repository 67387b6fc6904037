"""FHIR ``Observation`` written by connected apps, after ANS's "Mesures de santé" guide: weight, height,
blood pressure, heart rate, glucose, HbA1c, temperature and steps, with LOINC codes and UCUM units.
Values are validated and range-checked; an identifier already recorded is refused (409). Reads add these
measurements to the health profile's Observations (``carnet.fhir.search``), which stay as they are."""

import datetime
from decimal import Decimal, InvalidOperation

from fhir.resources.R4B.observation import Observation
from pydantic import ValidationError

from carnet.access.actor import Actor, Role
from carnet.catalogue import actions, queries
from carnet.catalogue.measures import BY_CODE, DIASTOLIC, DIASTOLIC_RANGE, KINDS, LOINC, SYSTOLIC, UCUM
from carnet.catalogue.models import Measurement
from carnet.fhir import ids, mapping, search
from carnet.fhir.appointment import as_outcome
from carnet.fhir.documents import patient_of
from carnet.fhir.outcome import FhirError, fhir_response
from carnet.fhir.paging import query_of

CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def to_fhir(m: Measurement) -> dict:
    code, unit = KINDS[m.kind][0], KINDS[m.kind][1]
    resource = {
        "resourceType": "Observation",
        "id": f"m-{m.pk}",
        "meta": {"source": m.source_app},
        "status": "final",
        "category": [
            {"coding": [{"system": CATEGORY, "code": "activity" if m.kind == "steps" else "vital-signs"}]}
        ],
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": {"reference": f"Patient/{m.patient_id}"},
        "effectiveDateTime": m.effective_at.isoformat(),
    }
    if m.identifier:
        system, _, value = m.identifier.rpartition("|")
        resource["identifier"] = [{"system": system, "value": value} if system else {"value": value}]
    quantity = lambda v: {"value": float(v), "unit": unit, "system": UCUM, "code": unit}  # noqa: E731
    if m.kind == "blood-pressure":
        resource["component"] = [
            {"code": {"coding": [{"system": LOINC, "code": SYSTOLIC}]}, "valueQuantity": quantity(m.value)},
            {"code": {"coding": [{"system": LOINC, "code": DIASTOLIC}]}, "valueQuantity": quantity(m.value2)},
        ]
    else:
        resource["valueQuantity"] = quantity(m.value)
    return resource


def _loinc(concept) -> str | None:
    for coding in (concept.coding or []) if concept else []:
        if coding.system == LOINC:
            return coding.code
    return None


def _value(quantity, unit: str, low: Decimal, high: Decimal, what: str) -> Decimal:
    if quantity is None or quantity.value is None:
        raise FhirError(422, "required", f"{what}: valueQuantity with a value is required")
    if (quantity.code or quantity.unit) != unit or (quantity.system and quantity.system != UCUM):
        raise FhirError(422, "invalid", f"{what}: the unit must be UCUM '{unit}'")
    try:
        value = Decimal(str(quantity.value))
    except InvalidOperation:
        raise FhirError(422, "invalid", f"{what}: not a number") from None
    if not low <= value <= high:
        raise FhirError(
            422, "business-rule", f"{what}: {value} {unit} is outside the plausible range {low}-{high}"
        )
    return value


def parse(body: dict) -> tuple[dict, actions.MeasurementData]:
    if body.get("resourceType") != "Observation":
        raise FhirError(400, "structure", "the body must be an Observation")
    try:
        observation = Observation.model_validate(body)
    except ValidationError as error:
        raise FhirError(422, "invalid", f"invalid Observation: {error.errors()[0]['msg']}") from None
    code = _loinc(observation.code)
    if code not in BY_CODE:
        raise FhirError(422, "not-supported", f"LOINC code {code!r} is not a measurement carnet accepts")
    kind = BY_CODE[code]
    _code, unit, low, high, _label = KINDS[kind]
    if not isinstance(observation.effectiveDateTime, datetime.datetime):
        raise FhirError(422, "required", "effectiveDateTime (an instant with its time zone) is required")
    value2 = None
    if kind == "blood-pressure":
        parts = {_loinc(c.code): c.valueQuantity for c in observation.component or []}
        value = _value(parts.get(SYSTOLIC), unit, low, high, "systolic")
        value2 = _value(parts.get(DIASTOLIC), unit, *DIASTOLIC_RANGE, "diastolic")
    else:
        value = _value(observation.valueQuantity, unit, low, high, kind)
    identifier = ""
    if observation.identifier:
        first = observation.identifier[0]
        identifier = f"{first.system or ''}|{first.value}" if first.value else ""
    subject = observation.subject.reference if observation.subject else ""
    data = actions.MeasurementData(kind, code, value, unit, observation.effectiveDateTime, value2, identifier)
    return {"subject": subject or ""}, data


def create(actor: Actor, body: dict, application=None):
    extra, data = parse(body)
    patient = mapping.resolve_patient(extra["subject"]) if extra["subject"] else actor.patient
    with as_outcome():
        measurement = actions.write_measurement(actor, patient, data, application)
    return fhir_response(to_fhir(measurement), 201, {"Location": f"Observation/m-{measurement.pk}"})


def read(actor: Actor, observation_id: str):
    """An app's measurement (``m-{id}``); any other id is a health-profile Observation."""
    if not observation_id.startswith("m-"):
        return fhir_response(search.read_profile(actor, "Observation", observation_id))
    if ids.number(observation_id[2:]) is None:
        raise FhirError(404, "not-found", "no such resource")
    with as_outcome():
        measurement = queries.get_measurement(actor, int(observation_id[2:]))
    return fhir_response(to_fhir(measurement))


def find(actor: Actor, query):
    """The health profile's Observations (``carnet.fhir.search``) and the apps' measurements, in one
    searchset; ``code`` (LOINC, with or without its system) narrows both."""
    bundle = search.find_profile(actor, "Observation", query)
    patient = patient_of(actor, query)
    with as_outcome():
        rows = list(queries.measurements(actor, patient))
    wanted = query.get("code").rpartition("|")[2]
    base = query.base.split("?")[0]
    mine = [to_fhir(m) for m in rows if not wanted or KINDS[m.kind][0] == wanted]
    entries = [e for e in bundle.get("entry", []) if not wanted or _codes(e["resource"]) & {wanted}]
    entries += [{"fullUrl": f"{base}/{r['id']}", "resource": r, "search": {"mode": "match"}} for r in mine]
    bundle["entry"], bundle["total"] = entries, len(entries)
    return fhir_response(bundle)


def _codes(resource: dict) -> set[str]:
    return {c.get("code", "") for c in resource.get("code", {}).get("coding", [])}


def register(api, body, profile_create) -> None:
    """Routes on the FHIR API (called from ``carnet.fhir.api`` before its generic routes). A connected app
    writes measurements here; anyone else's Observation is a health-profile entry (``profile_create``)."""

    @api.post("/Observation")
    def create_observation(request):
        if request.actor.role != Role.APP:
            return profile_create(request)
        return create(request.actor, body(request))

    @api.get("/Observation")
    def find_observations(request):
        return find(request.actor, query_of(request))

    @api.get("/Observation/{observation_id}")
    def read_observation(request, observation_id: str):
        return read(request.actor, observation_id)
