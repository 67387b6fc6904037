"""The index over FHIR. ``DocumentReference?event=`` with a CIM-10 or ATC coding: the documents whose index
names that code (or a code under it: an ATC level, a CIM-10 category) as the patient's; only ever added to a
query the policy already filtered (carnet.fhir.documents), so it narrows what the actor may see.
``Condition`` and ``MedicationStatement`` searches: beside the health profile's entries (those the patient
confirmed from the index name their source document), the index's candidates marked unconfirmed, built
from the documents the actor may see only (carnet.indexing.queries)."""

from django.db.models import Q

from carnet.access.actor import Actor
from carnet.fhir import ids
from carnet.indexing import queries
from carnet.indexing.models import Mention
from carnet.indexing.terminology import CONDITION, DRUG, plain

ICD10, ATC = "http://hl7.org/fhir/sid/icd-10", "http://www.whocc.no/atc"
SYSTEMS = {
    ICD10: CONDITION,
    "urn:oid:2.16.840.1.113883.6.3": CONDITION,
    "https://smt.esante.gouv.fr/terminologie-cim-10": CONDITION,
    ATC: DRUG,
    "urn:oid:2.16.840.1.113883.6.73": DRUG,
}
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
UNCONFIRMED = {"system": VERIFICATION, "code": "unconfirmed", "display": "Unconfirmed"}
CONFIRMED = {"system": VERIFICATION, "code": "confirmed", "display": "Confirmed"}
KINDS = {"Condition": CONDITION, "MedicationStatement": DRUG}
CANDIDATE_PREFIX = "index-"


def event_filter(values: list[str]) -> Q:
    """``system|code`` tokens of an indexed system as a filter on documents (matching none if none)."""
    codes = Q(pk__in=[])
    for raw in values:
        for value in raw.split(","):
            system, bar, code = value.partition("|")
            kind = SYSTEMS.get(system.rstrip("/")) if bar else None
            if kind and plain(code):
                codes |= Q(kind=kind, code__startswith=plain(code))
    if codes == Q(pk__in=[]):
        return codes
    mentions = Mention.objects.filter(codes, negated=False, hypothetical=False, family=False)
    return Q(pk__in=mentions.values("document_id"))


def with_candidates(
    actor: Actor, patient, resource_type: str, resources: list[dict], asked: str
) -> list[dict]:
    """The profile's ``resources`` of ``resource_type`` (already policy-filtered), those confirmed from the
    index with their source document, then the index's unconfirmed candidates (``asked``: ``_id``)."""
    kind = KINDS.get(resource_type)
    if kind is None:
        return resources
    sources = queries.confirmed_sources(actor, patient, kind)
    for resource in resources:
        entry = ids.number(resource["id"].removeprefix("profile-"))
        if entry in sources:
            document = sources[entry]
            _cite(resource, [document] if document is not None else [], confirmed=True)
    found = [_candidate(patient, item) for item in queries.candidates(actor, patient, kind)]
    wanted = {value.strip() for value in asked.split(",") if value.strip()}
    return resources + [r for r in found if not wanted or r["id"] in wanted]


def _coding(kind: str, code: str, name: str) -> dict:
    if kind == CONDITION:
        dotted = f"{code[:3]}.{code[3:]}" if len(code) > 3 else code
        return {"system": ICD10, "code": dotted} | ({"display": name} if name else {})
    return {"system": ATC, "code": code} | ({"display": name} if name else {})


def _cite(resource: dict, documents: list, *, confirmed: bool) -> None:
    """The source documents (those the actor may see) and, for a Condition, the verification status."""
    references = [{"reference": f"DocumentReference/{d.pk}"} for d in documents]
    if resource["resourceType"] == "Condition":
        resource["verificationStatus"] = {"coding": [CONFIRMED if confirmed else UNCONFIRMED]}
        if references:
            resource["evidence"] = [{"detail": references}]
    elif references:
        resource["derivedFrom"] = references


def _candidate(patient, item: queries.Candidate) -> dict:
    concept = {"coding": [_coding(item.kind, item.code, item.name)], "text": item.name or item.code}
    base = {
        "id": f"{CANDIDATE_PREFIX}{item.code}",
        "meta": {"tag": [UNCONFIRMED]},
        "subject": {"reference": f"Patient/{patient.pk}"},
    }
    if item.kind == CONDITION:
        resource = {"resourceType": "Condition", **base, "code": concept}
        resource["recordedDate"] = item.last.isoformat()
    else:
        resource = {"resourceType": "MedicationStatement", **base, "status": "unknown"}
        resource |= {"medicationCodeableConcept": concept, "dateAsserted": item.last.isoformat()}
    _cite(resource, item.documents, confirmed=False)
    return resource
