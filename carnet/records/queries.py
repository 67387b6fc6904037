"""Reads of the record that return only what the actor may see: the policy builds the filter."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from carnet.access.actor import Actor
from carnet.access.decision import AccessDenied
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide, document_filter, profile_kinds
from carnet.journal.chain import record
from carnet.records import codes, search
from carnet.records.models import Document, ProfileEntry, Wish
from carnet.vault import queries as vault

VIEWS = ("history", "medical", "documents")


def visible_documents(actor: Actor, patient) -> QuerySet:
    """Every document of ``patient`` the actor may see (current and past versions), as one query."""
    allowed = document_filter(actor, patient)
    if allowed is None:
        return Document.objects.none()
    return Document.objects.filter(allowed, patient=patient)


def list_documents(
    actor: Actor,
    patient,
    *,
    view: str = "documents",
    type_code: str = "",
    class_code: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    author_id: int | None = None,
    specialty: str = "",
    status: str = Document.Status.CURRENT,
    text: str = "",
) -> QuerySet:
    """The browsing and search of MES's views, filtered by the policy first (counts and pages included).

    The search itself is journaled with the policy's decision (the filter then lists what is allowed).
    """
    record(
        actor,
        P.RECORD_DOCUMENT_SEARCH,
        decide(actor, P.RECORD_DOCUMENT_SEARCH, patient),
        patient=patient,
        resource_type="Patient",
        resource_id=patient.pk,
        detail={"view": view} if view else None,
    )
    documents = visible_documents(actor, patient).select_related("author")
    if status:
        documents = documents.filter(status=status)
    if view == "medical":
        documents = documents.filter(class_code__in=codes.CLINICAL_CLASSES)
    filters = Q()
    if type_code:
        filters &= Q(type_code=type_code)
    if class_code:
        filters &= Q(class_code=class_code)
    if date_from:
        filters &= Q(care_date__gte=date_from)
    if date_to:
        filters &= Q(care_date__lte=date_to)
    if author_id:
        filters &= Q(author_id=author_id)
    if specialty:
        filters &= Q(author__specialty=specialty)
    if text:
        filters &= Q(pk__in=search.matching_document_ids(patient.pk, text))
    return documents.filter(filters)


def get_document(actor: Actor, document_id, *, action: str = P.RECORD_DOCUMENT_READ) -> Document:
    """One document, or Http404 both when it does not exist and when the actor may not know it exists."""
    document = Document.objects.select_related("patient", "author").filter(pk=document_id).first()
    if document is None:
        raise Http404("document")
    try:
        authorize(actor, action, document, hide=True)
    except AccessDenied as denied:
        hidden = Http404("document")
        # journaled even when a transaction rolls back (the gate reads it from any exception)
        hidden.journal_entry = denied.journal_entry  # type: ignore[attr-defined]
        raise hidden from None
    return document


def read_content(actor: Actor, document_id) -> tuple[Document, bytes]:
    """The document and its bytes (decrypted, integrity checked), after the policy said yes."""
    document = get_document(actor, document_id)
    return document, vault.get(document.patient, document.blob_ref, expected_sha256=document.sha256)


def versions_of(actor: Actor, document: Document) -> list[Document]:
    """The chain of versions the actor may see, newest first."""
    chain: list[Document] = []
    current: Document | None = document
    while current is not None:
        chain.append(current)
        current = current.replaces
    newer = Document.objects.filter(replaces=document).first()
    while newer is not None:
        chain.insert(0, newer)
        newer = Document.objects.filter(replaces=newer).first()
    visible = set(
        visible_documents(actor, document.patient)
        .filter(pk__in=[d.pk for d in chain])
        .values_list("pk", flat=True)
    )
    return [d for d in chain if d.pk in visible]


@dataclass(frozen=True)
class ProfileSection:
    """One kind of the health profile, as the policy and the journal see a read of it."""

    patient: object
    profile_kind: str

    @property
    def pk(self) -> str:
        return self.profile_kind


def health_profile(actor: Actor, patient, kind: str = "") -> QuerySet:
    """The profile entries ``actor`` may see (one ``kind``, or all); an app's SMART scopes narrow per kind."""
    authorize(actor, P.RECORD_PROFILE_READ, ProfileSection(patient, kind) if kind else patient)
    entries = ProfileEntry.objects.filter(patient=patient).exclude(
        status=ProfileEntry.Status.ENTERED_IN_ERROR
    )
    kinds = profile_kinds(actor)
    if kinds is not None:
        entries = entries.filter(kind__in=kinds)
    return entries.filter(kind=kind) if kind else entries


def patient_wishes(actor: Actor, patient) -> QuerySet:
    authorize(actor, P.RECORD_WISHES_READ, patient)
    return Wish.objects.filter(patient=patient)
