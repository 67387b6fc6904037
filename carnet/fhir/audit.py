"""The patient's journal as AuditEvents and their access settings as a Consent (each read journaled)."""

from carnet.access.actions import effective_mode
from carnet.access.actor import Actor
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.access.policy import settings_of
from carnet.journal.queries import patient_journal

DCM = "http://dicom.nema.org/resources/ontology/DCM"


def events(actor: Actor, patient) -> list[dict]:
    return [_event(line, patient) for line in patient_journal(actor, patient)]


def _event(line, patient) -> dict:
    return {
        "resourceType": "AuditEvent",
        "id": str(line.seq),
        "type": {"system": DCM, "code": "110110", "display": "Patient Record"},
        "recorded": line.at.isoformat(),
        "outcome": "0" if line.allowed else "4",
        "outcomeDesc": line.what,
        "agent": [
            {
                "who": {"display": line.who},
                "requestor": True,
                **({"role": [{"text": line.profession}]} if line.profession else {}),
            }
        ],
        "source": {"observer": {"display": "carnet"}},
        "entity": [{"what": {"reference": f"Patient/{patient.pk}"}}],
    }


def consent(actor: Actor, patient) -> dict:
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
