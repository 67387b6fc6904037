"""Conformance checked by clients nobody here wrote, against a running server: fhirpy (sync and async),
fhirclient for Python, and with node fhir-kit-client and fhirclient.js (installed by ``npm ci`` in
clients/node, done by .ci/run and here when missing). The scenario: discovery, a SMART launch with PKCE
for a patient app, search with paging both ways, count, sort, includes, reads that follow references,
create, conditional create, version-aware update."""

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import Client

from carnet import factories
from carnet.fhir.tests.conftest import PDF, document_bundle, token_for
from carnet.fhir.tests.test_smart import REDIRECT, authorize, pkce
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db(transaction=True)
NODE = Path(__file__).resolve().parents[3] / "clients" / "node"


@pytest.fixture
def server(live_server, settings, software, alice, bob):
    settings.SITE_URL = "http://127.0.0.1:8000"  # the audience the assertions are signed for
    token = token_for(software, bob)
    requests.post(
        f"{live_server.url}/fhir",
        json=document_bundle(alice, *[(f"urn:oid:4.{n}", "11488-4", PDF) for n in range(3)]),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
        timeout=30,
    ).raise_for_status()
    return f"{live_server.url}/fhir", token


def patient_app_token(alice) -> str:
    """A SMART standalone launch for a patient app: authorize with PKCE (S256), consent, code for token."""
    app = factories.make_referenced_app("Appli patient", REDIRECT).application  # only catalogued apps
    browser = signed_in(Client(), alice.user)
    verifier, challenge = pkce()
    consent = authorize(browser, app, challenge, scope="launch/patient patient/DocumentReference.rs")
    assert consent.status_code == 200, (consent.status_code, consent.get("Location"), consent.content[:300])
    form = {key: value for key, value in consent.context["form"].initial.items() if value is not None}
    answer = browser.post("/oauth/authorize/", {**form, "allow": "Authorize"})
    code = parse_qs(urlparse(answer["Location"]).query)["code"][0]
    token = browser.post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app.client_id,
            "code_verifier": verifier,
        },
    ).json()
    assert token["patient"] == str(alice.pk)
    return token["access_token"]


def test_fhirpy_sync_scenario(server, alice, bob):
    from fhirpy import SyncFHIRClient

    base, token = server
    discovery = requests.get(f"{base}/.well-known/smart-configuration", timeout=10).json()
    assert "S256" in discovery["code_challenge_methods_supported"]
    client = SyncFHIRClient(base, authorization=f"Bearer {token}")
    documents = client.resources("DocumentReference").search(patient=alice.pk, status="current")
    assert documents.count() == 3
    page = documents.sort("-period").limit(2)
    assert len(page.fetch()) == 2 and len(page.fetch_all()) == 3  # follows 'next'
    included = documents.include("DocumentReference", "subject").limit(1).fetch_raw()
    assert {e["search"]["mode"] for e in included["entry"]} == {"match", "include"}
    document = documents.first()
    patient = document["subject"].to_resource()  # follows the reference
    assert patient["id"] == str(alice.pk)
    author = client.resources("Practitioner").search(identifier=f"8{bob.rpps}").get()
    assert author["id"] == str(bob.pk)
    allergy = client.resource(
        "AllergyIntolerance", patient={"reference": f"Patient/{alice.pk}"}, code={"text": "Arachide"}
    )
    allergy.save()
    assert client.reference("AllergyIntolerance", allergy["id"]).to_resource()["code"]["text"] == "Arachide"
    binary = requests.get(
        f"{base}/{document['content'][0]['attachment']['url']}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert binary.content == PDF


def test_conditional_create_and_version_aware_update(server, alice):
    base, token = server
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
    resource = document_bundle(alice, ("urn:oid:4.0", "11488-4", PDF))["entry"][1]["resource"]
    resource["content"][0]["attachment"] = {"contentType": "application/pdf", "data": _b64(PDF)}
    again = requests.post(
        f"{base}/DocumentReference",
        json=resource,
        headers=headers | {"If-None-Exist": "identifier=urn:oid:4.0"},
        timeout=30,
    )
    assert again.status_code == 200  # the one already there, no second document
    etag = again.headers["ETag"]
    stale = requests.patch(
        f"{base}/DocumentReference/{again.json()['id']}",
        json={"status": "entered-in-error"},
        headers=headers | {"If-Match": 'W/"stale"'},
        timeout=30,
    )
    assert stale.status_code == 412
    fresh = requests.patch(
        f"{base}/DocumentReference/{again.json()['id']}",
        json={"status": "entered-in-error"},
        headers=headers | {"If-Match": etag},
        timeout=30,
    )
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


def test_fhirpy_async_with_a_patient_app(server, alice):
    from fhirpy import AsyncFHIRClient

    base, _token = server
    client = AsyncFHIRClient(base, authorization=f"Bearer {patient_app_token(alice)}")

    async def scenario():
        documents = client.resources("DocumentReference").search(patient=alice.pk)
        return await documents.count(), len(await documents.limit(1).fetch_all())

    assert asyncio.run(scenario()) == (3, 3)


def test_fhirclient_python(server, alice):
    from fhirclient import client
    from fhirclient.models.documentreference import DocumentReference

    base, token = server
    smart = client.FHIRClient(settings={"app_id": "carnet-tests", "api_base": base})
    smart.server.session.headers["Authorization"] = f"Bearer {token}"
    smart.prepare()  # reads the CapabilityStatement and its OAuth URIs
    assert smart.server.auth is not None and smart.server.auth._authorize_uri.endswith("/oauth/authorize/")
    found = list(
        DocumentReference.where(struct={"patient": str(alice.pk)}).perform_resources_iter(smart.server)
    )
    assert len(found) == 3 and all(d.status == "current" for d in found)


def _node_clients() -> Path:
    if not (NODE / "node_modules" / "fhir-kit-client").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE, check=True, timeout=300)  # noqa: S607
    return NODE


@pytest.mark.skipif(shutil.which("node") is None, reason="node is installed by .ci/run")
def test_node_clients_fhir_kit_and_fhirclient_js(server, alice):
    base, token = server
    folder = _node_clients()
    run = subprocess.run(  # noqa: S603
        ["node", "scenario.mjs", base, patient_app_token(alice), str(alice.pk), token],  # noqa: S607
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout.strip().splitlines()[-1])
    assert results["kitSmart"]["authorizeUrl"].endswith("/oauth/authorize/")
    assert results["kitFhirVersion"] == "4.0.1" and results["kitTotal"] == 3
    assert results["kitPagedBack"] and results["kitSecondPage"] == 1
    assert results["kitSubject"] == "Patient" and results["kitCreated"] == "Asthme"
    assert results["jsPatient"] == str(alice.pk) and results["jsDocuments"] == 3
    assert results["jsPatientName"] == alice.birth_name and results["jsIncluded"] == 1
