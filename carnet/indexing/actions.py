"""The only code that changes the index: a document read by the pipeline (in the worker), and the
patient's answer about what was found (confirmed into the health profile, or dismissed)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carnet.access.actor import Actor
from carnet.access.gate import atomic_action, authorize
from carnet.access.permissions import Permission as P
from carnet.indexing import extract, pipeline, sealing, terminology
from carnet.indexing.errors import IndexingError
from carnet.indexing.models import IndexedDocument, Kind, Mention, Review
from carnet.indexing.terminology import CONDITION
from carnet.records import actions as records
from carnet.records.content import extract_text
from carnet.records.models import Document, ProfileEntry
from carnet.vault import queries as vault


def index_document(actor: Actor, document_id: str) -> bool:
    """Read one document with the pipeline (CDA coded entries first) and replace its index rows.

    The NLP runs outside any transaction (a deposit never waits for it); the rows, the version and the
    sensitive category proposed from the content are written in one."""
    document = Document.objects.select_related("patient").filter(pk=document_id).first()
    if (
        document is None
        or document.patient.state == document.patient.State.DESTROYED
        or not document.blob_ref
    ):
        return False
    authorize(actor, P.RECORD_DOCUMENT_INDEX, document)  # the worker reads the content: journaled
    content = vault.get(document.patient, document.blob_ref, expected_sha256=document.sha256)
    text = extract_text(content, document.mime_type)
    found = extract.from_cda(content) if document.mime_type == "application/xml" else []
    found += extract.from_text(text) if text.strip() else []
    version = pipeline.version()
    with transaction.atomic():
        _store(actor, document, text, found, version)
    return True


def _store(actor: Actor, document: Document, text: str, found: list, version: str) -> None:
    patient = document.patient
    Mention.objects.filter(document=document).delete()
    Mention.objects.bulk_create(
        Mention(
            patient=patient,
            document=document,
            kind=item.kind,
            code=item.code[:10],
            negated=item.negated,
            hypothetical=item.hypothetical,
            family=item.family,
            history=item.history,
            start=item.start,
            end=item.end,
            sentence_start=item.sentence_start,
            sentence_end=item.sentence_end,
            sealed_sentence=sealing.seal(
                patient, text[item.sentence_start : item.sentence_end] or item.text, item.text
            ),
            source=item.source,
            pipeline_version=version,
        )
        for item in found
    )
    category = next(
        (
            c
            for item in found
            if item.affirmed and (c := terminology.sensitive_category(item.kind, item.code))
        ),
        "",
    )
    IndexedDocument.objects.update_or_create(
        document=document,
        defaults={
            "patient": patient,
            "pipeline_version": version,
            "sensitive_category": category,
            "indexed_at": timezone.now(),
        },
    )
    if category:
        records.propose_sensitive_category(actor, document, category)


@atomic_action
def confirm_finding(actor: Actor, patient, kind: str, code: str) -> Review:
    """The patient confirms a condition or a treatment found in their documents: it enters the health
    profile (a Condition or MedicationStatement with its code and its source document). Nothing else does."""
    authorize(actor, P.RECORD_PROFILE_WRITE, patient, detail={"kind": kind})
    source = _source_mention(actor, patient, kind, code)
    review = Review.objects.filter(patient=patient, kind=kind, code=code).first()
    if review is not None and review.decision == Review.Decision.CONFIRMED:
        raise IndexingError("already_confirmed", _("Cette information est déjà dans votre profil."))
    entry = records.add_profile_entry(
        actor,
        patient,
        kind=ProfileEntry.Kind.CONDITION if kind == CONDITION else ProfileEntry.Kind.TREATMENT,
        label=terminology.name_of(kind, code) or code,
        date=source.document.care_date,
        code=code,
    )
    values = {"decision": Review.Decision.CONFIRMED, "document": source.document, "profile_entry": entry}
    review, _created = Review.objects.update_or_create(
        patient=patient, kind=kind, code=code, defaults={**values, "decided_at": timezone.now()}
    )
    return review


@atomic_action
def dismiss_finding(actor: Actor, patient, kind: str, code: str) -> Review:
    """The patient says a finding is not theirs (or not relevant): it stays out of the profile."""
    authorize(actor, P.RECORD_PROFILE_WRITE, patient, detail={"kind": kind})
    _source_mention(actor, patient, kind, code)
    review, _created = Review.objects.update_or_create(
        patient=patient,
        kind=kind,
        code=code,
        defaults={"decision": Review.Decision.DISMISSED, "decided_at": timezone.now()},
    )
    return review


def _source_mention(actor: Actor, patient, kind: str, code: str) -> Mention:
    """The latest affirmed mention of ``code`` in a document the actor may see, or a refusal."""
    from carnet.indexing.queries import affirmed_mentions  # noqa: PLC0415 - queries import the models

    if kind not in Kind.values:
        raise IndexingError("unknown_kind", _("Type d'information inconnu."))
    found = (
        affirmed_mentions(actor, patient)
        .filter(kind=kind, code=code)
        .select_related("document")
        .order_by("-document__care_date")
        .first()
    )
    if found is None:
        raise IndexingError("not_found", _("Cette information ne figure dans aucun de vos documents."))
    return found
