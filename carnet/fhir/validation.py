"""Every FHIR body is validated with the R4B models before anything reads it; what is used afterwards is the
canonical JSON of the validated model (the producer's data, nothing lost, types guaranteed)."""

import json

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from carnet.fhir.outcome import FhirError


def validate(body, expected: str | tuple[str, ...] = ()) -> dict:
    """The canonical JSON of ``body`` as an R4B resource of one of the ``expected`` types, or a 400 naming
    the first problem (where it is and what is wrong)."""
    if not isinstance(body, dict):
        raise FhirError(400, "structure", "the body must be a FHIR resource (a JSON object)")
    kind = body.get("resourceType")
    expected = (expected,) if isinstance(expected, str) else expected
    if expected and kind not in expected:
        raise FhirError(400, "invalid", f"expected a {' or '.join(expected)}, not {kind!r}")
    try:
        model = get_fhir_model_class(str(kind))
    except ValueError:
        raise FhirError(400, "structure", f"{kind!r} is not a FHIR R4B resource type") from None
    try:
        return json.loads(model.model_validate(body).model_dump_json())
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise FhirError(400, "structure", f"invalid {kind}: {where}: {first.get('msg')}") from None
    except (TypeError, ValueError, KeyError, AttributeError) as error:  # raised by a few validators
        raise FhirError(400, "structure", f"invalid {kind}: {error}") from None


def first_code(concept: dict | None, system: str = "") -> str:
    """The first coding's code of a CodeableConcept (of ``system`` when given)."""
    for coding in (concept or {}).get("coding") or []:
        if not system or coding.get("system") == system:
            return coding.get("code", "")
    return ""
