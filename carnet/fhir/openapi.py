"""What the OpenAPI description declares for each endpoint (query parameters and bodies, links between
operations), from the same tables as the CapabilityStatement, so that schemathesis and other generators
exercise the real inputs and follow one answer to the next request."""

from ninja import NinjaAPI

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


# How one answer leads to the next request (OpenAPI links): a search's first entry or a created resource's
# id, to the operations that take that id. Generators follow them (schemathesis' stateful tests).
ENTRY_ID = "$response.body#/entry/0/resource/id"
CREATED_ID = "$response.body#/id"
DOCUMENT_OPS = ("read_document", "patch_document", "document_history", "retrieve")
PATIENT_OPS = ("read_patient", "patient_everything", "access_status")
APPOINTMENT_OPS = ("read_appointment", "update_appointment", "patch_appointment")
LINKS = [  # (source operation, status of its answer, target operations, the targets' path parameters)
    ("find_documents", "200", DOCUMENT_OPS, {"document_id": ENTRY_ID}),
    ("find_documents_post", "200", DOCUMENT_OPS, {"document_id": ENTRY_ID}),
    ("publish", "201", DOCUMENT_OPS, {"document_id": CREATED_ID}),
    (
        "read_document",
        "200",
        ("document_version",),
        {"document_id": CREATED_ID, "version": "$response.body#/meta/versionId"},
    ),
    ("find_lists", "200", ("read_list",), {"list_id": ENTRY_ID}),
    ("find_patients", "200", PATIENT_OPS, {"patient_id": ENTRY_ID}),
    ("find_patients_post", "200", PATIENT_OPS, {"patient_id": ENTRY_ID}),
    ("find_practitioners", "200", ("read_practitioner",), {"practitioner_id": ENTRY_ID}),
    ("search_appointments", "200", APPOINTMENT_OPS, {"uid": ENTRY_ID}),
    ("create_appointment", "201", APPOINTMENT_OPS, {"uid": CREATED_ID}),
    ("search_communications", "200", ("read_communication",), {"message_id": ENTRY_ID}),
    ("search_requests", "200", ("read_request",), {"message_id": ENTRY_ID}),
    ("find_observations", "200", ("read_observation",), {"observation_id": ENTRY_ID}),
    ("create_observation", "201", ("read_observation",), {"observation_id": CREATED_ID}),
    (
        "find_profile",
        "200",
        ("read_profile",),
        {"resource_type": "$request.path.resource_type", "resource_id": ENTRY_ID},
    ),
    (
        "create_profile",
        "201",
        ("read_profile",),
        {"resource_type": "$request.path.resource_type", "resource_id": CREATED_ID},
    ),
]


def with_links(schema: dict) -> dict:
    """Add ``LINKS`` to the responses of the generated description (each name is a view function's)."""
    operations = [op for ops in schema["paths"].values() for op in ops.values()]

    def named(function: str) -> dict:
        (found,) = [op for op in operations if op["operationId"].endswith(f"_{function}")]
        return found

    for source, status, targets, parameters in LINKS:
        answer = named(source)["responses"].setdefault(status, {"description": "Created"})
        for target in targets:
            link = {"operationId": named(target)["operationId"], "parameters": parameters}
            answer.setdefault("links", {})[target] = link
    return schema


class LinkedNinjaAPI(NinjaAPI):
    """The API whose OpenAPI description also says how its operations follow one another."""

    def get_openapi_schema(self, *args, **kwargs):
        return with_links(super().get_openapi_schema(*args, **kwargs))
