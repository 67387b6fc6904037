"""The index of conditions and drugs found in documents. Clinical data: every row carries the patient,
reads go through the documents the actor may see (queries.py), the sentences are sealed with the patient's
key, and the rows are erased with the record (erasure.py)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carnet.identity.models import Patient
from carnet.records.models import Document, ProfileEntry


class Kind(models.TextChoices):
    CONDITION = "condition", _("maladie")
    DRUG = "drug", _("traitement")


class IndexedDocument(models.Model):
    """A document the pipeline has read, with the version that read it (``carnet reindex`` resumes here)."""

    document = models.OneToOneField(Document, primary_key=True, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    pipeline_version = models.CharField(max_length=64, db_index=True)
    sensitive_category = models.CharField(max_length=32, blank=True)
    indexed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"index of {self.document_id} ({self.pipeline_version})"


class Mention(models.Model):
    """One span of a document naming a condition (CIM-10) or a drug (ATC), with its qualifiers."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="mentions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.CharField(max_length=10, db_index=True)
    negated = models.BooleanField(default=False)
    hypothetical = models.BooleanField(default=False)
    family = models.BooleanField(default=False)
    history = models.BooleanField(default=False)
    start = models.PositiveIntegerField(default=0)
    end = models.PositiveIntegerField(default=0)
    sentence_start = models.PositiveIntegerField(default=0)
    sentence_end = models.PositiveIntegerField(default=0)
    sealed_sentence = models.BinaryField()  # the sentence, then the span, sealed with the patient's key
    source = models.CharField(max_length=4, default="nlp")  # nlp, or cda for a CDA's coded entry
    pipeline_version = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["patient", "kind", "code"], name="mention_patient_code")]

    def __str__(self) -> str:
        return f"{self.kind} {self.code} in {self.document_id}"

    @property
    def affirmed(self) -> bool:
        """Said of the patient: never a negated, hypothetical or a relative's mention."""
        return not (self.negated or self.hypothetical or self.family)


class Review(models.Model):
    """The patient's answer on a code found in their documents: confirmed into the profile, or dismissed."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmé")
        DISMISSED = "dismissed", _("écarté")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.CharField(max_length=10)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    document = models.ForeignKey(Document, null=True, on_delete=models.SET_NULL, related_name="+")
    profile_entry = models.ForeignKey(ProfileEntry, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "kind", "code"], name="one_review_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.kind} {self.code}"
