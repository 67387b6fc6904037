"""Professional pages: each allowed path beside its refusal."""

import pytest

from carnet.web.tests.test_journeys import gp_deposits, signed_in

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
    page = signed_in(client_factory(), dave.user).get(f"/pro/patients/{alice.pk}/").content.decode()
    assert "Vous n'avez pas accès à ce dossier" in page
    assert "Le patient ne vous a pas donné accès à son dossier." in page and "no-grant" not in page
    assert 'href="/pro/documents/' not in page


def test_the_gp_sees_the_document_without_refusal(client_factory, alice, bob):
    gp_deposits(client_factory, bob, alice)
    page = signed_in(client_factory(), bob.user).get(f"/pro/patients/{alice.pk}/").content.decode()
    assert "Vous n'avez pas accès" not in page and 'href="/pro/documents/' in page


def test_a_hold_back_longer_than_allowed_is_refused_with_a_clear_error(client_factory, alice, bob):
    import io

    from carnet.records.models import Document
    from carnet.records.samples import sample_pdf

    upload = io.BytesIO(sample_pdf("Biologie", ["Hb 13"]))
    upload.name = "bio.pdf"
    form = {"type_code": "11502-2", "title": "Biologie", "care_date": "2026-11-20", "hide_days": "31"}
    response = signed_in(client_factory(), bob.user).post(
        f"/pro/patients/{alice.pk}/deposer/", {**form, "sensitive_category": "", "file": upload}
    )
    assert response.status_code == 400
    assert not Document.objects.filter(title="Biologie").exists()
    page = response.content.decode()
    assert 'value="Biologie"' in page and 'id="id_hide_days_error"' in page  # kept, and marked
    assert 'id="id_file_error"' in page  # the file must be chosen again: said beside it


def test_only_the_author_withdraws(client_factory, alice, bob, dave):
    document = gp_deposits(client_factory, bob, alice)
    signed_in(client_factory(), dave.user).post(f"/pro/documents/{document.pk}/retirer/")
    document.refresh_from_db()
    assert document.status == "current"
    signed_in(client_factory(), bob.user).post(f"/pro/documents/{document.pk}/retirer/")
    document.refresh_from_db()
    assert document.status != "current"


def test_an_unknown_ins_gets_a_clear_message(client_factory, dave):
    page = signed_in(client_factory(), dave.user).get(
        "/pro/", {"nir": "285037512345678", "birth_date": "1985-03-14"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "error-summary" in text or "field-error" in text


def test_a_blocked_professional_sees_no_access_button(client_factory, alice, charlie):
    from carnet.access.actions import block_professional
    from carnet.records.tests.helpers import me

    block_professional(me(alice), alice, charlie)
    page = signed_in(client_factory(), charlie.user).get(f"/pro/patients/{alice.pk}/").content.decode()
    assert "Le patient a bloqué votre accès." in page
    for mode in ["declare", "request", "code", "glass"]:
        assert f"/acces/{mode}/" not in page


def test_a_refused_break_the_glass_keeps_the_explanation(client_factory, alice, dave):
    client = signed_in(client_factory(), dave.user)
    response = client.post(
        f"/pro/patients/{alice.pk}/acces/glass/", {"reason_code": "unconscious", "reason_text": "court"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "court</textarea>" in page and "<details open>" in page


def test_withdrawing_asks_for_confirmation_first(client_factory, alice, bob):
    gp_deposits(client_factory, bob, alice)
    page = signed_in(client_factory(), bob.user).get(f"/pro/patients/{alice.pk}/").content.decode()
    assert '<details class="confirm"><summary>Retirer…</summary>' in page
    assert "Oui, retirer ce document" in page
