"""ITI-67 Find Document References: every parameter the MHD Document Responder declares, on the query the
policy filtered (totals and every page obey the same rules), with ``_sort``, ``_include`` and
``_summary=count``. Producer metadata carnet has no column for is searched in the resource kept."""

import datetime

from django.db.models import Count, Q, TextField, Window
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast

from carnet.access.actor import Actor, Role
from carnet.fhir import mapping, people
from carnet.fhir.ids import numbers as plain_numbers
from carnet.fhir.models import StoredResource
from carnet.fhir.outcome import FhirError
from carnet.fhir.paging import Query, searchset
from carnet.identity.models import Professional
from carnet.indexing.fhir_search import event_filter
from carnet.records import queries
from carnet.records.models import Document

PARAMS = {
    "_id",
    "author",
    "author.family",
    "author.given",
    "category",
    "creation",
    "date",
    "event",
    "facility",
    "format",
    "identifier",
    "patient",
    "patient.identifier",
    "period",
    "related",
    "security-label",
    "setting",
    "status",
    "type",
}
STATUSES = {"current", "superseded", "entered-in-error"}
PREFIXES = {"ge": "gte", "gt": "gt", "le": "lte", "lt": "lt", "eq": "exact", "sa": "gt", "eb": "lt"}
SORTS = {"date": "created_at", "period": "care_date", "type": "type_code", "status": "status"}
STORED = "fhir_resource__body__"
# Where the producer's codes sit in the resource kept: the first few elements of each repeated element.
LABEL_PATHS = [f"securityLabel__{i}__coding__{j}__code" for i in range(4) for j in range(2)]
FACILITY_PATHS = [f"context__facilityType__coding__{j}__code" for j in range(2)]
EVENT_PATHS = [f"context__event__{i}__coding__{j}__code" for i in range(4) for j in range(2)]
RELATED_PATHS = [
    f"context__related__{i}__{key}" for i in range(4) for key in ("identifier__value", "reference")
]
LABELS = {"N": Q(), "MASQUE_PS": Q(visibility="masked"), "PRIVE": Q(visibility="private")}


def patient_of(actor: Actor, query: Query):
    """The patient searched: a patient app reads its own patient only (naming another is refused, without
    saying whether that other patient exists)."""
    reference = query.get("patient").rpartition("/")[2]
    identifier = query.get("patient.identifier") or query.get("subject.identifier")
    if actor.role == Role.APP:
        own = actor.patient
        if (reference and reference != str(own.pk)) or (
            identifier and identifier.rpartition("|")[2] != own.nir
        ):
            raise FhirError(403, "forbidden", "a patient app reads the record of its own patient only")
        return own
    if reference:
        return mapping.resolve_patient(f"Patient/{reference}")
    if identifier:
        return mapping.resolve_patient(identifier=identifier)
    raise FhirError(400, "required", "search needs 'patient' or 'patient.identifier'")


def _tokens(query: Query, name: str) -> list[str]:
    return [value.rpartition("|")[2] for raw in query.getlist(name) for value in raw.split(",") if value]


def _date_filter(values: list[str], field: str) -> Q:
    filters = Q()
    for value in values:
        prefix, day = (value[:2], value[2:]) if value[:2] in PREFIXES else ("eq", value)
        try:
            parsed = datetime.date.fromisoformat(day[:10])
        except ValueError:
            raise FhirError(400, "invalid", f"date parameter {value!r} is not a date") from None
        filters &= Q(**{f"{field}__{PREFIXES[prefix]}": parsed})
    return filters


def _text_date_filter(values: list[str], field: str) -> Q:
    """A date kept in the producer's resource (ISO text): compared as text, which orders ISO dates."""
    filters = Q()
    for value in values:
        prefix, day = (value[:2], value[2:]) if value[:2] in PREFIXES else ("eq", value)
        try:
            datetime.date.fromisoformat(day[:10])
        except ValueError:
            raise FhirError(400, "invalid", f"date parameter {value!r} is not a date") from None
        lookup = {"gte": "gte", "gt": "gt", "lte": "lt", "lt": "lt", "exact": "startswith"}[PREFIXES[prefix]]
        bound = day[:10] + ("~" if prefix == "le" else "")  # '~' sorts after any time of that day
        filters &= Q(**{f"{field}__{lookup}": bound})
    return filters


def _stored_token(values: list[str], *paths: str) -> Q:
    filters = Q(pk__in=[])
    for value in values:
        for path in paths:
            filters |= Q(**{f"{STORED}{path}": value})
    return filters


