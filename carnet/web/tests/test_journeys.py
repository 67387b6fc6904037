"""The main journeys through the real pages (Django test client): every page answers, and the rules show."""

import io

import pytest
from django.utils import timezone

from carnet.access.models import Grant
from carnet.journal.models import Entry
from carnet.notify.models import OutboxMessage
from carnet.records.models import Document
from carnet.records.samples import sample_pdf

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    """A fully signed-in session (password + second factor), as the sign-in pages leave it."""
    from django_otp.plugins.otp_static.models import StaticDevice

    client.force_login(user)
    device = StaticDevice.objects.create(user=user, name="test")
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["reauthenticated_at"] = timezone.now().timestamp()
    session.save()
    return client


def found(client, patient) -> str:
    """A signed-in professional's page for ``patient``, reached as the pages allow: by INS lookup (POST)."""
    response = client.post("/pro/", {"nir": patient.nir, "birth_date": patient.birth_date.isoformat()})
    assert response.status_code == 302, "the INS lookup found nobody"
    return response["Location"]


@pytest.fixture
def patient_client(client, alice):
    return signed_in(client, alice.user)


def gp_deposits(client_factory, bob, alice, type_code="57833-6", title="Ordonnance"):
    client = signed_in(client_factory(), bob.user)
    upload = io.BytesIO(sample_pdf(title, ["Amoxicilline 1 g"]))
    upload.name = "ordonnance.pdf"
    response = client.post(
        f"{found(client, alice)}deposer/",
        {
            "type_code": type_code,
            "title": title,
            "care_date": "2026-11-20",
            "sensitive_category": "",
            "file": upload,
        },
    )
    assert response.status_code == 302
    return Document.objects.get(title=title)


PATIENT_PAGES = [
    "/patient/",
    "/patient/guide/",
    "/patient/documents/",
    "/patient/documents/?vue=medical&q=x",
    "/patient/documents/ajouter/",
    "/patient/profil/",
    "/patient/journal/",
    "/patient/acces/",
    "/patient/export/",
    "/patient/cloture/",
]


@pytest.mark.parametrize("path", PATIENT_PAGES)
def test_every_patient_page_answers(patient_client, path):
    assert patient_client.get(path).status_code == 200


