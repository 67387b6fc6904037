"""Who may read a patient's record: grants (consent declared or confirmed)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.identity.models import Patient, Professional


class Grant(models.Model):
    """A professional's authorisation to read a patient's record."""

    class Mode(models.TextChoices):
        DECLARED = "declared", _("consentement déclaré par le professionnel")
        CONFIRMED = "confirmed", _("confirmé par le patient")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="grants")
    professional = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="grants")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["patient", "professional"], name="grant_lookup")]

    def __str__(self) -> str:
        return f"{self.professional} → patient {self.patient_id}"
