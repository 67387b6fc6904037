"""What leaves carnet for a message, composed from its sealed content (the actions decide and write): the
letter's text for a patient who chose post, and the mail that carries a patient's reply out by SMTP."""

from email.message import EmailMessage

from django.utils.translation import gettext as _

from carnet.messaging.mail import patient_address, reply_mime
from carnet.messaging.models import Conversation, Message, OutgoingMail
from carnet.messaging.sealing import open_json, open_text
from carnet.vault import queries as vault_queries


def letter_text(conversation: Conversation, message: Message, subject: str, slip_code: str) -> str:
    """The printed message: subject, who wrote, the text, the attachments' names, and the reply slip."""
    patient = conversation.patient
    names = [open_json(patient, a.sealed_meta).get("filename", "") for a in message.attachments.all()]
    parts = [
        _("Objet : %(subject)s") % {"subject": subject},
        _("Message de %(who)s :") % {"who": message.author_label},
        open_text(patient, message.sealed_body),
        _("Pièces jointes : %(names)s") % {"names": ", ".join(names)} if names else "",
        "-" * 60,
        _(
            "COUPON-RÉPONSE (code %(code)s). Écrivez votre réponse ci-dessous et renvoyez ce coupon à "
            "carnet, service courrier. Votre réponse sera transmise à %(name)s."
        )
        % {"code": slip_code, "name": conversation.mailbox.name},
    ]
    return "\n\n".join(part for part in parts if part)


def reply_of(outgoing: OutgoingMail) -> EmailMessage:
    """A patient's reply as MIME, threaded on the conversation, its attachments decrypted."""
    message = outgoing.message
    conversation, patient = message.conversation, message.patient
    thread = list(
        conversation.messages.exclude(pk=message.pk)
        .exclude(side=Message.Side.SERVICE)
        .values_list("message_id", flat=True)
    )
    files = [
        (
            open_json(patient, a.sealed_meta).get("filename", "piece-jointe"),
            vault_queries.get(patient, a.blob_ref, expected_sha256=a.sha256),
            a.mime_type,
        )
        for a in message.attachments.all()
    ]
    return reply_mime(
        patient_address(patient),
        outgoing.recipient,
        open_text(patient, conversation.sealed_subject),
        open_text(patient, message.sealed_body),
        message.message_id,
        thread,
        files,
    )