@pytest.mark.parametrize("path", PATIENT_PAGES + ["/pro/", "/operateurs/"])
def test_pages_need_a_signed_in_person(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_deposit_by_gp_then_read_by_pharmacist_then_masked(client_factory, alice, bob, charlie):
    from carnet.access.actions import declare_consent
    from carnet.records.tests.helpers import pro

    document = gp_deposits(client_factory, bob, alice)
    declare_consent(pro(charlie), alice)
    pharmacist = signed_in(client_factory(), charlie.user)
    alices_page = found(pharmacist, alice)
    page = pharmacist.get(alices_page).content.decode()
    assert "Ordonnance" in page
    assert pharmacist.get(f"/pro/documents/{document.pk}/").content.startswith(b"%PDF")
    patient = signed_in(client_factory(), alice.user)
    patient.post(f"/patient/documents/{document.pk}/visibilite/", {"visibility": "masked"})
    assert pharmacist.get(f"/pro/documents/{document.pk}/").status_code == 404
    assert "Ordonnance" not in pharmacist.get(alices_page).content.decode()


def test_break_the_glass_then_the_patient_sees_it(client_factory, alice, bob, dave):
    gp_deposits(client_factory, bob, alice, "11488-4", "Consultation")
    doctor = signed_in(client_factory(), dave.user)
    alices_page = found(doctor, alice)
    assert "Consultation" not in doctor.get(alices_page).content.decode()
    doctor.post(
        f"{alices_page}acces/glass/",
        {"reason_code": "unconscious", "reason_text": "Patiente inconsciente aux urgences"},
    )
    assert "Consultation" in doctor.get(alices_page).content.decode()
    assert OutboxMessage.objects.filter(subject="Accès en urgence à votre dossier").exists()
    journal = signed_in(client_factory(), alice.user).get("/patient/journal/?urgence=1").content.decode()
    assert "Dave Leroy" in journal and "en urgence" in journal


def test_declared_consent_from_the_pro_page(client_factory, alice, dave):
    doctor = signed_in(client_factory(), dave.user)
    doctor.post(f"{found(doctor, alice)}acces/declare/")
    assert Grant.objects.filter(patient=alice, professional=dave).exists()


def test_find_a_patient_by_ins(client_factory, alice, dave):
    doctor = signed_in(client_factory(), dave.user)
    response = doctor.post("/pro/", {"nir": alice.nir, "birth_date": alice.birth_date.isoformat()})
    assert response.status_code == 302 and response["Location"].startswith("/pro/patients/")
    assert str(alice.pk) not in response["Location"].removeprefix("/pro/patients/").split("/")
    assert "Martin" in doctor.get(response["Location"]).content.decode()
    wrong = doctor.post("/pro/", {"nir": alice.nir, "birth_date": "2000-01-01"})
    assert "Aucun patient" in wrong.content.decode()


def test_exports(patient_client, alice, client_factory, bob):
    gp_deposits(client_factory, bob, alice)
    fhir = patient_client.get("/patient/export/fhir/")
    assert fhir["Content-Type"] == "application/fhir+json" and b'"Bundle"' in fhir.content
    assert fhir["Content-Disposition"].startswith('attachment; filename="dossier-carnet-fhir-')
    summary = patient_client.get("/patient/export/pdf/")
    assert summary.content.startswith(b"%PDF")
    assert summary["Content-Disposition"].startswith('inline; filename="dossier-carnet-resume-')
    assert patient_client.get("/patient/export/carte/")["Location"] == "/patient/carte/"
    assert patient_client.get("/patient/export/autre/").status_code == 404


def test_patient_adds_and_deletes_own_document(patient_client, alice):
    upload = io.BytesIO(b"Mes notes de tension : 12/8")
    upload.name = "notes.txt"
    patient_client.post(
        "/patient/documents/ajouter/", {"title": "Notes", "care_date": "2026-11-01", "file": upload}
    )
    own = Document.objects.get(title="Notes")
    patient_client.post(f"/patient/documents/{own.pk}/supprimer/")
    own.refresh_from_db()
    assert own.status == "entered-in-error"


def test_a_refused_upload_shows_a_clear_error(patient_client):
    upload = io.BytesIO(b"MZ\x90\x00 not a document")
    upload.name = "virus.exe"
    page = patient_client.post(
        "/patient/documents/ajouter/", {"title": "x", "care_date": "2026-11-01", "file": upload}
    ).content.decode()
    assert "Type de fichier non accepté" in page
    assert not Document.objects.exists()


def test_patient_contests_an_access(patient_client, alice):
    from carnet.access.models import AccessContest

    patient_client.get("/patient/documents/")  # a line in her journal
    seq = Entry.objects.filter(patient_id=alice.pk).last().seq
    patient_client.post(f"/patient/journal/{seq}/contester/", {"text": "Je ne connais pas ce médecin"})
    assert AccessContest.objects.filter(patient=alice, entry_seq=seq).exists()


def test_closure_needs_reauthentication(client, alice):
    signed_in(client, alice.user)
    session = client.session
    session["reauthenticated_at"] = 0
    session.save()
    assert client.get("/patient/cloture/")["Location"].startswith("/connexion/confirmer/")


def test_operator_pages(client, erin, alice, dave):
    from carnet.access.actions import break_glass
    from carnet.records.tests.helpers import pro

    emergency = break_glass(pro(dave), alice, "vital-risk", "Arrêt cardiaque en salle d'attente")
    operator = signed_in(client, erin)
    home = operator.get("/operateurs/").content.decode()
    assert "Dave" in home and alice.nir not in home
    assert operator.get("/operateurs/courriers/").status_code == 200
    assert operator.get("/operateurs/matrice/").status_code == 200
    operator.post(f"/operateurs/urgences/{emergency.pk}/examen/", {"outcome": "justified", "note": "ok"})
    emergency.refresh_from_db()
    assert emergency.outcome == "justified"


def test_operators_cannot_open_patient_pages(client, erin):
    operator = signed_in(client, erin)
    assert operator.get("/patient/documents/").status_code == 302


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
