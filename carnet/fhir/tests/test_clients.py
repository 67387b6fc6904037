"""Conformance checked by clients nobody here wrote: fhirpy and fhirclient against a running server."""

import pytest
import requests

from carnet.fhir.tests.conftest import PDF, document_bundle, token_for

pytestmark = pytest.mark.django_db(transaction=True)


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


def test_fhirpy_creates_searches_reads_pages_and_retrieves(server, alice):
    from fhirpy import SyncFHIRClient

    base, token = server
    client = SyncFHIRClient(base, authorization=f"Bearer {token}")
    allergy = client.resource(
        "AllergyIntolerance",
        patient={"reference": f"Patient/{alice.pk}"},
        code={"text": "Arachide"},
        recordedDate="2026-11-01",
    )
    allergy.save()
    assert [
        a["code"]["text"] for a in client.resources("AllergyIntolerance").search(patient=alice.pk).fetch()
    ] == ["Arachide"]
    documents = client.resources("DocumentReference").search(patient=alice.pk, status="current").limit(2)
    assert len(documents.fetch()) == 2
    every = documents.fetch_all()  # follows the 'next' links
    assert len(every) == 3
    read = client.reference("DocumentReference", every[0]["id"]).to_resource()
    assert read["masterIdentifier"]["value"].startswith("urn:oid:4.")
    binary = requests.get(
        f"{base}/{read['content'][0]['attachment']['url']}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert binary.headers["Content-Type"] == "application/pdf" and binary.content == PDF


def test_fhirclient_reads_metadata_and_searches(server, alice):
    from fhirclient import client
    from fhirclient.models.documentreference import DocumentReference

    base, token = server
    smart = client.FHIRClient(settings={"app_id": "carnet-tests", "api_base": base})
    smart.server.session.headers["Authorization"] = f"Bearer {token}"
    search = DocumentReference.where(struct={"patient": str(alice.pk)})
    found = list(search.perform_resources_iter(smart.server))
    assert len(found) == 3 and all(d.status == "current" for d in found)
    assert found[0].content[0].attachment.contentType == "application/pdf"
