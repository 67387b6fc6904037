"""Patient (FR Core: INS-NIR typed identifier, identity reliability, birth name, birthplace) and
Practitioner (RPPS as IDNPS, ADELI): read by id and search by identifier, only for callers the policy lets
see the patient; professionals' directory data is public within the API."""

from django.db.models import Q

from carnet.access.actor import Actor, Role
from carnet.access.decision import AccessDenied
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.fhir import ids, mapping
from carnet.fhir.outcome import FhirError
from carnet.fhir.paging import Query, bundle_of
from carnet.identity.models import Patient, Professional
from carnet.records import queries
from carnet.records.export import general_practitioner

FR_CORE = "https://hl7.fr/ig/fhir/core"
IDNPS = "urn:oid:1.2.250.1.71.4.2.1"
ADELI = "urn:oid:1.2.250.1.71.4.2.1"  # ADELI numbers are IDNPS too, with the prefix 0
PATIENT_PARAMS = {"identifier", "_id"}
PRACTITIONER_PARAMS = {"identifier", "_id", "family", "given", "name"}


def patient_resource(patient: Patient) -> dict:
    resource = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "meta": {"profile": [f"{FR_CORE}/StructureDefinition/fr-core-patient-ins"]},
        "extension": [
            {
                "url": f"{FR_CORE}/StructureDefinition/fr-core-identity-reliability",
                "extension": [
                    {
                        "url": "identityStatus",
                        "valueCoding": {"system": f"{FR_CORE}/CodeSystem/fr-core-cs-v2-0445", "code": "VALI"},
                    }
                ],
            }
        ],
        "identifier": [
            {
                "use": "official",
                "type": {
                    "coding": [{"system": f"{FR_CORE}/CodeSystem/fr-core-cs-v2-0203", "code": "INS-NIR"}]
                },
                "system": mapping.INS_SYSTEM,
                "value": patient.nir,
            }
        ],
        "name": [{"use": "official", "family": patient.birth_name, "given": patient.first_names.split()}],
        "gender": {"F": "female", "M": "male"}.get(patient.sex, "unknown"),
        "birthDate": patient.birth_date.isoformat(),
    }
    if patient.used_name and patient.used_name != patient.birth_name:
        resource["name"].append({"use": "usual", "family": patient.used_name})
    if patient.birthplace_code:
        resource["extension"].append(
            {
                "url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                "valueAddress": {
                    "extension": [
                        {
                            "url": f"{FR_CORE}/StructureDefinition/fr-core-address-insee-code",
                            "valueCoding": {
                                "system": "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM",
                                "code": patient.birthplace_code,
                            },
                        }
                    ]
                },
            }
        )
    return resource | general_practitioner(patient)  # the declared médecin traitant (issue 14)


def practitioner_resource(professional: Professional) -> dict:
    identifiers = []
    if professional.rpps:
        identifiers.append(
            {
                "type": {
                    "coding": [{"system": "http://interopsante.org/CodeSystem/v2-0203", "code": "IDNPS"}]
                },
                "system": IDNPS,
                "value": f"8{professional.rpps}",
            }
        )
        identifiers.append({"system": "urn:oid:1.2.250.1.71.4.2.1.rpps", "value": professional.rpps})
    if professional.adeli:
        identifiers.append({"system": ADELI, "value": f"0{professional.adeli}"})
    return {
        "resourceType": "Practitioner",
        "id": str(professional.pk),
        "identifier": identifiers,
        "name": [{"family": professional.family_name, "given": [professional.given_name]}],
    }


def allowed(actor: Actor, action: str, resource, detail: dict | None = None) -> bool:
    """The policy's answer (journaled) without raising."""
    try:
        authorize(actor, action, resource, detail=detail)
    except AccessDenied:
        return False
    return True


def may_see_patient(actor: Actor, patient: Patient) -> bool:
    """A professional who may read or deposit for the patient, the patient's own app (journaled)."""
    if actor.role == Role.APP:
        return actor.patient is not None and actor.patient.pk == patient.pk
    return any(
        allowed(actor, action, patient, {"fhir": "Patient"})
        for action in (P.RECORD_PROFILE_READ, P.RECORD_DOCUMENT_DEPOSIT)
    )


def read_patient(actor: Actor, patient_id: str) -> Patient:
    """By id, only for who already reaches the record (their own app, a professional who may read the
    profile or sees one of its documents): ids cannot be enumerated to list the population."""
    number = patient_id if ids.number(patient_id) is not None else ""
    patient = Patient.objects.filter(pk=int(number)).first() if number else None
    if patient is None:
        raise FhirError(404, "not-found", "no such resource")
    if actor.role == Role.APP:
        reaches = actor.patient is not None and actor.patient.pk == patient.pk
    else:
        reaches = allowed(actor, P.RECORD_PROFILE_READ, patient, {"fhir": "Patient"}) or (
            queries.visible_documents(actor, patient).exists()
        )
    if not reaches:
        raise FhirError(404, "not-found", "no such resource")
    return patient


def find_patients(actor: Actor, query: Query) -> dict:
    """By INS (any of the INS systems), or ``_id``: only the patients the caller may see."""
    query.check_known(PATIENT_PARAMS)
    if actor.role == Role.APP and not (query.get("identifier") or query.get("_id")):
        candidates = [actor.patient]
    elif query.get("identifier"):
        try:
            candidates = [mapping.resolve_patient(identifier=query.get("identifier"))]
        except FhirError as error:
            if error.status != 404:
                raise
            candidates = []
    elif query.get("_id"):
        candidates = list(Patient.objects.filter(pk__in=ids.numbers(query.get("_id").split(","))))
    else:
        raise FhirError(400, "required", "Patient search needs 'identifier' (INS) or '_id'")
    visible = [patient_resource(p) for p in candidates if may_see_patient(actor, p)]
    return bundle_of(query, visible)


def read_practitioner(practitioner_id: str) -> Professional:
    found = (
        Professional.objects.filter(pk=number).first()
        if (number := ids.number(practitioner_id)) is not None
        else None
    )
    if found is None:
        raise FhirError(404, "not-found", "no such resource")
    return found


def find_practitioners(query: Query) -> dict:
    """By RPPS or IDNPS (``8`` + RPPS), ADELI, name or ``_id``."""
    query.check_known(PRACTITIONER_PARAMS)
    filters = Q()
    if value := query.get("identifier").rpartition("|")[2]:
        rpps = value[1:] if len(value) == 12 and value[0] == "8" else value
        adeli = value[1:] if len(value) == 10 and value[0] == "0" else value
        filters &= Q(rpps=rpps) | Q(adeli=adeli)
    for name, field in (("family", "family_name"), ("given", "given_name"), ("name", "family_name")):
        if query.get(name):
            filters &= Q(**{f"{field}__iexact": query.get(name)})
    if query.get("_id"):
        filters &= Q(pk__in=ids.numbers(query.get("_id").split(",")))
    if not filters:
        raise FhirError(
            400, "required", "Practitioner search needs 'identifier' (RPPS/IDNPS), a name or '_id'"
        )
    found = Professional.objects.filter(filters).order_by("pk")[:100]
    return bundle_of(query, [practitioner_resource(p) for p in found])
