"""Professional pages: each allowed path beside its refusal."""

import pytest

from carnet.web.tests.test_journeys import found, gp_deposits, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def test_a_patient_cannot_open_the_professional_space(client, alice):
    response = signed_in(client, alice.user).get("/pro/")
    assert response.status_code in {302, 403}


def test_a_stranger_doctor_sees_the_refusal_reason_and_no_document(client_factory, alice, bob, dave):
    gp_deposits(client_factory, bob, alice)
    doctor = signed_in(client_factory(), dave.user)
    page = doctor.get(found(doctor, alice)).content.decode()
    assert "Vous n'avez pas accès à ce dossier" in page and "Raison" in page
    assert 'href="/pro/documents/' not in page


def test_the_gp_sees_the_document_without_refusal(client_factory, alice, bob):
    gp_deposits(client_factory, bob, alice)
    gp = signed_in(client_factory(), bob.user)
    page = gp.get(found(gp, alice)).content.decode()
    assert "Vous n'avez pas accès" not in page and 'href="/pro/documents/' in page


def test_a_hold_back_longer_than_allowed_is_refused_with_a_clear_error(client_factory, alice, bob):
    import io

    from carnet.records.models import Document
    from carnet.records.samples import sample_pdf

    upload = io.BytesIO(sample_pdf("Biologie", ["Hb 13"]))
    upload.name = "bio.pdf"
    form = {"type_code": "11502-2", "title": "Biologie", "care_date": "2026-11-20", "hide_days": "31"}
    gp = signed_in(client_factory(), bob.user)
    response = gp.post(f"{found(gp, alice)}deposer/", {**form, "sensitive_category": "", "file": upload})
    assert response.status_code in {200, 302}
    assert not Document.objects.filter(title="Biologie").exists()


def test_only_the_author_withdraws(client_factory, alice, bob, dave):
    document = gp_deposits(client_factory, bob, alice)
    signed_in(client_factory(), dave.user).post(f"/pro/documents/{document.pk}/retirer/")
    document.refresh_from_db()
    assert document.status == "current"
    signed_in(client_factory(), bob.user).post(f"/pro/documents/{document.pk}/retirer/")
    document.refresh_from_db()
    assert document.status != "current"


def test_an_unknown_ins_gets_a_clear_message(client_factory, dave):
    page = signed_in(client_factory(), dave.user).post(
        "/pro/", {"nir": "285037512345678", "birth_date": "1985-03-14"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "error-summary" in text or "field-error" in text
