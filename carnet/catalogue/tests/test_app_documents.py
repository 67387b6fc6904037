"""Connected apps write documents (ITI-105 with the app's SMART token): patient documents whose author is the
app, shown as such to the patient (pages, FHIR) and to professionals, decided by the policy and journaled as
the app's write; refused without the write scope, for another patient, or as a professional's document."""

import base64

import pytest
from django.test import Client

from carnet import factories
from carnet.catalogue.categories import scopes_for
from carnet.fhir.tests.conftest import document_bundle
from carnet.journal.models import Entry
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.web.tests.test_journeys import found, signed_in

pytestmark = pytest.mark.django_db
PDF = sample_pdf("Relevé de glycémie", ["Moyenne 1,08 g/L sur 14 jours"])


def report(patient, unique_id="urn:oid:1.2.3.9.1", type_code="DOCPAT01", **extra):
    """A DocumentReference as an app sends it, its bytes inline; it claims a practitioner as author."""
    body = document_bundle(patient, (unique_id, type_code, PDF))["entry"][1]["resource"]
    body["content"][0]["attachment"] = {
        "contentType": "application/pdf",
        "data": base64.b64encode(PDF).decode(),
    }
    body["author"] = [{"reference": "Practitioner/1", "display": "Dr Usurpé"}]
    return body | extra


def test_an_app_writes_a_patient_document_that_it_authors(alice, bob, as_app, as_pro):
    alice.gp = bob
    alice.save(update_fields=["gp"])
    app = as_app(alice, ["patient/DocumentReference.c", "patient/DocumentReference.rs"])
    created = app.post("DocumentReference", report(alice))
    assert created.status_code == 201, created.content
    document = Document.objects.get(patient=alice)
    assert (document.depositor, document.source_app, document.author_id) == ("app", "Appli de suivi", None)
    assert document.type_code == "DOCPAT01" and document.source_application_id is not None
    device = [{"type": "Device", "display": "Appli de suivi"}]
    assert created.json()["author"] == device  # never the practitioner the resource claimed
    assert app.get(f"DocumentReference/{document.pk}").json()["author"] == device
    lines = Entry.objects.filter(patient_id=alice.pk, action="record:document:deposit")
    assert {(line.actor_role, line.actor_label, line.allowed) for line in lines} == {
        ("app", "Appli de suivi", True)
    }
    # the patient sees the app as the author, and the app's write among what it did
    patient = signed_in(Client(), alice.user)
    assert "application « Appli de suivi »" in patient.get("/patient/documents/").content.decode()
    assert (
        "application « Appli de suivi »" in patient.get(f"/patient/documents/{document.pk}/").content.decode()
    )
    assert "a ajouté un document" in patient.get("/patient/applications/").content.decode()
    # her GP too: through his software (author Device) and on his page
    assert as_pro(bob).get(f"DocumentReference/{document.pk}").json()["author"] == device
    pro = signed_in(Client(), bob.user)
    assert "application « Appli de suivi »" in pro.get(found(pro, alice)).content.decode()


def test_without_the_write_scope_the_app_writes_nothing(alice, as_app):
    for scopes in (["patient/DocumentReference.rs"], ["patient/Observation.c"], ["patient/*.rs"]):
        assert as_app(alice, scopes).post("DocumentReference", report(alice)).status_code == 403
    assert not Document.objects.exists()
    refused = Entry.objects.filter(patient_id=alice.pk, action="record:document:deposit", allowed=False)
    assert refused.count() == 3 and {line.rule for line in refused} == {"app-scope"}


def test_an_app_never_writes_in_another_patients_record(alice, as_app):
    other = factories.make_patient("Zoé", "Autre")
    response = as_app(alice, ["patient/DocumentReference.c"]).post("DocumentReference", report(other))
    assert response.status_code == 403 and not Document.objects.exists()


def test_an_app_writes_patient_documents_only_never_held_back_or_secret(alice, as_app):
    app = as_app(alice, ["patient/DocumentReference.c"])
    assert app.post("DocumentReference", report(alice, type_code="11502-2")).status_code == 422  # biology
    held = report(alice, unique_id="urn:oid:1.2.3.9.2")
    held["securityLabel"] = [{"coding": [{"code": "INVISIBLE_PATIENT"}]}]
    assert app.post("DocumentReference", held).status_code == 422
    assert not Document.objects.exists()


def test_the_catalogue_says_an_app_writes_documents_it_authors(alice):
    assert scopes_for("documents", "write") == ["patient/DocumentReference.c"]
    app = factories.make_referenced_app("Glycémie+", "https://glycemie.example/cb", [("documents", "write")])
    page = signed_in(Client(), alice.user).get(f"/patient/applications/catalogue/{app.pk}/").content.decode()
    assert "écrire vos documents de santé" in page and "dont elle est l'auteur" in page
