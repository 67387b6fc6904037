"""Research on the record only with each person's consent (beyond MES): off by default, per study or for
every study an ethics committee approved, withdrawn at any time; each extract names who is in it."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.identity.models import Patient

CATEGORIES = {
    "demography": _("année de naissance, sexe et région"),
    "documents": _("types et dates des documents"),
    "profile": _("codes du profil de santé (maladies, traitements, vaccinations, mesures)"),
}


def new_key() -> str:
    return secrets.token_hex(32)


class ResearchChoice(models.Model):
    """A person's general choice; without one, nobody's data is ever used."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="research_choice")
    opted_in = models.BooleanField(_("j'accepte que mes données servent à la recherche"), default=False)
    every_approved_study = models.BooleanField(
        _("pour toute étude approuvée par un comité d'éthique, sans me demander à chaque fois"), default=False
    )
    decided_by = models.CharField(max_length=16)  # the role that chose: patient or representative
    decided_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"research choice of {self.patient_id}"


class Study(models.Model):
    """A study registered by operators: who runs it, who approved it, what it asks for, until when."""

    title = models.CharField(_("titre"), max_length=200)
    sponsor = models.CharField(_("promoteur"), max_length=200)
    approving_body = models.CharField(_("instance d'approbation"), max_length=200)
    approval_reference = models.CharField(_("référence de l'approbation"), max_length=100)
    ethics_approved = models.BooleanField(_("approuvée par un comité d'éthique"), default=False)
    purpose = models.TextField(_("finalité"))
    categories = models.JSONField(default=list)
    period_start = models.DateField(_("données à partir du"))
    period_end = models.DateField(_("données jusqu'au"))
    ends_on = models.DateField(_("fin de l'étude"))
    free_text = models.BooleanField(_("demande aussi les textes libres"), default=False)
    pseudonym_key = models.CharField(max_length=64, default=new_key, editable=False)
    registered_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-registered_at"]
        verbose_name_plural = "studies"

    def __str__(self) -> str:
        return self.title

    def is_running(self, day=None) -> bool:
        return (day or timezone.localdate()) <= self.ends_on


class StudyConsent(models.Model):
    """A person's answer for one study; a withdrawal stops every later extract."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="consents")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="study_consents")
    accepted = models.BooleanField()
    free_text = models.BooleanField(default=False)
    decided_by = models.CharField(max_length=16)
    decided_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["study", "patient"], name="one_answer_per_study")]

    def __str__(self) -> str:
        return f"{self.patient_id} for study {self.study_id}"


class Extract(models.Model):
    """One delivery of pseudonymised data to a study's team."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="extracts")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    content = models.TextField()
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"extract {self.pk} of {self.study}"


class Inclusion(models.Model):
    """Who is in an extract: listed in their space, journaled in their journal."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="inclusions")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="research_inclusions")

    def __str__(self) -> str:
        return f"{self.patient_id} in {self.extract_id}"