def _filters(query: Query) -> Q:
    filters = Q()
    statuses = _tokens(query, "status")
    if set(statuses) - STATUSES:
        raise FhirError(400, "invalid", "status must be current, superseded or entered-in-error")
    for name, field in (
        ("status", "status"),
        ("type", "type_code"),
        ("setting", "practice_setting"),
        ("identifier", "unique_id"),
    ):
        if values := _tokens(query, name):
            filters &= Q(**{f"{field}__in": values})
    if values := _tokens(query, "category"):
        filters &= Q(class_code__in=values) | _stored_token(values, "category__0__coding__0__code")
    if values := _tokens(query, "_id"):
        filters &= Q(pk__in=[mapping.uuid_or_none(v) for v in values if mapping.uuid_or_none(v)])
    if values := [v.rpartition("/")[2] for v in query.getlist("author")]:
        filters &= Q(author_id__in=plain_numbers(values))
    if value := query.get("author.family"):
        filters &= Q(author__family_name__iexact=value)
    if value := query.get("author.given"):
        filters &= Q(author__given_name__iexact=value)
    if values := _tokens(query, "security-label"):
        filters &= _labels(values)
    if values := _tokens(query, "format"):
        filters &= Q(format_code__in=values) | _stored_token(values, "content__0__format__code")
    if values := _tokens(query, "facility"):
        filters &= _stored_token(values, *FACILITY_PATHS)
    if values := _tokens(query, "event"):  # the producer's codes, or CIM-10/ATC codes found in the text
        filters &= _stored_token(values, *EVENT_PATHS) | event_filter(query.getlist("event"))
    if values := query.getlist("related"):
        ids = [v.rpartition("|")[2] for v in values]
        filters &= _stored_token(ids, *RELATED_PATHS) | Q(
            replaces_id__in=[mapping.uuid_or_none(v.rpartition("/")[2]) for v in values]
        )
    filters &= _date_filter(query.getlist("date"), "created_at__date")
    filters &= _date_filter(query.getlist("period"), "care_date")
    if values := query.getlist("creation"):
        filters &= _text_date_filter(values, "creation_text")
    return filters


def _labels(values: list[str]) -> Q:
    filters = Q()
    for code in values:
        if code == "INVISIBLE_REPRESENTANTS_LEGAUX":
            filters &= Q(minor_secret=True)
        elif code in LABELS:
            filters &= LABELS[code]
        else:  # a label of another system, as the producer gave it
            filters &= _stored_token([code], *LABEL_PATHS)
    return filters


def _order(query: Query) -> list[str]:
    order = []
    for name in query.get("_sort").split(","):
        field = SORTS.get(name.lstrip("-"))
        if field:
            order.append(("-" if name.startswith("-") else "") + field)
    return order or ["-care_date", "-created_at"]


def find_documents(actor: Actor, query: Query) -> dict:
    query.check_known(PARAMS)
    patient = patient_of(actor, query)
    found = queries.list_documents(actor, patient, status="")
    if query.getlist("creation"):
        found = found.alias(creation_text=_creation_text())
    found = found.filter(_filters(query))
    count, offset = query.page()
    if query.summary_count:
        return searchset(query, found.count(), [], patient_id=patient.pk)
    ordered = found.annotate(search_total=Window(Count("pk"))).order_by(*_order(query), "pk")
    page = list(ordered.select_related("fhir_resource")[offset : offset + count])
    total = page[0].search_total if page else (found.count() if offset else 0)
    resources = [mapping.document_resource(d, stored_body(d)) for d in page]
    return searchset(query, total, resources, patient_id=patient.pk, included=_included(query, patient, page))


def _creation_text():
    """``content[0].attachment.creation`` of the producer's resource, as text (KT cannot cross a relation)."""
    node = KeyTransform("content", "fhir_resource__body")
    for key in ("0", "attachment"):
        node = KeyTransform(key, node)
    return Cast(KeyTextTransform("creation", node), TextField())


def stored_body(document: Document) -> dict | None:
    try:
        return document.fhir_resource.body
    except StoredResource.DoesNotExist:
        return None


def _included(query: Query, patient, page: list[Document]) -> list[dict]:
    includes = set(query.getlist("_include"))
    included = []
    if includes & {"DocumentReference:subject", "DocumentReference:patient", "*"} and page:
        included.append(people.patient_resource(patient))
    if includes & {"DocumentReference:author", "*"}:
        authors = Professional.objects.filter(pk__in={d.author_id for d in page if d.author_id})
        included += [people.practitioner_resource(p) for p in authors]
    return included
