"""Registered professional software and the context each API token carries (who acts, for which structure)."""

from django.conf import settings
from django.db import models
from oauth2_provider.models import AccessToken, Application

from carnet.identity.models import Professional


class SoftwareClient(models.Model):
    """Professional software registered to call the API with a signed JWT (private_key_jwt)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="software")
    public_key_pem = models.TextField()
    structure = models.CharField(max_length=200, blank=True)
    # Whom the software acts for: the professionals of these structures (FINESS), and these professionals.
    finess = models.JSONField(default=list, blank=True)
    professionals = models.ManyToManyField(Professional, blank=True, related_name="software_clients")

    def __str__(self) -> str:
        return self.application.name

    def serves(self, professional: Professional) -> bool:
        """True if the operator declared this software for the professional or for their structure."""
        if professional.finess and professional.finess in self.finess:
            return True
        return self.professionals.filter(pk=professional.pk).exists()


class AssertionUse(models.Model):
    """A client assertion's ``jti``, kept until the assertion expires: a replay fails in every process and
    after a restart (the review replayed one per worker process with a per-process cache)."""

    client = models.ForeignKey(SoftwareClient, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=200)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "jti"], name="one_use_per_jti")]

    def __str__(self) -> str:
        return f"assertion {self.jti} of client {self.client_id}"


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
    documents = models.ManyToManyField(
        "records.Document", related_name="submission_sets", through="SubmissionSetDocument"
    )
    body = models.JSONField(default=dict, blank=True)  # the producer's List (MHD extensions kept)
    response = models.JSONField(default=dict, blank=True)  # the transaction-response, for a replay

    def __str__(self) -> str:
        return f"submission set {self.pk}"


class Folder(models.Model):
    """An MHD Folder (a List of code ``folder``): documents of one patient grouped under a title, named by
    its uniqueId; ITI-65 creates it or adds documents to it, never removes one."""

    patient = models.ForeignKey("identity.Patient", on_delete=models.CASCADE, related_name="+")
    unique_id = models.CharField(max_length=256)
    title = models.CharField(max_length=500, blank=True)
    documents = models.ManyToManyField(
        "records.Document", related_name="fhir_folders", through="FolderDocument"
    )
    body = models.JSONField(default=dict, blank=True)  # the producer's List (designationType kept)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "unique_id"], name="one_folder_per_unique_id")
        ]

    def __str__(self) -> str:
        return f"folder {self.pk}"


class FolderDocument(models.Model):
    """A document in a Folder; it carries the patient so that it shards with both."""

    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey("records.Document", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey("identity.Patient", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "fhir_folder_documents"
        constraints = [
            models.UniqueConstraint(fields=["patient", "folder", "document"], name="one_document_per_folder")
        ]

    def __str__(self) -> str:
        return f"document {self.document_id} of folder {self.folder_id}"


class SubmissionSetDocument(models.Model):
    """A document provided in a submission set; it carries the patient so that it shards with both."""

    submissionset = models.ForeignKey(SubmissionSet, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey("records.Document", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey("identity.Patient", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "fhir_submissionset_documents"
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "submissionset", "document"], name="one_document_per_submission"
            )
        ]

    def __str__(self) -> str:
        return f"document {self.document_id} of submission set {self.submissionset_id}"


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
    patient = models.ForeignKey("identity.Patient", on_delete=models.CASCADE, related_name="+")
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"stored {self.body.get('resourceType', 'resource')}"


class RedeemedCode(models.Model):
    """An authorization code exchanged for tokens, kept while those tokens live: a replay of the code then
    revokes them (OAuth 2.0 Security BCP, RFC 9700 §4.2.4; RFC 6749 §4.1.2). Only the code's SHA-256."""

    code_digest = models.CharField(max_length=64, db_index=True)  # two rows when two exchanges raced
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    access_token = models.OneToOneField(
        AccessToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_family = models.UUIDField(null=True, blank=True)  # the refresh tokens rotated from the first one
    redeemed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"code redeemed by application {self.application_id}"
