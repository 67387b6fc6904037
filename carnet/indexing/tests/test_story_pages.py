"""The patient's "Ce que disent mes documents" through the real pages: the GP deposits a letter, the worker
indexes it, the patient sees what was found and confirms or dismisses; nothing enters the profile else."""

import io

import pytest
from django.test import Client

from carnet.indexing.models import Review
from carnet.records.models import Document, ProfileEntry
from carnet.records.samples import sample_pdf
from carnet.web.tests.test_journeys import found, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("indexing")]

LINES = [
    "Diabète de type 2 équilibré sous metformine 1000 mg.",
    "Pas d'hypertension artérielle.",
    "Père diabétique.",
]


@pytest.fixture
def letter(client_factory, bob, alice):
    pro = signed_in(client_factory(), bob.user)
    upload = io.BytesIO(sample_pdf("Courrier", LINES))
    upload.name = "courrier.pdf"
    response = pro.post(
        f"{found(pro, alice)}deposer/",
        {
            "type_code": "11488-4",
            "title": "Courrier",
            "care_date": "2026-11-20",
            "sensitive_category": "",
            "file": upload,
        },
    )
    assert response.status_code == 302
    return Document.objects.get(title="Courrier")


@pytest.fixture
def client_factory():
    return Client


@pytest.fixture
def patient_client(client, alice):
    return signed_in(client, alice.user)


def test_the_patient_sees_conditions_and_treatments_with_their_sentences(patient_client, letter):
    page = patient_client.get("/patient/profil/documents/").content.decode()
    assert "E11" in page and "A10BA02" in page
    assert "Diabète de type 2 équilibré sous metformine 1000 mg." in page
    assert "I10" not in page  # "pas d'hypertension": negated
    assert not ProfileEntry.objects.filter(patient=letter.patient).exists()  # nothing without confirmation


def test_confirming_puts_the_condition_in_the_profile_with_its_code_and_source(patient_client, letter, alice):
    response = patient_client.post(
        "/patient/profil/documents/confirmer/", {"kind": "condition", "code": "E11"}
    )
    assert response.status_code == 302
    entry = ProfileEntry.objects.get(patient=alice)
    assert (entry.kind, entry.code, entry.label) == ("condition", "E11", "Diabète sucré de type 2")
    review = Review.objects.get(patient=alice, code="E11")
    assert review.document == letter and review.profile_entry == entry
    assert "Dans votre profil de santé." in patient_client.get("/patient/profil/documents/").content.decode()
    again = patient_client.post(
        "/patient/profil/documents/confirmer/", {"kind": "condition", "code": "E11"}, follow=True
    )
    assert "déjà dans votre profil" in again.content.decode()
    assert ProfileEntry.objects.filter(patient=alice).count() == 1


def test_dismissing_keeps_it_out_of_the_profile(patient_client, letter, alice):
    patient_client.post("/patient/profil/documents/ecarter/", {"kind": "drug", "code": "A10BA02"})
    assert Review.objects.get(patient=alice, code="A10BA02").decision == "dismissed"
    assert not ProfileEntry.objects.filter(patient=alice).exists()
    assert "Écarté par vous." in patient_client.get("/patient/profil/documents/").content.decode()


def test_a_negated_mention_cannot_be_confirmed(patient_client, letter, alice):
    response = patient_client.post(
        "/patient/profil/documents/confirmer/", {"kind": "condition", "code": "I10"}, follow=True
    )
    assert "ne figure dans aucun de vos documents" in response.content.decode()
    assert not ProfileEntry.objects.filter(patient=alice).exists()


def test_a_professional_cannot_answer_for_the_patient(client_factory, letter, bob, alice):
    pro = signed_in(client_factory(), bob.user)
    response = pro.post("/patient/profil/documents/confirmer/", {"kind": "condition", "code": "E11"})
    assert response.status_code in (302, 403)
    assert not ProfileEntry.objects.filter(patient=alice).exists()
    assert not Review.objects.filter(patient=alice).exists()
