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
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.created_at:%Y-%m-%d %H:%M}"
