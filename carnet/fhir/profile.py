"""Health-profile resources (FR Core AllergyIntolerance, Condition, MedicationStatement, Immunization,
Observation): the line carnet keeps (label, date, value) read from the resource, the resource itself served
back with its codings, statuses, reactions, dose and lot."""

import copy
import datetime

from django.utils import timezone

from carnet.fhir.outcome import FhirError
from carnet.records.export import PROFILE_RESOURCES, profile_resource

RESOURCE_KIND = {resource: kind for kind, resource in PROFILE_RESOURCES.items()}
CONCEPT = {
    "AllergyIntolerance": "code",
    "Condition": "code",
    "Observation": "code",
    "Immunization": "vaccineCode",
    "MedicationStatement": "medicationCodeableConcept",
}
DATES = ("recordedDate", "occurrenceDateTime", "effectiveDateTime", "onsetDateTime", "dateAsserted", "issued")
SUBJECT = {"AllergyIntolerance": "patient", "Immunization": "patient"}


def subject_of(resource: dict) -> dict:
    return resource.get(SUBJECT.get(resource["resourceType"], "subject")) or {}


def _label(concept: dict) -> tuple[str, str]:
    codings = concept.get("coding") or [{}]
    label = concept.get("text") or codings[0].get("display") or codings[0].get("code") or ""
    return label, codings[0].get("code", "")


def _date(resource: dict) -> datetime.date:
    """The date the line is about; a resource without one is dated the day it is recorded."""
    values = [resource.get(name) for name in DATES] + [(resource.get("effectivePeriod") or {}).get("start")]
    for value in values:
        if value:
            try:
                return datetime.date.fromisoformat(str(value)[:10])
            except ValueError:
                raise FhirError(422, "invalid", f"the date {value!r} is not a date") from None
    return timezone.localdate()


def _value(resource: dict) -> tuple[str, str]:
    quantity = resource.get("valueQuantity")
    if quantity:
        return str(quantity.get("value", ""))[:40], str(quantity.get("unit") or quantity.get("code") or "")[
            :20
        ]
    if resource.get("valueString"):
        return str(resource["valueString"])[:40], ""
    concept = resource.get("valueCodeableConcept")
    return (_label(concept)[0][:40], "") if concept else ("", "")


def entry_fields(resource: dict) -> dict:
    kind = resource["resourceType"]
    label, code = _label(resource.get(CONCEPT[kind]) or {})
    if not label:
        raise FhirError(422, "required", f"{kind}.{CONCEPT[kind]} needs a text, a display or a code")
    value, unit = _value(resource)
    return {
        "kind": RESOURCE_KIND[kind],
        "label": label,
        "code": code[:40],
        "date": _date(resource),
        "value": value,
        "unit": unit,
    }


def entry_resource(entry, stored: dict | None = None) -> dict:
    """The line as FHIR: the producer's resource when there is one, with carnet's id and patient."""
    own = profile_resource(entry)
    if not stored:
        return own
    resource = copy.deepcopy(stored)
    key = SUBJECT.get(resource["resourceType"], "subject")
    resource["id"], resource[key] = own["id"], own[key]
    return resource
