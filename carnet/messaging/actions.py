"""The only code that changes messaging: start, send, read, archive, close, file, paper replies.

Each action asks the policy first (``authorize``: decision + journal entry) and does the whole change in
one transaction, notifications included (queued as tasks). Content is sealed with the patient's key.
"""

import hashlib
from dataclasses import dataclass, field
from email.message import EmailMessage

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.access.actor import Actor, Role
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.errors import Conflict, NotFound, Refused
from carnet.identity import codes
from carnet.messaging import compose
from carnet.messaging.mail import ParsedMail, mail_actor, new_message_id
from carnet.messaging.models import (
    Attachment,
    Conversation,
    Mailbox,
    Message,
    OutgoingMail,
    PaperSlip,
    Participation,
)
from carnet.messaging.sealing import open_text, seal_json, seal_text
from carnet.notify.outbox import channel_for, notify_patient, queue_letter
from carnet.notify.queries import preference_of
from carnet.records import actions as records
from carnet.records.actions import DocumentMetadata
from carnet.records.content import check_content
from carnet.vault import actions as vault
from carnet.vault import queries as vault_queries


@dataclass
class Upload:
    """A file sent with a message. ``deposit``: a professional also deposits it in the record (typed);
    ``metadata``: what an IHE XDM package said about it (offered to the patient for filing)."""

    filename: str
    content: bytes
    mime_type: str = ""
    deposit: DocumentMetadata | None = None
    metadata: dict = field(default_factory=dict)


@dataclass
class Draft:
    """What a message says, and how it came (web page, secure mail, software, paper)."""

    body: str
    html: str = ""
    uploads: list[Upload] = field(default_factory=list)
    channel: str = Message.Channel.WEB
    message_id: str = ""
    in_reply_to: str = ""
    asks_reply: bool = False


@atomic_action
def personal_mailbox(actor: Actor) -> Mailbox:
    """The acting professional's own mailbox, made on first use (the secure-mail address can come later)."""
    professional = actor.professional
    found = Mailbox.objects.filter(owner=professional, kind=Mailbox.Kind.PERSONAL).first()
    mailbox = found or Mailbox(owner=professional, name=getattr(professional, "display_name", ""))
    authorize(actor, P.MESSAGING_MAILBOX_MANAGE, mailbox, detail={"step": "open" if found else "create"})
    if found is None:
        mailbox.save()
    return mailbox


@atomic_action
def set_mailbox_settings(actor: Actor, mailbox: Mailbox, *, accepts: bool, delay_days: int) -> Mailbox:
    """The owner opens (or not) their mailbox to patients' first messages, with the usual answer delay."""
    authorize(actor, P.MESSAGING_MAILBOX_MANAGE, mailbox, detail={"step": "settings"})
    if not 0 < delay_days <= 60:
        raise Refused("bad-delay", _("Le délai de réponse doit être compris entre 1 et 60 jours."))
    mailbox.accepts_patient_messages, mailbox.answer_delay_days = accepts, delay_days
    mailbox.save(update_fields=["accepts_patient_messages", "answer_delay_days"])
    return mailbox


@atomic_action
def start_conversation(actor: Actor, patient, mailbox: Mailbox, subject: str, draft: Draft) -> Conversation:
    """A new conversation between ``patient`` and ``mailbox``, with its first message."""
    subject = subject.strip()
    if not subject or not (draft.body.strip() or draft.uploads):
        raise Refused("empty", _("Un message a un objet et un texte (ou une pièce jointe)."))
    conversation = Conversation(patient=patient, mailbox=mailbox)
    authorize(actor, P.MESSAGING_CONVERSATION_START, conversation, detail={"mailbox": mailbox.pk})
    return _start(actor, conversation, subject, draft)


def _start(actor: Actor, conversation: Conversation, subject: str, draft: Draft) -> Conversation:
    conversation.sealed_subject = seal_text(conversation.patient, subject[:300])
    conversation.started_by_patient = actor.professional is None
    conversation.save()
    _add_message(actor, conversation, draft)
    if conversation.started_by_patient:
        _automatic_notice(conversation)
    return conversation


@atomic_action
def send_message(actor: Actor, conversation: Conversation, draft: Draft) -> Message:
    """A reply in an open conversation."""
    if not (draft.body.strip() or draft.uploads):
        raise Refused("empty", _("Le message est vide."))
    authorize(actor, P.MESSAGING_MESSAGE_SEND, conversation)
    return _add_message(actor, conversation, draft)


