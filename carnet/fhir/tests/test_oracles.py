"""Deposit answers tell a depositor nothing the record hides from them (the review's oracles): an existing
id re-deposited with the same bytes, an id used in another record, a refused deposit journaled as added, a
refused read inside ITI-65 `relatesTo` with no journal row."""

import pytest

from carnet import factories
from carnet.access.actor import Actor, Role
from carnet.fhir.tests.conftest import PDF, document_bundle
from carnet.journal.models import Entry
from carnet.records import actions
from carnet.records.models import Document, Visibility
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import meta, pro
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
SECRET = sample_pdf("Bilan", ["Sérologie"])


@pytest.fixture
def private_document(alice):
    """Alice keeps a document of hers private: professionals get 404 reading it."""
    me = Actor(role=Role.PATIENT, user=alice.user, patient=alice)
    return actions.deposit_document(
        me,
        alice,
        SECRET,
        meta("DOCPAT01", title="Suivi PRIVE psychiatre Dr Secret", visibility=Visibility.PRIVATE),
    )


def test_the_same_id_and_bytes_give_no_private_metadata(as_pro, alice, bob, private_document):
    api = as_pro(bob)
    assert api.get(f"DocumentReference/{private_document.pk}").status_code == 404
    response = api.post("", document_bundle(alice, (private_document.unique_id, "11488-4", SECRET)))
    text = response.content.decode()
    assert response.status_code == 409
    assert "Secret" not in text and "PRIVE" not in text and str(private_document.pk) not in text


def test_the_author_redepositing_gets_the_same_document_back(as_pro, alice, bob):
    api = as_pro(bob)
    bundle = document_bundle(alice, ("urn:oid:1.2.3.4.99", "11488-4", PDF))
    first, again = api.post("", bundle), api.post("", bundle)
    assert first.status_code == again.status_code == 200
    assert (
        first.json()["entry"][0]["response"]["location"] == again.json()["entry"][0]["response"]["location"]
    )


def test_an_id_used_in_another_record_is_no_conflict(as_pro, alice, bob, private_document):
    paul = factories.make_patient("Paul", "Roux")
    response = as_pro(bob).post("", document_bundle(paul, (private_document.unique_id, "11488-4", PDF)))
    assert response.status_code == 200  # nothing tells that alice's record holds this id
    assert Document.objects.filter(unique_id=private_document.unique_id).count() == 2


def test_a_refused_deposit_is_journaled_as_refused(client, as_pro, alice, bob):
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    response = as_pro(bob).post("", document_bundle(alice, ("urn:oid:1.2.3.4.98", "11488-4", html)))
    assert response.status_code in {400, 415, 422}
    entry = Entry.objects.get(action="record:document:deposit", patient_id=alice.pk)
    assert entry.allowed is False and entry.rule.startswith("deposit-")
    journal = signed_in(client, alice.user).get("/patient/journal/").content.decode()
    assert "a tenté d&#x27;ajouter un document (refusé)" in journal and "a ajouté un document" not in journal


def test_a_refused_read_inside_relates_to_is_journaled(as_pro, alice, bob, dave):
    target = actions.deposit_document(pro(bob), alice, PDF, meta())
    bundle = document_bundle(alice, ("urn:oid:1.2.3.4.97", "11488-4", sample_pdf("Nouvelle version")))
    bundle["entry"][1]["resource"]["relatesTo"] = [
        {"code": "replaces", "target": {"reference": f"DocumentReference/{target.pk}"}}
    ]
    assert as_pro(dave).post("", bundle).status_code in {404, 422}
    refused = Entry.objects.filter(resource_id=str(target.pk), allowed=False, actor_professional_id=dave.pk)
    assert list(refused.values_list("action", flat=True)) == ["record:document:replace"]  # the one decision
