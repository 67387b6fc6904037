"""What the OpenAPI description declares for each endpoint (query parameters and bodies), from the same
tables as the CapabilityStatement, so that schemathesis and other generators exercise the real inputs."""

from carnet.fhir.capability import RESOURCES

FHIR_JSON = "application/fhir+json"
RESULT_PARAMS = {"_count": "integer", "_offset": "integer", "_sort": "string", "_summary": "string"}


def search(kind: str, *extra: str) -> dict:
    """The search parameters of ``kind`` (strings, as FHIR sends them) and the result parameters."""
    names = (
        {name: "string" for name in RESOURCES[kind][1]} | RESULT_PARAMS | {name: "string" for name in extra}
    )
    return {
        "parameters": [
            {"name": name, "in": "query", "required": False, "schema": {"type": kind_}}
            for name, kind_ in names.items()
        ]
    }


def body(*kinds: str, schema: dict | None = None) -> dict:
    """A FHIR resource body of one of ``kinds``."""
    resource = schema or {
        "type": "object",
        "required": ["resourceType"],
        "properties": {"resourceType": {"type": "string", "enum": list(kinds)}},
        "additionalProperties": True,
    }
    return {"requestBody": {"required": True, "content": {FHIR_JSON: {"schema": resource}}}}


def form(kind: str) -> dict:
    """POST ``_search``: the same parameters as a form body."""
    properties = {name: {"type": "string"} for name in RESOURCES[kind][1]}
    return {
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": properties}}
            }
        }
    }


PATCH = body(
    schema={
        "oneOf": [
            {
                "type": "object",
                "properties": {"status": {"type": "string"}, "securityLabel": {"type": "array"}},
            },
            {
                "type": "object",
                "required": ["resourceType"],
                "properties": {"resourceType": {"enum": ["Parameters"]}},
            },
        ]
    }
)