def _side(actor: Actor) -> str:
    if actor.professional is not None:
        return Message.Side.PROFESSIONAL
    return Message.Side.SERVICE if actor.role == Role.OPERATOR else Message.Side.PATIENT


def _add_message(
    actor: Actor, conversation: Conversation, draft: Draft, *, side: str = "", label: str = ""
) -> Message:
    patient, now = conversation.patient, timezone.now()
    message_id = draft.message_id or new_message_id()
    if Message.objects.filter(patient=patient, message_id=message_id).exists():
        raise Conflict("duplicate", _("Ce message a déjà été reçu."))
    message = Message.objects.create(
        conversation=conversation,
        patient=patient,
        side=side or _side(actor),
        author_professional=actor.professional,
        author_user=actor.user,
        author_label=(label or actor.label)[:200],
        channel=draft.channel,
        sealed_body=seal_text(patient, draft.body),
        sealed_html=seal_text(patient, draft.html) if draft.html else None,
        message_id=message_id[:255],
        in_reply_to=draft.in_reply_to[:255],
        asks_reply=draft.asks_reply,
        created_at=now,
    )
    for position, upload in enumerate(draft.uploads):
        _attach(actor, message, upload, position)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    if actor.user is not None:
        Participation.objects.update_or_create(
            conversation=conversation,
            patient_id=conversation.patient_id,
            user=actor.user,
            defaults={"read_until": now},
        )
    _deliver(conversation, message)
    return message


def _attach(actor: Actor, message: Message, upload: Upload, position: int) -> Attachment:
    """The same content checks as a deposit; a professional's typed attachment is deposited too."""
    patient = message.patient
    mime_type = check_content(upload.content, upload.mime_type)
    document = None
    if upload.deposit is not None:
        document = records.deposit_document(actor, patient, upload.content, upload.deposit)
    meta = {"filename": upload.filename[:200] or "piece-jointe", **upload.metadata}
    return Attachment.objects.create(
        message=message,
        patient=patient,
        sealed_meta=seal_json(patient, meta),
        blob_ref=vault.put(patient, upload.content),
        mime_type=mime_type,
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        from_xdm=bool(upload.metadata),
        position=position,
        document=document,
    )


def _deliver(conversation: Conversation, message: Message) -> None:
    """Who hears of a new message: the patient (by their channel, never the content; on paper the message
    itself with a reply slip), or the professional's secure mailbox (a patient's reply goes out by SMTP).
    Queued in the sender's transaction: nothing leaves unless the message was kept."""
    from carnet.messaging import tasks  # tasks call these actions: imported here to break the cycle

    if message.side == Message.Side.PROFESSIONAL:
        _tell_patient(conversation, message)
    elif message.side == Message.Side.PATIENT and conversation.mailbox.address:
        outgoing = OutgoingMail.objects.create(
            message=message, patient_id=message.patient_id, recipient=conversation.mailbox.address
        )
        tasks.send_outgoing_mail.enqueue(outgoing.pk)


def _automatic_notice(conversation: Conversation) -> None:
    """A patient who writes first is told at once when to expect an answer, and whom to call in an
    emergency (beyond MES)."""
    mailbox = conversation.mailbox
    text = _(
        "Votre message a bien été transmis à %(name)s. Réponse habituelle sous %(days)d jours ouvrés. "
        "En cas d'urgence, appelez le 15 (ou le 112) : cette messagerie n'est pas faite pour les urgences."
    ) % {"name": mailbox.name, "days": mailbox.answer_delay_days}
    Message.objects.create(
        conversation=conversation,
        patient=conversation.patient,
        side=Message.Side.SERVICE,
        author_label="carnet",
        sealed_body=seal_text(conversation.patient, text),
        message_id=new_message_id(),
    )


@atomic_action
def open_conversation(actor: Actor, conversation_id) -> Conversation:
    """Read a conversation (journaled like a document read) and mark it read for this person."""
    conversation = (
        Conversation.objects.select_related("patient", "mailbox").filter(pk=conversation_id).first()
    )
    if conversation is None:
        raise NotFound("conversation", _("Conversation introuvable."))
    authorize(actor, P.MESSAGING_CONVERSATION_READ, conversation, hide=True)
    if actor.user is not None:
        Participation.objects.update_or_create(
            conversation=conversation,
            patient_id=conversation.patient_id,
            user=actor.user,
            defaults={"read_until": timezone.now()},
        )
    return conversation


