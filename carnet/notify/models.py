"""The outbox: every e-mail, SMS and postal letter carnet sends, kept for operators to see and send."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A message waiting to leave (embedded mode keeps it here; production hands it to a provider)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("courriel")
        SMS = "sms", _("SMS")
        LETTER = "letter", _("courrier postal")

    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=300)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    attachment = models.BinaryField(null=True, blank=True)
    # A clinical letter (a secure message): sealed with the patient's key, laid out at print time.
    sealed_body = models.BinaryField(null=True, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        "PrintBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.created_at:%Y-%m-%d %H:%M}"


class NotificationPreference(models.Model):
    """How a patient wants to hear from carnet: channel, and immediate or a daily digest."""

    class Channel(models.TextChoices):
        AUTO = "", _("automatique (courriel, sinon SMS, sinon courrier)")
        EMAIL = "email", _("courriel")
        SMS = "sms", _("SMS")
        LETTER = "letter", _("courrier postal")

    patient_id = models.BigIntegerField(unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, blank=True)
    daily_digest = models.BooleanField(
        _("un résumé par jour plutôt qu'un message à chaque fois"), default=False
    )

    def __str__(self) -> str:
        return f"preferences of patient {self.patient_id}"


class PendingNotification(models.Model):
    """A notification waiting for the patient's daily digest."""

    patient_id = models.BigIntegerField(db_index=True)
    event = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.event} for patient {self.patient_id}"


class PrintBatch(models.Model):
    """Letters of the print queue gathered into one PDF for the printer; marked printed together."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150)
    count = models.PositiveIntegerField(default=0)
    printed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"print batch {self.pk} ({self.count} letters)"
