"""The CapabilityStatement: exactly what this server implements."""

from django.conf import settings

DOCUMENT_SEARCH = [
    "patient",
    "patient.identifier",
    "status",
    "type",
    "category",
    "date",
    "author",
    "author.family",
    "setting",
    "identifier",
    "_count",
    "_offset",
]


def _resource(kind: str, interactions: list[str], params: list[str] = ()) -> dict:
    resource = {"type": kind, "interaction": [{"code": code} for code in interactions]}
    if params:
        resource["searchParam"] = [
            {"name": name, "type": "token" if name != "date" else "date"} for name in params
        ]
    return resource


def capability_statement() -> dict:
    profile_resources = [
        "AllergyIntolerance",
        "Condition",
        "MedicationStatement",
        "Immunization",
        "Observation",
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-23",
        "kind": "instance",
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "software": {"name": "carnet"},
        "implementation": {"description": "carnet", "url": f"{settings.SITE_URL}/fhir"},
        "rest": [
            {
                "mode": "server",
                "security": {
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
                    "description": "OAuth2: private_key_jwt for professional software, authorization code + "
                    "PKCE (S256) with SMART v2 scopes for patient apps",
                },
                "resource": [
                    _resource(
                        "DocumentReference", ["read", "search-type", "create", "patch"], DOCUMENT_SEARCH
                    ),
                    _resource("Binary", ["read"]),
                    _resource("List", ["search-type"], ["patient", "code", "_count", "_offset"]),
                    _resource("Patient", ["search-type"], ["identifier"]),
                    *[_resource(kind, ["search-type", "create"], ["patient"]) for kind in profile_resources],
                    _resource("AuditEvent", ["search-type"], ["patient"]),
                    _resource("Consent", ["search-type"], ["patient"]),
                    _resource("Communication", ["read", "search-type"], ["patient", "_count", "_offset"]),
                    _resource(
                        "CommunicationRequest", ["read", "search-type"], ["patient", "_count", "_offset"]
                    ),
                ],
                "interaction": [{"code": "transaction"}],
            }
        ],
    }