@atomic_action
def archive_conversation(actor: Actor, conversation: Conversation, archived: bool = True) -> Participation:
    """Put a conversation away (or back in the inbox), for this person only."""
    authorize(actor, P.MESSAGING_CONVERSATION_ARCHIVE, conversation)
    participation, _created = Participation.objects.get_or_create(
        conversation=conversation, patient_id=conversation.patient_id, user=actor.user
    )
    participation.archived_at = timezone.now() if archived else None
    participation.save(update_fields=["archived_at"])
    return participation


@atomic_action
def close_conversation(actor: Actor, conversation: Conversation) -> Conversation:
    """The professional or the organisation closes: no more replies; the patient can still read it."""
    authorize(actor, P.MESSAGING_CONVERSATION_CLOSE, conversation)
    conversation.status, conversation.closed_at = Conversation.Status.CLOSED, timezone.now()
    conversation.closed_by = actor.professional
    conversation.save(update_fields=["status", "closed_at", "closed_by"])
    return conversation


@atomic_action
def file_attachment(actor: Actor, attachment: Attachment, title: str = ""):
    """The patient files a received attachment into their record in one action (a patient document,
    titled as received from that professional); filing twice gives the same document."""
    authorize(actor, P.MESSAGING_ATTACHMENT_FILE, attachment)
    if attachment.document_id is not None:
        return attachment.document
    patient = attachment.patient
    content = vault_queries.get(patient, attachment.blob_ref, expected_sha256=attachment.sha256)
    sender = attachment.message.author_label
    meta = DocumentMetadata(
        unique_id=f"urn:uuid:{attachment.pk}",
        type_code="DOCPAT01",
        title=(title.strip() or _("Document reçu de %(who)s") % {"who": sender})[:255],
        care_date=timezone.localdate(attachment.message.created_at),
        mime_type=attachment.mime_type,
    )
    document = records.deposit_document(actor, patient, content, meta)
    Attachment.objects.filter(pk=attachment.pk).update(document=document)
    attachment.document = document
    return document


@atomic_action
def record_paper_reply(actor: Actor, slip_code: str, scan: bytes, mime_type: str = "") -> Message:
    """An operator records the reply slip a patient sent back by post: the scan becomes the patient's reply
    (as an attachment the operator never reads back); the slip's code names the conversation."""
    typed = codes.normalize_code(slip_code)
    written = {typed, codes.grouped(typed)}  # as printed, or an older code without groups
    slip = PaperSlip.objects.select_related("conversation__patient", "conversation__mailbox").filter(
        code__in=written
    )
    slip = slip.first()
    if slip is None:
        raise NotFound("slip", _("Aucun coupon-réponse ne porte ce code."))
    authorize(actor, P.MESSAGING_PAPER_REPLY_RECORD, slip.conversation)
    if slip.used_at is not None:
        raise Conflict("slip-used", _("Ce coupon-réponse a déjà été enregistré."))
    slip.used_at = timezone.now()
    slip.save(update_fields=["used_at"])
    draft = Draft(
        body=_("Réponse reçue par courrier postal (coupon-réponse scanné en pièce jointe)."),
        uploads=[Upload("coupon-reponse", scan, mime_type)],
        channel=Message.Channel.PAPER,
    )
    patient = slip.conversation.patient
    return _add_message(
        actor, slip.conversation, draft, side=Message.Side.PATIENT, label=patient.display_name
    )


def _new_slip(conversation: Conversation) -> PaperSlip:
    """A reply-slip code for a printed message (made with the letter, in its transaction)."""
    code = codes.new_unused_code(lambda c: PaperSlip.objects.filter(code=c).exists())
    return PaperSlip.objects.create(code=code, conversation=conversation, patient_id=conversation.patient_id)


