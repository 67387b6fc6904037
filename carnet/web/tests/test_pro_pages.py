"""Professional pages: each allowed path beside its refusal."""

import pytest

from carnet.journal.models import Entry
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
    assert "Vous n'avez pas accès à ce dossier" in page
    assert "Le patient ne vous a pas donné accès à son dossier." in page and "no-grant" not in page
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
    page = signed_in(client_factory(), dave.user).post(
        "/pro/", {"nir": "285037512345678", "birth_date": "1985-03-14"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "error-summary" in text or "field-error" in text


def test_a_blocked_professional_sees_no_access_button(client_factory, alice, charlie):
    from carnet.access.actions import block_professional
    from carnet.records.tests.helpers import me

    block_professional(me(alice), alice, charlie)
    pharmacist = signed_in(client_factory(), charlie.user)
    form = {"nir": alice.nir, "birth_date": alice.birth_date.isoformat()}
    page = pharmacist.post("/pro/", form).content.decode()
    assert "Aucun patient ne correspond à cette identité." in page, "a block answers as no match"
    for mode in ["declare", "request", "code", "glass"]:
        assert f"/acces/{mode}/" not in page
    assert pharmacist.get(f"/pro/patients/{alice.pk}/").status_code == 404


def test_a_refused_break_the_glass_keeps_the_explanation(client_factory, alice, dave):
    client = signed_in(client_factory(), dave.user)
    response = client.post(
        f"{found(client, alice)}acces/glass/", {"reason_code": "unconscious", "reason_text": "court"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "court</textarea>" in page and "<details open>" in page


def test_withdrawing_asks_for_confirmation_first(client_factory, alice, bob):
    gp_deposits(client_factory, bob, alice)
    gp = signed_in(client_factory(), bob.user)
    page = gp.get(found(gp, alice)).content.decode()
    assert '<details class="confirm"><summary>Retirer…</summary>' in page
    assert "Oui, retirer ce document" in page


@pytest.fixture
def wishes(alice):
    from carnet.records.actions import set_wish
    from carnet.records.tests.helpers import me

    set_wish(me(alice), alice, kind="trusted-person", name="Paul Martin", phone="0612345678")
    set_wish(me(alice), alice, kind="advance-directives", text="Pas d'acharnement thérapeutique.")


def test_wishes_reach_the_gp_and_the_read_is_journaled(client_factory, alice, bob, wishes):
    from carnet.access.permissions import Permission as P

    gp = signed_in(client_factory(), bob.user)
    page = gp.get(found(gp, alice)).content.decode()
    assert "Volontés du patient" in page and "Paul Martin" in page and "acharnement" in page
    assert Entry.objects.filter(patient_id=alice.pk, action=P.RECORD_WISHES_READ, allowed=True).exists()


def test_wishes_stay_hidden_without_access_then_come_first_after_breaking_the_glass(
    client_factory, alice, dave, wishes
):
    from carnet.access.actions import break_glass
    from carnet.records.tests.helpers import pro

    client = signed_in(client_factory(), dave.user)
    own_page = found(client, alice)
    assert "Paul Martin" not in client.get(own_page).content.decode()
    break_glass(pro(dave), alice, "unconscious", "Patiente inconsciente aux urgences")
    page = client.get(own_page).content.decode()
    assert "Paul Martin" in page and page.index("Volontés du patient") < page.index("<h2>Documents</h2>")
