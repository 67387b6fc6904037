"""The pages of issue 14 (§3-§4): médecin traitant, contact details, new code, password reset, and the
operators' paper requests, representatives and print batches; each allowed path beside its refusal."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from carnet import factories
from carnet.identity import actions
from carnet.identity.models import ActivationCode, Opposition, Patient, Representative
from carnet.journal.models import Entry
from carnet.notify.models import OutboxMessage, PrintBatch
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def last_to(recipient):
    return OutboxMessage.objects.filter(recipient=recipient).order_by("created_at").last()


def test_the_patient_finds_a_doctor_in_the_directory_and_declares_them(client, alice, bob, dave):
    signed_in(client, alice.user)
    page = client.get("/patient/medecin-traitant/", {"q": "Leroy"}).content.decode()
    assert "Dave Leroy" in page and "Bob Durand" in page  # bob is the current GP, shown at the top
    client.post("/patient/medecin-traitant/choisir/", {"professional": dave.pk})
    assert Patient.objects.get(pk=alice.pk).gp == dave
    client.post("/patient/medecin-traitant/choisir/", {"professional": ""})
    assert Patient.objects.get(pk=alice.pk).gp is None


def test_a_pharmacist_is_not_offered_nor_accepted_as_gp(client, alice, bob, charlie):
    signed_in(client, alice.user)
    assert "Charlie" not in client.get("/patient/medecin-traitant/", {"q": "Petit"}).content.decode()
    page = client.post("/patient/medecin-traitant/choisir/", {"professional": charlie.pk}, follow=True)
    assert "pas dans l&#x27;annuaire" in page.content.decode() and Patient.objects.get(pk=alice.pk).gp == bob


def test_a_caregiver_cannot_change_the_gp(client_factory, alice, bob, dave):
    from carnet.identity.models import Mandate

    helper = factories.make_user("helene")
    Mandate.objects.create(
        patient=alice,
        caregiver=helper,
        scopes=["documents"],
        ends_at=timezone.now() + datetime.timedelta(days=9),
    )
    caregiver = signed_in(client_factory(), helper)
    page = caregiver.post(
        "/patient/medecin-traitant/choisir/", {"professional": dave.pk}, follow=True
    ).content.decode()
    assert "représentant légal, peut le faire" in page and Patient.objects.get(pk=alice.pk).gp == bob


def test_a_professional_has_no_gp_page(client, bob):
    signed_in(client, bob.user)
    assert client.get("/patient/medecin-traitant/").status_code == 302


def test_contact_change_through_the_page(client, alice):
    signed_in(client, alice.user)
    sent = client.post("/patient/coordonnees/", {"kind": "phone", "value": "06 11 22 33 44"})
    assert sent.status_code == 302, sent.content.decode()
    page = client.get("/patient/coordonnees/").content.decode()
    assert "Changement en attente" in page
    wrong = client.post("/patient/coordonnees/", {"code": "000000"}).content.decode()
    assert "pas le bon" in wrong
    code = re.search(r"\b(\d{6})\b", last_to("0611223344").body).group(1)
    client.post("/patient/coordonnees/", {"code": code})
    assert Patient.objects.get(pk=alice.pk).phone == "0611223344"


def test_the_contact_page_asks_for_the_password_again_after_a_while(client, alice):
    signed_in(client, alice.user)
    session = client.session
    session["reauthenticated_at"] = 0
    session.save()
    assert client.get("/patient/coordonnees/")["Location"].startswith("/connexion/confirmer/")


def test_the_new_code_page_never_shows_the_code_and_answers_the_same_for_strangers(client):
    paul = factories.make_patient(
        "Paul", "Santoni", user=None, email="", address="3 rue du Port 20000 Ajaccio"
    )
    form = {"nir": paul.nir, "birth_date": paul.birth_date.isoformat(), "postal_code": "20000"}
    found = client.post("/connexion/nouveau-code-provisoire/", form).content.decode()
    stranger = client.post(
        "/connexion/nouveau-code-provisoire/", form | {"postal_code": "75001"}
    ).content.decode()
    assert "Demande enregistrée" in found and "Demande enregistrée" in stranger
    letter = OutboxMessage.objects.get(channel="letter", patient_id=paul.pk)
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", letter.body).group(0)
    assert code not in found
    assert ActivationCode.objects.filter(patient=paul).count() == 1


def test_the_new_code_page_refuses_past_the_rate_limit(client):
    form = {"nir": "2" * 15, "birth_date": "1985-01-01", "postal_code": "20000"}
    for _ in range(actions.CODE_REQUESTS_PER_IP):
        client.post("/connexion/nouveau-code-provisoire/", form)
    assert "Trop de demandes" in client.post("/connexion/nouveau-code-provisoire/", form).content.decode()


def test_forgotten_password_through_the_pages(client, alice):
    assert (
        "Lien envoyé"
        in client.post("/connexion/mot-de-passe-oublie/", {"login": alice.user.username}).content.decode()
    )
    link = re.search(r"(/connexion/nouveau-mot-de-passe/[^/]+/[^/]+/)", last_to(alice.user.email).body).group(
        1
    )
    assert "code à 6 chiffres vient" in client.get(link).content.decode()
    code = re.search(r"\b(\d{6})\b", last_to(alice.user.email).body).group(1)
    wrong = client.post(link, {"code": "000000", "password": "une phrase de passe solide"}).content.decode()
    assert "pas le bon" in wrong
    done = client.post(link, {"code": code, "password": "une phrase de passe solide"})
    assert done["Location"] == "/connexion/"
    assert client.get(link).status_code == 400  # used once


def operator(client, erin):
    return signed_in(client, erin)


def test_operators_find_a_space_by_nir_and_patients_cannot(client_factory, alice, erin):
    page = operator(client_factory(), erin).get("/operateurs/personnes/", {"nir": alice.nir})
    assert page["Location"] == f"/operateurs/personnes/{alice.pk}/"
    card = operator(client_factory(), erin).get(page["Location"]).content.decode()
    assert alice.masked_nir in card and alice.nir not in card
    assert (
        signed_in(client_factory(), alice.user).get(f"/operateurs/personnes/{alice.pk}/").status_code == 302
    )


def test_paper_requests_each_journaled_with_the_letters_reference(client, erin):
    operator(client, erin)
    patient = factories.make_patient("Rose", "Blanc")
    url = f"/operateurs/personnes/{patient.pk}/demande/"
    client.post(url + "suspend/", {"reference": "AR-1"})
    assert Patient.objects.get(pk=patient.pk).state == Patient.State.SUSPENDED
    client.post(url + "object/", {"reference": "AR-2"})
    assert Patient.objects.get(pk=patient.pk).state == Patient.State.OPEN
    actions.request_closure(actions.SYSTEM, Patient.objects.get(pk=patient.pk))
    client.post(url + "early-destruction/", {"reference": "AR-3"})
    soon = Patient.objects.get(pk=patient.pk).destroy_after
    assert soon < timezone.now() + datetime.timedelta(days=8)
    client.post(url + "reopen/", {"reference": "AR-4"})
    assert Patient.objects.get(pk=patient.pk).state == Patient.State.OPEN
    details = list(
        Entry.objects.filter(action="account:paper-request:record").values_list("detail", flat=True)
    )
    assert [f"AR-{n}" in d for n, d in enumerate(details, start=1)] == [True] * 4


def test_a_refused_paper_request_changes_nothing_and_says_why(client, erin, alice):
    operator(client, erin)
    page = client.post(
        f"/operateurs/personnes/{alice.pk}/demande/reopen/", {"reference": "AR-9"}, follow=True
    )
    assert "Impossible de passer" in page.content.decode()
    assert Patient.objects.get(pk=alice.pk).state == Patient.State.OPEN
    reinvite = client.post(
        f"/operateurs/personnes/{alice.pk}/demande/reinvite/", follow=True
    ).content.decode()
    assert "déjà activé" in reinvite


def test_paper_opposition_and_reinvitation(client, erin):
    operator(client, erin)
    pending = factories.make_patient(
        "Jean", "Gris", user=None, state=Patient.State.PENDING, email="", address="1 rue A 13001 Marseille"
    )
    actions.invite_patient(pending)
    client.post(f"/operateurs/personnes/{pending.pk}/demande/reinvite/", {"reference": "AR-5"})
    assert ActivationCode.objects.filter(patient=pending, expires_at__gt=timezone.now()).count() == 1
    assert OutboxMessage.objects.filter(channel="letter", patient_id=pending.pk).count() == 2
    nir = pending.nir
    client.post(f"/operateurs/personnes/{pending.pk}/demande/oppose/", {"reference": "AR-6"})
    assert (
        not Patient.objects.filter(nir=nir).exists() and Opposition.objects.filter(channel="paper").exists()
    )


def test_operators_register_and_end_a_representative(client, erin, alice):
    operator(client, erin)
    child = factories.make_patient(
        "Zoé", "Martin", user=None, birth_date=TODAY.replace(year=TODAY.year - 6, day=1)
    )
    client.post(f"/operateurs/personnes/{child.pk}/representants/", {"nir": alice.nir})
    rep = Representative.objects.get(patient=child)
    assert rep.user == alice.user
    unknown = client.post(f"/operateurs/personnes/{child.pk}/representants/", {"nir": "1" * 15}, follow=True)
    assert "assuré connu" in unknown.content.decode()
    ward = factories.make_patient("Henri", "Roux", user=None)
    refused = client.post(f"/operateurs/personnes/{ward.pk}/representants/", {"nir": alice.nir}, follow=True)
    assert "décision de justice" in refused.content.decode() and not ward.representatives.exists()
    client.post(f"/operateurs/representants/{rep.pk}/fin/")
    assert Representative.objects.get(pk=rep.pk).ended_at is not None


def test_letters_are_printed_in_batches_of_one_pdf_then_leave_the_queue(client, erin):
    import io

    from pypdf import PdfReader

    operator(client, erin)
    for n in range(3):
        actions.invite_patient(
            factories.make_patient(f"P{n}", "Lettre", user=None, email="", address=f"{n} rue B 69001 Lyon")
        )
    client.post("/operateurs/courriers/lots/")
    batch = PrintBatch.objects.get()
    assert batch.count == 3
    pdf = client.get(f"/operateurs/courriers/lots/{batch.pk}/lot.pdf")
    assert pdf["Content-Type"] == "application/pdf" and len(PdfReader(io.BytesIO(pdf.content)).pages) == 3
    empty = client.post("/operateurs/courriers/lots/", follow=True).content.decode()
    assert "Aucun courrier en attente" in empty
    client.post(f"/operateurs/courriers/lots/{batch.pk}/imprime/")
    assert not OutboxMessage.objects.filter(channel="letter", sent_at__isnull=True).exists()
    again = client.post(f"/operateurs/courriers/lots/{batch.pk}/imprime/", follow=True).content.decode()
    assert "déjà marqué" in again


def test_patients_and_professionals_cannot_print_batches(client_factory, alice, bob):
    for user in (alice.user, bob.user):
        assert signed_in(client_factory(), user).post("/operateurs/courriers/lots/").status_code == 302
    assert not PrintBatch.objects.exists()


def test_a_representative_opens_the_childs_space_with_its_code_and_nobody_else_can(client_factory, alice):
    child = factories.make_patient(
        "Zoé",
        "Martin",
        user=None,
        state=Patient.State.PENDING,
        birth_date=TODAY.replace(year=TODAY.year - 6, day=1),
    )
    Representative.objects.create(patient=child, person=alice, user=alice.user)
    code = actions.invite_patient(child)
    stranger = factories.make_patient("Denis", "Autre")
    refused = signed_in(client_factory(), stranger.user).post("/patient/espaces/ouvrir/", {"code": code})
    assert "pas permise" in refused.content.decode()
    assert Patient.objects.get(pk=child.pk).state == Patient.State.PENDING
    parent = signed_in(client_factory(), alice.user)
    assert parent.post("/patient/espaces/ouvrir/", {"code": code})["Location"] == "/patient/"
    assert Patient.objects.get(pk=child.pk).state == Patient.State.OPEN
    assert "déjà été utilisé" in parent.post("/patient/espaces/ouvrir/", {"code": code}).content.decode()