@atomic_action
def receive_mail(mailbox: Mailbox, patient, mail: ParsedMail) -> Message:
    """Secure mail from a mailbox to a patient: threaded by In-Reply-To/References into its conversation
    (refused if that one is closed), else a new conversation (refused without a standing)."""
    actor = mail_actor(mailbox)
    draft = Draft(
        body=mail.text,
        html=mail.html,
        uploads=[Upload(f.filename, f.content, f.mime_type, metadata=f.metadata) for f in mail.files],
        channel=Message.Channel.MAIL,
        message_id=mail.message_id,
        in_reply_to=mail.references[0] if mail.references else "",
    )
    earlier = (
        Message.objects.filter(message_id__in=mail.references, patient=patient, conversation__mailbox=mailbox)
        .select_related("conversation__patient", "conversation__mailbox")
        .first()
    )
    conversation = earlier.conversation if earlier else Conversation(patient=patient, mailbox=mailbox)
    if not (draft.body.strip() or draft.uploads):
        raise Refused("empty", _("Le message est vide."))
    authorize(
        actor,
        P.MESSAGING_MESSAGE_SEND if earlier else P.MESSAGING_CONVERSATION_START,
        conversation,
        detail={"mailbox": mailbox.pk, "channel": "mail"},
    )
    if earlier is not None:
        return _add_message(actor, conversation, draft)
    _start(actor, conversation, mail.subject.strip() or _("(sans objet)"), draft)
    return conversation.messages.get(side=Message.Side.PROFESSIONAL)  # the one the mail made


def _tell_patient(conversation: Conversation, message: Message) -> None:
    """A new message from a professional. By e-mail or SMS only that it came, from whom, and the link;
    for a patient who chose post, the message itself goes to the print queue with a reply slip."""
    patient = conversation.patient
    if channel_for(patient, preference_of(patient)) == "letter":
        _print_letter(conversation, message)
        return
    link = f"{settings.SITE_URL}/patient/messages/{conversation.pk}/"
    notify_patient(
        patient,
        "new-message",
        _("Nouveau message de %(who)s") % {"who": message.author_label},
        _("Vous avez un nouveau message de %(who)s dans votre espace carnet : %(link)s")
        % {"who": message.author_label, "link": link},
    )


def _print_letter(conversation: Conversation, message: Message) -> None:
    """The letter's text is sealed with the patient's key in the print queue: the PDF is made at print
    time, so no message content lies in clear in the database."""
    patient = conversation.patient
    slip = _new_slip(conversation)
    subject = open_text(patient, conversation.sealed_subject)
    queue_letter(
        f"{patient.display_name}\n{patient.address}",
        _("Message de %(who)s (avec coupon-réponse %(code)s)")
        % {"who": message.author_label, "code": slip.code},
        _("Message de messagerie sécurisée (chiffré ; mis en page à l'impression)."),
        patient_id=patient.pk,
        sealed_body=seal_text(patient, compose.letter_text(conversation, message, subject, slip.code)),
    )


@atomic_action
def prepare_outgoing_mail(actor: Actor, outgoing_id: int) -> EmailMessage | None:
    """A patient's reply, as the mail that leaves by SMTP for the professional's secure mailbox (None once
    sent, or without a relay). The task sends it outside any transaction, then records the outcome."""
    outgoing = (
        OutgoingMail.objects.select_related(
            "message__conversation__patient", "message__conversation__mailbox"
        )
        .filter(pk=outgoing_id)
        .first()
    )
    if outgoing is None or outgoing.sent_at is not None or not settings.CARNET_SMTP_RELAY:
        return None
    authorize(actor, P.MESSAGING_MAIL_RELAY, outgoing.message.conversation, detail={"step": "send"})
    return compose.reply_of(outgoing)


@atomic_action
def record_outgoing_mail(actor: Actor, outgoing_id: int, error: str) -> bool:
    """What the relay answered: sent (once: a second worker's success changes nothing), or the error's kind
    kept for the next try. About the service's queue, not the patient's content (no patient journaled)."""
    outgoing = OutgoingMail.objects.filter(pk=outgoing_id).first()
    if outgoing is None:
        return False
    authorize(actor, P.MESSAGING_MAIL_RELAY, outgoing, detail={"step": "sent" if not error else "failed"})
    attempts = outgoing.attempts + 1
    if error:
        OutgoingMail.objects.filter(pk=outgoing.pk).update(attempts=attempts, last_error=error[:200])
        return False
    return bool(
        OutgoingMail.objects.filter(pk=outgoing.pk, sent_at__isnull=True).update(
            sent_at=timezone.now(), attempts=attempts, last_error=""
        )
    )
