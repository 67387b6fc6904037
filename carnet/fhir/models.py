"""Registered professional software and the context each API token carries (who acts, for which structure)."""

from django.db import models
from oauth2_provider.models import AccessToken, Application

from carnet.identity.models import Professional


class SoftwareClient(models.Model):
    """Professional software registered to call the API with a signed JWT (private_key_jwt)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="software")
    public_key_pem = models.TextField()
    structure = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.application.name


class TokenContext(models.Model):
    """What a token stands for: the acting professional (DMP indirect authentication) or a patient app."""

    token = models.OneToOneField(AccessToken, on_delete=models.CASCADE, related_name="carnet_context")
    professional = models.ForeignKey(
        Professional, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    structure = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"context of token {self.token_id}"


class SubmissionSet(models.Model):
    """An ITI-65 submission set (the SubmissionSet List): which documents were provided together, by whom."""

    patient = models.ForeignKey("identity.Patient", on_delete=models.CASCADE, related_name="+")
    identifier = models.CharField(max_length=128, blank=True)
    professional = models.ForeignKey(
        Professional, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    documents = models.ManyToManyField("records.Document", related_name="submission_sets")
    body = models.JSONField(default=dict, blank=True)  # the producer's List (MHD extensions kept)
    response = models.JSONField(default=dict, blank=True)  # the transaction-response, for a replay

    def __str__(self) -> str:
        return f"submission set {self.pk}"


class StoredResource(models.Model):
    """The producer's resource as deposited (its canonical JSON after R4B validation): served back with the
    producer's metadata and profile codings kept, carnet's own fields (id, status, visibility, content URL)
    laid over it. One per document or health-profile line that came through the API."""

    document = models.OneToOneField(
        "records.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="fhir_resource"
    )
    profile_entry = models.OneToOneField(
        "records.ProfileEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="fhir_resource"
    )
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"stored {self.body.get('resourceType', 'resource')}"
