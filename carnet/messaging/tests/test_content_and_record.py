"""Confidentiality (sealed content, crypto-shredding, no content in notices), attachments into the record,
and paper: the print queue with a reply slip, and the operator who records the paper reply."""

import datetime
import io

import pytest
from pypdf import PdfReader

from carnet.access.decision import AccessDenied
from carnet.errors import Refused
from carnet.messaging import actions, queries
from carnet.messaging.models import Attachment, Conversation, Message, OutgoingMail
from carnet.messaging.tests.conftest import as_caregiver, as_operator, as_patient, as_pro
from carnet.notify.actions import create_print_batch, set_preferences
from carnet.notify.letters import letter_document
from carnet.notify.models import OutboxMessage
from carnet.notify.queries import print_batch_pdf
from carnet.records.actions import DocumentMetadata
from carnet.records.content import ContentRefused
from carnet.records.models import Document
from carnet.records.samples import sample_pdf
from carnet.vault import actions as vault

pytestmark = pytest.mark.django_db
SECRET = "Votre test VIH est négatif"


def _write(bob, alice, box, body=SECRET, uploads=()):
    draft = actions.Draft(body=body, uploads=list(uploads))
    return actions.start_conversation(as_pro(bob), alice, box, "Résultat confidentiel", draft)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_subjects_bodies_and_file_names_are_sealed_in_the_database(alice, bob, bob_box):
    upload = actions.Upload("serologie-vih.pdf", sample_pdf("Sérologie"), "application/pdf")
    conversation = _write(bob, alice, bob_box, uploads=[upload])
    message = conversation.messages.get(side=Message.Side.PROFESSIONAL)
    stored = bytes(conversation.sealed_subject) + bytes(message.sealed_body)
    stored += bytes(Attachment.objects.get(message=message).sealed_meta)
    assert b"confidentiel" not in stored and b"VIH" not in stored and b"serologie" not in stored
    assert queries.thread(conversation)[0].body == SECRET


def test_crypto_shredding_erases_messages(alice, bob, bob_box):
    conversation = _write(bob, alice, bob_box)
    vault.shred(alice)
    conversation = Conversation.objects.get(pk=conversation.pk)
    assert queries.subject_of(conversation) == ""
    assert all(view.body == "" for view in queries.thread(conversation))


def test_crypto_shredding_erases_a_printed_message_waiting_in_the_print_queue(alice, bob, bob_box):
    alice.address = "3 rue des Lilas 69003 Lyon"
    alice.save(update_fields=["address"])
    set_preferences(as_patient(alice), alice, channel="letter")
    _write(bob, alice, bob_box)
    vault.shred(alice)
    letter = OutboxMessage.objects.get(channel="letter", patient_id=alice.pk)
    assert "VIH" not in _pdf_text(letter_document(letter))


def test_the_notice_names_the_sender_and_links_but_never_says_the_content(alice, bob, bob_box):
    conversation = _write(bob, alice, bob_box)
    notice = OutboxMessage.objects.get(channel="email", recipient=alice.email)
    assert "Bob Durand" in notice.subject
    assert f"/patient/messages/{conversation.pk}/" in notice.body
    assert "VIH" not in notice.subject + notice.body and "confidentiel" not in notice.body


def test_a_professional_sends_a_document_and_deposits_it_in_the_same_step(alice, bob, bob_box):
    meta = DocumentMetadata("urn:oid:1.2.3.4", "11502-2", "Biologie", datetime.date(2026, 11, 30))
    upload = actions.Upload("bio.pdf", sample_pdf("Biologie"), "application/pdf", deposit=meta)
    conversation = _write(bob, alice, bob_box, uploads=[upload])
    attachment = Attachment.objects.get(message__conversation=conversation)
    assert attachment.document.type_code == "11502-2" and attachment.document.author == bob
    assert attachment.document.depositor == Document.Depositor.PROFESSIONAL


