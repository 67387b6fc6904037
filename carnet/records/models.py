"""What the record holds: documents (IHE XDS/MHD metadata) and their versions."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.identity.models import Patient, Professional, User


class Visibility(models.TextChoices):
    """The patient's three choices (domain.md §4); the API carries the ANS codes."""

    NORMAL = "normal", _("visible selon les règles")
    MASKED = "masked", _("masqué aux professionnels")
    PRIVATE = "private", _("privé (vous et l'auteur seulement)")


class DocumentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(status=Document.Status.CURRENT)


class Document(models.Model):
    """A clinical or administrative document; its content lives encrypted in the vault."""

    class Status(models.TextChoices):
        CURRENT = "current", _("en vigueur")
        SUPERSEDED = "superseded", _("remplacé")
        ENTERED_IN_ERROR = "entered-in-error", _("supprimé")

    class Depositor(models.TextChoices):
        PROFESSIONAL = "professional", _("professionnel")
        PATIENT = "patient", _("patient")
        INSURER = "insurer", _("assurance maladie")
        APP = "app", _("application connectée")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="documents")
    # Unique within a record: a collision with another record's id must not tell that the id exists there.
    unique_id = models.CharField(_("identifiant unique"), max_length=128, db_index=True)
    type_code = models.CharField(_("type (LOINC)"), max_length=20, db_index=True)
    class_code = models.CharField(_("classe"), max_length=10)
    title = models.CharField(_("titre"), max_length=255)
    author = models.ForeignKey(
        Professional, null=True, blank=True, on_delete=models.PROTECT, related_name="authored_documents"
    )
    author_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    care_date = models.DateField(_("date de l'acte"))
    practice_setting = models.CharField(_("cadre d'exercice"), max_length=64, blank=True)
    format_code = models.CharField(_("format"), max_length=128, blank=True)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    sha1_b64 = models.CharField(max_length=28, blank=True)
    language = models.CharField(max_length=8, default="fr-FR")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.NORMAL)
    hidden_from_patient_until = models.DateTimeField(null=True, blank=True)
    hidden_since = models.DateTimeField(null=True, blank=True)
    hidden_notice_sent_at = models.DateTimeField(null=True, blank=True)
    hidden_released_at = models.DateTimeField(null=True, blank=True)
    minor_secret = models.BooleanField(default=False)
    sensitive_category = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    depositor = models.CharField(max_length=12, choices=Depositor.choices)
    deposited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A document a connected app wrote: the app is its author (its name kept if the app is deleted).
    source_app = models.CharField(_("application"), max_length=200, blank=True)
    source_application = models.ForeignKey(
        "oauth2_provider.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    blob_ref = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)  # the number of the newest DocumentVersion
    updated_at = models.DateTimeField(null=True, blank=True)  # when that version was recorded

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-care_date", "-created_at"]
        indexes = [models.Index(fields=["patient", "status", "-care_date"], name="document_timeline")]
        constraints = [
            models.UniqueConstraint(fields=["patient", "unique_id"], name="one_unique_id_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.type_code} {self.care_date}"

    def get_depositor_display(self) -> str:  # type: ignore[no-redef]  # replaces Django's, for apps
        """Who deposited, as pages show it when no professional is the author: an app by its name."""
        if self.depositor == self.Depositor.APP:
            return _("application « %(name)s »") % {"name": self.source_app}
        return str(dict(self.Depositor.choices).get(self.depositor, self.depositor))

    @property
    def deposited_by_patient(self) -> bool:
        return self.depositor == self.Depositor.PATIENT


class DocumentVersion(models.Model):
    """What carnet decided about a document at one time (status and visibility), one row per change: the
    versions the FHIR API serves as ``_history``. The content and the producer's metadata never change."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Document.Status.choices)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    minor_secret = models.BooleanField(default=False)
    hidden_from_patient_until = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "document", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"version {self.number} of {self.document_id}"


class DocumentText(models.Model):
    """The searchable text of a document (title + extracted text). Clinical: erased with the record."""

    document = models.OneToOneField(Document, primary_key=True, on_delete=models.CASCADE, related_name="text")
    patient_id = models.BigIntegerField(db_index=True)
    body = models.TextField()

    def __str__(self) -> str:
        return f"text of {self.document_id}"


class Source(models.TextChoices):
    PATIENT = "patient", _("déclaré par le patient")
    PROFESSIONAL = "professional", _("renseigné par un professionnel")


class ProfileEntry(models.Model):
    """One line of the health profile ("Mon histoire de santé"), with its source and date."""

    class Kind(models.TextChoices):
        CONDITION = "condition", _("maladie ou antécédent")
        ALLERGY = "allergy", _("allergie")
        TREATMENT = "treatment", _("traitement")
        VACCINATION = "vaccination", _("vaccination")
        MEASUREMENT = "measurement", _("mesure")

    class Status(models.TextChoices):
        ACTIVE = "active", _("actif")
        RESOLVED = "resolved", _("terminé")
        ENTERED_IN_ERROR = "entered-in-error", _("supprimé")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="profile_entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    label = models.CharField(_("libellé"), max_length=200)
    code = models.CharField(_("code"), max_length=40, blank=True)
    value = models.CharField(_("valeur"), max_length=40, blank=True)
    unit = models.CharField(_("unité"), max_length=20, blank=True)
    date = models.DateField(_("date"))
    source = models.CharField(max_length=12, choices=Source.choices)
    author = models.ForeignKey(
        Professional, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-date"]

    def __str__(self) -> str:
        return f"{self.kind} {self.date}"

    @property
    def profile_kind(self) -> str:
        """The kind the policy narrows SMART scopes by."""
        return self.kind


class Wish(models.Model):
    """The patient's wishes: advance directives, organ donation, trusted person, emergency contacts."""

    class Kind(models.TextChoices):
        ADVANCE_DIRECTIVES = "advance-directives", _("directives anticipées")
        ORGAN_DONATION = "organ-donation", _("don d'organes")
        TRUSTED_PERSON = "trusted-person", _("personne de confiance")
        EMERGENCY_CONTACT = "emergency-contact", _("personne à prévenir")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="wishes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(_("contenu"), blank=True)
    name = models.CharField(_("nom"), max_length=200, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    organ_donation = models.CharField(_("position sur le don d'organes"), max_length=20, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        Professional, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-updated_at"]

    def __str__(self) -> str:
        return f"{self.kind} of patient {self.patient_id}"
