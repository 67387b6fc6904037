"""Per-patient data keys, stored only wrapped by the key-encryption key (KEK)."""

from django.db import models
from django.utils import timezone


class DataKey(models.Model):
    """One AES-256 key per patient. Erasing ``wrapped`` is the crypto-shred: their blobs become noise."""

    patient_id = models.BigIntegerField(unique=True)
    wrapped = models.BinaryField(null=True)
    kek_id = models.CharField(max_length=32, db_index=True)  # readiness asks the ids in use
    created_at = models.DateTimeField(default=timezone.now)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data key of patient {self.patient_id} ({'destroyed' if self.destroyed_at else self.kek_id})"
