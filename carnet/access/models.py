"""Who may see a patient's record: grants, blocks, emergency accesses, the matrix, the patient's settings."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.identity.models import Patient, Profession, Professional, User


class PatientAccessSettings(models.Model):
    """The patient's own choices; they always win over the profession matrix."""

    class Mode(models.TextChoices):
        DEFAULT = "", _("réglage du service")
        CONFIRMED = "confirmed", _("je confirme chaque nouvel accès")

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="access_settings")
    grant_mode = models.CharField(max_length=10, choices=Mode.choices, blank=True)
    refuses_emergency = models.BooleanField(_("refuser l'accès en urgence (bris de glace)"), default=False)
    refuses_samu = models.BooleanField(_("refuser l'accès du médecin régulateur du SAMU"), default=False)
    gp_sees_masked = models.BooleanField(_("mon médecin traitant voit les documents masqués"), default=True)
    category_choices = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"access settings of patient {self.patient_id}"


class Grant(models.Model):
    """A professional's authorisation to read a patient's record (declared, or confirmed by the patient)."""

    class Mode(models.TextChoices):
        DECLARED = "declared", _("consentement déclaré par le professionnel")
        CONFIRMED = "confirmed", _("confirmé par le patient")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="grants")
    professional = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="grants")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["patient", "professional"], name="grant_lookup")]

    def __str__(self) -> str:
        return f"{self.professional} → patient {self.patient_id}"


class PresenceCode(models.Model):
    """A one-time code the patient hands a professional in person (confirmed mode)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="presence_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"presence code of patient {self.patient_id}"


class EmergencyCard(models.Model):
    """The wallet card: a link (its QR code) to the professional's access page for this patient, which names
    no one, and a presence code good once. A new card revokes the previous one; the patient may revoke it."""

    class Section(models.TextChoices):
        ALLERGIES = "allergies", _("mes allergies")
        TREATMENTS = "treatments", _("mes traitements en cours")
        WISHES = "wishes", _("mes directives anticipées et mon choix sur le don d'organes")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="emergency_cards")
    token_hash = models.CharField(max_length=64, db_index=True)  # 192 random bits: unique by chance
    code_hash = models.CharField(max_length=64)
    sealed = models.BinaryField()  # the link's token and the code, sealed with the patient's key (reprints)
    sections = models.JSONField(default=list, blank=True)  # the clinical parts the patient chose to print
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    code_used_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"emergency card of patient {self.patient_id}"


class Block(models.Model):
    """A blocked professional has no access at all, even with a grant, even in an emergency."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="blocks")
    professional = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "professional"], name="one_block")]

    def __str__(self) -> str:
        return f"block {self.professional_id} on patient {self.patient_id}"


class ProfessionRule(models.Model):
    """One cell of the profession × document-type matrix: this profession reads this type."""

    profession = models.CharField(max_length=32, choices=Profession.choices)
    type_code = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profession", "type_code"], name="one_rule")]

    def __str__(self) -> str:
        return f"{self.profession} reads {self.type_code}"


class EmergencyAccess(models.Model):
    """A break-the-glass or SAMU access: time-limited, notified, reviewed by operators."""

    class Kind(models.TextChoices):
        GLASS = "glass", _("bris de glace")
        SAMU = "samu", _("médecin régulateur du SAMU")

    class Outcome(models.TextChoices):
        PENDING = "", _("à examiner")
        JUSTIFIED = "justified", _("justifié")
        UNJUSTIFIED = "unjustified", _("injustifié")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="emergency_accesses")
    professional = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    reason_code = models.CharField(max_length=32)
    reason_text = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} on patient {self.patient_id} by {self.professional_id}"


class AccessContest(models.Model):
    """A patient contests an access seen in their journal; operators handle it."""

    class Status(models.TextChoices):
        OPEN = "open", _("en cours")
        CLOSED = "closed", _("traitée")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="contests")
    entry_seq = models.BigIntegerField()
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True)
    handled_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"contest of entry {self.entry_seq}"
