"""Reads of the index, each built on the documents the actor may see (the policy's document filter): a
masked, private, held-back or minor-secret document's codes never reach another actor's facets, counts,
suggestions, results or totals, exactly as the document itself does not."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from carnet.access.actor import Actor, Role
from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.indexing import sealing, terminology
from carnet.indexing.models import IndexedDocument, Mention, Review
from carnet.indexing.terminology import CONDITION, DRUG
from carnet.journal.chain import record
from carnet.records.models import Document
from carnet.records.queries import visible_documents


def _journal(actor: Actor, patient, what: str) -> None:
    record(
        actor,
        P.RECORD_DOCUMENT_SEARCH,
        decide(actor, P.RECORD_DOCUMENT_SEARCH, patient),
        patient=patient,
        resource_type="Patient",
        resource_id=patient.pk,
        detail={"index": what},
    )


def _documents(actor: Actor, patient) -> QuerySet:
    return visible_documents(actor, patient).filter(status=Document.Status.CURRENT)


def affirmed_mentions(actor: Actor, patient) -> QuerySet:
    """Mentions said of the patient (not negated, hypothetical or a relative's) in documents actor sees."""
    return Mention.objects.filter(
        patient=patient,
        document__in=_documents(actor, patient).values("pk"),
        negated=False,
        hypothetical=False,
        family=False,
    )


def code_filter(kind: str, value: str) -> Q:
    """A CIM-10 chapter (``IX``), a CIM-10 code or its prefix (``I2``, ``I21``), or an ATC level (``B01``,
    ``B01AC06``): the mentions it selects."""
    value = value.strip()
    if kind == CONDITION and value.upper() in terminology.chapters():
        first, last, _name = terminology.chapters()[value.upper()]
        return Q(kind=CONDITION, code__gte=first, code__lte=f"{last}~")
    return Q(kind=kind, code__startswith=terminology.plain(value))


def documents_about(actor: Actor, patient, *, condition: str = "", drug: str = "") -> QuerySet:
    """The documents actor may see that mention (as the patient's) a condition and/or a drug."""
    found = _documents(actor, patient)
    for kind, value in ((CONDITION, condition), (DRUG, drug)):
        if value.strip():
            mentions = affirmed_mentions(actor, patient).filter(code_filter(kind, value))
            found = found.filter(pk__in=mentions.values("document_id"))
    return found


@dataclass(frozen=True)
class Facet:
    kind: str
    code: str
    name: str
    documents: int


def facets(actor: Actor, patient, kind: str) -> list[Facet]:
    """Each code found in the documents actor may see, with how many of those documents name it."""
    _journal(actor, patient, f"facets-{kind}")
    rows = (
        affirmed_mentions(actor, patient)
        .filter(kind=kind)
        .values("code")
        .annotate(documents=Count("document", distinct=True))
        .order_by("-documents", "code")
    )
    return [
        Facet(kind, row["code"], terminology.name_of(kind, row["code"]), row["documents"]) for row in rows
    ]


def suggestions(actor: Actor, patient, kind: str, prefix: str, limit: int = 10) -> list[str]:
    """Codes starting with ``prefix`` found in the documents actor may see (a search box's suggestions)."""
    codes = (
        affirmed_mentions(actor, patient)
        .filter(kind=kind, code__startswith=terminology.plain(prefix))
        .values_list("code", flat=True)
        .distinct()
        .order_by("code")
    )
    return list(codes[:limit])


@dataclass
class Sentence:
    document: Document
    text: str
    span: str


@dataclass
class StoryItem:
    """One condition or treatment of "Mon histoire de santé", with what stands behind it."""

    kind: str
    code: str
    name: str
    first: datetime.date
    last: datetime.date
    documents: list[Document] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    decision: str = ""
    history: bool = False


def health_story(actor: Actor, patient) -> list[StoryItem]:
    """The conditions and treatments found in the documents actor may see, first and last mention, their
    documents and sentences, and the patient's answer; a negated, hypothetical or relative's mention is
    never one of them."""
    _journal(actor, patient, "story")
    mentions = affirmed_mentions(actor, patient).select_related("document").order_by("document__care_date")
    reviews = {(r.kind, r.code): r.decision for r in Review.objects.filter(patient=patient)}
    read = sealing.opener(patient)
    items: dict[tuple[str, str], StoryItem] = {}
    for mention in mentions:
        day = mention.document.care_date
        item = items.setdefault(
            (mention.kind, mention.code),
            StoryItem(
                mention.kind,
                mention.code,
                terminology.name_of(mention.kind, mention.code),
                day,
                day,
                decision=reviews.get((mention.kind, mention.code), ""),
            ),
        )
        item.last, item.history = day, item.history or mention.history
        if mention.document not in item.documents:
            item.documents.append(mention.document)
        sentence, span = read(mention.sealed_sentence)
        item.sentences.append(Sentence(mention.document, sentence, span))
    return sorted(items.values(), key=lambda item: (item.kind, -item.last.toordinal(), item.code))


def content_reasons(actor: Actor, patient) -> dict:
    """Why documents were proposed masked from their content, for the patient's pages only: {document id:
    category}. Professionals are never told (their pages never call this)."""
    if actor.role not in (Role.PATIENT, Role.REPRESENTATIVE, Role.CAREGIVER):
        return {}
    ids = _documents(actor, patient).values("pk")
    rows = IndexedDocument.objects.filter(patient=patient, document__in=ids).exclude(sensitive_category="")
    return {row.document_id: row.sensitive_category for row in rows}


@dataclass
class Candidate:
    """A condition or treatment the index found as the patient's, that the patient has not answered on:
    unconfirmed, with the documents (that the actor may see) it comes from."""

    kind: str
    code: str
    name: str
    first: datetime.date
    last: datetime.date
    documents: list[Document] = field(default_factory=list)


def candidates(actor: Actor, patient, kind: str) -> list[Candidate]:
    """The codes of ``kind`` found in the documents actor may see and neither confirmed nor dismissed by
    the patient; a negated, hypothetical or relative's mention is never one of them. Not journaled apart:
    the FHIR search it answers is journaled once, as the profile read it extends (one access, one line)."""
    answered = Review.objects.filter(patient=patient, kind=kind).values("code")
    mentions = (
        affirmed_mentions(actor, patient)
        .filter(kind=kind)
        .exclude(code__in=answered)
        .select_related("document")
        .order_by("document__care_date", "document__created_at")
    )
    items: dict[str, Candidate] = {}
    for mention in mentions:
        day = mention.document.care_date
        item = items.setdefault(
            mention.code, Candidate(kind, mention.code, terminology.name_of(kind, mention.code), day, day)
        )
        item.last = day
        if mention.document not in item.documents:
            item.documents.append(mention.document)
    return sorted(items.values(), key=lambda item: item.code)


def confirmed_sources(actor: Actor, patient, kind: str) -> dict[int, Document | None]:
    """{profile entry id: source document} of what the patient confirmed from the index; the document is
    None where actor may not see it (another actor's view never names a document hidden from them)."""
    reviews = Review.objects.filter(
        patient=patient, kind=kind, decision=Review.Decision.CONFIRMED, profile_entry__isnull=False
    ).select_related("document")
    seen = set(
        _documents(actor, patient)
        .filter(pk__in=[r.document_id for r in reviews])
        .values_list("pk", flat=True)
    )
    return {
        r.profile_entry_id: r.document if r.document_id in seen else None
        for r in reviews
        if r.profile_entry_id is not None  # the filter above; said again for the type
    }
