"""The messaging pages through the Django test client: each allowed path beside its refusal."""

import io
import re

import pytest
from django.test import Client
from django.utils import translation

from carnet.messaging import actions
from carnet.messaging.models import Attachment, Conversation, Message
from carnet.messaging.tests.conftest import as_caregiver, as_patient, as_pro
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.web.actor import ACTING_FOR
from carnet.web.tests.test_journeys import found, signed_in

pytestmark = pytest.mark.django_db


def _pdf(name="resultats.pdf"):
    upload = io.BytesIO(sample_pdf("Résultats"))
    upload.name = name
    return upload


def test_the_patient_reads_her_inbox_and_the_conversation(alice, conversation):
    client = signed_in(Client(), alice.user)
    inbox = client.get("/patient/messages/").content.decode()
    assert "Résultats de prise de sang" in inbox and "Non lu" in inbox
    page = client.get(f"/patient/messages/{conversation.pk}/").content.decode()
    assert "vos résultats sont normaux" in page and "Répondre" in page
    assert "Non lu" not in client.get("/patient/messages/").content.decode()


def test_the_patient_replies_and_bob_sees_it(alice, bob, conversation):
    client = signed_in(Client(), alice.user)
    response = client.post(f"/patient/messages/{conversation.pk}/repondre/", {"body": "Merci !"})
    assert response.status_code == 302
    page = signed_in(Client(), bob.user).get(f"/pro/messages/{conversation.pk}/").content.decode()
    assert "Merci !" in page and "Clore la conversation" in page


def test_a_stranger_gets_404_on_the_conversation(dave, conversation):
    assert signed_in(Client(), dave.user).get(f"/pro/messages/{conversation.pk}/").status_code == 404


def test_bob_writes_from_the_patient_page_with_a_deposit_in_the_same_step(alice, bob):
    client = signed_in(Client(), bob.user)
    patient_page = client.get(found(client, alice)).content.decode()
    compose = _compose_link(patient_page)
    assert compose.startswith("/pro/messages/nouveau/") and str(alice.pk) not in compose.split("/")
    form = client.get(compose).content.decode()
    box = Conversation._meta.get_field("mailbox").related_model.objects.get(owner=bob)
    assert f'value="{box.pk}"' in form
    data = {
        "mailbox": box.pk,
        "subject": "Biologie",
        "body": "Ci-joint.",
        "file": _pdf(),
        "deposit_type": "11502-2",
    }
    response = client.post(compose, data)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.document is not None and attachment.document.type_code == "11502-2"


def test_a_stranger_cannot_write_first_and_is_told_why(alice, dave):
    client = signed_in(Client(), dave.user)
    box = actions.personal_mailbox(as_pro(dave))
    data = {"mailbox": box.pk, "subject": "Bonjour", "body": "Bonjour"}
    compose = _compose_link(client.get(found(client, alice)).content.decode())
    page = client.post(compose, data).content.decode()
    assert "error-summary" in page and not Conversation.objects.exists()


def _compose_link(page: str) -> str:
    return re.search(r'href="(/pro/messages/nouveau/[^"]+)"', page).group(1)


def test_compose_by_patient_number_or_by_another_sessions_reference_is_refused(alice, bob, bob_box):
    other_session = signed_in(Client(), bob.user)
    reference = _compose_link(other_session.get(found(other_session, alice)).content.decode())
    client = signed_in(Client(), bob.user)
    data = {"mailbox": bob_box.pk, "subject": "Bonjour", "body": "Bonjour"}
    for url in (f"/pro/messages/nouveau/{alice.pk}/", reference):
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert not Conversation.objects.exists()


def test_the_patient_files_an_attachment_into_her_record(alice, bob, bob_box):
    upload = actions.Upload("ordonnance.pdf", sample_pdf("Ordonnance"), "application/pdf")
    draft = actions.Draft(body="Votre ordonnance", uploads=[upload])
    conversation = actions.start_conversation(as_pro(bob), alice, bob_box, "Ordonnance", draft)
    attachment = Attachment.objects.get(message__conversation=conversation)
    client = signed_in(Client(), alice.user)
    assert client.get(f"/patient/messages/pieces/{attachment.pk}/").content.startswith(b"%PDF")
    response = client.post(
        f"/patient/messages/pieces/{attachment.pk}/classer/", {"title": "Ordonnance Dr Durand"}
    )
    document = Document.objects.get(patient=alice, type_code="DOCPAT01")
    assert (
        response["Location"] == f"/patient/documents/{document.pk}/"
        and document.title == "Ordonnance Dr Durand"
    )


