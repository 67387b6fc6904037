"""Issue 16, items 5-7 through the pages: downloads with meaningful names (shown in the browser for PDFs and
images, saved otherwise); the author releases a held-back document early (nobody else can); the patient
blocks a professional found in the directory before any access; the language of letters and PDFs is the
patient's choice; a person on a paper list asks for a new one by post."""

import html
import io

import pytest
from django.test import Client

from carnet.access.models import Block
from carnet.journal.models import Entry
from carnet.notify.models import OutboxMessage
from carnet.records.actions import deposit_document
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import me, meta, pro
from carnet.web.tests.test_journeys import found, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_factory():
    return Client


def _text(answer) -> str:
    return html.unescape(answer.content.decode())


@pytest.mark.parametrize(
    ("mime", "content", "disposition", "name"),
    [
        ("application/pdf", None, "inline", "compte-rendu-de-consultation-2026-11-02.pdf"),
        ("text/plain", b"Tension 12/8", "attachment", "compte-rendu-de-consultation-2026-11-02.txt"),
    ],
)
def test_a_document_downloads_under_its_title_and_date(alice, mime, content, disposition, name, client):
    document = deposit_document(
        me(alice), alice, content or sample_pdf("CR"), meta("DOCPAT01", "Compte rendu de consultation")
    )
    answer = signed_in(client, alice.user).get(f"/patient/documents/{document.pk}/telecharger/")
    assert answer["Content-Disposition"] == f'{disposition}; filename="{name}"'
    assert answer["Cache-Control"] == "no-store" and answer["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_can_also_be_saved_and_a_name_outside_ascii_is_kept(alice, client):
    document = deposit_document(me(alice), alice, sample_pdf("CR"), meta("DOCPAT01", "Œstrogel — ordonnance"))
    patient = signed_in(client, alice.user)
    saved = patient.get(f"/patient/documents/{document.pk}/telecharger/?enregistrer=1")
    assert (
        saved["Content-Disposition"] == "attachment; filename*=utf-8''%C5%93strogel-ordonnance-2026-11-02.pdf"
    )


def test_the_author_releases_a_held_back_document_from_the_patients_page(client_factory, alice, bob):
    document = deposit_document(
        pro(bob), alice, sample_pdf("Résultat"), meta("11526-1", "Anapath", hide_days=30)
    )
    gp = signed_in(client_factory(), bob.user)
    page = gp.get(found(gp, alice))
    assert "caché au patient jusqu'au" in _text(page)
    patient = signed_in(client_factory(), alice.user)
    assert "Anapath" not in _text(patient.get("/patient/documents/"))
    told_before = OutboxMessage.objects.filter(recipient=alice.email).count()
    assert gp.post(f"/pro/documents/{document.pk}/liberer/").status_code == 302
    assert "Anapath" in _text(patient.get("/patient/documents/"))
    assert OutboxMessage.objects.filter(recipient=alice.email).count() == told_before + 1  # told of it
    assert "caché au patient" not in _text(gp.get(found(gp, alice)))


def test_another_professional_cannot_release_it(client_factory, alice, bob, dave):
    from carnet.access.actions import declare_consent

    document = deposit_document(
        pro(bob), alice, sample_pdf("Résultat"), meta("11526-1", "Anapath", hide_days=30)
    )
    declare_consent(pro(dave), alice)
    doctor = signed_in(client_factory(), dave.user)
    page = _text(doctor.get(found(doctor, alice)))
    assert "Anapath" in page and "montrer au patient maintenant" not in page
    doctor.post(f"/pro/documents/{document.pk}/liberer/")
    document.refresh_from_db()
    assert document.hidden_from_patient_until is not None and document.hidden_released_at is None
    assert Entry.objects.filter(patient_id=alice.pk, action="record:document:hide", allowed=False).exists()


def test_the_patient_blocks_a_professional_found_in_the_directory(client, alice, charlie):
    patient = signed_in(client, alice.user)
    page = _text(patient.get("/patient/acces/", {"annuaire": charlie.family_name}))
    assert charlie.display_name in page and f"Bloquer {charlie.display_name}" in page
    patient.post(f"/patient/acces/{charlie.pk}/bloquer/")
    assert Block.objects.filter(patient=alice, professional=charlie).exists()
    pharmacist = signed_in(client.__class__(), charlie.user)
    assert (
        pharmacist.post("/pro/", {"nir": alice.nir, "birth_date": alice.birth_date.isoformat()}).status_code
        == 200
    )
    empty = _text(patient.get("/patient/acces/", {"annuaire": "zzzz"}))
    assert "Aucun professionnel ne correspond" in empty


def test_a_professional_cannot_block_for_a_patient(client_factory, alice, dave, charlie):
    doctor = signed_in(client_factory(), dave.user)
    assert doctor.post(f"/patient/acces/{charlie.pk}/bloquer/")["Location"].startswith("/connexion/")
    assert not Block.objects.exists()


def test_the_patient_chooses_the_language_of_letters_and_pdfs(client, alice):
    patient = signed_in(client, alice.user)
    assert patient.post("/patient/notifications/langue/", {"language": "en"}).status_code == 302
    alice.refresh_from_db()
    assert alice.language == "en"
    summary = patient.get("/patient/export/pdf/").content
    from pypdf import PdfReader

    assert "Health record of" in PdfReader(io.BytesIO(summary)).pages[0].extract_text()
    patient.post("/patient/notifications/langue/", {"language": "xx"})
    alice.refresh_from_db()
    assert alice.language == "en"
    assert "a choisi la langue de ses courriers" in _text(patient.get("/patient/journal/?qui=mine"))


def test_a_professional_does_not_change_the_holders_language(alice, bob):
    from carnet.access.actor import Actor, Role
    from carnet.access.decision import AccessDenied
    from carnet.identity.actions import set_language

    with pytest.raises(AccessDenied):
        set_language(Actor(role=Role.PROFESSIONAL, user=bob.user, professional=bob), alice.user, "en")


def test_a_new_paper_list_by_post_replaces_the_old_one(client, alice):
    from django_otp.plugins.otp_static.models import StaticDevice

    alice.user.otp_channel = "paper"
    alice.user.save()
    alice.address = "3 rue Kéréon 29000 Quimper"
    alice.save()
    patient = signed_in(client, alice.user)
    assert "Recevoir une nouvelle liste par la poste" in _text(patient.get("/patient/notifications/"))
    patient.post("/patient/notifications/codes-papier/")
    letter = OutboxMessage.objects.get(channel="letter", subject="Vos codes de connexion carnet")
    assert letter.body.count("\n") >= 10
    assert StaticDevice.objects.get(user=alice.user, name="paper").token_set.count() == 10
    assert "Il vous reste 10 codes" in _text(patient.get("/patient/notifications/"))


def test_no_paper_list_for_someone_who_signs_in_otherwise(client, alice):
    patient = signed_in(client, alice.user)
    assert "Recevoir une nouvelle liste" not in _text(patient.get("/patient/notifications/"))
    answer = patient.post("/patient/notifications/codes-papier/", follow=True)
    assert "Vous ne vous connectez pas avec une liste de codes" in _text(answer)
    assert not OutboxMessage.objects.filter(subject="Vos codes de connexion carnet").exists()


def test_the_neutral_theme_adds_its_stylesheet_and_the_default_does_not(client, settings):
    assert "neutre.css" not in client.get("/").content.decode()
    settings.CARNET_THEME = "neutre"
    page = client.get("/").content.decode()
    assert "web/neutre.css" in page and 'class="theme-neutre"' in page


@pytest.mark.parametrize(("theme", "refused"), [("dsfr", "reserved to State sites"), ("bleu", "must be")])
def test_the_settings_refuse_the_official_dsfr_and_unknown_themes(theme, refused):
    import os
    import subprocess
    import sys

    env = {**os.environ, "CARNET_THEME": theme, "DJANGO_SETTINGS_MODULE": "carnet.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and refused in done.stderr
