"""Reads of messaging that return only what the actor may see: the policy builds the list filter, and
single reads are authorized (journaled) one by one. Content is unsealed here, for the page or the API."""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from carnet.access.actor import Actor, Role
from carnet.access.decision import AccessDenied
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.access.policy import conversation_filter, decide
from carnet.journal.actions import record
from carnet.messaging.models import Attachment, Conversation, Mailbox, Message, Participation
from carnet.messaging.sealing import Opener, open_text
from carnet.vault import queries as vault

PAGE = 50
SEARCHED = 1000  # a search reads (and unseals) at most this many of one's latest conversations


@dataclass
class InboxItem:
    conversation: Conversation
    subject: str
    counterpart: str
    unread: bool


@dataclass
class AttachmentView:
    attachment: Attachment
    filename: str
    metadata: dict


@dataclass
class MessageView:
    message: Message
    body: str
    html: str
    attachments: list[AttachmentView] = field(default_factory=list)


def conversations(actor: Actor, *, archived: bool = False) -> QuerySet:
    """Every conversation the actor may list, newest activity first, with their read and archive state."""
    allowed = conversation_filter(actor)
    if allowed is None:
        return Conversation.objects.none()
    mine = Participation.objects.filter(conversation=OuterRef("pk"), user_id=actor.user_id)
    found = (
        Conversation.objects.filter(allowed)
        .select_related("patient", "mailbox")
        .annotate(
            read_until=Subquery(mine.values("read_until")[:1]),
            archived_at=Subquery(mine.values("archived_at")[:1]),
        )
    )
    return found.filter(archived_at__isnull=not archived)


def inbox(actor: Actor, *, archived: bool = False, text: str = "", limit: int = PAGE) -> list[InboxItem]:
    """The inbox (or the archive), searched in subjects and bodies when ``text`` is given: content is
    sealed, so the search unseals the actor's own conversations (bounded) rather than an index."""
    scope = actor.patient if actor.role != Role.PROFESSIONAL else None
    if scope is not None:
        decision = decide(actor, P.MESSAGING_CONVERSATION_SEARCH, scope)
        record(
            actor,
            P.MESSAGING_CONVERSATION_SEARCH,
            decision,
            patient=scope,
            resource_type="Patient",
            resource_id=scope.pk,
        )
    found = list(conversations(actor, archived=archived)[: limit if not text.strip() else SEARCHED])
    opener = Opener()
    subjects = {c.pk: opener.text(c.patient_id, c.sealed_subject) for c in found}
    needle = text.strip().lower()
    if needle:
        matching = {pk for pk, subject in subjects.items() if needle in subject.lower()}
        matching |= _bodies_matching(opener, [c.pk for c in found], needle)
        found = [c for c in found if c.pk in matching]
    return [_item(actor, c, subjects[c.pk]) for c in found[:limit]]


def _bodies_matching(opener: Opener, conversation_ids: list, needle: str) -> set:
    """The conversations one of whose messages says ``needle`` (every body read in one query)."""
    rows = Message.objects.filter(conversation_id__in=conversation_ids).values_list(
        "conversation_id", "patient_id", "sealed_body"
    )
    return {pk for pk, patient_id, body in rows if needle in opener.text(patient_id, body).lower()}


def _item(actor: Actor, conversation: Conversation, subject: str) -> InboxItem:
    read_until = conversation.read_until
    counterpart = (
        conversation.mailbox.name if actor.professional is None else conversation.patient.display_name
    )
    return InboxItem(
        conversation=conversation,
        subject=subject,
        counterpart=counterpart,
        unread=read_until is None or conversation.last_message_at > read_until,
    )


def unread_count(actor: Actor) -> int:
    return sum(1 for item in inbox(actor, limit=PAGE) if item.unread)


def get_conversation(actor: Actor, conversation_id, *, action: str = P.MESSAGING_CONVERSATION_READ):
    """One conversation (the decision journaled), or Http404 when absent or not to be known."""
    conversation = (
        Conversation.objects.select_related("patient", "mailbox").filter(pk=conversation_id).first()
    )
    if conversation is None:
        raise Http404("conversation")
    try:
        authorize(actor, action, conversation, hide=True)
    except AccessDenied:
        raise Http404("conversation") from None
    return conversation


def subject_of(conversation: Conversation) -> str:
    return open_text(conversation.patient, conversation.sealed_subject)


def thread(conversation: Conversation) -> list[MessageView]:
    """The messages of a conversation already authorized for the actor, unsealed, oldest first."""
    patient, opener = conversation.patient, Opener()
    messages = conversation.messages.prefetch_related("attachments").select_related("author_professional")
    views = []
    for message in messages:
        attachments = [
            AttachmentView(a, *_meta(opener, patient, a.sealed_meta)) for a in message.attachments.all()
        ]
        views.append(
            MessageView(
                message,
                opener.text(patient, message.sealed_body),
                opener.text(patient, message.sealed_html),
                attachments,
            )
        )
    return views


def _meta(opener: Opener, patient, sealed) -> tuple[str, dict]:
    meta = opener.json(patient, sealed)
    return meta.pop("filename", "piece-jointe"), meta


def attachment_content(actor: Actor, attachment_id) -> tuple[Attachment, str, bytes]:
    """An attachment's bytes (decrypted, integrity checked), after the policy allowed reading its
    conversation (journaled)."""
    attachment = (
        Attachment.objects.select_related("message__conversation__patient", "message__conversation__mailbox")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404("attachment")
    get_conversation(actor, attachment.message.conversation_id)
    name, _meta_rest = _meta(Opener(), attachment.patient, attachment.sealed_meta)
    return (
        attachment,
        name,
        vault.get(attachment.patient, attachment.blob_ref, expected_sha256=attachment.sha256),
    )


def get_attachment(actor: Actor, attachment_id) -> Attachment:
    attachment = Attachment.objects.select_related("message__conversation__patient").filter(pk=attachment_id)
    attachment = attachment.first()
    if attachment is None:
        raise Http404("attachment")
    get_conversation(actor, attachment.message.conversation_id)
    return attachment


def writable_mailboxes(actor: Actor) -> list[Mailbox]:
    """The mailboxes the patient may write to first: their médecin traitant's, pharmacies, and those that
    accept patients' first messages (each one asked to the policy, without journaling a list)."""
    patient = actor.patient
    if patient is None:
        return []
    candidates = Mailbox.objects.filter(
        Q(kind=Mailbox.Kind.PHARMACY)
        | Q(accepts_patient_messages=True)
        | Q(kind=Mailbox.Kind.PERSONAL, owner_id=patient.gp_id)
    ).select_related("owner")
    return [
        mailbox
        for mailbox in candidates[:200]
        if decide(actor, P.MESSAGING_CONVERSATION_START, Conversation(patient=patient, mailbox=mailbox))
    ]


def mailboxes_of(professional) -> list[Mailbox]:
    return list(Mailbox.objects.filter(Q(owner=professional) | Q(members=professional)).distinct())
