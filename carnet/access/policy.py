"""The policy decision point: the only place that says yes or no about a patient's data.

``decide`` answers for one resource; ``document_filter`` builds the filter that queries apply, so
that searches, counts and every page obey the same rules as single reads.
"""

from django.db.models import Q
from django.utils import timezone

from carnet.access.actor import Actor, Role
from carnet.access.decision import Decision
from carnet.access.models import Grant
from carnet.access.permissions import Permission as P
from carnet.identity.models import Patient
from carnet.records.models import Document, Visibility

READS = {P.RECORD_DOCUMENT_READ, P.RECORD_DOCUMENT_SEARCH, P.RECORD_PROFILE_READ, P.RECORD_WISHES_READ}


def allow(rule: str, reason: str = "allowed") -> Decision:
    return Decision(True, reason, rule)


def deny(rule: str, reason: str) -> Decision:
    return Decision(False, reason, rule)


def patient_of(resource) -> Patient | None:
    if isinstance(resource, Patient):
        return resource
    return getattr(resource, "patient", None)


def decide(actor: Actor, action: str, resource) -> Decision:
    """Deny by default; each rule below may allow or refuse, the first that answers wins."""
    patient = patient_of(resource)
    if patient is None:
        return deny("no-patient", "resource has no patient")
    if patient.state != Patient.State.OPEN:
        return deny("space-not-open", f"space is {patient.state}")
    if actor.role == Role.PATIENT and actor.patient is not None and actor.patient.pk == patient.pk:
        return _decide_patient(resource)
    if actor.role == Role.PROFESSIONAL and actor.professional is not None:
        return _decide_professional(actor, action, patient, resource)
    return deny("default-deny", "no rule allows this actor")


def _decide_patient(resource) -> Decision:
    if isinstance(resource, Document) and _hidden_from_patient(resource):
        return deny("hidden-from-patient", "document held back until an announcement consultation")
    return allow("patient-own-record")


def _hidden_from_patient(document: Document) -> bool:
    until = document.hidden_from_patient_until
    return until is not None and until > timezone.now()


def _decide_professional(actor: Actor, action: str, patient: Patient, resource) -> Decision:
    if action == P.RECORD_DOCUMENT_DEPOSIT:
        return allow("professional-deposit")
    if action not in READS:
        return deny("default-deny", "action not open to professionals")
    professional = actor.professional
    if not _has_grant(patient, professional):
        return deny("no-grant", "no authorisation from the patient")
    if isinstance(resource, Document):
        return _decide_document_for_professional(professional, patient, resource)
    return allow("grant")


def _has_grant(patient: Patient, professional) -> bool:
    if patient.gp_id == professional.pk:
        return True
    now = timezone.now()
    return Grant.objects.filter(
        patient=patient, professional=professional, revoked_at__isnull=True, expires_at__gt=now
    ).exists()


def _decide_document_for_professional(professional, patient: Patient, document: Document) -> Decision:
    if document.author_id == professional.pk:
        return allow("author")
    if document.visibility == Visibility.PRIVATE:
        return deny("private", "the patient keeps this document private")
    if document.visibility == Visibility.MASKED and patient.gp_id != professional.pk:
        return deny("masked", "the patient masked this document from professionals")
    return allow("grant")


def document_filter(actor: Actor, patient: Patient) -> Q | None:
    """The filter a query must apply to list ``patient``'s documents for ``actor``; None means nothing."""
    if decide(actor, P.RECORD_DOCUMENT_SEARCH, patient).allowed is False:
        return None
    if actor.role == Role.PATIENT:
        now = timezone.now()
        return Q(hidden_from_patient_until__isnull=True) | Q(hidden_from_patient_until__lte=now)
    professional = actor.professional
    visible = Q(visibility=Visibility.NORMAL)
    if patient.gp_id == professional.pk:
        visible |= Q(visibility=Visibility.MASKED)
    return visible | Q(author=professional)
