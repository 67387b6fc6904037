"""Secure messaging: mailboxes, conversations, messages, attachments, read state (domain.md §6).

Subjects, bodies, file names and attachment metadata are sealed with the patient's key (vault): the rows
hold ciphertext only, and crypto-shredding the patient's key erases them with the rest of the record.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.identity.models import Patient, Professional, User


class Mailbox(models.Model):
    """Where a professional is written to: their own, or an organisation's (a pharmacy, a hospital
    department) with several professionals behind it; ``address`` is its secure-mail (MSSanté) address."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("messagerie personnelle")
        PHARMACY = "pharmacy", _("pharmacie")
        ORGANISATION = "organisation", _("établissement ou service")

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERSONAL)
    name = models.CharField(_("nom"), max_length=200)
    owner = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="owned_mailboxes")
    members = models.ManyToManyField(Professional, blank=True, related_name="mailboxes")
    address = models.EmailField(_("adresse de messagerie sécurisée"), blank=True, db_index=True)
    accepts_patient_messages = models.BooleanField(
        _("les patients peuvent m'écrire les premiers"), default=False
    )
    answer_delay_days = models.PositiveIntegerField(_("délai de réponse habituel (jours)"), default=3)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def has_member(self, professional) -> bool:
        """The owner and the members read and answer the mailbox's conversations."""
        if professional is None:
            return False
        return self.owner_id == professional.pk or self.members.filter(pk=professional.pk).exists()


class Conversation(models.Model):
    """A thread between one patient and one mailbox; the professional side closes it."""

    class Status(models.TextChoices):
        OPEN = "open", _("ouverte")
        CLOSED = "closed", _("close")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="conversations")
    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="conversations")
    sealed_subject = models.BinaryField()
    started_by_patient = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        Professional, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [models.Index(fields=["patient", "-last_message_at"], name="conversation_inbox")]

    def __str__(self) -> str:
        return f"conversation {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Message(models.Model):
    """One message of a conversation; ``message_id`` is its RFC 5322 Message-ID (threading by mail)."""

    class Side(models.TextChoices):
        PATIENT = "patient", _("patient")
        PROFESSIONAL = "professional", _("professionnel")
        SERVICE = "service", _("carnet")

    class Channel(models.TextChoices):
        WEB = "web", _("site")
        MAIL = "mail", _("messagerie sécurisée")
        API = "api", _("logiciel")
        PAPER = "paper", _("courrier postal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=12, choices=Side.choices)
    author_professional = models.ForeignKey(
        Professional, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(max_length=200)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    sealed_body = models.BinaryField()
    sealed_html = models.BinaryField(null=True, blank=True)
    message_id = models.CharField(max_length=255)
    in_reply_to = models.CharField(max_length=255, blank=True)
    asks_reply = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="message_thread")]
        constraints = [models.UniqueConstraint(fields=["patient", "message_id"], name="one_message_id")]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Attachment(models.Model):
    """A file of a message, encrypted in the vault; ``document`` once deposited or filed in the record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    sealed_meta = models.BinaryField()  # JSON: file name, and for XDM documents their metadata
    blob_ref = models.CharField(max_length=64)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    from_xdm = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    document = models.ForeignKey(
        "records.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["message", "position"]

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class Participation(models.Model):
    """One person's state in a conversation: how far they read, whether they archived it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participations")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    read_until = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "conversation", "user"], name="one_participation")
        ]

    def __str__(self) -> str:
        return f"participation of user {self.user_id}"


class OutgoingMail(models.Model):
    """A patient's reply waiting to leave by SMTP for the professional's secure mailbox (a task sends it)."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="outgoing")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    recipient = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"outgoing mail {self.pk}"


class PaperSlip(models.Model):
    """The reply slip printed with a message for a patient who chose post: its code names the conversation
    when an operator records the paper reply."""

    code = models.CharField(max_length=14, db_index=True)  # checked unused when made (actions)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="slips")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"slip {self.code}"
