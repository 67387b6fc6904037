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

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="documents")
    unique_id = models.CharField(_("identifiant unique"), max_length=128, unique=True)
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
    language = models.CharField(max_length=8, default="fr-FR")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.NORMAL)
    hidden_from_patient_until = models.DateTimeField(null=True, blank=True)
    minor_secret = models.BooleanField(default=False)
    sensitive_category = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    depositor = models.CharField(max_length=12, choices=Depositor.choices)
    deposited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    blob_ref = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-care_date", "-created_at"]
        indexes = [models.Index(fields=["patient", "status", "-care_date"], name="document_timeline")]

    def __str__(self) -> str:
        return f"{self.type_code} {self.care_date}"

    @property
    def deposited_by_patient(self) -> bool:
        return self.depositor == self.Depositor.PATIENT
