"""The services behind the FHIR endpoints: search parameters, paging, reads and writes (policy first)."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Window

from carnet.access.actor import Actor, Role
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.fhir import mapping
from carnet.fhir.outcome import FhirError
from carnet.journal.queries import patient_journal
from carnet.records import actions, profile, queries
from carnet.records.export import PROFILE_RESOURCES, profile_resource
from carnet.records.models import Document, ProfileEntry

DOCUMENT_PARAMS = {
    "patient",
    "patient.identifier",
    "status",
    "type",
    "category",
    "date",
    "author",
    "setting",
    "_count",
    "_offset",
    "author.family",
    "author.given",
    "identifier",
    "creation",
    "period",
    "security-label",
    "format",
    "facility",
    "event",
    "related",
}
STATUS = {"current": "current", "superseded": "superseded", "entered-in-error": "entered-in-error"}
RESOURCE_KIND = {resource: kind for kind, resource in PROFILE_RESOURCES.items()}


def document_resource(document: Document) -> dict:
    return mapping.with_security_label(document)


def publish(actor: Actor, resource: dict) -> Document:
    if resource.get("resourceType") != "DocumentReference":
        raise FhirError(400, "invalid", "expected a DocumentReference")
    subject = resource.get("subject") or {}
    patient = mapping.resolve_patient(subject.get("reference", ""))
    attachment = ((resource.get("content") or [{}])[0]).get("attachment") or {}
    return actions.deposit_document(
        actor, patient, mapping.attachment_bytes(attachment, {}), mapping.document_metadata(resource)
    )


def _patient_from(actor: Actor, params):
    if actor.role == Role.APP:
        return actor.patient
    if params.get("patient"):
        return mapping.resolve_patient(f"Patient/{params['patient'].rpartition('/')[2]}")
    if params.get("patient.identifier"):
        return mapping.resolve_patient(identifier=params["patient.identifier"])
    raise FhirError(400, "required", "search needs 'patient' or 'patient.identifier'")


def _dates(values: list[str]) -> dict:
    filters = {}
    for value in values:
        prefix, day = (value[:2], value[2:]) if value[:2] in {"ge", "le", "gt", "lt", "eq"} else ("eq", value)
        try:
            parsed = datetime.date.fromisoformat(day[:10])
        except ValueError:
            raise FhirError(400, "invalid", f"date parameter {value!r} is not a date") from None
        key = {
            "ge": "care_date__gte",
            "gt": "care_date__gt",
            "le": "care_date__lte",
            "lt": "care_date__lt",
            "eq": "care_date",
        }[prefix]
        filters[key] = parsed
    return filters


def _count(params) -> tuple[int, int]:
    try:
        count = min(int(params.get("_count", 20)), 100)
        offset = max(int(params.get("_offset", 0)), 0)
    except ValueError:
        raise FhirError(400, "invalid", "_count and _offset must be integers") from None
    return max(count, 1), offset


def find_documents(actor: Actor, params, self_url: str) -> dict:
    """ITI-67: the policy filters the query itself, so totals and every page obey the same rules."""
    unknown = set(params) - DOCUMENT_PARAMS
    if unknown:
        raise FhirError(400, "not-supported", f"unknown search parameter(s): {', '.join(sorted(unknown))}")
    patient = _patient_from(actor, params)
    found = queries.list_documents(actor, patient, status="")
    statuses = [STATUS.get(s) for s in params.get("status", "").split(",") if s]
    if None in statuses:
        raise FhirError(400, "invalid", "status must be current, superseded or entered-in-error")
    filters = {"status__in": statuses} if statuses else {}
    for name, field in (
        ("type", "type_code__in"),
        ("category", "class_code__in"),
        ("setting", "practice_setting__in"),
        ("identifier", "unique_id__in"),
    ):
        if params.get(name):
            filters[field] = [value.rpartition("|")[2] for value in params[name].split(",")]
    if params.get("author"):
        filters["author_id"] = params["author"].rpartition("/")[2]
    if params.get("author.family"):
        filters["author__family_name__iexact"] = params["author.family"]
    found = found.filter(**filters, **_dates(params.getlist("date") if hasattr(params, "getlist") else []))
    count, offset = _count(params)
    ordered = found.annotate(search_total=Window(Count("pk"))).order_by("-care_date", "-created_at")
    page = list(ordered[offset : offset + count])  # the total comes with the page: one round trip
    total = page[0].search_total if page else (found.count() if offset else 0)
    return _searchset(self_url, params, total, count, offset, [document_resource(d) for d in page])


def _searchset(self_url: str, params, total: int, count: int, offset: int, resources: list[dict]) -> dict:
    base = self_url.split("?")[0]
    links = [{"relation": "self", "url": self_url}]
    if offset + count < total:
        query = {k: v for k, v in params.items() if k not in ("_offset",)} | {
            "_offset": offset + count,
            "_count": count,
        }
        links.append({"relation": "next", "url": f"{base}?{urlencode(query)}"})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base.rsplit('/', 1)[0]}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def get_document(actor: Actor, document_id: str) -> Document:
    return queries.get_document(actor, _uuid(document_id))


def _uuid(value: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise FhirError(404, "not-found", "no such resource") from None


def retrieve(actor: Actor, document_id: str):
    return queries.read_content(actor, _uuid(document_id))


def patch(actor: Actor, document_id: str, body: dict) -> Document:
    document = get_document(actor, document_id)
    if body.get("status") == "entered-in-error":
        return actions.withdraw_document(actor, document)
    codes = {c.get("code") for label in body.get("securityLabel") or [] for c in label.get("coding") or []}
    visibility = next(
        (mapping.LABEL_TO_VISIBILITY[c] for c in codes if c in mapping.LABEL_TO_VISIBILITY), None
    )
    if visibility is None:
        raise FhirError(
            422, "invalid", "PATCH supports status=entered-in-error or a securityLabel (N, MASQUE_PS, PRIVE)"
        )
    return actions.set_document_visibility(actor, document, visibility)


def find_patients(actor: Actor, params) -> dict:
    """Patient search by INS identifier: only the patients the caller may see."""
    if not params.get("identifier"):
        raise FhirError(400, "required", "Patient search needs 'identifier' (INS)")
    try:
        patient = mapping.resolve_patient(identifier=params["identifier"])
    except FhirError as error:
        if error.status == 404:
            return _searchset("", {}, 0, 1, 0, [])
        raise
    readable = authorize_quietly(actor, P.RECORD_PROFILE_READ, patient)
    visible = readable or authorize_quietly(actor, P.RECORD_DOCUMENT_DEPOSIT, patient)
    resources = [mapping.patient_resource(patient, with_gp=readable)] if visible else []  # GP: readers only
    return _searchset("", {}, len(resources), 1, 0, resources)


def authorize_quietly(actor: Actor, action: str, resource) -> bool:
    from carnet.access.decision import AccessDenied

    try:
        authorize(actor, action, resource)
    except AccessDenied:
        return False
    return True


def find_other(actor: Actor, resource_type: str, params) -> dict:
    patient = _patient_from(actor, params)
    if resource_type in RESOURCE_KIND:
        entries = queries.health_profile(actor, patient).filter(kind=RESOURCE_KIND[resource_type])
        resources = [profile_resource(e) for e in entries]
    elif resource_type == "AuditEvent":
        resources = [_audit_event(line, patient) for line in patient_journal(actor, patient)]
    elif resource_type == "Consent":
        resources = [_consent(actor, patient)]
    else:
        raise FhirError(404, "not-supported", f"resource type {resource_type} is not served")
    return _searchset("", {}, len(resources), len(resources) or 1, 0, resources)


def _audit_event(line, patient) -> dict:
    return {
        "resourceType": "AuditEvent",
        "id": str(line.seq),
        "type": {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110110"},
        "recorded": line.at.isoformat(),
        "outcome": "0" if line.allowed else "4",
        "outcomeDesc": line.what,
        "agent": [{"who": {"display": line.who}, "requestor": True}],
        "source": {"observer": {"display": "carnet"}},
        "entity": [{"what": {"reference": f"Patient/{patient.pk}"}}],
    }


def _consent(actor: Actor, patient) -> dict:
    from carnet.access.actions import effective_mode
    from carnet.access.policy import settings_of

    authorize(actor, P.JOURNAL_ENTRY_READ, patient, detail={"fhir": "Consent"})
    choices = settings_of(patient)
    return {
        "resourceType": "Consent",
        "id": f"access-{patient.pk}",
        "status": "active",
        "scope": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}
            ]
        },
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"reference": f"Patient/{patient.pk}"},
        "policyRule": {
            "text": f"grant mode {effective_mode(patient)}; emergency "
            f"{'refused' if choices.refuses_emergency else 'allowed'}; SAMU "
            f"{'refused' if choices.refuses_samu else 'allowed'}"
        },
    }


def create_profile_entry(actor: Actor, resource_type: str, body: dict) -> dict:
    if resource_type not in RESOURCE_KIND or body.get("resourceType") != resource_type:
        raise FhirError(400, "invalid", f"cannot create {resource_type} here")
    patient = mapping.resolve_patient((body.get("patient") or body.get("subject") or {}).get("reference", ""))
    concept = body.get("code") or body.get("vaccineCode") or body.get("medicationCodeableConcept") or {}
    label = concept.get("text") or (concept.get("coding") or [{}])[0].get("display")
    day = (body.get("recordedDate") or body.get("occurrenceDateTime") or body.get("effectiveDateTime") or "")[
        :10
    ]
    if not label or not day:
        raise FhirError(422, "required", "a label (code.text) and a date are required")
    entry = profile.add_profile_entry(
        actor,
        patient,
        kind=RESOURCE_KIND[resource_type],
        label=label,
        date=datetime.date.fromisoformat(day),
        value=str(body.get("valueString", ""))[:40],
    )
    return profile_resource(ProfileEntry.objects.get(pk=entry.pk))


def find_lists(actor: Actor, params, self_url: str) -> dict:
    """ITI-66 Find Lists: the submission sets of a patient, each with only the documents the caller may see;
    a set with nothing visible is left out (its existence is not revealed)."""
    from carnet.fhir.models import SubmissionSet

    patient = _patient_from(actor, params)
    code = params.get("code", "submissionset").rpartition("|")[2]
    if code != "submissionset":
        raise FhirError(400, "not-supported", "only code=submissionset lists are served")
    visible = set(queries.list_documents(actor, patient, status="").values_list("pk", flat=True))
    resources = []
    for submission in (
        SubmissionSet.objects.filter(patient=patient).prefetch_related("documents").order_by("-pk")
    ):
        entries = [
            {"item": {"reference": f"DocumentReference/{d.pk}"}}
            for d in submission.documents.all()
            if d.pk in visible
        ]
        if entries:
            resources.append(_list_resource(submission, entries))
    count, offset = _count(params)
    return _searchset(self_url, params, len(resources), count, offset, resources[offset : offset + count])


def _list_resource(submission, entries: list[dict]) -> dict:
    return {
        "resourceType": "List",
        "id": str(submission.pk),
        "status": "current",
        "mode": "working",
        "identifier": [{"value": submission.identifier}] if submission.identifier else [],
        "code": {
            "coding": [
                {
                    "system": "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes",
                    "code": "submissionset",
                }
            ]
        },
        "subject": {"reference": f"Patient/{submission.patient_id}"},
        "date": submission.created_at.isoformat(),
        "entry": entries,
    }
