"""A real SMART client (fhirclient) against the live server: the full connection of a referenced app
(discovery, PKCE S256, consent, token), a weight series written and read back, then the app withdrawn
from the catalogue and its next call refused with 401."""

import base64
from urllib.parse import parse_qsl, urlsplit

import pytest
from fhirclient import client as smart
from fhirclient.models.documentreference import DocumentReference
from fhirclient.models.observation import Observation
from fhirclient.server import FHIRUnauthorizedException

from carnet import factories
from carnet.access.actor import Actor, Role
from carnet.catalogue import actions
from carnet.catalogue.categories import CRITERIA
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.web.tests.test_journeys import signed_in

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]
REDIRECT = "https://balance.example/callback"
SCOPE = "launch/patient patient/Observation.rs patient/Observation.c"


def weight(kg: float, day: int) -> Observation:
    return Observation(
        {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
            "effectiveDateTime": f"2026-11-{day:02d}T07:30:00+01:00",
            "valueQuantity": {"value": kg, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
            "identifier": [{"system": "urn:balance:mesures", "value": f"pesee-{day}"}],
        }
    )


def _connect(client, live_server, file, scope: str, patient) -> smart.FHIRClient:
    """The full SMART App Launch of a referenced app: discovery, PKCE S256, the patient's consent, token."""
    app = smart.FHIRClient(
        settings={
            "app_id": file.application.client_id,
            "api_base": f"{live_server.url}/fhir/",
            "redirect_uri": REDIRECT,
            "scope": scope,
        }
    )
    authorize_url = app.authorize_url  # reads /fhir/metadata (SMART oauth-uris), builds PKCE S256
    assert "code_challenge_method=S256" in authorize_url
    signed_in(client, patient.user)  # the patient's browser: sign-in, then the consent screen
    parts = urlsplit(authorize_url)
    consent = client.get(parts.path, dict(parse_qsl(parts.query)))
    assert consent.status_code == 200 and file.name in consent.content.decode()
    form = {k: v for k, v in consent.context["form"].initial.items() if v is not None}
    callback = client.post("/oauth/authorize/", {**form, "allow": "Authorize"})["Location"]
    app.handle_callback(callback)
    assert app.server.auth.access_token
    return app


def test_fhirclient_connects_writes_a_weight_series_reads_it_back_and_is_cut_off(
    live_server, settings, client
):
    settings.SITE_URL = live_server.url
    alice = factories.make_patient("Alice Marie", "Martin")
    erin = factories.make_operator()
    file = factories.make_referenced_app(
        "Balance", REDIRECT, [("measurements", "read"), ("measurements", "write")]
    )
    app = _connect(client, live_server, file, SCOPE, alice)

    for day, kg in ((18, 73.4), (19, 73.1), (20, 72.9), (21, 72.6)):
        assert weight(kg, day).create(app.server)["id"].startswith("m-")
    found = list(
        Observation.where(struct={"code": "http://loinc.org|29463-7"}).perform_resources_iter(app.server)
    )
    assert [float(o.valueQuantity.value) for o in found] == [73.4, 73.1, 72.9, 72.6]
    assert {o.meta.source for o in found} == {"Balance"}
    assert Observation.read(found[0].id, app.server).valueQuantity.unit == "kg"

    operator = Actor(role=Role.OPERATOR, user=erin)
    all_met = {key: True for key, _label in CRITERIA}
    actions.decide_file(operator, file, actions.DecisionData("withdraw", "retrait du catalogue", all_met))
    with pytest.raises(FHIRUnauthorizedException):
        list(Observation.where(struct={"code": "29463-7"}).perform_resources_iter(app.server))


def test_a_connected_app_writes_a_document_it_authors_through_fhirclient(live_server, settings, client):
    settings.SITE_URL = live_server.url
    alice = factories.make_patient("Alice Marie", "Martin")
    file = factories.make_referenced_app(
        "Glycémie+", REDIRECT, [("documents", "read"), ("documents", "write")]
    )
    scope = "launch/patient patient/DocumentReference.rs patient/DocumentReference.c"
    app = _connect(client, live_server, file, scope, alice)
    pdf = sample_pdf("Relevé de glycémie", ["14 jours"])
    body = {
        "resourceType": "DocumentReference",
        "status": "current",
        "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": "urn:oid:1.2.250.1.999.7.1"},
        "type": {"coding": [{"system": "urn:oid:1.2.250.1.213.1.1.4.12", "code": "DOCPAT01"}]},
        "subject": {"reference": f"Patient/{app.patient_id}"},
        "date": "2026-11-21T08:00:00+01:00",
        "description": "Relevé de glycémie",
        "context": {"period": {"start": "2026-11-21"}},
        "content": [
            {"attachment": {"contentType": "application/pdf", "data": base64.b64encode(pdf).decode()}}
        ],
    }
    created = DocumentReference(body).create(app.server)
    document = DocumentReference.read(created["id"], app.server)
    assert [(a.type, a.display) for a in document.author] == [("Device", "Glycémie+")]
    stored = Document.objects.get(pk=created["id"])
    assert stored.depositor == "app" and stored.source_application_id == file.application_id
