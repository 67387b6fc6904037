"""What mature FHIR servers offer: ETag/versionId/If-Match (412 when stale), conditional create,
_history and vread, Patient/$everything, Binary as a FHIR resource, profile resources kept with their
codings and readable at their Location; SMART discovery, CORS, the patient in the token response."""

import base64
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from carnet.fhir.tests.conftest import PDF, document_bundle
from carnet.fhir.tests.test_smart import REDIRECT, app, authorize, pkce  # noqa: F401 (app is a fixture)
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(as_pro, alice, bob):
    api = as_pro(bob)
    answer = api.post("", document_bundle(alice, ("urn:oid:99.1", "11488-4", PDF))).json()
    return api, answer["entry"][1]["response"]["location"]


def test_etag_and_if_match(document, as_app, alice):
    api, location = document
    read = api.get(location)
    version = read.json()["meta"]["versionId"]
    assert read["ETag"] == f'W/"{version}"'
    owner = as_app(alice, ["patient/DocumentReference.rs"])
    masked = {"securityLabel": [{"coding": [{"code": "MASQUE_PS"}]}]}
    changed = owner.client.patch(
        f"/fhir/{location}",
        json.dumps(masked),
        content_type="application/fhir+json",
        HTTP_IF_MATCH=read["ETag"],
        **owner.headers,
    )
    assert changed.status_code in (200, 403)  # the app's scopes are read-only: the policy decides
    from carnet.records import actions
    from carnet.records.models import Document
    from carnet.records.tests.helpers import me

    actions.set_document_visibility(me(alice), Document.objects.get(pk=location.split("/")[1]), "private")
    stale = api.client.patch(
        f"/fhir/{location}",
        json.dumps({"status": "entered-in-error"}),
        content_type="application/fhir+json",
        HTTP_IF_MATCH=f'W/"{version}"',
        **api.headers,
    )
    assert stale.status_code == 412 and stale.json()["resourceType"] == "OperationOutcome"
    assert Document.objects.get(pk=location.split("/")[1]).status == "current"  # nothing changed
    fresh = api.get(location)["ETag"]
    withdrawn = api.client.patch(
        f"/fhir/{location}",
        json.dumps([{"op": "replace", "path": "/status", "value": "entered-in-error"}]),
        content_type="application/json-patch+json",
        HTTP_IF_MATCH=fresh,
        **api.headers,
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "entered-in-error"


def test_patch_bodies_are_validated(document):
    api, location = document
    assert api.patch(location, {"status": "nonsense"}).status_code == 422
    assert api.patch(location, {"status": 12}).status_code == 400
    assert api.patch(location, {"description": "changed"}).status_code == 422
    bad_pointer = api.client.patch(
        f"/fhir/{location}",
        json.dumps([{"op": "remove", "path": "/nothing/here"}]),
        content_type="application/json-patch+json",
        **api.headers,
    )
    assert bad_pointer.status_code == 422


def test_history_and_vread(document):
    api, location = document
    version = api.get(location).json()["meta"]["versionId"]
    history = api.get(f"{location}/_history").json()
    assert history["type"] == "history" and history["entry"][0]["resource"]["meta"]["versionId"] == version
    assert api.get(f"{location}/_history/{version}").json()["id"] == location.split("/")[1]
    assert api.get(f"{location}/_history/0000").status_code == 404


def test_binary_as_fhir_json_and_as_bytes(document):
    api, location = document
    binary_path = f"/fhir/Binary/{location.split('/')[1]}"
    resource = api.client.get(binary_path, HTTP_ACCEPT="application/fhir+json", **api.headers).json()
    assert resource["resourceType"] == "Binary" and base64.b64decode(resource["data"]) == PDF
    raw = api.client.get(binary_path, HTTP_ACCEPT="application/pdf", **api.headers)
    assert raw.content == PDF and raw["Content-Disposition"].startswith("attachment")


def test_patient_everything_is_the_visible_record(document, alice, as_pro, charlie):
    api, location = document
    everything = api.get(f"Patient/{alice.pk}/$everything").json()
    Bundle.model_validate(everything)
    kinds = [e["resource"]["resourceType"] for e in everything["entry"]]
    assert kinds[0] == "Patient" and "DocumentReference" in kinds
    assert as_pro(charlie).get(f"Patient/{alice.pk}/$everything").status_code == 404  # no link to alice


def test_profile_resources_keep_their_codings_and_can_be_read_at_their_location(as_pro, alice, bob):
    api = as_pro(bob)
    allergy = {
        "resourceType": "AllergyIntolerance",
        "meta": {"profile": ["https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-allergy-intolerance"]},
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                    "code": "active",
                }
            ]
        },
        "code": {
            "coding": [
                {"system": "http://snomed.info/sct", "code": "91936005", "display": "Allergy to penicillin"}
            ]
        },
        "patient": {"reference": f"Patient/{alice.pk}"},
        "reaction": [
            {"manifestation": [{"coding": [{"system": "http://snomed.info/sct", "code": "247472004"}]}]}
        ],
    }
    created = api.post("AllergyIntolerance", allergy)
    assert created.status_code == 201
    read = api.get(created["Location"]).json()
    for key in ("meta", "clinicalStatus", "code", "reaction"):
        assert read[key] == allergy[key]
    weight = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7", "display": "Body weight"}]},
        "subject": {"reference": f"Patient/{alice.pk}"},
        "effectiveDateTime": "2026-11-30",
        "valueQuantity": {"value": 72.5, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
    }
    observed = api.post("Observation", weight)
    assert observed.status_code == 201, observed.content
    assert api.get(observed["Location"]).json()["valueQuantity"] == weight["valueQuantity"]
    from carnet.records.models import ProfileEntry

    assert ProfileEntry.objects.get(kind="measurement").value == "72.5"


