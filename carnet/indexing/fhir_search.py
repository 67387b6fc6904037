"""``DocumentReference?event=`` with a CIM-10 or ATC coding: the documents whose index names that code (or
a code under it: an ATC level, a CIM-10 category) as the patient's. Only ever added to a query the policy
already filtered (carnet.fhir.documents), so it narrows what the actor may see and reveals nothing else."""

from django.db.models import Q

from carnet.indexing.models import Mention
from carnet.indexing.terminology import CONDITION, DRUG, plain

SYSTEMS = {
    "http://hl7.org/fhir/sid/icd-10": CONDITION,
    "urn:oid:2.16.840.1.113883.6.3": CONDITION,
    "https://smt.esante.gouv.fr/terminologie-cim-10": CONDITION,
    "http://www.whocc.no/atc": DRUG,
    "urn:oid:2.16.840.1.113883.6.73": DRUG,
}


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
