"""The CapabilityStatement: exactly what this server implements (a test walks every interaction and
search parameter declared here against the running API)."""

from importlib.metadata import PackageNotFoundError, version

from django.conf import settings

from carnet.fhir.access_ops import OPERATIONS as ACCESS_OPERATIONS
from carnet.fhir.balp import BALP
from carnet.fhir.profile import RESOURCE_KIND

MHD = "https://profiles.ihe.net/ITI/MHD"
PDSM = "https://interop.esante.gouv.fr/ig/fhir/pdsm"
FR_CORE = "https://hl7.fr/ig/fhir/core/StructureDefinition"
DOCUMENT_PARAMS = {
    "_id": "token",
    "author": "reference",
    "author.family": "string",
    "author.given": "string",
    "category": "token",
    "creation": "date",
    "date": "date",
    "event": "token",
    "facility": "token",
    "format": "token",
    "identifier": "token",
    "patient": "reference",
    "patient.identifier": "token",
    "period": "date",
    "related": "reference",
    "security-label": "token",
    "setting": "token",
    "status": "token",
    "type": "token",
}
PATIENT_SEARCH = {"patient": "reference", "patient.identifier": "token"}
# type: (interactions, search parameters, operations, supported profiles)
RESOURCES = {
    "DocumentReference": (
        ["read", "vread", "history-instance", "search-type", "create", "patch"],
        DOCUMENT_PARAMS,
        [],
        [
            f"{MHD}/StructureDefinition/IHE.MHD.Comprehensive.DocumentReference",
            f"{PDSM}/StructureDefinition/pdsm-comprehensive-document-reference",
        ],
    ),
    "Binary": (["read"], {}, [], []),
    "List": (
        ["read", "search-type"],
        PATIENT_SEARCH | {"code": "token"},
        [],
        [
            f"{MHD}/StructureDefinition/IHE.MHD.Comprehensive.SubmissionSet",
            f"{MHD}/StructureDefinition/IHE.MHD.Comprehensive.Folder",
        ],
    ),
    "Patient": (
        ["read", "search-type"],
        {"identifier": "token", "_id": "token"},
        [{"name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"}],
        [f"{FR_CORE}/fr-core-patient-ins"],
    ),
    "Practitioner": (
        ["read", "search-type"],
        {"identifier": "token", "family": "string", "given": "string", "name": "string", "_id": "token"},
        [],
        [f"{FR_CORE}/fr-core-practitioner"],
    ),
    **{
        kind: (["read", "search-type", "create"], PATIENT_SEARCH | {"_id": "token"}, [], [])
        for kind in sorted(RESOURCE_KIND)
    },
    "AuditEvent": (
        ["search-type"],
        PATIENT_SEARCH,
        [],
        [
            BALP + pattern
            for pattern in ("PatientCreate", "PatientDelete", "PatientQuery", "PatientRead", "PatientUpdate")
        ],
    ),
    "Consent": (["search-type"], PATIENT_SEARCH, [], []),
    "Appointment": (["read", "search-type", "create", "update", "patch"], PATIENT_SEARCH, [], []),
    "Communication": (["read", "search-type"], {"patient": "reference"}, [], []),
    "CommunicationRequest": (["read", "search-type"], {"patient": "reference"}, [], []),
}


def _resource(kind: str) -> dict:
    interactions, params, operations, profiles = RESOURCES[kind]
    resource = {"type": kind, "interaction": [{"code": code} for code in interactions]}
    if "vread" in interactions:
        resource |= {"versioning": "versioned", "conditionalCreate": True, "conditionalUpdate": False}
    if params:
        resource["searchParam"] = [{"name": name, "type": kind_} for name, kind_ in params.items()]
    if kind == "Patient":
        operations = [*operations, *access_operations()]
    if operations:
        resource["operation"] = operations
    if profiles:
        resource["supportedProfile"] = profiles
    if kind == "DocumentReference":
        resource["searchInclude"] = ["DocumentReference:subject", "DocumentReference:author"]
    return resource


def access_operations() -> list[dict]:
    """The access operations of ``carnet.fhir.access_ops`` (instance level, on Patient)."""
    return [
        {"name": name, "definition": f"{settings.SITE_URL}/fhir/OperationDefinition/{name}"}
        for name in ACCESS_OPERATIONS
    ]


def _version() -> str:
    try:
        return version("carnet")
    except PackageNotFoundError:
        return "0"


def capability_statement(base: str = "") -> dict:
    root = (base or f"{settings.SITE_URL}/fhir").removesuffix("/fhir")
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-01",
        "kind": "instance",
        "instantiates": [
            f"{MHD}/CapabilityStatement/IHE.MHD.DocumentResponder",
            f"{MHD}/CapabilityStatement/IHE.MHD.DocumentRecipient",
            f"{PDSM}/CapabilityStatement/pdsm-document-responder",
        ],
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "patchFormat": ["application/json-patch+json", "application/fhir+json"],
        "software": {"name": "carnet", "version": _version()},
        "implementation": {"description": "carnet", "url": f"{root}/fhir"},
        "rest": [
            {
                "mode": "server",
                "security": _security(root),
                "resource": [_resource(kind) for kind in RESOURCES],
                "interaction": [{"code": "transaction"}],
            }
        ],
    }


def _security(root: str) -> dict:
    return {
        "cors": True,
        "extension": [
            {
                "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                "extension": [
                    {"url": "authorize", "valueUri": f"{root}/oauth/authorize/"},
                    {"url": "token", "valueUri": f"{root}/oauth/token/"},
                    {"url": "revoke", "valueUri": f"{root}/oauth/revoke_token/"},
                    {"url": "introspect", "valueUri": f"{root}/oauth/introspect/"},
                ],
            }
        ],
        "service": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "code": "SMART-on-FHIR",
                    }
                ]
            }
        ],
        "description": "OAuth2: private_key_jwt for professional software, authorization code + PKCE (S256) "
        "with SMART v2 scopes for patient apps",
    }
