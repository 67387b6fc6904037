"""The patient's journal as AuditEvents and their access settings as a Consent (each read journaled)."""

from carnet.access.actions import effective_mode
from carnet.access.actor import Actor
from carnet.access.gate import authorize
from carnet.access.permissions import Permission as P
from carnet.access.policy import settings_of
from carnet.fhir.balp import audit_event
from carnet.identity.models import Professional
from carnet.journal.queries import patient_journal


def events(actor: Actor, patient) -> list[dict]:
    """The patient's journal (one journaled read of it) as BALP AuditEvents, newest first."""
    lines = patient_journal(actor, patient)
    ids = {line.actor_professional_id for line in lines if line.actor_professional_id}
    rpps = dict(Professional.objects.filter(pk__in=ids, rpps__isnull=False).values_list("pk", "rpps"))
    return [audit_event(line, patient, rpps) for line in lines]


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