def test_smart_discovery_at_the_base_and_the_root(client):
    for path in ("/fhir/.well-known/smart-configuration", "/.well-known/smart-configuration"):
        config = client.get(path).json()
        assert config["code_challenge_methods_supported"] == ["S256"]
        assert config["authorization_endpoint"].endswith("/oauth/authorize/")
        assert config["token_endpoint"].endswith("/oauth/token/")
    statement = client.get("/fhir/metadata").json()
    oauth = statement["rest"][0]["security"]["extension"][0]
    assert {e["url"] for e in oauth["extension"]} >= {"authorize", "token"}


def test_cors_for_browser_apps(client):
    preflight = client.options(
        "/fhir/DocumentReference", HTTP_ORIGIN="https://app.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 204 and "Authorization" in preflight["Access-Control-Allow-Headers"]
    answer = client.get("/fhir/metadata", HTTP_ORIGIN="https://app.example")
    assert answer["Access-Control-Allow-Origin"] == "*" and "ETag" in answer["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in answer  # tokens travel in headers, never cookies


def test_a_patient_signing_in_from_an_app_link_keeps_the_request_and_gets_the_patient(app, alice):  # noqa: F811
    client = Client()
    verifier, challenge = pkce()
    first = authorize(client, app, challenge)
    assert first.status_code == 302 and first["Location"].startswith("/connexion/")
    next_url = parse_qs(urlparse(first["Location"]).query)["next"][0]
    assert "client_id" in next_url and "code_challenge" in next_url
    signed_in(client, alice.user)
    consent = client.get(next_url)
    assert consent.status_code == 200
    form = {key: value for key, value in consent.context["form"].initial.items() if value is not None}
    answer = client.post("/oauth/authorize/", {**form, "allow": "Authorize"})
    code = parse_qs(urlparse(answer["Location"]).query)["code"][0]
    token = client.post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app.client_id,
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200 and token.json()["patient"] == str(alice.pk)
