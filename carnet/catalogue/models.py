"""The catalogue of referenced applications: editors' files, operators' reviews, and the period of
referencing that opens (or closes) an OAuth2 application."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import Application

from carnet.catalogue.categories import CATEGORY_CHOICES, THEMES


class Editor(models.Model):
    """A person who speaks for an application's editor (a company, an association, a hospital)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor")
    organisation = models.CharField(_("éditeur"), max_length=200)

    def __str__(self) -> str:
        return self.organisation


class ApplicationFile(models.Model):
    """An editor's application file, from draft to referenced (or refused, suspended, withdrawn)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("en examen")
        REFERENCED = "referenced", _("référencée")
        REFUSED = "refused", _("refusée")
        SUSPENDED = "suspended", _("suspendue")
        WITHDRAWN = "withdrawn", _("retirée")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="app_files")
    name = models.CharField(_("nom de l'application"), max_length=100)
    editor_name = models.CharField(_("éditeur"), max_length=200)
    purpose = models.TextField(_("à quoi sert l'application"))
    theme = models.CharField(_("catégorie"), max_length=20, choices=THEMES)
    retention = models.CharField(_("durée de conservation des données"), max_length=200)
    hds_reference = models.CharField(_("certificat d'hébergeur de données de santé (HDS)"), max_length=200)
    dpia_reference = models.CharField(_("référence de l'analyse d'impact (AIPD)"), max_length=200)
    privacy_notice_url = models.URLField(_("politique de confidentialité"))
    redirect_uris = models.TextField(_("adresses de retour (une par ligne)"))
    jwks_url = models.URLField(_("adresse des clés publiques (JWKS)"), blank=True)
    jwks = models.TextField(_("clés publiques (JWKS, JSON)"), blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    referenced_until = models.DateField(null=True, blank=True)
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="catalogue_file"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_live(self, today=None) -> bool:
        """Referenced and within its period: only then may patients connect it and may it act."""
        today = today or timezone.localdate()
        return self.state == self.State.REFERENCED and (
            self.referenced_until is None or self.referenced_until >= today
        )


class DataRequest(models.Model):
    """One data category the application asks to read or to write, and why."""

    class Mode(models.TextChoices):
        READ = "read", _("lire")
        WRITE = "write", _("écrire")

    file = models.ForeignKey(ApplicationFile, on_delete=models.CASCADE, related_name="requests")
    category = models.CharField(max_length=20, choices=CATEGORY_CHOICES)
    mode = models.CharField(max_length=5, choices=Mode.choices)
    reason = models.CharField(_("pourquoi"), max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file", "category", "mode"], name="one_request_per_category_mode")
        ]

    def __str__(self) -> str:
        return f"{self.mode} {self.category}"


class Review(models.Model):
    """An operator's decision on a file, with the checklist and the reasons (kept for ever)."""

    class Decision(models.TextChoices):
        REFERENCE = "reference", _("référencer")
        REFUSE = "refuse", _("refuser")
        SUSPEND = "suspend", _("suspendre")
        WITHDRAW = "withdraw", _("retirer")

    file = models.ForeignKey(ApplicationFile, on_delete=models.CASCADE, related_name="reviews")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checklist = models.JSONField(default=dict)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reasons = models.TextField(_("motifs"))
    until = models.DateField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.decision} of {self.file_id}"


class Measurement(models.Model):
    """A measurement a connected app (scale, blood pressure monitor, glucose meter) wrote in the record;
    it carries its source app. Kinds, codes and ranges: ``carnet.catalogue.measures``."""

    patient = models.ForeignKey("identity.Patient", on_delete=models.CASCADE, related_name="measurements")
    kind = models.CharField(max_length=20)
    code = models.CharField(max_length=20)
    value = models.DecimalField(max_digits=10, decimal_places=2)
    value2 = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=20)
    effective_at = models.DateTimeField(db_index=True)
    identifier = models.CharField(max_length=200, blank=True)
    source_app = models.CharField(max_length=200)
    source_application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["effective_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "identifier"],
                condition=~models.Q(identifier=""),
                name="one_measurement_per_identifier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of patient {self.patient_id}"