def test_the_patient_writes_first_to_her_gp_and_gets_the_automatic_notice(alice, bob, bob_box):
    client = signed_in(Client(), alice.user)
    assert "Dr Bob Durand" in client.get("/patient/messages/nouveau/").content.decode()
    data = {"mailbox": bob_box.pk, "subject": "Question", "body": "Puis-je arrêter le traitement ?"}
    response = client.post("/patient/messages/nouveau/", data)
    page = client.get(response["Location"]).content.decode()
    assert "appelez le 15" in page


def test_the_patient_cannot_choose_a_mailbox_closed_to_patients(alice, dave):
    box = actions.personal_mailbox(as_pro(dave))
    client = signed_in(Client(), alice.user)
    page = client.post("/patient/messages/nouveau/", {"mailbox": box.pk, "subject": "x", "body": "x"}).content
    assert b"field-error" in page and not Conversation.objects.exists()


def test_closing_from_the_pro_page_then_no_reply_form_for_the_patient(alice, bob, conversation):
    signed_in(Client(), bob.user).post(f"/pro/messages/{conversation.pk}/clore/")
    page = signed_in(Client(), alice.user).get(f"/patient/messages/{conversation.pk}/").content.decode()
    assert "Cette conversation est close" in page and "Votre réponse" not in page
    response = signed_in(Client(), alice.user).post(
        f"/patient/messages/{conversation.pk}/repondre/", {"body": "x"}
    )
    assert "conversation-closed" in response.content.decode() or response.status_code == 200
    assert not conversation.messages.filter(side=Message.Side.PATIENT).exists()


def test_the_patient_archives_and_searches(alice, conversation):
    client = signed_in(Client(), alice.user)
    client.post(f"/patient/messages/{conversation.pk}/ranger/", {"archive": "1"})
    assert "Résultats de prise" not in client.get("/patient/messages/").content.decode()
    assert "Résultats de prise" in client.get("/patient/messages/?archive=1&q=normaux").content.decode()


def test_a_caregiver_with_the_messaging_scope_uses_the_patient_pages(alice, conversation):
    caregiver = as_caregiver(alice, ["messaging"])
    client = signed_in(Client(), caregiver.user)
    session = client.session
    session[ACTING_FOR] = alice.pk
    session.save()
    assert "Résultats de prise de sang" in client.get("/patient/messages/").content.decode()
    reader = as_caregiver(alice, ["read"])
    other = signed_in(Client(), reader.user)
    assert "Résultats de prise de sang" not in other.get("/patient/messages/").content.decode()
    assert other.get(f"/patient/messages/{conversation.pk}/").status_code == 404


def test_the_operator_records_a_paper_reply_and_a_patient_cannot(alice, bob, bob_box, erin):
    from carnet.notify.actions import set_preferences

    alice.address = "3 rue des Lilas 69003 Lyon"  # a letter needs an address

    alice.save(update_fields=["address"])

    set_preferences(as_patient(alice), alice, channel="letter")
    conversation = actions.start_conversation(
        as_pro(bob), alice, bob_box, "Par courrier", actions.Draft(body="x")
    )
    code = conversation.slips.get().code
    assert signed_in(Client(), alice.user).get("/operateurs/messagerie/reponse-papier/").status_code == 302
    client = signed_in(Client(), erin)
    response = client.post("/operateurs/messagerie/reponse-papier/", {"code": code, "scan": _pdf("scan.pdf")})
    assert response.status_code == 302
    assert conversation.messages.filter(channel=Message.Channel.PAPER).exists()
    assert client.get(f"/patient/messages/{conversation.pk}/").status_code == 302  # operators: no reading


def test_pages_in_english(alice, conversation):
    client = signed_in(Client(), alice.user)
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get("/patient/messages/").content.decode()
    translation.activate("fr")  # the request left English active in this thread
    assert "Secure messaging" in page and "Write to a professional" in page
