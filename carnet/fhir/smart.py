"""SMART App Launch discovery (``.well-known/smart-configuration``, at the FHIR base and the host root)."""

from django.http import JsonResponse

SCOPES = [
    "launch/patient",
    "openid",
    "fhirUser",
    "offline_access",
    "patient/*.rs",
    "patient/DocumentReference.rs",
    "patient/Binary.r",
    "patient/AllergyIntolerance.rs",
    "patient/Condition.rs",
    "patient/MedicationStatement.rs",
    "patient/Immunization.rs",
    "patient/Observation.rs",
    "patient/AuditEvent.rs",
    "patient/Observation.c",  # measurements written by referenced apps (carnet.catalogue)
    "patient/DocumentReference.c",  # patient documents written (and authored) by referenced apps
    "patient/Appointment.rs",
    "patient/Appointment.cu",
]


def urls(request) -> dict:
    root = request.build_absolute_uri("/").rstrip("/")
    return {
        "authorize": f"{root}/oauth/authorize/",
        "token": f"{root}/oauth/token/",
        "revoke": f"{root}/oauth/revoke_token/",
        "introspect": f"{root}/oauth/introspect/",
    }


def configuration(request) -> dict:
    where = urls(request)
    return {
        "issuer": request.build_absolute_uri("/fhir").rstrip("/"),
        "authorization_endpoint": where["authorize"],
        "token_endpoint": where["token"],
        "revocation_endpoint": where["revoke"],
        "introspection_endpoint": where["introspect"],
        "token_endpoint_auth_methods_supported": ["none", "private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "RS384", "ES256", "ES384"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "capabilities": [
            "launch-standalone",
            "client-public",
            "client-confidential-asymmetric",
            "context-standalone-patient",
            "permission-patient",
            "permission-v2",
        ],
    }


def root_configuration(request):
    """The same document at the host root, for apps that look there."""
    return JsonResponse(configuration(request))