def test_attachments_get_the_content_checks_of_deposits(alice, bob, bob_box):
    for content, name in [(b"MZ\x90\x00\x03binary", "virus.exe"), (b"PK\x03\x04zip", "archive.zip")]:
        with pytest.raises(ContentRefused):
            _write(bob, alice, bob_box, uploads=[actions.Upload(name, content, "application/pdf")])
    assert not Conversation.objects.filter(patient=alice).exists()


def test_the_patient_files_a_received_attachment_in_one_action(alice, bob, bob_box):
    upload = actions.Upload("ordonnance.pdf", sample_pdf("Ordonnance"), "application/pdf")
    conversation = _write(bob, alice, bob_box, uploads=[upload])
    attachment = Attachment.objects.get(message__conversation=conversation)
    document = actions.file_attachment(as_patient(alice), attachment)
    assert document.type_code == "DOCPAT01" and document.patient == alice
    assert "Bob Durand" in document.title
    assert actions.file_attachment(as_patient(alice), attachment) == document  # once only


def test_filing_is_refused_to_a_messaging_only_caregiver_and_to_professionals(alice, bob, bob_box, dave):
    upload = actions.Upload("ordonnance.pdf", sample_pdf("Ordonnance"), "application/pdf")
    attachment = Attachment.objects.get(message__conversation=_write(bob, alice, bob_box, uploads=[upload]))
    for actor in [as_caregiver(alice, ["messaging"]), as_pro(bob), as_pro(dave)]:
        with pytest.raises(AccessDenied):
            actions.file_attachment(actor, attachment)
    assert not Document.objects.filter(patient=alice, type_code="DOCPAT01").exists()


def test_a_patient_who_chose_post_gets_the_message_printed_with_a_reply_slip(alice, bob, bob_box, erin):
    alice.address = "3 rue des Lilas 69003 Lyon"  # a letter needs an address
    alice.save(update_fields=["address"])
    set_preferences(as_patient(alice), alice, channel="letter")
    conversation = _write(bob, alice, bob_box)
    letter = OutboxMessage.objects.get(channel="letter", patient_id=alice.pk)
    slip = conversation.slips.get()
    assert slip.code in letter.subject and "VIH" not in letter.subject + letter.body
    # nothing of the message lies in clear in the print queue: sealed, laid out at print time
    assert letter.attachment is None and b"VIH" not in bytes(letter.sealed_body)
    printed = _pdf_text(letter_document(letter))
    assert "VIH" in printed and slip.code in printed and "COUPON" in printed
    batch = create_print_batch(as_operator(erin))
    assert "VIH" in _pdf_text(
        print_batch_pdf(as_operator(erin), batch)
    )  # the batch for the printer carries it too
    # 12 characters of 31 (59 bits, unique across every record), typed as the operator reads them
    assert len(slip.code) == 14 and slip.code.count("-") == 2
    typed = slip.code.replace("-", " ").lower()
    reply = actions.record_paper_reply(as_operator(erin), typed, sample_pdf("Réponse"), "application/pdf")
    assert reply.side == Message.Side.PATIENT and reply.channel == Message.Channel.PAPER
    assert OutgoingMail.objects.filter(message=reply, recipient=bob_box.address).exists()
    with pytest.raises(Refused):
        actions.record_paper_reply(as_operator(erin), slip.code, sample_pdf("Encore"), "application/pdf")


def test_only_an_operator_records_a_paper_reply_and_never_on_a_closed_conversation(alice, bob, bob_box, erin):
    alice.address = "3 rue des Lilas 69003 Lyon"  # a letter needs an address
    alice.save(update_fields=["address"])
    set_preferences(as_patient(alice), alice, channel="letter")
    conversation = _write(bob, alice, bob_box)
    code = conversation.slips.get().code
    with pytest.raises(AccessDenied):
        actions.record_paper_reply(as_pro(bob), code, sample_pdf("R"), "application/pdf")
    actions.close_conversation(as_pro(bob), conversation)
    with pytest.raises(AccessDenied):
        actions.record_paper_reply(as_operator(erin), code, sample_pdf("R"), "application/pdf")
