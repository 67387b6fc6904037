"""The CapabilityStatement says exactly what is served: every declared interaction, search parameter and
operation is tried against the API (search parameters with ``Prefer: handling=strict``, so an undeclared
or unimplemented one would be a 400)."""

import pytest
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from carnet.fhir.tests.conftest import PDF, document_bundle

pytestmark = pytest.mark.django_db
SPECIFIC = {"status": "current", "code": "submissionset"}
VALUES = {"date": "ge2000-01-01", "string": "Durand", "reference": "", "token": "x"}


@pytest.fixture
def world(as_pro, alice, bob):
    api = as_pro(bob)
    answer = api.post("", document_bundle(alice, ("urn:oid:42.1", "11488-4", PDF))).json()
    subject = {"reference": f"Patient/{alice.pk}"}
    profile = {
        "AllergyIntolerance": {"patient": subject, "code": {"text": "Arachide"}},
        "Condition": {"subject": subject, "code": {"text": "Asthme"}},
        "Immunization": {
            "status": "completed",
            "patient": subject,
            "vaccineCode": {"text": "DTP"},
            "occurrenceDateTime": "2026-01-02",
        },
        "MedicationStatement": {
            "status": "active",
            "subject": subject,
            "medicationCodeableConcept": {"text": "X"},
        },
        "Observation": {
            "status": "final",
            "subject": subject,
            "code": {"text": "Poids"},
            "valueString": "70 kg",
        },
    }
    created = {
        kind: api.post(kind, {"resourceType": kind} | body).json()["id"] for kind, body in profile.items()
    }
    ids = {
        "DocumentReference": answer["entry"][1]["response"]["location"].split("/")[1],
        "Binary": answer["entry"][2]["response"]["location"].split("/")[1],
        "List": answer["entry"][0]["response"]["location"].split("/")[1],
        "Patient": str(alice.pk),
        "Practitioner": str(bob.pk),
    } | created
    return api, ids


def _value(resource_type, name, kind, alice, bob):
    if (resource_type, name) == ("Patient", "identifier"):
        return f"urn:oid:1.2.250.1.213.1.4.8|{alice.nir}"
    if (resource_type, name) == ("Practitioner", "identifier"):
        return bob.rpps
    if name == "patient":
        return str(alice.pk)
    if name == "patient.identifier":
        return f"urn:oid:1.2.250.1.213.1.4.8|{alice.nir}"
    if name == "author":
        return f"Practitioner/{bob.pk}"
    if name in SPECIFIC:
        return SPECIFIC[name]
    return VALUES[kind] or "DocumentReference/x"


def _search(api, kind, params):
    return api.client.get(f"/fhir/{kind}", params, HTTP_PREFER="handling=strict", **api.headers)


def test_every_declared_interaction_parameter_and_operation_is_served(world, client, as_app, alice, bob):
    pro, ids = world
    patient_app = as_app(alice, ["patient/*.rs"])
    statement = client.get("/fhir/metadata").json()
    CapabilityStatement.model_validate(statement)
    tried = 0
    for resource in statement["rest"][0]["resource"]:
        kind = resource["type"]
        api = (
            patient_app if kind in ("AuditEvent", "Consent") else pro
        )  # the patient's own journal and settings
        context = {} if kind in ("Patient", "Practitioner") else {"patient": str(alice.pk)}
        if kind == "Practitioner":
            context = {"identifier": bob.rpps}
        for interaction in (i["code"] for i in resource["interaction"]):
            if interaction == "search-type":
                response = _search(
                    api, kind, context or {"identifier": f"urn:oid:1.2.250.1.213.1.4.8|{alice.nir}"}
                )
            elif interaction == "read":
                response = api.get(f"{kind}/{ids.get(kind, 'profile-0')}")
            elif interaction in ("vread", "history-instance"):
                version = api.get(f"{kind}/{ids[kind]}").json()["meta"]["versionId"]
                suffix = f"/_history/{version}" if interaction == "vread" else "/_history"
                response = api.get(f"{kind}/{ids[kind]}{suffix}")
            elif interaction == "create":
                continue  # each create has its own tests (test_http_features, test_published_examples)
            elif interaction == "patch":
                response = api.patch(f"{kind}/{ids[kind]}", {"securityLabel": [{"coding": [{"code": "N"}]}]})
                assert response.status_code == 422  # served: the patch was read and refused (no change)
                tried += 1
                continue
            assert response.status_code == 200, (kind, interaction, response.content)
            tried += 1
        for param in resource.get("searchParam", []):
            params = context | {param["name"]: _value(kind, param["name"], param["type"], alice, bob)}
            response = _search(api, kind, params)
            assert response.status_code == 200, (kind, param["name"], response.content)
            tried += 1
        for operation in resource.get("operation", []):
            assert api.get(f"{kind}/{ids[kind]}/${operation['name']}").status_code == 200
            tried += 1
    assert tried > 60


def test_search_parameter_types_and_profiles(client):
    statement = client.get("/fhir/metadata").json()
    document = next(r for r in statement["rest"][0]["resource"] if r["type"] == "DocumentReference")
    types = {p["name"]: p["type"] for p in document["searchParam"]}
    assert types["patient"] == "reference" and types["author"] == "reference" and types["date"] == "date"
    assert not {"_count", "_offset"} & set(types)
    assert document["supportedProfile"] and statement["software"]["version"] and statement["patchFormat"]
    assert any("MHD.DocumentResponder" in url for url in statement["instantiates"])
